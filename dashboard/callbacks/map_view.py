"""The map: the server draws a view (région, département, the names chosen, the size the
browser gives it); the browser hides the kinds unticked, keeps the members a search finds
and rings the member selected; a click on a member selects it; a click on a legend entry
ticks or unticks its kind; the toolbar's camera button makes the export panel's file."""

from dataclasses import replace

from dash import ClientsideFunction, Input, Output, State, no_update

from .. import client, ids
from ..map_labels import LABEL_MODES
from ..member_store import filename_of, from_store
from ..state import DEFAULT_MODE, MAP_MODES
from .filters import column_of
from .prospects import prospect_state

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


def mode_of(choice) -> str:
    """What the map shows (state.MAP_MODES), the default for anything else."""
    return choice if isinstance(choice, str) and choice in MAP_MODES else DEFAULT_MODE


def register(app) -> None:
    # The one request a change of view makes: every member of the view, all kinds, no
    # search; the browser hides what the other filters leave out (assets/filters.js).
    @app.callback(
        Output(ids.VIEW_STORE, "data"),
        Input(ids.REGION, "value"), Input(ids.DEPARTEMENT, "value"),
        Input(ids.MEMBERS_STORE, "data"), Input(ids.MAP_SIZE, "data"), Input(ids.LABELS, "value"),
        Input(ids.MAP_MODE, "value"), Input(ids.PROSPECTS_ASKED, "data"),
        Input(ids.COLOUR_BY, "value"),
        State(ids.PROSPECT_KINDS, "value"), State(ids.PROSPECT_MIN, "value"),
        State(ids.YEAR, "value"),
        # Not when the page opens: the map's size is not known yet (the browser sends it).
        prevent_initial_call=True)
    def _view(region, departement, data, size, labels, mode, _asked, colour_by, prospect_kinds,
              least, year):
        canvas = canvas_of(size)
        if canvas is None:
            # Drawn once the browser has said the map's size (right after the page loads):
            # a région view is shaped for it, and the map is not drawn twice.
            return no_update
        state = replace(prospect_state(region, departement, prospect_kinds, least, year),
                        mode=mode_of(mode), labels=labels_of(labels),
                        colour_by=column_of(colour_by))
        return client.view(from_store(data), state, canvas, sample=filename_of(data) is None)

    # The prospects' filters and the year redraw only the "Non adhérentes" map, and the
    # prospects' table (also for a new view or list) only when it is open (the browser hides
    # the members of a year itself): the browser asks for them then only. (An input of the
    # view answered by no_update would drop a view already asked for, for a new list.)
    app.clientside_callback(
        ClientsideFunction(CLIENTSIDE, "prospectsAsked"),
        Output(ids.PROSPECTS_ASKED, "data"), Output(ids.PROSPECTS_TABLE_ASKED, "data"),
        Input(ids.PROSPECT_KINDS, "value"), Input(ids.PROSPECT_MIN, "value"),
        Input(ids.YEAR, "value"), Input(ids.REGION, "value"), Input(ids.DEPARTEMENT, "value"),
        Input(ids.MEMBERS_STORE, "data"), State(ids.MAP_MODE, "value"))

    app.clientside_callback(
        ClientsideFunction(CLIENTSIDE, "drawMap"),
        Output(ids.MAP, "figure"),
        Input(ids.VIEW_STORE, "data"), Input(ids.SEARCH, "value"),
        Input(ids.SELECTED_STORE, "data"), Input(ids.YEAR, "value"),
        Input(ids.COLOURING_STORE, "data"), State(ids.VALUES, "value"), State(ids.KINDS, "value"),
        State(ids.WORDS, "data"))
    app.clientside_callback(
        ClientsideFunction(CLIENTSIDE, "showKinds"),
        Output(ids.KINDS_SHOWN, "data"), Input(ids.KINDS, "value"), State(ids.WORDS, "data"),
        prevent_initial_call=True)
    app.clientside_callback(
        ClientsideFunction(CLIENTSIDE, "showValues"),
        Output(ids.VALUES_SHOWN, "data"), Input(ids.VALUES, "value"),
        State(ids.COLOURING_STORE, "data"), State(ids.KINDS, "value"), State(ids.WORDS, "data"),
        prevent_initial_call=True)
    app.clientside_callback(
        ClientsideFunction(CLIENTSIDE, "mapClick"),
        Output(ids.TABLE, "selectedRows"), Input(ids.MAP, "clickData"),
        prevent_initial_call=True)
    app.clientside_callback(
        ClientsideFunction(CLIENTSIDE, "cameraExport"),
        Output(ids.CAMERA, "data"), Input(ids.URL, "pathname"), State(ids.CAMERA, "data"))
    # The map's size in the page, now and after each resize: a région view is drawn to fill
    # it, its names placed for it.
    app.clientside_callback(
        ClientsideFunction(CLIENTSIDE, "mapSize"),
        Output(ids.MAP_SIZE, "data"), Input(ids.URL, "pathname"))

