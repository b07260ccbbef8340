"""The member table of the selection, the header counts and the population covered, the
selected member and its card.

The server sends the list's rows once; the browser filters them (the table, the counts, the
map's text alternative and the export panel's placeholders follow the filters there)."""

from dash import ClientsideFunction, Input, Output, State, no_update

from geodata.columns import column_headers

from .. import client, ids
from ..member_store import filename_of, from_store, list_label
from ..selection import select, years_of
from ..state import FilterState
from ..table import grid_columns, grid_rows
from ..views import detail_card, year_slider
from .filters import colour_asked, column_of, filter_inputs, values_asked, year_asked
from .map_view import CLIENTSIDE


def register(app) -> None:
    # Once per list: its rows, which the browser filters (assets/filters.js).
    @app.callback(
        Output(ids.ROWS_STORE, "data"),
        Output(ids.LIST_LABEL, "children"), Output(ids.YEAR_BOX, "hidden"),
        Output(ids.YEAR, "min"), Output(ids.YEAR, "max"), Output(ids.YEAR, "marks"),
        Output(ids.YEAR, "value", allow_duplicate=True), Output(ids.YEAR_HINT, "children"),
        Output(ids.COLOUR_BOX, "hidden"), Output(ids.COLOUR_BY, "options"),
        Output(ids.COLOUR_BY, "value", allow_duplicate=True),
        Input(ids.MEMBERS_STORE, "data"), State(ids.URL, "search"),
        prevent_initial_call="initial_duplicate")
    def _list(data, search):
        members = from_store(data)
        span = years_of(members)
        slider = year_slider(members, span, year_asked(search))
        headers = column_headers(members)
        asked = colour_asked(search)
        return ({"rows": grid_rows(select(members, FilterState())),
                 "sample": filename_of(data) is None, "coverage": client.coverage(members),
                 "years": client.years_dict(span)},
                list_label(data), span is None, *slider, not headers, headers,
                asked if asked in headers else None)

    # A column chosen to colour the members: its values to keep, and the table's columns
    # (the column's cells in the colour of their value, first).
    # The values a link keeps are set with the menu's options: the menu would clear values it
    # does not offer yet.
    @app.callback(
        Output(ids.COLOURING_STORE, "data"), Output(ids.VALUES, "options"),
        Output(ids.VALUES, "value", allow_duplicate=True), Output(ids.TABLE, "columnDefs"),
        Input(ids.COLOUR_BY, "value"), Input(ids.MEMBERS_STORE, "data"),
        State(ids.URL, "search"), prevent_initial_call="initial_duplicate")
    def _colouring(header, data, search):
        members = from_store(data)
        colouring = client.colouring(members, column_of(header))
        if colouring is None:   # the values of no column: none kept, said by the filters
            return None, [], no_update, grid_columns(members)
        options = [{"label": f"{label} ({count} dans la liste)", "value": label}
                   for label, count in zip(colouring["labels"], colouring["counts"],
                                           strict=True)]
        kept = [value for value in values_asked(search, colouring["header"])
                if value in colouring["labels"]]
        return colouring, options, kept, grid_columns(members, colouring["header"])

    app.clientside_callback(
        ClientsideFunction(CLIENTSIDE, "filterTable"),
        Output(ids.TABLE, "rowData"), Output(ids.HEADER_COUNTS, "children"),
        Output(ids.MAP_DESCRIPTION, "children"), Output(ids.EXPORT_TITLE, "placeholder"),
        Output(ids.EXPORT_SUBTITLE, "placeholder"), Output(ids.EXPORT_SOURCE, "placeholder"),
        Output(ids.COVERAGE_TABLE, "children"),
        Input(ids.ROWS_STORE, "data"), *filter_inputs(), Input(ids.COLOURING_STORE, "data"),
        Input(ids.EXPORT_COVERAGE, "value"), State(ids.WORDS, "data"))
    app.clientside_callback(
        ClientsideFunction(CLIENTSIDE, "selectedRow"),
        Output(ids.SELECTED_STORE, "data"), Input(ids.TABLE, "selectedRows"),
        prevent_initial_call=True)

    @app.callback(Output(ids.DETAIL, "children"), Input(ids.SELECTED_STORE, "data"),
                  Input(ids.MEMBERS_STORE, "data"))
    def _detail(row, data):
        return detail_card(from_store(data), row)
