"""The filters (région, kinds, département, search, year, a column's values) and the URL,
kept in agreement in the browser; `state_of` reads them on the server, for the view and the
exports."""

from dataclasses import replace
from urllib.parse import parse_qs

from dash import ClientsideFunction, Input, Output, State

from geodata.columns import MAX_HEADER
from geodata.growth import FIRST_YEAR
from geodata.kinds import KINDS

from .. import ids
from ..names import departement_names, departements_of_region, region_names
from ..state import LAST_YEAR, MAX_QUERY, MAX_VALUES, FilterState

# The filter components, in the order state_of() takes their values.
FILTER_IDS = (ids.REGION, ids.KINDS, ids.DEPARTEMENT, ids.SEARCH, ids.YEAR, ids.COLOUR_BY,
              ids.VALUES)


def filter_inputs() -> list[Input]:
    return [Input(component, "value") for component in FILTER_IDS]


def filter_states() -> list[State]:
    return [State(component, "value") for component in FILTER_IDS]


def state_of(region, kinds, departement, query, year=None, colour_by=None,
             values=None) -> FilterState:
    """The filter state from the values of the filter components.

    The values come from the browser: anything a forged request may send (an unknown code, a
    number, a dict) reads as "no filter" rather than failing.
    """
    kinds = kinds if isinstance(kinds, list) else []
    return _without_foreign_departement(FilterState(
        region=region if isinstance(region, str) and region in region_names() else None,
        kinds=tuple(k for k in KINDS if k in kinds),
        departement=departement if isinstance(departement, str)
        and departement in departement_names() else None,
        query=query.strip()[:MAX_QUERY] if isinstance(query, str) else "",
        year=int(year) if isinstance(year, int | float) and not isinstance(year, bool)
        and FIRST_YEAR <= year <= LAST_YEAR else None,
        colour_by=column_of(colour_by),
        values=tuple(v for v in values if isinstance(v, str))[:MAX_VALUES]
        if isinstance(values, list) else ()))


def column_of(value) -> str | None:
    """The column chosen to colour the members (its header, cut as a link may carry it);
    None for none or anything else than text (whether the list has it: geodata.columns)."""
    return value[:MAX_HEADER] if isinstance(value, str) and value else None


def colour_asked(search) -> str | None:
    """The column a shared link colours the members by (?couleur=Élu+référent), if any."""
    if not isinstance(search, str):
        return None
    values = parse_qs(search.lstrip("?")).get("couleur", [])
    return column_of(values[0].strip()) if values else None


def values_asked(search, header: str | None) -> list[str]:
    """The values of this column a shared link keeps (?couleur=…&valeur=Oui&valeur=Non), none
    when the link colours by another column."""
    if not isinstance(search, str) or header is None or colour_asked(search) != header:
        return []
    values = parse_qs(search.lstrip("?")).get("valeur", [])
    return [value.strip() for value in values[:MAX_VALUES] if value.strip()]


def year_asked(search) -> int | None:
    """The year a shared link asks for (?annee=2015), None when it asks for none."""
    if not isinstance(search, str):
        return None
    values = parse_qs(search.lstrip("?")).get("annee", [])
    year = values[0].strip() if values else ""
    return int(year) if year.isdigit() and len(year) == 4 else None


def _without_foreign_departement(state: FilterState) -> FilterState:
    """The state without its département when that département is in another région."""
    if state.departement and state.region and \
            state.departement not in departements_of_region()[state.region]:
        return replace(state, departement=None)
    return state


def register(app) -> None:
    # In the browser (assets/clientside.js): a filter change asks nothing of the server.
    app.clientside_callback(
        ClientsideFunction("carte", "syncFilters"),
        Output(ids.URL, "search"), Output(ids.REGION, "value"), Output(ids.KINDS, "value"),
        Output(ids.DEPARTEMENT, "value"), Output(ids.SEARCH, "value"),
        Output(ids.DEPARTEMENT, "options"), Output(ids.YEAR, "value"),
        Output(ids.COLOUR_BY, "value"), Output(ids.VALUES, "value"),
        Input(ids.URL, "search"), *filter_inputs(), Input(ids.RESET, "n_clicks"),
        State(ids.WORDS, "data"), State(ids.ROWS_STORE, "data"), State(ids.COLOURING_STORE, "data"),
        State(ids.COLOUR_BY, "options"), State(ids.VALUES, "options"))
