"""The membership map: a members DataFrame in, a plotly `go.Figure` out.

    from dashboard.figures import build_map
    fig = build_map(members)                    # France, overseas régions in insets
    fig = build_map(members, region="32")       # Hauts-de-France
    fig = build_map(members, kinds=["commune"]) # communes only
    spec = map_figure(members, FilterState(...))  # the dashboard's map of a filter state

Which members a view shows is decided in `dashboard.selection`; this module only draws them,
with the styles of `geodata.kinds`.

`members` has one row per member, with the columns of `geodata.schema` (kind, code,
official_name, departement, region, population, lon, lat...); any other column (adhesion year,
elected representative, web page...) is an extra column of the member file and is shown in the
hover, under its own header. A resolved list with a `status` column may be passed whole: only
the rows placed on the map (`schema.MAPPED_STATUSES`) are drawn.

Layers, bottom to top: départements in a light neutral fill with thin white borders (faded
outside the région in a région view), member régions (blue areas), member départements (orange
areas), outlines of the EPCI members (région view), région borders a little stronger, names,
then one marker trace per kind, biggest first. The national view puts the overseas régions in
framed insets on the right, and Paris with its petite couronne at the top left when members
crowd it. Only geo traces are used, so the figure exports to true vector SVG and needs no map
tiles; see `dashboard.offline` for the topojson files plotly.js still asks for.
"""

import html
import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from geodata import REGION, get_reference, schema
from geodata.kinds import (
    AREA_KINDS,
    KIND_BY_ID,
    KIND_DEPARTEMENT,
    KIND_LABELS,
    KIND_REGION,
    KINDS,
    MARKER_KINDS,
)
from geodata.levels import OVERSEAS_REGIONS

from . import basemap
from .hover import hover_texts
from .labels import SAMPLE_MARK, map_subtitle, map_title, state_title
from .legend import LEGEND, MARKER_DRAW_ORDER, MARKER_OUTLINE
from .selection import check_kinds, check_region, count_by_kind, select, select_members
from .state import FilterState

log = logging.getLogger("dashboard")

FONT = "Arial, Helvetica, 'Liberation Sans', sans-serif"

BASE_FILL = "#e4e1db"        # départements of the area shown
CONTEXT_FILL = "#f2f0ec"     # départements around a région, faded
DEPARTEMENT_LINE = {"color": "white", "width": 0.8}
REGION_LINE = {"color": "#8f8b84", "width": 1.2}
OUTLINE_LINE = {"color": "#55524d", "width": 1.6}
LABEL_FONT = {"family": FONT, "size": 11, "color": "#55514b", "textcase": "upper",
              "shadow": "auto"}
CONTEXT_LABEL_FONT = {"family": FONT, "size": 12, "color": "#aaa59d", "style": "italic"}
EPCI_OUTLINE_OPACITY = 0.14
SELECTION_COLOR = "#d6336c"   # the ring around the selected member

# National view: metropolitan France on the left, the five overseas régions in a column on the
# right, Paris with its petite couronne at the top left and the legend at the bottom left, the
# insets in framed and named boxes (paper coordinates).
MAIN_DOMAIN = {"x": [0.08, 0.845], "y": [0.0, 1.0]}   # left of it: Paris inset, legend
INSET_COLUMN = (0.855, 1.0)
INSET_LABEL_HEIGHT = 0.04
INSET_GAP = 0.012
INSET_PADDING = 0.005
PARIS_FRAME = {"x": [0.0, 0.15], "y": [0.78, 1.0]}
PARIS_LABEL = "Paris et petite couronne"

# Marker sizes are those of the legend up to this many markers in the national view (four times
# as many in a région view), then shrink with the square root of the count.
MARKERS_AT_FULL_SIZE = 80
REGION_MARKER_SCALE = 1.15

# Recommended export sizes (px) for the national and région views.
NATIONAL_SIZE = (1200, 1000)
REGION_SIZE = (1100, 1000)


# -- traces ---------------------------------------------------------------------------------------

# Traces are plain dicts ({"type": ...}): go.Figure validates and deep-copies every GeoJSON,
# which costs more than building the map; map_spec() hands the dicts to Dash as they are.

def _area_trace(geo: str, scene: basemap.Scene, locations: list[str], color: str,
                **options) -> dict:
    """Départements (by code) of a scene filled with one colour, with thin white borders."""
    features = {"type": "FeatureCollection",
                "features": [scene.features[code] for code in locations]}
    options.setdefault("marker", {"line": DEPARTEMENT_LINE})
    return _fill_trace(geo, features, locations, color, **options)


