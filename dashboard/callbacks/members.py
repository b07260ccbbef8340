"""The member table of the selection, the header counts, the selected member and its card."""

from dash import Input, Output

from .. import ids
from ..member_store import from_store, list_label
from ..selection import select
from ..table import grid_columns, grid_rows
from ..views import detail_card, header_counts, map_description
from .filters import filter_inputs, state_of


def selected_row(rows) -> int | None:
    """The row number of the member selected in the table (None: none, or not a row)."""
    try:
        return int(rows[0]["row"])
    except (LookupError, TypeError, ValueError):
        return None


def register(app) -> None:
    @app.callback(
        Output(ids.TABLE, "rowData"), Output(ids.TABLE, "columnDefs"),
        Output(ids.HEADER_COUNTS, "children"), Output(ids.LIST_LABEL, "children"),
        Output(ids.MAP_DESCRIPTION, "children"),
        *filter_inputs(), Input(ids.MEMBERS_STORE, "data"))
    def _table(region, kinds, departement, query, data):
        members = from_store(data)
        state = state_of(region, kinds, departement, query)
        chosen = select(members, state)
        return (grid_rows(chosen), grid_columns(members), header_counts(chosen),
                list_label(data), map_description(chosen, state))

    @app.callback(Output(ids.SELECTED_STORE, "data"), Input(ids.TABLE, "selectedRows"),
                  prevent_initial_call=True)
    def _select(rows):
        return selected_row(rows)

    @app.callback(Output(ids.DETAIL, "children"), Input(ids.SELECTED_STORE, "data"),
                  Input(ids.MEMBERS_STORE, "data"))
    def _detail(row, data):
        return detail_card(from_store(data), row)
