"""Callbacks: thin wrappers that unpack inputs, call geodata / figures / views, and return.

The logic each one runs is a plain function of this module, tested without a browser.
"""

import base64
import logging

import pandas as pd
from dash import ALL, Input, Output, State, ctx, dcc, no_update

from geodata import schema as S
from geodata.levels import KINDS
from geodata.reading import MAX_BYTES, MemberFileError, read_members
from geodata.resolve import choose, resolve_rows

from . import ids
from .downloads import file_name, members_table, report_table, to_csv_bytes, to_excel_bytes
from .export import ExportError, export_map
from .figures import map_spec
from .member_store import from_store, list_label, to_store
from .names import departement_names, departements_of_region, region_names
from .selection import select
from .state import ALL_REGIONS, FilterState, from_query_string, to_query_string
from .views import detail_card, header_counts, table_columns, table_rows, upload_report

log = logging.getLogger(__name__)


def state_of(region, kinds, departement, query) -> FilterState:
    """The filter state from the values of the filter components."""
    return FilterState(region=region or None,
                       kinds=tuple(k for k in KINDS if k in (kinds or [])),
                       departement=departement or None, query=(query or "").strip())


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
        state = from_query_string(search, set(region_names()), set(departement_names()))
        if state.departement and state.region and \
                state.departement not in departements_of_region()[state.region]:
            state = FilterState(state.region, state.kinds, None, state.query)
        return (no_update, state.region or ALL_REGIONS, list(state.kinds), state.departement,
                state.query, departement_options(state.region))
    if trigger == ids.REGION and departement and region and \
            departement not in departements_of_region().get(region, []):
        departement = None  # a département of another région: drop it
    state = state_of(region, kinds, departement, query)
    wanted = to_query_string(state)
    return (wanted if wanted != (search or "") else no_update, no_update, no_update,
            departement if trigger == ids.REGION else no_update, no_update,
            departement_options(state.region))


def map_title(state: FilterState) -> str:
    title = "Collectivités adhérentes"
    if state.departement:
        return f"{title} — {departement_names()[state.departement]}"
    if state.region:
        return f"{title} en région {region_names()[state.region]}"
    return title


def map_figure(members: pd.DataFrame, state: FilterState, selected_row: int | None = None
               ) -> dict:
    """The map of a selection as a figure dict, the selected member ringed where it is drawn."""
    chosen = select(members, state)
    figure = map_spec(chosen, state.region, kinds=state.kinds, title=map_title(state))
    if selected_row is None:
        return figure
    target = chosen[chosen[S.ROW] == selected_row].dropna(subset=[S.LON, S.LAT])
    geos = dict.fromkeys(trace["geo"] for trace in figure["data"]
                         if selected_row in (trace.get("customdata") or ()))
    for geo in geos if not target.empty else ():
        figure["data"].append(dict(
            type="scattergeo", geo=geo, lon=target[S.LON].tolist(), lat=target[S.LAT].tolist(),
            mode="markers", hoverinfo="skip", showlegend=False, name="sélection",
            marker={"symbol": "circle-open", "size": 26, "color": "#d6336c",
                    "line": {"width": 3}}))
    return figure


def read_upload(contents: str, filename: str) -> tuple[dict | None, str]:
    """(store data, French message) for an uploaded file; None when it cannot be read."""
    try:
        _, encoded = contents.split(",", 1)
        raw = base64.b64decode(encoded, validate=False)
    except (ValueError, AttributeError):
        return None, f"Le fichier « {filename} » n'a pas pu être reçu. Réessayez."
    try:
        table = read_members(raw, filename=filename, max_bytes=MAX_BYTES)
    except MemberFileError as exc:
        return None, f"{exc} La liste affichée n'a pas changé."
    resolved = resolve_rows(table.rows, table.extra_columns)
    drawn = resolved[S.STATUS].isin(S.MAPPED_STATUSES).sum()
    return to_store(resolved, filename), (
        f"« {filename} » : {len(resolved)} lignes lues, {drawn} placées sur la carte. "
        "Voir le rapport au-dessus de la carte.")