def _fill_trace(geo: str, features: dict, locations: list[str], color: str,
                **options) -> dict:
    options.setdefault("hoverinfo", "skip")
    options.setdefault("showlegend", False)
    return dict(
        type="choropleth", geo=geo, geojson=features, featureidkey="id", locations=locations,
        z=[1] * len(locations), zmin=0, zmax=1, colorscale=[[0, color], [1, color]],
        showscale=False, **options,
    )


def _outline_trace(geo: str, collection: dict, line: dict) -> dict:
    """Unfilled outlines (région borders, the area in focus) over the areas."""
    codes = [feature["id"] for feature in collection["features"]]
    return _fill_trace(geo, collection, codes, "rgba(0,0,0,0)", marker={"line": line})


def _label_trace(geo: str, labels, font: dict) -> dict:
    texts, lons, lats = zip(*labels, strict=True)
    return dict(type="scattergeo", geo=geo, lon=list(lons), lat=list(lats), text=list(texts),
                mode="text", textfont=font, hoverinfo="skip", showlegend=False)


def _rgba(color: str, alpha: float) -> str:
    red, green, blue = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


@dataclass(frozen=True)
class Panel:
    """One geo subplot: its base map, its members, where it sits and its framed name."""

    geo: str                  # "geo", "geo2"...
    scene: basemap.Scene
    members: pd.DataFrame
    domain: dict              # paper coordinates of the map
    frame: dict | None = None  # paper coordinates of the inset's frame (None: no frame)
    label: str = ""           # name written at the top of the frame


def _marker_scale(region: str | None, count: int) -> float:
    """Markers shrink when many share the map, so that they overlap less."""
    if region is None:
        return min(1.0, max(0.6, math.sqrt(MARKERS_AT_FULL_SIZE / max(count, 1))))
    return REGION_MARKER_SCALE * min(1.0, max(0.7, math.sqrt(4 * MARKERS_AT_FULL_SIZE
                                                            / max(count, 1))))


def _member_options(kind: str, legend: dict[str, str], geo: str, count: int) -> dict:
    """Legend options of a member trace: only the first trace of a kind shows in the legend."""
    style = KIND_BY_ID[kind]
    return {"name": style.legend_name(count), "legendgroup": kind,
            "legendrank": 100 + KINDS.index(kind), "showlegend": legend.get(kind) == geo}


def _rows_of(members: pd.DataFrame) -> dict:
    """Index -> the member's line in its file (what a click on the map selects), if known."""
    if schema.ROW not in members.columns:
        return dict.fromkeys(members.index)
    rows = pd.to_numeric(members[schema.ROW], errors="coerce")
    return {index: None if pd.isna(row) else int(row) for index, row in rows.items()}


def _panel_traces(panel: Panel, hovers: dict, counts: dict[str, int], legend: dict[str, str],
                  show_epci_outlines: bool, marker_scale: float) -> list:
    """Every trace of one geo subplot, bottom to top."""
    by_kind = {kind: group for kind, group in panel.members.groupby(schema.KIND, sort=False)}
    row_of = _rows_of(panel.members)
    areas = _member_areas(panel.scene, by_kind, hovers, row_of)
    taken = {code for locations, _, _ in areas.values() for code in locations}
    traces = _area_traces(panel, areas, taken, counts, legend)
    if show_epci_outlines:
        traces += _territory_outline_traces(panel.geo, by_kind)
    traces += _border_and_label_traces(panel)
    traces += _marker_traces(panel.geo, by_kind, hovers, row_of, counts, legend, marker_scale)
    return traces


def _member_areas(scene: basemap.Scene, by_kind: dict, hovers: dict,
                  row_of: dict) -> dict[str, tuple[list, list, list]]:
    """Kind -> (département codes, hover texts, rows) of the member areas of a scene.

    Each département is drawn once: by a member département (orange), else by a member région
    (blue), else by the base map.
    """
    areas: dict[str, tuple[list, list, list]] = {}
    taken: set[str] = set()
    for kind in (KIND_DEPARTEMENT, KIND_REGION):
        if kind not in by_kind:
            continue
        locations, texts, rows = [], [], []
        for index, code in zip(by_kind[kind].index, by_kind[kind][schema.CODE], strict=True):
            codes = (get_reference().departements_by_region().get(code, ()) if kind == KIND_REGION
                     else (code,))
            inside = [c for c in codes if c in scene.features]
            free = [c for c in inside if c not in taken and c not in locations]
            # A région whose every département is a member still shows (and keeps its hover).
            for departement in free or inside[:1]:
                locations.append(departement)
                texts.append(hovers[index])
                rows.append(row_of[index])
        taken.update(locations)
        areas[kind] = (locations, texts, rows)
    return areas


