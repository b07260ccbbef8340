"""Downloads: the map of the selection as PNG, SVG or PDF; the selection's table as CSV or
Excel; an uploaded list as resolved."""

import base64
import logging
from dataclasses import replace

import pandas as pd
from dash import Input, Output, State, ctx, dcc, no_update

from geodata.report import report_frame

from .. import ids
from ..atlas import atlas_pdf, pages_said
from ..downloads import to_csv_bytes, to_excel_bytes
from ..export import SIZES, ExportError, canvas, export_map, for_print, renderer
from ..figures import map_figure
from ..labels import file_name, selection_file_name, selection_label
from ..member_store import filename_of, from_store
from ..selection import in_effect, select
from ..state import FilterState
from ..table import member_frame
from .filters import filter_states, state_of
from .map_view import labels_of, mode_of
from .prospects import prospect_state

log = logging.getLogger(__name__)


def export_file(members: pd.DataFrame, state: FilterState, fmt: str, size: str,
                with_table: bool, sample: bool = False,
                written: dict | None = None) -> tuple[dict | None, str]:
    """(dcc.Download payload, French message) of the map of the current selection; written:
    the texts the person wrote in the panel (see figures.view_texts)."""
    # Values from the browser: anything else than text reads as an unknown format or size.
    fmt, size = (value if isinstance(value, str) else "" for value in (fmt, size))
    figure = map_figure(members, state, canvas=canvas(size) if size in SIZES else None,
                        sample=sample, written=written)
    shown = select(members, state) if with_table and fmt == "pdf" else None
    try:
        data = export_map(figure, fmt, size, members=shown)
    except ExportError as exc:
        return None, str(exc)
    except Exception:  # kaleido / Chromium failures: say so, keep the dashboard working
        log.exception("export failed")
        return None, ("L'export a échoué (le navigateur de rendu ne répond pas). Réessayez dans "
                      "un instant.")
    name = selection_file_name(state, fmt, size=size)
    return dcc.send_bytes(data, name), f"Carte exportée : {name}"


PREVIEW_WIDTH = 1200   # px of the preview image (shown at the size of the window)


def preview(members: pd.DataFrame, state: FilterState, size: str, sample: bool = False,
            written: dict | None = None) -> tuple[str | None, str]:
    """(a PNG data URL of the export at a small scale, French message): what the exported page
    will look like, texts, names and frame included."""
    size = size if isinstance(size, str) and size in SIZES else "screen"
    page = SIZES[size]
    figure = for_print(map_figure(members, state, canvas=canvas(size), sample=sample,
                                  written=written), size)
    try:
        png = renderer.render(figure, "png", page.width, page.height, PREVIEW_WIDTH / page.width)
    except ExportError as exc:
        return None, str(exc)
    except Exception:
        log.exception("preview failed")
        return None, "L'aperçu n'a pas pu être fait. Réessayez dans un instant."
    return ("data:image/png;base64," + base64.b64encode(png).decode("ascii"),
            f"Aperçu : {page.label}")


def atlas_file(members: pd.DataFrame, state: FilterState, size: str,
               sample: bool = False, written: dict | None = None) -> tuple[dict | None, str]:
    """(dcc.Download payload, French message) of the atlas of the current filters; the note
    and source written in the panel go on every page (each has its own title)."""
    size = size if isinstance(size, str) and size in SIZES else "a4"
    try:
        data, pages = atlas_pdf(members, state, size, sample=sample, written=written)
    except ExportError as exc:
        return None, str(exc)
    except Exception:
        log.exception("atlas export failed")
        return None, "L'atlas n'a pas pu être fait (le navigateur de rendu ne répond pas). " \
                     "Réessayez dans un instant."
    name = file_name(["atlas", *selection_label(replace(state, region=None, departement=None)),
                      *([size] if size != "screen" else [])], "pdf")
    return dcc.send_bytes(data, name), f"Atlas exporté : {name} ({pages_said(pages)})"


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


def clicked(n_clicks) -> bool:
    """A button's click count as Dash sends it (a forged value is no click: an export or an
    atlas costs seconds of rendering)."""
    return isinstance(n_clicks, int) and not isinstance(n_clicks, bool) and n_clicks > 0


TEXT_FIELDS = {"title": ids.EXPORT_TITLE, "subtitle": ids.EXPORT_SUBTITLE,
               "note": ids.EXPORT_NOTE, "source": ids.EXPORT_SOURCE}


def text_states() -> list[State]:
    """The texts written in the panel (TEXT_FIELDS' order)."""
    return [State(component, "value") for component in TEXT_FIELDS.values()]