def apply_choices(data: dict, values: list, id_dicts: list) -> dict:
    """The stored list with the candidates a person chose applied."""
    resolved = from_store(data)
    for value, id_dict in zip(values, id_dicts):
        if value:
            level, code = value.split(":", 1)
            resolved = choose(resolved, id_dict["row"], level, code)
    return to_store(resolved, data["filename"])


def register(app) -> None:
    filter_inputs = [Input(ids.REGION, "value"), Input(ids.KINDS, "value"),
                     Input(ids.DEPARTEMENT, "value"), Input(ids.SEARCH, "value")]

    @app.callback(
        Output(ids.URL, "search"), Output(ids.REGION, "value"), Output(ids.KINDS, "value"),
        Output(ids.DEPARTEMENT, "value"), Output(ids.SEARCH, "value"),
        Output(ids.DEPARTEMENT, "options"),
        Input(ids.URL, "search"), *filter_inputs, Input(ids.RESET, "n_clicks"))
    def _sync(search, region, kinds, departement, query, _reset):
        return sync_filters(ctx.triggered_id, search, region, kinds, departement, query)

    @app.callback(
        Output(ids.TABLE, "rowData"), Output(ids.TABLE, "columnDefs"),
        Output(ids.HEADER_COUNTS, "children"), Output(ids.LIST_LABEL, "children"),
        *filter_inputs, Input(ids.MEMBERS_STORE, "data"))
    def _table(region, kinds, departement, query, data):
        members = from_store(data)
        chosen = select(members, state_of(region, kinds, departement, query))
        return (table_rows(chosen), table_columns(members), header_counts(chosen),
                list_label(data))

    @app.callback(
        Output(ids.MAP, "figure"),
        *filter_inputs, Input(ids.MEMBERS_STORE, "data"), Input(ids.SELECTED_STORE, "data"))
    def _map(region, kinds, departement, query, data, selected):
        return map_figure(from_store(data), state_of(region, kinds, departement, query),
                          selected)

    # A click on a legend entry unticks (or ticks back) its kind: done in the browser, where
    # the figure is, to avoid sending it back to the server.
    app.clientside_callback(
        """
        function(restyle, figure, kinds) {
            if (!restyle || !figure || !restyle[0] || !('visible' in restyle[0])) {
                return window.dash_clientside.no_update;
            }
            const visible = restyle[0].visible;
            const traces = restyle[1] || [];
            let chosen = (kinds || []).slice();
            traces.forEach(function(index, j) {
                const group = (figure.data[index] || {}).legendgroup;
                if (!group) { return; }
                const v = Array.isArray(visible) ? visible[j % visible.length] : visible;
                if (v === 'legendonly' || v === false) {
                    chosen = chosen.filter(function(k) { return k !== group; });
                } else if (chosen.indexOf(group) < 0) {
                    chosen.push(group);
                }
            });
            return chosen;
        }
        """,
        Output(ids.KINDS, "value", allow_duplicate=True),
        Input(ids.MAP, "restyleData"), State(ids.MAP, "figure"), State(ids.KINDS, "value"),
        prevent_initial_call=True)

    # On a phone the legend box would cover France: move it under the map (screen only;
    # exports keep the network's legend bottom-left).
    app.clientside_callback(
        """
        function(figure) {
            if (!figure || window.innerWidth > 600) {
                return window.dash_clientside.no_update;
            }
            const graph = document.querySelector('#map .js-plotly-plot');
            if (graph && window.Plotly) {
                window.Plotly.relayout(graph, {
                    'legend.orientation': 'h', 'legend.x': 0, 'legend.xanchor': 'left',
                    'legend.y': -0.06, 'legend.yanchor': 'top', 'legend.font.size': 11,
                    'title.font.size': 15, 'margin.b': 150});
            }
            return window.dash_clientside.no_update;
        }
        """,
        Output(ids.MAP, "id"), Input(ids.MAP, "figure"), prevent_initial_call=True)

    @app.callback(Output(ids.TABLE, "selectedRows"), Input(ids.MAP, "clickData"),
                  prevent_initial_call=True)
    def _map_click(click):
        row = clicked_row(click)
        return {"ids": [str(row)]} if row is not None else no_update

    @app.callback(Output(ids.SELECTED_STORE, "data"), Input(ids.TABLE, "selectedRows"),
                  prevent_initial_call=True)
    def _select(rows):
        return int(rows[0]["row"]) if rows else None

    @app.callback(Output(ids.DETAIL, "children"), Input(ids.SELECTED_STORE, "data"),
                  Input(ids.MEMBERS_STORE, "data"))
    def _detail(row, data):
        return detail_card(from_store(data), row)

    # A file over the size limit is refused in the browser, with the same French message the
    # server gives: it is never sent (the server would refuse the request without a word).
    app.clientside_callback(
        f"""
        function(contents, filename) {{
            const limit = {MAX_BYTES};
            if (!contents) {{ return [window.dash_clientside.no_update,
                                      window.dash_clientside.no_update]; }}
            const size = Math.floor((contents.length - contents.indexOf(',') - 1) * 3 / 4);
            if (size <= limit) {{ return [{{contents: contents, filename: filename}}, ''];
            }}
            const mo = n => (n / 1048576).toFixed(n < 10485760 ? 1 : 0).replace('.', ',')
                            .replace(',0', '') + ' Mo';
            return [window.dash_clientside.no_update,
                    'Le fichier « ' + filename + ' » est trop volumineux : ' + mo(size) +
                    ', pour une limite de ' + mo(limit) + '. Découpez la liste en plusieurs ' +
                    'fichiers de moins de ' + mo(limit) + ' (ou retirez les colonnes ' +
                    'inutiles), puis envoyez-les un par un. La liste affichée n\\'a pas changé.'];
        }}
        """,
        Output(ids.UPLOAD_ACCEPTED, "data"), Output(ids.UPLOAD_MESSAGE, "children"),
        Input(ids.UPLOAD, "contents"), State(ids.UPLOAD, "filename"),
        prevent_initial_call=True)

    @app.callback(
        Output(ids.MEMBERS_STORE, "data"),
        Output(ids.UPLOAD_MESSAGE, "children", allow_duplicate=True),
        Input(ids.UPLOAD_ACCEPTED, "data"), prevent_initial_call=True)
    def _upload(upload):
        if not upload or not upload.get("contents"):
            return no_update, no_update
        data, message = read_upload(upload["contents"], upload.get("filename") or "fichier")
        return (data if data is not None else no_update), message

    @app.callback(Output(ids.REPORT, "children"), Input(ids.MEMBERS_STORE, "data"))
    def _report(data):
        return upload_report(from_store(data), data["filename"]) if data else None

    @app.callback(
        Output(ids.MEMBERS_STORE, "data", allow_duplicate=True),
        Input(ids.APPLY_CHOICES, "n_clicks"),
        State({"type": ids.REPORT_CHOICE, "row": ALL}, "value"),
        State({"type": ids.REPORT_CHOICE, "row": ALL}, "id"),
        State(ids.MEMBERS_STORE, "data"), prevent_initial_call=True)
    def _apply(n_clicks, values, id_dicts, data):
        if not n_clicks or not data:
            return no_update
        return apply_choices(data, values, id_dicts)

    @app.callback(
        Output(ids.MEMBERS_STORE, "data", allow_duplicate=True),
        Output(ids.UPLOAD_MESSAGE, "children", allow_duplicate=True),
        Input(ids.BACK_TO_SAMPLE, "n_clicks"), prevent_initial_call=True)
    def _back(n_clicks):
        return (None, "Retour à l'échantillon embarqué.") if n_clicks else (no_update, no_update)

    @app.callback(
        Output(ids.EXPORT_BUTTON + "-download", "data"), Output(ids.EXPORT_MESSAGE, "children"),
        Input(ids.EXPORT_BUTTON, "n_clicks"),
        State(ids.EXPORT_FORMAT, "value"), State(ids.EXPORT_SIZE, "value"),
        State(ids.EXPORT_TABLE, "value"), State(ids.MEMBERS_STORE, "data"),
        *[State(i.component_id, "value") for i in filter_inputs], prevent_initial_call=True,
        running=[(Output(ids.EXPORT_BUTTON, "disabled"), True, False)])
    def _export(n_clicks, fmt, size, table, data, region, kinds, departement, query):
        if not n_clicks:
            return no_update, no_update
        payload, message = export_file(from_store(data), state_of(region, kinds, departement,
                                                                  query),
                                       fmt, size, "table" in (table or []))
        return (payload or no_update), message

    @app.callback(Output(ids.MAP, "config"), *filter_inputs, State(ids.MAP, "config"))
    def _config(region, kinds, departement, query, config):
        return graph_config(config or {}, state_of(region, kinds, departement, query))

    @app.callback(
        Output(ids.DOWNLOAD, "data"),
        Input(ids.DOWNLOAD_CSV, "n_clicks"), Input(ids.DOWNLOAD_XLSX, "n_clicks"),
        Input(ids.DOWNLOAD_RESOLVED, "n_clicks"),
        State(ids.MEMBERS_STORE, "data"), *[State(i.component_id, "value")
                                            for i in filter_inputs],
        prevent_initial_call=True)
    def _download(_csv, _xlsx, _resolved, data, region, kinds, departement, query):
        if not ctx.triggered or not ctx.triggered[0]["value"]:
            return no_update
        return download(ctx.triggered_id, from_store(data),
                        state_of(region, kinds, departement, query), data)