def _area_traces(panel: Panel, areas: dict, taken: set[str], counts: dict[str, int],
                 legend: dict[str, str]) -> list:
    """The base map's départements (faded around a région), then the member areas."""
    geo, scene = panel.geo, panel.scene
    traces = []
    context = [code for code in scene.context if code not in taken]
    if context:   # first: the région's own départements, more detailed, go over them
        traces.append(_area_trace(geo, scene, context, CONTEXT_FILL))
    focus = [code for code in scene.focus if code not in taken]
    if focus:
        traces.append(_area_trace(geo, scene, focus, BASE_FILL))
    for kind in AREA_KINDS:    # régions under départements
        locations, texts, rows = areas.get(kind, ([], [], []))
        if locations:
            traces.append(_area_trace(
                geo, scene, locations, KIND_BY_ID[kind].color, hovertext=texts,
                customdata=rows, hovertemplate="%{hovertext}<extra></extra>",
                **_member_options(kind, legend, geo, counts[kind])))
    return traces


def _territory_outline_traces(geo: str, by_kind: dict) -> list:
    """The perimeter of each EPCI and EPT member, lightly filled in its kind's colour."""
    traces = []
    for kind in MARKER_KINDS:
        if kind not in by_kind or KIND_BY_ID[kind].level not in basemap.OUTLINED_LEVELS:
            continue
        members = by_kind[kind]
        pairs = dict.fromkeys(zip(members[schema.LEVEL], members[schema.CODE]) if
                              schema.LEVEL in members else ())
        pairs = [(level, code) for level, code in pairs if basemap.has_territory(level, code)]
        if pairs:
            codes = [code for _, code in pairs]
            color = KIND_BY_ID[kind].color
            features = {"type": "FeatureCollection", "features": [
                basemap.territory_feature(level, code) for level, code in pairs]}
            traces.append(_fill_trace(
                geo, features, codes, _rgba(color, EPCI_OUTLINE_OPACITY),
                marker={"line": {"width": 1.2, "color": color}},
                legendgroup=kind, name=KIND_LABELS[kind]))
    return traces


def _border_and_label_traces(panel: Panel) -> list:
    """Région borders, the outline of the area in focus, and the names, over the areas."""
    geo, scene = panel.geo, panel.scene
    traces = []
    if scene.regions["features"]:
        traces.append(_outline_trace(geo, scene.regions, REGION_LINE))
    if scene.outline:
        traces.append(_outline_trace(geo, scene.outline, OUTLINE_LINE))
    if scene.context_labels:
        traces.append(_label_trace(geo, scene.context_labels, CONTEXT_LABEL_FONT))
    if scene.labels:
        marked = panel.members[~panel.members[schema.KIND].isin(AREA_KINDS)]
        labels = basemap.place_labels(scene, marked[schema.LON], marked[schema.LAT])
        traces.append(_label_trace(geo, labels, LABEL_FONT))
    return traces


def _marker_traces(geo: str, by_kind: dict, hovers: dict, row_of: dict,
                   counts: dict[str, int], legend: dict[str, str], marker_scale: float) -> list:
    """One marker trace per kind, biggest markers first."""
    traces = []
    for kind in MARKER_DRAW_ORDER:
        if kind not in by_kind:
            continue
        group = by_kind[kind].dropna(subset=[schema.LON, schema.LAT])
        if len(group) < len(by_kind[kind]):
            log.warning("%d member(s) of kind %s have no position and are not drawn",
                        len(by_kind[kind]) - len(group), kind)
        if group.empty:
            continue
        style = KIND_BY_ID[kind]
        traces.append(dict(
            type="scattergeo", geo=geo, lon=group[schema.LON].round(5).tolist(),
            lat=group[schema.LAT].round(5).tolist(), mode="markers",
            marker={"symbol": style.symbol, "color": style.color,
                    "size": round(style.size * marker_scale, 1), "line": MARKER_OUTLINE},
            hovertext=[hovers[index] for index in group.index],
            customdata=[row_of[index] for index in group.index],
            hovertemplate="%{hovertext}<extra></extra>",
            hoverlabel={"bordercolor": style.color},
            **_member_options(kind, legend, geo, counts[kind])))
    return traces


