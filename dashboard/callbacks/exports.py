"""Downloads: the map of the selection as PNG, SVG or PDF; the selection's table as CSV or
Excel; an uploaded list as resolved."""

import logging
from dataclasses import replace

import pandas as pd
from dash import Input, Output, State, ctx, dcc, no_update

from geodata.report import report_frame

from .. import ids
from ..downloads import to_csv_bytes, to_excel_bytes
from ..export import SIZES, ExportError, canvas, export_map
from ..figures import map_figure
from ..labels import file_name, selection_file_name
from ..member_store import filename_of, from_store
from ..selection import select
from ..state import FilterState
from ..table import member_frame
from .filters import filter_states, state_of
from .map_view import labels_of

log = logging.getLogger(__name__)


def export_file(members: pd.DataFrame, state: FilterState, fmt: str, size: str,
                with_table: bool, sample: bool = False) -> tuple[dict | None, str]:
    """(dcc.Download payload, French message) of the map of the current selection."""
    # Values from the browser: anything else than text reads as an unknown format or size.
    fmt, size = (value if isinstance(value, str) else "" for value in (fmt, size))
    figure = map_figure(members, state, sample=sample,
                        canvas=canvas(size) if size in SIZES else None)
    shown = select(members, state) if with_table and fmt == "pdf" else None
    try:
        data = export_map(figure, fmt, size, members=shown)
    except ExportError as exc:
        return None, str(exc)
    except Exception:  # kaleido / Chromium failures: say so, keep the dashboard working
        log.exception("export failed")
        return None, ("L'export a échoué (le navigateur de rendu ne répond pas). Réessayez ; "
                      "le bouton « appareil photo » de la carte permet un PNG en attendant.")
    name = selection_file_name(state, fmt, size=size)
    return dcc.send_bytes(data, name), f"Carte exportée : {name}"


def download(trigger: str, members: pd.DataFrame, state: FilterState, data: dict | None):
    """The dcc.Download payload of a download button."""
    if trigger == ids.DOWNLOAD_RESOLVED:
        stem = (filename_of(data) or "liste").rsplit(".", 1)[0]
        return dcc.send_bytes(to_csv_bytes(report_frame(members)),
                              file_name([stem, "rapproche"], "csv"))
    table = member_frame(select(members, state), "files")
    if trigger == ids.DOWNLOAD_XLSX:
        return dcc.send_bytes(to_excel_bytes(table), selection_file_name(state, "xlsx"))
    return dcc.send_bytes(to_csv_bytes(table), selection_file_name(state, "csv"))


def register(app) -> None:
    @app.callback(
        Output(ids.EXPORT_DOWNLOAD, "data"), Output(ids.EXPORT_MESSAGE, "children"),
        Input(ids.EXPORT_BUTTON, "n_clicks"),
        State(ids.EXPORT_FORMAT, "value"), State(ids.EXPORT_SIZE, "value"),
        State(ids.EXPORT_TABLE, "value"), State(ids.MEMBERS_STORE, "data"),
        State(ids.LABELS, "value"), *filter_states(), prevent_initial_call=True,
        running=[(Output(ids.EXPORT_BUTTON, "disabled"), True, False)])
    def _export(n_clicks, fmt, size, table, data, labels, region, kinds, departement, query):
        if not n_clicks:
            return no_update, no_update
        state = replace(state_of(region, kinds, departement, query), labels=labels_of(labels))
        payload, message = export_file(
            from_store(data), state, fmt, size,
            isinstance(table, list) and "table" in table, sample=filename_of(data) is None)
        return (payload or no_update), message

    @app.callback(
        Output(ids.DOWNLOAD, "data"),
        Input(ids.DOWNLOAD_CSV, "n_clicks"), Input(ids.DOWNLOAD_XLSX, "n_clicks"),
        State(ids.MEMBERS_STORE, "data"), *filter_states(), prevent_initial_call=True)
    def _download(_csv, _xlsx, data, region, kinds, departement, query):
        if not ctx.triggered or not ctx.triggered[0]["value"]:
            return no_update
        return download(ctx.triggered_id, from_store(data),
                        state_of(region, kinds, departement, query), data)

    # A callback of its own: its button exists only in the report of an uploaded list (as an
    # input of the callback above, the browser would log an error for it on every download).
    @app.callback(
        Output(ids.DOWNLOAD, "data", allow_duplicate=True),
        Input(ids.DOWNLOAD_RESOLVED, "n_clicks"), State(ids.MEMBERS_STORE, "data"),
        prevent_initial_call=True)
    def _download_resolved(n_clicks, data):
        if not n_clicks or not filename_of(data):
            return no_update
        return download(ids.DOWNLOAD_RESOLVED, from_store(data), FilterState(), data)