def export_file(members: pd.DataFrame, state: FilterState, fmt: str, size: str,
                with_table: bool) -> tuple[dict | None, str]:
    """(dcc.Download payload, French message) of the map of the current selection."""
    figure = map_figure(members, state)
    shown = select(members, state) if with_table and fmt == "pdf" else None
    try:
        data = export_map(figure, fmt, size, members=shown)
    except ExportError as exc:
        return None, str(exc)
    except Exception:  # kaleido / Chromium failures: say so, keep the dashboard working
        log.exception("export failed")
        return None, ("L'export a échoué (le navigateur de rendu ne répond pas). Réessayez ; "
                      "le bouton « appareil photo » de la carte permet un PNG en attendant.")
    name = file_name(selection_label(state), fmt)
    return dcc.send_bytes(data, name), f"Carte exportée : {name}"


def graph_config(base: dict, state: FilterState) -> dict:
    """The dcc.Graph config with the modebar's PNG named after the selection."""
    options = {**base.get("toImageButtonOptions", {}),
               "filename": file_name(selection_label(state), "png").removesuffix(".png")}
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


def selection_label(state: FilterState) -> list[str]:
    parts = []
    if state.region:
        parts.append(region_names()[state.region])
    if state.departement:
        parts.append(departement_names()[state.departement])
    if set(state.kinds) != set(KINDS):
        parts.extend(state.kinds)
    if state.query:
        parts.append(state.query)
    return parts


def download(trigger: str, members: pd.DataFrame, state: FilterState, data: dict | None):
    """The dcc.Download payload of a download button."""
    if trigger == ids.DOWNLOAD_RESOLVED:
        stem = (data or {}).get("filename", "liste").rsplit(".", 1)[0]
        return dcc.send_bytes(to_csv_bytes(report_table(members)),
                              file_name([stem, "rapproche"], "csv"))
    table = members_table(select(members, state))
    parts = selection_label(state)
    if trigger == ids.DOWNLOAD_XLSX:
        return dcc.send_bytes(to_excel_bytes(table), file_name(parts, "xlsx"))
    return dcc.send_bytes(to_csv_bytes(table), file_name(parts, "csv"))
