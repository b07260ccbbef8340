"""The collectivités of the région or département shown that are not members: their table, its
filters (kinds, least population) and its downloads."""

from dataclasses import replace

from dash import Input, Output, State, ctx, dcc, no_update

from .. import ids
from ..downloads import to_csv_bytes, to_excel_bytes
from ..member_store import from_store
from ..prospect_table import (
    file_name,
    frame,
    grid_rows,
    kept,
    least_population,
    prospect_kinds,
    shown_prospects,
    state_prospects,
    summary,
)
from ..state import FilterState
from .filters import state_of


def prospect_state(region, departement, kinds, least, year=None) -> FilterState:
    """The view, the year and the prospects' filters from the values of the page."""
    return replace(state_of(region, [], departement, "", year),
                   prospect_kinds=prospect_kinds(kinds), prospect_min=least_population(least))


def register(app) -> None:
    @app.callback(
        Output(ids.PROSPECTS_TABLE, "rowData"), Output(ids.PROSPECTS_SUMMARY, "children"),
        # Asked by the browser when the table is open (clientside.js prospectsAsked): a
        # closed table costs the server nothing.
        Input(ids.PROSPECTS_TABLE_ASKED, "data"), State(ids.REGION, "value"),
        State(ids.DEPARTEMENT, "value"), State(ids.MEMBERS_STORE, "data"),
        State(ids.PROSPECT_KINDS, "value"), State(ids.PROSPECT_MIN, "value"),
        State(ids.YEAR, "value"), prevent_initial_call=True)
    def _table(_asked, region, departement, data, kinds, least, year):
        members = from_store(data)
        state = prospect_state(region, departement, kinds, least, year)
        table = state_prospects(members, state)
        shown = None if table is None else kept(table, state)
        return ([] if shown is None else grid_rows(shown)), summary(table, shown, state)

    @app.callback(
        Output(ids.PROSPECTS_DOWNLOAD, "data"),
        Input(ids.PROSPECTS_CSV, "n_clicks"), Input(ids.PROSPECTS_XLSX, "n_clicks"),
        State(ids.REGION, "value"), State(ids.DEPARTEMENT, "value"),
        State(ids.MEMBERS_STORE, "data"), State(ids.PROSPECT_KINDS, "value"),
        State(ids.PROSPECT_MIN, "value"), State(ids.YEAR, "value"), prevent_initial_call=True)
    def _download(_csv, _xlsx, region, departement, data, kinds, least, year):
        if not ctx.triggered or not ctx.triggered[0]["value"]:
            return no_update
        state = prospect_state(region, departement, kinds, least, year)
        shown = shown_prospects(from_store(data), state)
        if shown is None:
            return no_update
        rows = frame(shown)
        if ctx.triggered_id == ids.PROSPECTS_XLSX:
            return dcc.send_bytes(to_excel_bytes(rows, "Non adhérentes"),
                                  file_name(state.region, state.departement, "xlsx"))
        return dcc.send_bytes(to_csv_bytes(rows), file_name(state.region, state.departement,
                                                            "csv"))
