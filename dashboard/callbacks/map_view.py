"""The map: drawn for the filters, the selected member, the names chosen and the size the
browser gives it; a click on a member selects it; a click on a legend entry unticks its kind
(in the browser); the toolbar's camera button makes the export panel's file."""

from dataclasses import replace

from dash import ClientsideFunction, Input, Output, State, no_update

from .. import ids
from ..figures import map_figure
from ..map_labels import LABEL_MODES
from ..member_store import filename_of, from_store
from .filters import filter_inputs, state_of

CLIENTSIDE = "carte"   # namespace of assets/clientside.js


MIN_CANVAS, MAX_CANVAS = 200, 6000   # px: the map's size as the browser reports it


def canvas_of(size) -> tuple[int, int] | None:
    """The map's size in the page from the browser ([width, height]), None when unknown or
    not a size (a forged value)."""
    if not isinstance(size, list) or len(size) != 2:
        return None
    if not all(isinstance(v, int | float) and not isinstance(v, bool)
               and MIN_CANVAS <= v <= MAX_CANVAS for v in size):
        return None
    return int(size[0]), int(size[1])


def labels_of(choice) -> str | None:
    """The names chosen for the map (map_labels.LABEL_MODES), None: the view's default."""
    return choice if choice in LABEL_MODES else None


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
        *filter_inputs(), Input(ids.MEMBERS_STORE, "data"), Input(ids.SELECTED_STORE, "data"),
        Input(ids.MAP_SIZE, "data"), Input(ids.LABELS, "value"))
    def _map(region, kinds, departement, query, data, selected, size, labels):
        if canvas_of(size) is None:
            # Drawn once the browser has said the map's size (right after the page loads):
            # a région view is shaped for it, and the map is not drawn twice.
            return no_update
        state = replace(state_of(region, kinds, departement, query), labels=labels_of(labels))
        return map_figure(from_store(data), state, selected,
                          sample=filename_of(data) is None, canvas=canvas_of(size))

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
        ClientsideFunction(CLIENTSIDE, "cameraExport"),
        Output(ids.CAMERA, "data"), Input(ids.URL, "pathname"), State(ids.CAMERA, "data"))
    # The map's size in the page, now and after each resize: a région view is drawn to fill
    # it, its names placed for it.
    app.clientside_callback(
        ClientsideFunction(CLIENTSIDE, "mapSize"),
        Output(ids.MAP_SIZE, "data"), Input(ids.URL, "pathname"))

