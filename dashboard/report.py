"""The report of an uploaded list: one line of counts, then the rows a person should look at,
each with its fix at hand (a candidate, any collectivité found by name or code, or "ignore").

It folds, and its rows scroll inside a box of bounded height: the map stays in sight.
Pure functions of data, called by dashboard.callbacks.upload and the tests.
"""

import pandas as pd
from dash import dcc, html

from geodata import schema as S
from geodata.corrections import IGNORE
from geodata.gazetteer import Unit, gazetteer
from geodata.levels import LEVELS

from . import ids
from .member_store import Source

# The value of the choice "this row is not a member" is the corrections file's word for it.
IGNORE_LABEL = "Ignorer cette ligne (ce n'est pas une collectivité adhérente)"
# Rows listed (each with its choices): a page of thousands would take seconds to build and to
# draw; the resolved list's download has them all.
MAX_REPORT_ROWS = 200

FIX_LABELS = {"search": "Nom, code INSEE ou SIREN…", "clear_search": "Effacer la recherche",
              "no_options_found": "Aucune collectivité trouvée"}
# How each state of a row is counted, in the order of the line of counts.
_COUNTED = (("placed", "placée", "placées"), (S.AMBIGUOUS, "à vérifier", "à vérifier"),
            (S.UNMATCHED, "non reconnue", "non reconnues"), (S.DUPLICATE, "doublon", "doublons"),
            (S.IGNORED, "ignorée", "ignorées"))


def _counted_as(status: str) -> str:
    return "placed" if status in S.MAPPED_STATUSES else status


def count_line(resolved: pd.DataFrame) -> str:
    """'35 placées (dont 3 à confirmer), 4 à vérifier, 2 non reconnues, 1 ignorée' (states
    with no row left out): every row to handle is in it, those placed with a doubt too."""
    counts = resolved[S.STATUS].map(_counted_as).value_counts()
    placed = resolved[S.STATUS].isin(S.MAPPED_STATUSES)
    to_confirm = int((S.needs_person(resolved) & placed).sum())
    parts = [f"{counts[state]} {one if counts[state] == 1 else many}"
             for state, one, many in _COUNTED if counts.get(state, 0)]
    if to_confirm and parts:
        parts[0] += f" (dont {to_confirm} à confirmer)"
    return ", ".join(parts) or "aucune ligne"


def choice_value(level: str, code: str) -> str:
    return f"{level}:{code}"


def parse_choice(value) -> tuple[str, str] | str | None:
    """IGNORE, (level, code), or None for a value the report never offers."""
    if value == IGNORE:
        return IGNORE
    if not isinstance(value, str) or ":" not in value:
        return None
    level, code = value.split(":", 1)
    return (level, code) if level in LEVELS and code else None


def candidate_option(candidate: dict, search: str | None = None) -> dict:
    option = {"label": S.candidate_label(candidate),
              "value": choice_value(candidate["level"], candidate["code"])}
    if search:   # found by the server for this text ("CD 62"): the menu must not hide it
        option["search"] = search
    return option


def ignore_option() -> dict:
    return {"label": IGNORE_LABEL, "value": IGNORE}


def current_option(record: dict) -> dict | None:
    """The unit a row is placed on now, first in its menu (to confirm it, for a resemblance)."""
    if record[S.STATUS] not in (S.MATCHED, S.DUPLICATE) or not record[S.LEVEL]:
        return None
    return candidate_option(gazetteer().candidate(Unit(record[S.LEVEL], record[S.CODE])))


def fix_options(record: dict) -> list[dict]:
    """What a row's menu offers before anything is typed: the unit it is placed on, its
    candidates, and "ignore"; typing searches every collectivité (callbacks.upload)."""
    options = [option for option in [current_option(record)] if option]
    options += [candidate_option(c) for c in record[S.CANDIDATES]
                if choice_value(c["level"], c["code"]) not in {o["value"] for o in options}]
    return options + [ignore_option()]


def _decision(record: dict) -> str | None:
    """The value a row's menu shows: what a person decided, if they did."""
    if record[S.RULE] not in S.PERSON_RULES:
        return None
    if record[S.STATUS] == S.IGNORED:
        return IGNORE
    return choice_value(record[S.LEVEL], record[S.CODE])


def _state(record: dict, to_fix: bool) -> str:
    if record[S.RULE] in S.PERSON_RULES and record[S.STATUS] != S.AMBIGUOUS:
        return "corrigée" if record[S.STATUS] != S.IGNORED else "ignorée"
    if record[S.STATUS] == S.MATCHED:
        return "placée, à confirmer" if to_fix else "placée"
    return S.STATUS_LABELS[record[S.STATUS]]