def _geo_layout(panel: Panel) -> dict:
    # Explicit ranges, not fitbounds: with a conic projection and the world scope, plotly.js
    # fits the whole world box first (the south pole is at infinity) and the map is a dot.
    # The center must be given too, or small views (Corse) come out blank or off-centre.
    scene = panel.scene
    return {"visible": False, "domain": panel.domain, "projection": scene.projection,
            "bgcolor": "rgba(0,0,0,0)", "showframe": False, "fitbounds": False,
            "lonaxis": {"range": list(scene.lon_range)},
            "lataxis": {"range": list(scene.lat_range)},
            "center": {"lon": round(sum(scene.lon_range) / 2, 4),
                       "lat": round(sum(scene.lat_range) / 2, 4)}}


def _inset(geo: str, scene: basemap.Scene, members: pd.DataFrame, frame: dict,
           label: str) -> Panel:
    """A framed inset: the map inside the frame, under its name."""
    (x0, x1), (y0, y1) = frame["x"], frame["y"]
    domain = {"x": [x0 + INSET_PADDING, x1 - INSET_PADDING],
              "y": [y0 + INSET_PADDING, y1 - INSET_LABEL_HEIGHT]}
    return Panel(geo, scene, members, _round_domain(domain), _round_domain(frame), label)


def _round_domain(domain: dict) -> dict:
    return {axis: [round(value, 4) for value in values] for axis, values in domain.items()}


def national_panels(members: pd.DataFrame) -> list[Panel]:
    """Metropolitan France, the five overseas régions in a column on the right, and Paris with
    its petite couronne at the top left when at least two members are there."""
    overseas = members[schema.REGION].isin(OVERSEAS_REGIONS)
    panels = [Panel("geo", basemap.metropole_scene(), members[~overseas], MAIN_DOMAIN)]
    names = get_reference().names(REGION)
    slot = 1.0 / len(OVERSEAS_REGIONS)
    for i, code in enumerate(OVERSEAS_REGIONS):
        top = 1.0 - i * slot
        frame = {"x": list(INSET_COLUMN), "y": [top - slot + INSET_GAP, top]}
        panels.append(_inset(f"geo{i + 2}", basemap.overseas_scene(code),
                             members[members[schema.REGION] == code], frame, names[code]))
    paris = _members_in(members, basemap.PARIS_DEPARTEMENTS)
    if len(paris) >= 2:
        panels.append(_inset(f"geo{len(panels) + 1}", basemap.paris_scene(), paris,
                             PARIS_FRAME, PARIS_LABEL))
    return panels


def _members_in(members: pd.DataFrame, departements: tuple[str, ...]) -> pd.DataFrame:
    """Members inside these départements, or whose area covers one of them."""
    kind, code = members[schema.KIND], members[schema.CODE]
    regions = {region for region, codes in get_reference().departements_by_region().items()
               if set(codes) & set(departements)}
    mask = (members[schema.DEPARTEMENT].isin(departements)
            | ((kind == KIND_DEPARTEMENT) & code.isin(departements))
            | ((kind == KIND_REGION) & code.isin(regions)))
    return members[mask]


# -- the figure -----------------------------------------------------------------------------------

def build_map(members: pd.DataFrame, region: str | None = None, *,
              kinds: Iterable[str] | None = None, title: str | None = None,
              show_epci_outlines: bool = True) -> go.Figure:
    """The membership map as a plotly figure (arguments: see map_spec)."""
    return go.Figure(map_spec(members, region, kinds=kinds, title=title,
                              show_epci_outlines=show_epci_outlines))


def map_spec(members: pd.DataFrame, region: str | None = None, *,
             kinds: Iterable[str] | None = None, title: str | None = None,
             show_epci_outlines: bool = True) -> dict:
    """The membership map as a plain figure dict ({"data": [...], "layout": {...}}), which
    dcc.Graph takes as it is (build_map wraps it in a validated go.Figure).

    members: one row per member (columns of geodata.schema, plus extra columns for the hover).
    region: None for France (overseas régions in insets), or an INSEE région code ("32") for
        that région alone, zoomed, with only its members.
    kinds: the member kinds to show (None: all); the legend only lists kinds with members.
    title: the figure title (default "Collectivités adhérentes", "… en région <nom>").
    show_epci_outlines: in a région view, also draw the outline of each EPCI member.
    """
    region = check_region(region)
    kinds = check_kinds(kinds)
    shown = select_members(members, region, kinds)
    return draw_map(shown, region, kinds, title or map_title(region), show_epci_outlines)


