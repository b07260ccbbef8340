"""The filters (région, kinds, département, search) and the URL, kept in agreement."""

from dataclasses import replace

from dash import Input, Output, State, ctx, no_update

from geodata.kinds import KINDS

from .. import ids
from ..names import departement_names, departements_of_region, region_names
from ..state import (
    ALL_REGIONS,
    MAX_QUERY,
    FilterState,
    from_query_string,
    to_query_string,
)

# The filter components, in the order state_of() takes their values.
FILTER_IDS = (ids.REGION, ids.KINDS, ids.DEPARTEMENT, ids.SEARCH)


def filter_inputs() -> list[Input]:
    return [Input(component, "value") for component in FILTER_IDS]


def filter_states() -> list[State]:
    return [State(component, "value") for component in FILTER_IDS]


def state_of(region, kinds, departement, query) -> FilterState:
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
        query=query.strip()[:MAX_QUERY] if isinstance(query, str) else ""))


def departement_options(region: str | None) -> list[dict]:
    names = departement_names()
    codes = departements_of_region().get(region) if region else sorted(names)
    return [{"label": f"{names[code]} ({code})", "value": code} for code in codes]


def sync_filters(trigger, search, region, kinds, departement, query):
    """Keep the URL and the filters in agreement, whichever changed.

    Returns (url search, région, kinds, département, query, département options); no_update
    where nothing must change.
    """
    if trigger == ids.RESET:
        state = FilterState()
        return ("", ALL_REGIONS, list(state.kinds), None, "", departement_options(None))
    if trigger in (None, ids.URL):  # first load, a shared link, or back/forward
        search = search if isinstance(search, str) else ""
        state = _without_foreign_departement(
            from_query_string(search, set(region_names()), set(departement_names())))
        return (no_update, state.region or ALL_REGIONS, list(state.kinds), state.departement,
                state.query, departement_options(state.region))
    state = state_of(region, kinds, departement, query)
    if trigger == ids.REGION and state.region is None:
        # « France entière »: the whole of France, not a département of it any more.
        state = replace(state, departement=None)
    wanted = to_query_string(state)
    return (wanted if wanted != (search or "") else no_update, no_update, no_update,
            state.departement if trigger == ids.REGION else no_update, no_update,
            departement_options(state.region))


def _without_foreign_departement(state: FilterState) -> FilterState:
    """The state without its département when that département is in another région."""
    if state.departement and state.region and \
            state.departement not in departements_of_region()[state.region]:
        return replace(state, departement=None)
    return state


def register(app) -> None:
    @app.callback(
        Output(ids.URL, "search"), Output(ids.REGION, "value"), Output(ids.KINDS, "value"),
        Output(ids.DEPARTEMENT, "value"), Output(ids.SEARCH, "value"),
        Output(ids.DEPARTEMENT, "options"),
        Input(ids.URL, "search"), *filter_inputs(), Input(ids.RESET, "n_clicks"))
    def _sync(search, region, kinds, departement, query, _reset):
        return sync_filters(ctx.triggered_id, search, region, kinds, departement, query)