def _row(record: dict, group: str) -> html.Tr:
    """A row of the grid; group: "to-fix", "decided" (by a person) or "sure" (shown on
    request, to correct a row placed without a doubt)."""
    row = int(record[S.ROW])
    return html.Tr(className=group, **{"data-row": row}, children=[
        html.Td(str(row), className="row-number"),
        html.Td(record[S.INPUT_NAME] or "(sans nom)", className="written"),
        html.Td(className="found", children=[
            html.Strong(_state(record, group == "to-fix")), " ",
            html.Span(record[S.MESSAGE], className="message", title=record[S.MESSAGE])]),
        html.Td([dcc.Dropdown(
            id={"type": ids.FIX, "row": row}, options=fix_options(record),
            value=_decision(record), clearable=False, searchable=True, maxHeight=260,
            optionHeight=50,
            placeholder="Choisir, ou chercher un nom, un code INSEE ou SIREN…",
            className="fix-choice", labels=FIX_LABELS),
            # What the menu offers before anything is typed, to come back to.
            dcc.Store(id={"type": ids.FIX_OPTIONS, "row": row}, data=fix_options(record))],
            className="fix"),
    ])


def show_all_options(resolved: pd.DataFrame) -> list[dict]:
    """The choice to list the rows placed without a doubt too (none when there are none)."""
    others = int((~S.needs_person(resolved) & ~resolved[S.RULE].isin(S.PERSON_RULES)).sum())
    lines = "l'autre ligne" if others == 1 else f"les {others} autres lignes"
    return [{"value": "all", "label": f"Montrer aussi {lines} (pour en corriger une)"}] \
        if others else []


def upload_report(resolved: pd.DataFrame, source: Source, show_all: bool = False
                  ) -> html.Details:
    """What became of the rows of an uploaded list, with a fix at hand for each row that needs
    a person (and the sheets of a workbook that has several lists). show_all: the rows placed
    without a doubt too (any row can be corrected); a menu per row costs the browser time to
    draw, so they are listed only on request."""
    to_fix = S.needs_person(resolved)
    decided = resolved[S.RULE].isin(S.PERSON_RULES) & ~to_fix
    # The rows that need a person first; those decided, to change one's mind; then the others.
    groups = (("to-fix", resolved[to_fix]), ("decided", resolved[decided]),
              ("sure", resolved[~to_fix & ~decided] if show_all else resolved.iloc[:0]))
    shown = [(group, record) for group, rows in groups for record in rows.to_dict("records")]
    left = int(to_fix.sum())
    summary = [html.Strong(f"« {source.filename} »"),
               f" : {len(resolved)} ligne{'s' if len(resolved) > 1 else ''} — "
               f"{count_line(resolved)}. ",
               html.Span(f"{left} à traiter" if left else "Aucune ligne à traiter",
                         className="left" if left else "done",
                         title=("Chaque choix s'applique aussitôt à la carte et rejoint vos "
                                "corrections, reprises pour les listes suivantes.")
                         if left else None)]
    body = []
    if len(source.sheets) > 1:
        body.append(html.Label(className="sheet-choice", children=[
            "Feuille lue : ",
            dcc.Dropdown(id=ids.SHEET_CHOICE, options=source.sheets, value=source.sheet,
                         clearable=False, searchable=False),
            dcc.Store(id=ids.SHEET_SHOWN,
                      data={"filename": source.filename, "sheet": source.sheet})]))
    body += [html.P(note, className="report-note") for note in source.notes]
    if shown:
        rows = [_row(record, group) for group, record in shown[:MAX_REPORT_ROWS]]
        header = html.Thead(html.Tr([html.Th("Ligne"), html.Th("Nom dans la liste"),
                                     html.Th("Trouvé"), html.Th("Correction")]))
        body.append(html.Div(html.Table([header, html.Tbody(rows)], className="fix-grid"),
                             className="fix-box"))
        if len(shown) > MAX_REPORT_ROWS:
            body.append(html.P(
                f"… et {len(shown) - MAX_REPORT_ROWS} autres lignes : voir la liste rapprochée "
                "(bouton ci-dessous), qui les donne toutes.", className="hint"))
    return html.Details(open=True, className="report-details", children=[
        html.Summary(summary, className="report-summary"),
        html.Div(body, className="report-body")])