def map_figure(members: pd.DataFrame, state: FilterState, selected_row: int | None = None,
               sample: bool = False) -> dict:
    """The map of a filter state as a figure dict, the selected member ringed where it is
    drawn (the dashboard's map, and every export of it); sample: the members are the embedded
    sample, which the subtitle says (labels.SAMPLE_MARK)."""
    shown = select(members, state)
    figure = draw_map(shown, state.region, state.kinds, state_title(state), query=state.query)
    if sample:
        figure["layout"]["title"]["subtitle"]["text"] += f" ({SAMPLE_MARK})"
    if not isinstance(selected_row, int) or isinstance(selected_row, bool):  # none, or forged
        return figure
    target = shown[shown[schema.ROW] == selected_row].dropna(subset=[schema.LON, schema.LAT])
    geos = dict.fromkeys(trace["geo"] for trace in figure["data"]
                         if selected_row in (trace.get("customdata") or ()))
    for geo in geos if not target.empty else ():
        figure["data"].append(dict(
            type="scattergeo", geo=geo, lon=target[schema.LON].tolist(),
            lat=target[schema.LAT].tolist(), mode="markers", hoverinfo="skip",
            showlegend=False, name="sélection",
            marker={"symbol": "circle-open", "size": 26, "color": SELECTION_COLOR,
                    "line": {"width": 3}}))
    return figure


def draw_map(shown: pd.DataFrame, region: str | None, kinds: tuple[str, ...], title: str,
             show_epci_outlines: bool = True, query: str = "") -> dict:
    """The figure dict of members already selected for the view (see dashboard.selection)."""
    counts = count_by_kind(shown)
    hovers = dict(zip(shown.index, hover_texts(shown), strict=True))

    if region is None:
        panels = national_panels(shown)
    else:
        panels = [Panel("geo", basemap.region_scene(region), shown, {"x": [0, 1], "y": [0, 1]})]

    # The legend entry of a kind goes on its first trace (an inset's, if all are overseas).
    legend: dict[str, str] = {}
    for panel in panels:
        for kind in panel.members[schema.KIND].unique():
            legend.setdefault(kind, panel.geo)

    markers = int((~shown[schema.KIND].isin(AREA_KINDS)).sum())
    scale = _marker_scale(region, markers)
    traces = []
    for panel in panels:
        traces += _panel_traces(panel, hovers, counts, legend,
                                show_epci_outlines and region is not None, scale)

    layout = _layout(region, title, map_subtitle(len(shown), kinds, query), bool(counts))
    for panel in panels:
        layout[panel.geo] = _geo_layout(panel)
        if panel.frame is not None:
            _add_frame(layout, panel)
    return {"data": traces, "layout": layout}


def _layout(region: str | None, title: str, subtitle: str, has_legend: bool) -> dict:
    return {
        "title": {"text": html.escape(title, quote=False), "x": 0.01, "xanchor": "left",
                  "y": 0.98, "yanchor": "top",
                  "font": {"size": 22, "color": "#222"},
                  "subtitle": {"text": subtitle, "font": {"size": 14, "color": "#666"}}},
        "font": {"family": FONT, "color": "#333"},
        "showlegend": has_legend,
        "legend": LEGEND,
        "margin": {"l": 10, "r": 10, "t": 88, "b": 34},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "hoverlabel": {"bgcolor": "white", "font": {"family": FONT, "size": 13,
                                                     "color": "#222"}, "align": "left"},
        "annotations": [{
            "text": source_line(), "showarrow": False, "xref": "paper", "yref": "paper",
            "x": 1, "y": 0, "xanchor": "right", "yanchor": "top", "yshift": -6,
            "font": {"size": 11, "color": "#777"},
        }],
        "shapes": [],
        "uirevision": f"carte-{region or 'france'}",
        "template": "none",   # everything is styled here; keeps the JSON small
        "meta": {"region": region},
    }


def source_line() -> str:
    """The source line of every map: the member list and the geography in use."""
    return get_reference().vintage.source_line


def _add_frame(layout: dict, panel: Panel) -> None:
    """A light frame around an inset, with its name at the top."""
    (x0, x1), (y0, y1) = panel.frame["x"], panel.frame["y"]
    layout["shapes"].append({
        "type": "rect", "xref": "paper", "yref": "paper", "x0": x0, "x1": x1, "y0": y0, "y1": y1,
        "line": {"color": "#c9c5be", "width": 1}, "fillcolor": "white", "layer": "below",
    })
    layout["annotations"].append({
        "text": panel.label, "showarrow": False, "xref": "paper", "yref": "paper",
        "x": (x0 + x1) / 2, "y": y1, "xanchor": "center", "yanchor": "top", "yshift": -2,
        "font": {"size": 12, "color": "#444"},
    })
