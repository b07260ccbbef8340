"""The member table, specified once: which columns, their French headers, how a value reads
and how wide it is. The grid, the CSV and Excel downloads and the PDF list all come from here.

Adding a column is one `Column` in `MEMBER_COLUMNS`. The extra columns of the member file
(adhesion year, elected representative...) follow, under their own header, in the grid and the
downloads.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from geodata import DEPARTEMENT, REGION, get_reference
from geodata import schema as S
from geodata.kinds import KIND_BY_ID, KIND_LABELS_SINGULAR

from .labels import format_population
from .selection import extra_columns, list_years, search_key


def _text(value) -> str:
    return "" if S.is_missing(value) else str(value)


@dataclass(frozen=True)
class Column:
    """One column of the member table."""

    id: str                  # key of the grid row and of the frame built by member_frame()
    header: str              # French header, everywhere
    value: Callable[[pd.DataFrame], pd.Series]   # the column's values, from the members
    text: Callable[[object], str] = _text         # how a value reads (grid, PDF)
    width: float = 1.0       # relative width (grid flex, PDF column width)
    numeric: bool = False    # right-aligned, sorted as a number
    in_grid: bool = True
    in_files: bool = True    # CSV and Excel downloads (raw values, so numbers stay numbers)
    in_pdf: bool = True


def _names(level: str) -> Callable[[pd.DataFrame], pd.Series]:
    return lambda members: members[S.DEPARTEMENT if level == DEPARTEMENT else S.REGION].map(
        get_reference().names(level)).fillna("")


MEMBER_COLUMNS = (
    Column("nom", "Collectivité", lambda m: m[S.NAME], width=3),
    Column("type", "Type", lambda m: m[S.KIND].map(KIND_LABELS_SINGULAR).fillna(""), width=2),
    Column("code", "Code officiel", lambda m: m[S.CODE], width=1.2),
    Column("departement", "Département", _names(DEPARTEMENT), width=1.6),
    Column("region", "Région", _names(REGION), width=1.8),
    Column("population", "Population", lambda m: m[S.POPULATION],
           text=lambda v: format_population(v, unit=False), width=1.1, numeric=True,
           in_pdf=False),
    Column("nom_saisi", "Nom dans la liste", lambda m: m[S.INPUT_NAME], width=2,
           in_grid=False, in_pdf=False),
    Column("ligne", "Ligne du fichier", lambda m: m[S.ROW], width=0.8, numeric=True,
           in_grid=False, in_pdf=False),
)


# The PDF list has room for a few of the file's own columns, each cell cut to two lines.
PDF_EXTRAS = 3
PDF_EXTRA_CHARS = 30
PDF_EXTRA_WIDTH = 1.3


def member_frame(members: pd.DataFrame, where: str) -> pd.DataFrame:
    """The table of the members for one output ('grid', 'files' or 'pdf'), French headers,
    raw values; the extra columns of the file follow (in the PDF, the first PDF_EXTRAS)."""
    columns = [c for c in MEMBER_COLUMNS if getattr(c, f"in_{where}")]
    frame = pd.DataFrame({c.header: c.value(members).values for c in columns},
                         index=members.index)
    extras = extra_columns(members)[:PDF_EXTRAS] if where == "pdf" else extra_columns(members)
    # The file's own columns keep their header, even one we also use ("Population").
    return pd.concat([frame, members[extras].rename(columns=S.extra_header)], axis=1)


def _short(value) -> str:
    text = " ".join(_text(value).split())
    return text if len(text) <= PDF_EXTRA_CHARS else text[:PDF_EXTRA_CHARS - 1] + "…"


def pdf_table(members: pd.DataFrame) -> tuple[dict[str, list[str]], list[float]]:
    """({header: texts}, relative widths) of the PDF list: the table's columns, then the
    person's own (élu référent, année d'adhésion...); one of these named like ours
    ("Collectivité") is told apart as the list's."""
    columns = [c for c in MEMBER_COLUMNS if c.in_pdf]
    frame = member_frame(members, "pdf")
    texts = {c.header: [c.text(v) for v in frame.iloc[:, i]] for i, c in enumerate(columns)}
    for i in range(len(columns), frame.shape[1]):
        header = frame.columns[i]
        while header in texts:
            header = f"{header} (liste)"
        texts[header] = [_short(v) for v in frame.iloc[:, i]]
    return texts, [c.width for c in columns] + [PDF_EXTRA_WIDTH] * (len(texts) - len(columns))


