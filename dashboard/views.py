"""What the page shows for a selection: header counts, table rows, detail card, upload report.

Pure functions of data (no Dash callback machinery), called by the callbacks and the tests.
"""

import pandas as pd
from dash import dcc, html

from geodata import COMMUNE, EPCI, lookup
from geodata import schema as S
from geodata.levels import KIND_LABELS, KIND_LABELS_SINGULAR
from geodata.members import summary
from geodata.resolve import parse_candidates

from . import ids
from .figures import extra_columns, legend_counts
from .layout import SYMBOL_CHARS, kind_symbol
from .legend import KIND_STYLES
from .names import departement_names, region_names


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n > 1 else ''}"


def header_counts(selected: pd.DataFrame) -> list:
    """'37 adhérents' then one badge per kind, in legend order."""
    counts = legend_counts(selected)
    badges = [html.Span(className="count-total", children=_plural(len(selected), "adhérent"))]
    for kind, n in counts.items():
        badges.append(html.Span(className="count-kind", title=KIND_LABELS[kind],
                                children=[kind_symbol(kind), f" {n} {KIND_LABELS[kind].lower()}"
                                          if n > 1 else
                                          f" 1 {KIND_LABELS_SINGULAR[kind].lower()}"]))
    return badges


def _format_population(value) -> str:
    if value is None or pd.isna(value):
        return ""
    return f"{int(value):,}".replace(",", "\u202f")


def table_rows(selected: pd.DataFrame) -> list[dict]:
    """One dict per member for the grid (its id is the row number in the member file)."""
    deps, regs = departement_names(), region_names()
    extras = extra_columns(selected)
    rows = []
    for record in selected.to_dict("records"):
        style = KIND_STYLES.get(record[S.KIND])
        row = {"row": str(record[S.ROW]), "symbole": SYMBOL_CHARS.get(style.symbol, "●"),
               "kind": record[S.KIND],
               "nom": record[S.NAME], "type": KIND_LABELS_SINGULAR.get(record[S.KIND], ""),
               "departement": deps.get(record[S.DEPARTEMENT], ""),
               "region": regs.get(record[S.REGION], ""),
               "population": None if pd.isna(record[S.POPULATION]) else int(record[S.POPULATION]),
               "code": record[S.CODE]}
        for i, column in enumerate(extras):
            value = record.get(column)
            row[f"extra_{i}"] = "" if value is None or pd.isna(value) else str(value)
        rows.append(row)
    return rows


def table_columns(members: pd.DataFrame) -> list[dict]:
    symbol_style = {"styleConditions": [
        {"condition": f"params.data.kind === '{kind}'", "style": {"color": style.color}}
        for kind, style in KIND_STYLES.items()]}
    columns = [
        {"field": "symbole", "headerName": "", "width": 46, "maxWidth": 46, "minWidth": 46,
         "sortable": False, "filter": False, "cellStyle": symbol_style},
        {"field": "nom", "headerName": "Collectivité", "flex": 2, "minWidth": 180},
        {"field": "type", "headerName": "Type", "flex": 1, "minWidth": 150},
        {"field": "departement", "headerName": "Département", "flex": 1},
        {"field": "region", "headerName": "Région", "flex": 1},
        {"field": "population", "headerName": "Population", "type": "numericColumn",
         "filter": "agNumberColumnFilter", "width": 120,
         "valueFormatter": {"function": "params.value == null ? '' : "
                                        "params.value.toLocaleString('fr-FR')"}},
        {"field": "code", "headerName": "Code", "width": 120},
    ]
    for i, column in enumerate(extra_columns(members)):
        columns.append({"field": f"extra_{i}", "headerName": column, "flex": 1,
                        "minWidth": 120, "hide": False})
    return columns


def _link_or_text(value: str):
    if value.startswith(("http://", "https://")):
        return html.A(value, href=value, target="_blank", rel="noopener noreferrer")
    return value


