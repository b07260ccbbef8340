"""What the page shows for a selection: header counts, table rows, detail card, upload report.

Pure functions of data (no Dash callback machinery), called by the callbacks and the tests.
"""

import pandas as pd
from dash import dcc, html

from geodata import COMMUNE, EPCI, lookup
from geodata import schema as S
from geodata.kinds import KIND_BY_ID, KIND_LABELS_SINGULAR
from geodata.levels import EPT
from geodata.members import summary

from . import ids
from .labels import departement_name, format_population, region_name
from .member_store import Source
from .selection import count_by_kind, extra_columns


def kind_symbol(kind: str) -> html.Span:
    """The legend symbol of a kind, as a coloured character."""
    record = KIND_BY_ID[kind]
    return html.Span(record.char, className="kind-symbol", style={"color": record.color})


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n > 1 else ''}"


def header_counts(selected: pd.DataFrame) -> list:
    """'37 adhérents' then one badge per kind, in legend order."""
    badges = [html.Span(className="count-total", children=_plural(len(selected), "adhérent"))]
    for kind, n in count_by_kind(selected).items():
        record = KIND_BY_ID[kind]
        badges.append(html.Span(className="count-kind", title=record.plural,
                                children=[kind_symbol(kind), " " + record.count_label(n)]))
    return badges


def _link_or_text(value: str):
    if value.startswith(("http://", "https://")):
        return html.A(value, href=value, target="_blank", rel="noopener noreferrer")
    return value


def detail_card(members: pd.DataFrame, row: int | None):
    """The card of the selected member: all its attributes, its parents, its source link."""
    if not isinstance(row, int) or isinstance(row, bool):
        return html.P("Cliquez sur une collectivité de la carte ou du tableau pour voir sa fiche.",
                      className="hint")
    found = members[members[S.ROW] == row]
    if found.empty:
        return html.P("Cette collectivité n'est pas dans la sélection.", className="hint")
    member = found.iloc[0]
    if member[S.STATUS] not in S.MAPPED_STATUSES:   # e.g. a row of a list sent since
        return html.P(f"La ligne {row} de la liste (« {member[S.INPUT_NAME]} ») n'est pas "
                      "placée sur la carte : voir le rapport de rapprochement.",
                      className="hint")
    facts = [("Type", KIND_LABELS_SINGULAR.get(member[S.KIND], "")),
             ("Code officiel", member[S.CODE]),
             ("Département", departement_name(member[S.DEPARTEMENT])
              if member[S.DEPARTEMENT] else ""),
             ("Région", region_name(member[S.REGION]) if member[S.REGION] else ""),
             ("Population", format_population(member[S.POPULATION], unit=False))]
    if member[S.LEVEL] == COMMUNE:
        epci = lookup(COMMUNE, member[S.CODE])["epci"]
        if epci:
            facts.insert(2, ("Intercommunalité", lookup(EPCI, epci)["nom"]))
    if member[S.LEVEL] in (EPCI, EPT):
        facts.insert(2, ("Communes", str(lookup(member[S.LEVEL], member[S.CODE])["n_communes"])))
    facts.append(("Nom dans la liste", f"{member[S.INPUT_NAME]} (ligne {member[S.ROW]})"))
    for column in extra_columns(members):
        value = member[column]
        if value is not None and not pd.isna(value) and str(value).strip():
            facts.append((S.extra_header(column), _link_or_text(str(value))))
    if member[S.MESSAGE]:
        facts.append(("Remarque", member[S.MESSAGE]))
    return html.Div([
        html.H3([kind_symbol(member[S.KIND]), " ", member[S.NAME]]),
        html.Dl([item for label, value in facts if value
                 for item in (html.Dt(label), html.Dd(value))]),
    ])


# Rows listed in the report (each with its choices): a page of thousands would take seconds
# to build and to draw; the resolved list's download has them all.
MAX_REPORT_ROWS = 200


def upload_report(resolved: pd.DataFrame, source: Source):
    """What became of each row of an uploaded list, with a way to choose among candidates
    (and among the sheets of a workbook that has several lists)."""
    counts = summary(resolved)["status"]
    # Rows a person should look at: not placed, or matched with a remark (a fuzzy match, an
    # outdated kind, a code that disagrees with the name).
    matched_with_remark = (resolved[S.STATUS] == S.MATCHED) & (resolved[S.MESSAGE] != "") | (
        resolved[S.RULE] == "arrondissement")
    problems = resolved[~resolved[S.STATUS].isin([S.MATCHED, S.PLACED]) | matched_with_remark]
    lines = [html.Li(f"{S.STATUS_LABELS[status].capitalize()} : {n}")
             for status, n in counts.items() if n]
    children = [html.H2(f"Rapport de rapprochement : « {source.filename} »")]
    if len(source.sheets) > 1:
        children.append(html.Label(className="sheet-choice", children=[
            "Feuille lue : ",
            dcc.Dropdown(id=ids.SHEET_CHOICE, options=source.sheets, value=source.sheet,
                         clearable=False, searchable=False),
            dcc.Store(id=ids.SHEET_SHOWN,
                      data={"filename": source.filename, "sheet": source.sheet})]))
    children += [html.P(note, className="report-note") for note in source.notes]
    children.append(html.Ul(lines, className="report-counts"))
    if not problems.empty:
        items = []
        for record in problems.head(MAX_REPORT_ROWS).to_dict("records"):
            choices = record[S.CANDIDATES]
            rule = S.RULE_LABELS.get(record[S.RULE])
            body = [html.Strong(f"Ligne {record[S.ROW]} : « {record[S.INPUT_NAME]} »"),
                    html.Span(f" — {S.STATUS_LABELS[record[S.STATUS]]}"
                              + (f" ({rule})" if rule else "") + ". ", className="status"),
                    html.Span(record[S.MESSAGE])]
            if choices and record[S.STATUS] in (S.AMBIGUOUS, S.UNMATCHED):
                body.append(dcc.Dropdown(
                    id={"type": ids.REPORT_CHOICE, "row": int(record[S.ROW])},
                    placeholder="Choisir la bonne collectivité…",
                    options=[{"label": S.candidate_label(choice),
                              "value": f"{choice['level']}:{choice['code']}"}
                             for choice in choices],
                    className="report-choice"))
            items.append(html.Li(body))
        if len(problems) > MAX_REPORT_ROWS:
            items.append(html.Li(
                f"… et {len(problems) - MAX_REPORT_ROWS} autres lignes à vérifier : voir la "
                "liste rapprochée (bouton ci-dessous), qui les donne toutes."))
        children += [html.H3("Lignes à vérifier"), html.Ul(items, className="report-rows"),
                     html.Button("Appliquer mes choix", id=ids.APPLY_CHOICES)]
    else:
        children.append(html.P("Toutes les lignes ont été reconnues."))
    children += [html.Div(className="buttons", children=[
        html.Button("Télécharger la liste rapprochée (CSV)", id=ids.DOWNLOAD_RESOLVED),
        html.Button("Revenir à l'échantillon", id=ids.BACK_TO_SAMPLE, className="secondary"),
    ])]
    return children
