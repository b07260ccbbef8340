"""What the page shows of a member: the symbol of its kind, its detail card.

Pure functions of data (no Dash callback machinery), called by the callbacks and the tests.
The header counts and the map's text alternative follow the filters in the browser
(assets/filters.js).
"""

import pandas as pd
from dash import html

from geodata import COMMUNE, EPCI, lookup
from geodata import schema as S
from geodata.kinds import KIND_BY_ID, KIND_LABELS_SINGULAR
from geodata.levels import EPT

from .labels import departement_name, format_population, region_name
from .selection import extra_columns, list_years, select_members, year_column


def kind_symbol(kind: str) -> html.Span:
    """The legend symbol of a kind, as a coloured character."""
    record = KIND_BY_ID[kind]
    return html.Span(record.char, className="kind-symbol", style={"color": record.color})


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


MARKS_SHOWN = 5   # years written under the slider, at most


def year_slider(members: pd.DataFrame, span: tuple[int, int] | None,
                asked: int | None = None) -> tuple:
    """The year slider of a list (min, max, marks, value, hint): from its first year to its
    last, which shows every member (value: the year asked if the list has it, else the last;
    no years: a slider hidden, keeping the year asked)."""
    if span is None:   # the year a link asks for waits for a list that has years
        return 0, 1, None, asked, ""
    first, last = span
    step = max(1, -(-(last - first) // MARKS_SHOWN))
    # A mark every few years, none too near the last stop ("toutes": every member).
    marks = {year: str(year) for year in range(first, last - step // 2, step)}
    marks[last] = "toutes"
    unknown = int(list_years(members)[select_members(members).index].isna().sum())
    hint = (f"Années d'adhésion de la colonne « {S.extra_header(year_column(members))} », "
            f"de {first} à {last} ; « toutes » montre tous les adhérents.")
    if unknown:
        hint += (f" {unknown} adhérent{'s' if unknown > 1 else ''} sans année n'"
                 f"{'apparaissent' if unknown > 1 else 'apparaît'} qu'à « toutes ».")
    value = asked if asked is not None and first <= asked <= last else last
    return first, last, marks, value, hint