def asked_states() -> list[State]:
    """What every export button reads from the page, in the order asked() takes it."""
    return [State(ids.MEMBERS_STORE, "data"), State(ids.LABELS, "value"),
            State(ids.MAP_MODE, "value"), State(ids.PROSPECT_KINDS, "value"),
            State(ids.PROSPECT_MIN, "value"), State(ids.EXPORT_COVERAGE, "value"),
            *text_states(), *filter_states()]


def asked(data, labels, mode, prospect_kinds, least, coverage,
          *texts_and_filters) -> tuple[pd.DataFrame, FilterState, bool, dict]:
    """What an export button asks for, from the values of the page: (members, filter state
    with the names chosen, what the map shows and its prospects, whether to say the population
    covered, whether they are the sample, the texts written in the panel). texts_and_filters:
    the values of text_states() then of filter_states()."""
    texts, filters = texts_and_filters[:len(TEXT_FIELDS)], texts_and_filters[len(TEXT_FIELDS):]
    prospects = prospect_state(None, None, prospect_kinds, least)
    members = from_store(data)
    state = state_of(*filters)
    state = replace(in_effect(members, state), labels=labels_of(labels), mode=mode_of(mode),
                    prospect_kinds=prospects.prospect_kinds,
                    prospect_min=prospects.prospect_min,
                    coverage=isinstance(coverage, list) and "coverage" in coverage)
    return (members, state, filename_of(data) is None,
            dict(zip(TEXT_FIELDS, texts, strict=True)))


def register(app) -> None:
    @app.callback(
        Output(ids.EXPORT_DOWNLOAD, "data"), Output(ids.EXPORT_MESSAGE, "children"),
        Input(ids.EXPORT_BUTTON, "n_clicks"),
        State(ids.EXPORT_FORMAT, "value"), State(ids.EXPORT_SIZE, "value"),
        State(ids.EXPORT_TABLE, "value"), *asked_states(), prevent_initial_call=True,
        running=[(Output(ids.EXPORT_BUTTON, "disabled"), True, False)])
    def _export(n_clicks, fmt, size, table, *page):
        if not clicked(n_clicks):
            return no_update, no_update
        members, state, sample, written = asked(*page)
        payload, message = export_file(members, state, fmt, size,
                                       isinstance(table, list) and "table" in table,
                                       sample=sample, written=written)
        return (payload or no_update), message

    @app.callback(
        Output(ids.EXPORT_PREVIEW, "src"), Output(ids.EXPORT_PREVIEW_BOX, "hidden"),
        Output(ids.EXPORT_MESSAGE, "children", allow_duplicate=True),
        Input(ids.EXPORT_PREVIEW_BUTTON, "n_clicks"), State(ids.EXPORT_SIZE, "value"),
        *asked_states(), prevent_initial_call=True,
        running=[(Output(ids.EXPORT_PREVIEW_BUTTON, "disabled"), True, False)])
    def _preview(n_clicks, size, *page):
        if not clicked(n_clicks):
            return no_update, no_update, no_update
        members, state, sample, written = asked(*page)
        src, message = preview(members, state, size, sample=sample, written=written)
        return (src, False, message) if src else (no_update, no_update, message)

    app.clientside_callback(
        "function (n) { return true; }",
        Output(ids.EXPORT_PREVIEW_BOX, "hidden", allow_duplicate=True),
        Input(ids.EXPORT_PREVIEW_BOX, "n_clicks"), prevent_initial_call=True)

    @app.callback(
        Output(ids.EXPORT_DOWNLOAD, "data", allow_duplicate=True),
        Output(ids.EXPORT_MESSAGE, "children", allow_duplicate=True),
        Input(ids.EXPORT_ATLAS, "n_clicks"), State(ids.EXPORT_SIZE, "value"),
        *asked_states(), prevent_initial_call=True,
        running=[(Output(ids.EXPORT_ATLAS, "disabled"), True, False)])
    def _atlas(n_clicks, size, *page):
        if not clicked(n_clicks):
            return no_update, no_update
        members, state, sample, written = asked(*page)
        payload, message = atlas_file(members, state, size, sample=sample, written=written)
        return (payload or no_update), message

    @app.callback(
        Output(ids.DOWNLOAD, "data"),
        Input(ids.DOWNLOAD_CSV, "n_clicks"), Input(ids.DOWNLOAD_XLSX, "n_clicks"),
        State(ids.MEMBERS_STORE, "data"), *filter_states(), prevent_initial_call=True)
    def _download(_csv, _xlsx, data, *filters):
        if not ctx.triggered or not ctx.triggered[0]["value"]:
            return no_update
        members = from_store(data)
        state = state_of(*filters)
        return download(ctx.triggered_id, members,
                        in_effect(members, state), data)

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
