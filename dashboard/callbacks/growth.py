"""How the network grew: the chart of a list that says when each member joined, for the région
or département shown, and its export."""

import logging

from dash import Input, Output, State, dcc, no_update

from .. import ids
from ..export import ExportError, export_map
from ..growth_chart import file_name, growth_figure
from ..member_store import filename_of, from_store
from .exports import clicked
from .filters import state_of

log = logging.getLogger(__name__)


def register(app) -> None:
    @app.callback(
        Output(ids.GROWTH_CHART, "figure"), Output(ids.GROWTH_BOX, "hidden"),
        Input(ids.REGION, "value"), Input(ids.DEPARTEMENT, "value"),
        Input(ids.MEMBERS_STORE, "data"))
    def _chart(region, departement, data):
        figure = growth_figure(from_store(data), state_of(region, [], departement, ""),
                               sample=filename_of(data) is None)
        return (figure, False) if figure else ({}, True)

    @app.callback(
        Output(ids.GROWTH_DOWNLOAD, "data"),
        Output(ids.EXPORT_MESSAGE, "children", allow_duplicate=True),
        Input(ids.GROWTH_EXPORT, "n_clicks"), State(ids.EXPORT_FORMAT, "value"),
        State(ids.EXPORT_SIZE, "value"), State(ids.REGION, "value"),
        State(ids.DEPARTEMENT, "value"), State(ids.MEMBERS_STORE, "data"),
        prevent_initial_call=True,
        running=[(Output(ids.GROWTH_EXPORT, "disabled"), True, False)])
    def _export(n_clicks, fmt, size, region, departement, data):
        if not clicked(n_clicks):
            return no_update, no_update
        state = state_of(region, [], departement, "")
        figure = growth_figure(from_store(data), state, sample=filename_of(data) is None)
        if figure is None:
            return no_update, no_update
        fmt, size = (value if isinstance(value, str) else "" for value in (fmt, size))
        try:
            image = export_map(figure, fmt, size)
        except ExportError as exc:
            return no_update, str(exc)
        except Exception:   # kaleido / Chromium: say so, keep the dashboard working
            log.exception("chart export failed")
            return no_update, "L'export du graphique a échoué. Réessayez dans un instant."
        name = file_name(state, fmt)
        return dcc.send_bytes(image, name), f"Graphique exporté : {name}"
