"""The map: drawn for the filters and the selected member; a click on a member selects it; a
click on a legend entry unticks its kind (in the browser); the toolbar's PNG is named after the
selection."""

from dash import ClientsideFunction, Input, Output, State, no_update

from .. import ids
from ..figures import map_figure
from ..labels import selection_file_name
from ..member_store import filename_of, from_store
from ..state import FilterState
from .filters import filter_inputs, state_of

CLIENTSIDE = "carte"   # namespace of assets/clientside.js


def graph_config(base: dict, state: FilterState) -> dict:
    """The dcc.Graph config with the modebar's PNG named after the selection."""
    previous = base.get("toImageButtonOptions")
    options = {**(previous if isinstance(previous, dict) else {}),
               "filename": selection_file_name(state, "png").removesuffix(".png")}
    return {**base, "toImageButtonOptions": options}


def clicked_row(click: dict | None) -> int | None:
    """The member row number carried by a clicked map point (None: not a member)."""
    try:
        value = click["points"][0]["customdata"]
    except (KeyError, IndexError, TypeError):
        return None
    value = value[0] if isinstance(value, list) else value
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def register(app) -> None:
    @app.callback(
        Output(ids.MAP, "figure"),
        *filter_inputs(), Input(ids.MEMBERS_STORE, "data"), Input(ids.SELECTED_STORE, "data"))
    def _map(region, kinds, departement, query, data, selected):
        return map_figure(from_store(data), state_of(region, kinds, departement, query),
                          selected, sample=filename_of(data) is None)

    @app.callback(Output(ids.MAP, "config"), *filter_inputs(), State(ids.MAP, "config"))
    def _config(region, kinds, departement, query, config):
        return graph_config(config if isinstance(config, dict) else {},
                            state_of(region, kinds, departement, query))

    @app.callback(Output(ids.TABLE, "selectedRows"), Input(ids.MAP, "clickData"),
                  prevent_initial_call=True)
    def _map_click(click):
        row = clicked_row(click)
        return {"ids": [str(row)]} if row is not None else no_update

    # In the browser, where the figure is: no round trip to send it back to the server.
    app.clientside_callback(
        ClientsideFunction(CLIENTSIDE, "legendToggle"),
        Output(ids.KINDS, "value", allow_duplicate=True),
        Input(ids.MAP, "restyleData"), State(ids.MAP, "figure"), State(ids.KINDS, "value"),
        prevent_initial_call=True)
    app.clientside_callback(
        ClientsideFunction(CLIENTSIDE, "phoneLegend"),
        Output(ids.MAP, "id"), Input(ids.MAP, "figure"), prevent_initial_call=True)