# -- the grid (AG Grid column definitions and rows, plain dicts) --------------------------------

# The symbol column shows the kind's character, coloured. Its value is the kind itself: a row
# whose kind changes (another list, a person's choice) has a new value, so AG Grid draws the
# cell again with its colour; with the character as value, two kinds drawn with the same
# character (●) kept the colour of the first.
SYMBOL_CHARACTERS = json.dumps({record.id: record.char for record in KIND_BY_ID.values()},
                               ensure_ascii=False)


def extra_field(members: pd.DataFrame, header: str) -> str:
    """The field of the grid's rows holding the list's column of this name."""
    return f"extra_{extra_columns(members).index(S.extra_key(header))}"


def grid_rows(members: pd.DataFrame) -> list[dict]:
    """One dict per member (its id, 'row', is its line in the member file)."""
    columns = [c for c in MEMBER_COLUMNS if c.in_grid]
    values = {c.id: c.value(members).tolist() for c in columns}
    extras = {extra_field(members, S.extra_header(key)): members[key].tolist()
              for key in extra_columns(members)}
    # Not shown: what the browser filters the rows by (assets/filters.js).
    filters = {"_region": members[S.REGION].fillna("").tolist(),
               "_departement": members[S.DEPARTEMENT].fillna("").tolist(),
               "_search": search_key(members).tolist(),
               "_year": [None if pd.isna(y) else int(y) for y in list_years(members)]}
    rows = []
    for i, (row, kind_id) in enumerate(zip(members[S.ROW], members[S.KIND], strict=True)):
        record = {"row": str(row), "kind": kind_id,
                  **{field: value[i] for field, value in filters.items()}}
        for column in columns:
            value = values[column.id][i]
            record[column.id] = None if column.numeric and _text(value) == "" else (
                int(value) if column.numeric else _text(value))
            if column.numeric:
                record[f"{column.id}_texte"] = column.text(value)
        record.update({field: _text(value[i]) for field, value in extras.items()})
        rows.append(record)
    return rows


# A column colouring the members: its cells in their value's colour, right after the symbol.
# The browser gives each row its class ("0002|Oui": the class first, so that a cell whose
# class changes is drawn again, and sorting follows the legend) and its colours (filters.js
# colouredRows).
COLOURED_CELL = {"function": "params.data._couleur ? {backgroundColor: params.data._couleur, "
                             "color: params.data._encre} : null"}
COLOURED_TEXT = {"function": "params.value ? params.value.slice(params.value.indexOf('|') + 1) "
                             ": ''"}


def grid_columns(members: pd.DataFrame, coloured_by: str | None = None) -> list[dict]:
    """The grid's column definitions: the kind's symbol, the column colouring the members if
    any (coloured_by: its header), the table's columns, the list's other columns."""
    symbol_style = {"styleConditions": [
        {"condition": f"params.data.kind === '{record.id}'", "style": {"color": record.color}}
        for record in KIND_BY_ID.values()]}
    definitions = [{"field": "kind", "colId": "symbole", "headerName": "", "width": 46,
                    "maxWidth": 46, "minWidth": 46, "sortable": False, "filter": False,
                    "valueFormatter": {"function": f"({SYMBOL_CHARACTERS})[params.value]"},
                    "cellStyle": symbol_style}]
    if coloured_by:
        definitions.append({"field": "_valeur", "colId": f"couleur:{coloured_by}",
                            "headerName": coloured_by, "flex": 1.2, "minWidth": 130,
                            "valueFormatter": COLOURED_TEXT, "cellStyle": COLOURED_CELL})
    for column in (c for c in MEMBER_COLUMNS if c.in_grid):
        definition = {"field": column.id, "headerName": column.header, "flex": column.width,
                      "minWidth": max(90, round(60 * column.width))}
        if column.numeric:
            definition.update({
                "type": "numericColumn", "filter": "agNumberColumnFilter",
                "valueFormatter": {"function": f"params.data.{column.id}_texte"}})
        definitions.append(definition)
    for key in extra_columns(members):
        if S.extra_header(key) == coloured_by:
            continue
        definitions.append({"field": extra_field(members, S.extra_header(key)),
                            "headerName": S.extra_header(key),
                            "flex": 1, "minWidth": 120})
    return definitions