def detail_card(members: pd.DataFrame, row: int | None):
    """The card of the selected member: all its attributes, its parents, its source link."""
    if row is None:
        return html.P("Cliquez sur une collectivité de la carte ou du tableau pour voir sa fiche.",
                      className="hint")
    found = members[members[S.ROW] == row]
    if found.empty:
        return html.P("Cette collectivité n'est pas dans la sélection.", className="hint")
    member = found.iloc[0]
    deps, regs = departement_names(), region_names()
    facts = [("Type", KIND_LABELS_SINGULAR.get(member[S.KIND], "")),
             ("Code officiel", member[S.CODE]),
             ("Département", deps.get(member[S.DEPARTEMENT], "")),
             ("Région", regs.get(member[S.REGION], "")),
             ("Population", _format_population(member[S.POPULATION]))]
    if member[S.LEVEL] == COMMUNE:
        epci = lookup(COMMUNE, member[S.CODE])["epci"]
        if epci:
            facts.insert(2, ("Intercommunalité", lookup(EPCI, epci)["nom"]))
    if member[S.LEVEL] == EPCI:
        facts.insert(2, ("Communes", str(lookup(EPCI, member[S.CODE])["n_communes"])))
    facts.append(("Nom dans la liste", f"{member[S.INPUT_NAME]} (ligne {member[S.ROW]})"))
    for column in extra_columns(members):
        value = member[column]
        if value is not None and not pd.isna(value) and str(value).strip():
            facts.append((column, _link_or_text(str(value))))
    if member[S.MESSAGE]:
        facts.append(("Remarque", member[S.MESSAGE]))
    return html.Div([
        html.H3([kind_symbol(member[S.KIND]), " ", member[S.NAME]]),
        html.Dl([item for label, value in facts if value
                 for item in (html.Dt(label), html.Dd(value))]),
    ])


def upload_report(resolved: pd.DataFrame, filename: str):
    """What became of each row of an uploaded list, with a way to choose among candidates."""
    counts = summary(resolved)["status"]
    # Rows a person should look at: not placed, or matched with a remark (a fuzzy match, an
    # outdated kind, a code that disagrees with the name).
    matched_with_remark = (resolved[S.STATUS] == S.MATCHED) & (resolved[S.MESSAGE] != "")
    problems = resolved[~resolved[S.STATUS].isin([S.MATCHED, S.PLACED]) | matched_with_remark]
    lines = [html.Li(f"{S.STATUS_LABELS[status].capitalize()} : {n}")
             for status, n in counts.items() if n]
    children = [
        html.H2(f"Rapport de rapprochement : « {filename} »"),
        html.Ul(lines, className="report-counts"),
    ]
    if not problems.empty:
        items = []
        for record in problems.to_dict("records"):
            choices = parse_candidates(record[S.CANDIDATES])
            body = [html.Strong(f"Ligne {record[S.ROW]} : « {record[S.INPUT_NAME]} »"),
                    html.Span(f" — {S.STATUS_LABELS[record[S.STATUS]]}. ", className="status"),
                    html.Span(record[S.MESSAGE])]
            if choices and record[S.STATUS] in (S.AMBIGUOUS, S.UNMATCHED):
                body.append(dcc.Dropdown(
                    id={"type": ids.REPORT_CHOICE, "row": int(record[S.ROW])},
                    placeholder="Choisir la bonne collectivité…",
                    options=[{"label": label, "value": f"{level}:{code}"}
                             for level, code, label in choices],
                    className="report-choice"))
            items.append(html.Li(body))
        children += [html.H3("Lignes à vérifier"), html.Ul(items, className="report-rows"),
                     html.Button("Appliquer mes choix", id=ids.APPLY_CHOICES)]
    else:
        children.append(html.P("Toutes les lignes ont été reconnues."))
    children += [html.Div(className="buttons", children=[
        html.Button("Télécharger la liste rapprochée (CSV)", id=ids.DOWNLOAD_RESOLVED),
        html.Button("Revenir à l'échantillon", id=ids.BACK_TO_SAMPLE, className="secondary"),
    ])]
    return children
