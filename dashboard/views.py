"""What the page shows for a selection: header counts, table rows, detail card.

Pure functions of data (no Dash callback machinery), called by the callbacks and the tests.
"""

import pandas as pd
from dash import html

from geodata import COMMUNE, EPCI, lookup
from geodata import schema as S
from geodata.kinds import KIND_BY_ID, KIND_LABELS_SINGULAR
from geodata.levels import EPT

from .labels import departement_name, format_population, map_title, region_name
from .selection import count_by_kind, extra_columns
from .state import FilterState


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


def map_description(selected: pd.DataFrame, state: FilterState) -> str:
    """The map in words, for those who cannot see it: 'Carte des collectivités adhérentes en
    région Hauts-de-France : 12 adhérents, dont 1 métropole et 11 communes.'"""
    title = map_title(state.region, state.departement)
    national = "" if state.region or state.departement else " en France"
    where = f"Carte des {title[0].lower()}{title[1:]}{national}"
    if state.query:
        where += f" (recherche « {state.query} »)"
    kinds = [KIND_BY_ID[kind].count_label(n) for kind, n in count_by_kind(selected).items()]
    if not kinds:
        return f"{where} : aucune collectivité adhérente dans cette sélection."
    listed = ", ".join(kinds[:-1]) + f" et {kinds[-1]}" if len(kinds) > 1 else kinds[0]
    return f"{where} : {_plural(len(selected), 'adhérent')}, dont {listed}."


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
