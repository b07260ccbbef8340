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
areas), the perimeters of the EPCI members as lines (région view), région borders a little
stronger, département and neighbour names, leader lines, one marker trace per kind (biggest
first, dark outlines), then the members' names. A région or département view is shaped to the
page it is drawn on (`canvas`), and names are placed in its pixels (`dashboard.map_labels`).
The national view puts the overseas régions in framed insets on the right (in a row under
France on a phone), and Paris with its petite couronne at the top left when members crowd it.
Only geo traces are used, so the figure exports to true vector SVG (names as text) and needs
no map tiles; see `dashboard.offline` for the topojson files plotly.js still asks for.
"""

import html
import logging
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely

from geodata import REGION, get_reference, schema
from geodata.columns import Colouring, column_colouring
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

from . import basemap, basemap_assets, map_labels
from .hover import hover_texts
from .labels import (
    MAX_TEXT,
    SAMPLE_MARK,
    coverage_phrase,
    format_population,
    map_subtitle,
    map_title,
    state_title,
    usual_name,
)
from .legend import LEGEND, LEGEND_ROW_PX, MARKER_DRAW_ORDER, MARKER_OUTLINE
from .map_labels import Marker, Name
from .projection import View, centre
from .prospect_table import RELATION, shown_prospects
from .selection import (
    check_kinds,
    check_region,
    count_by_kind,
    in_effect,
    select,
    select_members,
    view_coverage,
)
from .state import DEFAULT_MODE, FilterState

log = logging.getLogger("dashboard")

FONT = "Arial, Helvetica, 'Liberation Sans', sans-serif"

BASE_FILL = "#e4e1db"        # départements of the area shown
CONTEXT_FILL = "#f2f0ec"     # départements around a région, faded
DEPARTEMENT_LINE = {"color": "white", "width": 0.8}
REGION_LINE = {"color": "#8f8b84", "width": 1.2}
OUTLINE_LINE = {"color": "#55524d", "width": 1.6}
# Département names: dark enough to read on orange and blue, under the members' names.
LABEL_FONT = {"family": FONT, "size": 11, "color": "#3d3a35", "textcase": "upper",
              "shadow": "auto"}
CONTEXT_LABEL_FONT = {"family": FONT, "size": 12, "color": "#aaa59d", "style": "italic"}
# Member names: dark, with a white halo ("auto") that keeps them readable on any area.
MEMBER_LABEL_FONT = {"family": FONT, "size": map_labels.FONT_PX, "color": "#1f1f1f",
                     "shadow": "auto"}
LEADER_LINE = {"color": "#3a3a3a", "width": 1}
LEADERS = "repères"   # the name of the traces of leader lines
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

# Recommended export sizes (px) for the national and région views, and the size a map is
# drawn for when its page size is not known.
NATIONAL_SIZE = (1200, 1000)
REGION_SIZE = (1100, 1000)
# Room around the map on a wide page: the title above, the source line below (at least).
MARGIN = {"l": 10, "r": 10, "t": 88, "b": 34}


# -- traces ---------------------------------------------------------------------------------------

# Traces are plain dicts ({"type": ...}): go.Figure validates and deep-copies every GeoJSON,
# which costs more than building the map; map_spec() hands the dicts to Dash as they are.

def _area_trace(panel: "Panel", locations: list[str], color: str, **options) -> dict:
    """Départements (by code) of a scene filled with one colour, with thin white borders."""
    scene = panel.scene
    features = basemap_assets.url(scene, "departements") if panel.linked else {
        "type": "FeatureCollection", "features": [scene.features[code] for code in locations]}
    options.setdefault("marker", {"line": DEPARTEMENT_LINE})
    return _fill_trace(panel.geo, features, locations, color, **options)


def _fill_trace(geo: str, features: dict | str, locations: list[str], color: str,
                **options) -> dict:
    options.setdefault("hoverinfo", "skip")
    options.setdefault("showlegend", False)
    return dict(
        type="choropleth", geo=geo, geojson=features, featureidkey="id", locations=locations,
        z=[1] * len(locations), zmin=0, zmax=1, colorscale=[[0, color], [1, color]],
        showscale=False, **options,
    )


def _outline_trace(panel: "Panel", part: str, line: dict) -> dict:
    """Unfilled outlines (région borders: part "regions", the area in focus: "outline") over
    the areas."""
    collection = panel.scene.regions if part == "regions" else panel.scene.outline
    codes = [feature["id"] for feature in collection["features"]]
    features = basemap_assets.url(panel.scene, part) if panel.linked else collection
    return _fill_trace(panel.geo, features, codes, "rgba(0,0,0,0)", marker={"line": line})


def _label_trace(geo: str, labels, font: dict) -> dict:
    texts, lons, lats = zip(*labels, strict=True)
    return dict(type="scattergeo", geo=geo, lon=list(lons), lat=list(lats), text=list(texts),
                mode="text", textfont=font, hoverinfo="skip", showlegend=False)


@dataclass(frozen=True)
class Panel:
    """One geo subplot: its base map, its members, where it sits and its framed name."""

    geo: str                  # "geo", "geo2"...
    scene: basemap.Scene
    members: pd.DataFrame
    domain: dict              # paper coordinates of the map
    frame: dict | None = None  # paper coordinates of the inset's frame (None: no frame)
    label: str = ""           # name written at the top of the frame
    label_size: float = 12    # its font size, px
    linked: bool = False      # its base map's GeoJSON as links (see basemap_assets)


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


def _colour_parts(members: pd.DataFrame, colour_of: dict) -> list[pd.DataFrame]:
    """The members in groups of one colour each (all of them when no column colours them):
    every trace drawing members holds one colour, so that the browser hides the members of
    the values not kept by hiding traces, as it hides a kind's."""
    if not colour_of:
        return [members]
    colours = members.index.map(lambda index: colour_of.get(index))
    return [members[colours == colour] for colour in dict.fromkeys(colours)]


def _panel_traces(panel: Panel, hovers: dict, counts: dict[str, int], legend: dict[str, str],
                  show_epci_outlines: bool, marker_scale: float, view: View,
                  label_mode: str, obstacles: list, label_size: float,
                  shade_territory: bool = False, prospects: pd.DataFrame | None = None,
                  colour_of: dict | None = None) -> list:
    """Every trace of one geo subplot, bottom to top; shade_territory: the "territoire
    couvert" map, the territory of the members drawn as symbols shaded under the areas;
    prospects: the "Non adhérentes" map, these non-members as hollow symbols of their kind;
    colour_of: index -> colour of each member, when a column of the list colours them."""
    colour_of = colour_of or {}
    by_kind = {kind: group for kind, group in panel.members.groupby(schema.KIND, sort=False)}
    row_of = _rows_of(panel.members)
    areas = _member_areas(panel.scene, by_kind, hovers, row_of, colour_of)
    names = _place_names(panel, view, marker_scale, label_mode, obstacles, label_size, colour_of)
    shades = _territory_shade_traces(panel.geo, by_kind, hovers, row_of, colour_of) \
        if shade_territory else []
    traces = _area_traces(panel, areas, counts, legend, shades, bool(colour_of))
    if show_epci_outlines:
        traces += _territory_outline_traces(panel.geo, by_kind, row_of, colour_of)
    traces += _border_traces(panel)
    traces += names.area_traces
    if prospects is not None and not prospects.empty:
        traces += _prospect_traces(panel.geo, prospects, marker_scale)
    traces += names.leader_traces
    traces += _marker_traces(panel.geo, by_kind, hovers, row_of, counts, legend, marker_scale,
                             names.positions, colour_of)
    traces += names.member_traces
    return traces


@dataclass(frozen=True)
class _Names:
    positions: dict        # member index -> (lon, lat) where its symbol is drawn (nudged)
    area_traces: list      # département and neighbour names
    leader_traces: list
    member_traces: list


def _place_names(panel: Panel, view: View, marker_scale: float, label_mode: str,
                 obstacles: list, size: float, colour_of: dict) -> _Names:
    """Symbols nudged apart, then member, département and neighbour names placed without
    overlap, in the pixels of the page (see dashboard.map_labels); a trace of names (and of
    leader lines) per kind, and per colour when a column colours the members."""
    members = panel.members[~panel.members[schema.KIND].isin(AREA_KINDS)].dropna(
        subset=[schema.LON, schema.LAT])
    # Most important first: the order of the legend, then the most populous.
    population = pd.to_numeric(members[schema.POPULATION], errors="coerce").fillna(0)
    rank = members[schema.KIND].map(KINDS.index)
    members = members.iloc[np.lexsort((-population.to_numpy(), rank.to_numpy()))]
    x, y = view.to_pixels(members[schema.LON].to_numpy(), members[schema.LAT].to_numpy())
    sizes = members[schema.KIND].map({kind: KIND_BY_ID[kind].size for kind in KINDS})
    radii = (sizes.to_numpy(dtype=float) * marker_scale / 2 + MARKER_OUTLINE["width"]).tolist()
    markers = map_labels.spread([Marker(*point) for point in zip(x, y, radii, strict=True)])
    lons, lats = view.to_lonlat([m.x for m in markers], [m.y for m in markers])
    positions = dict(zip(members.index, zip(lons.round(5).tolist(), lats.round(5).tolist(),
                                            strict=True), strict=True))

    names = [] if label_mode == "aucun" else [
        Name(usual_name(kind, code, name), marker=i, size=size)
        for i, (kind, code, name) in enumerate(zip(
            members[schema.KIND], members[schema.CODE], members[schema.NAME], strict=True))]
    scene = panel.scene
    for (text, lon, lat), area in zip(scene.labels, scene.label_areas, strict=True):
        names.append(Name(text, size=LABEL_FONT["size"], upper=True,
                          spots=_spots_in(view, area, lon, lat)))
    for text, lon, lat in scene.context_labels:
        names.append(Name(text, size=CONTEXT_LABEL_FONT["size"],
                          spots=tuple(zip(*view.to_pixels([lon], [lat]), strict=True))))
    placed = map_labels.place_labels(view.visible, markers, names, label_mode, obstacles)

    def text_trace(chosen, font):
        if not chosen:
            return []
        lons, lats = view.to_lonlat([p.x for p in chosen], [p.y for p in chosen])
        return [_label_trace(panel.geo, list(zip([p.text for p in chosen], lons.round(5),
                                                 lats.round(5), strict=True)), font)]

    by_member = [p for p in placed if p.name.marker is not None]
    departements = [p for p in placed if p.name.upper]
    context = [p for p in placed if p.name.marker is None and not p.name.upper]
    kinds = members[schema.KIND].tolist()
    rows = _rows_of(members)
    row_at = [rows[index] for index in members.index]
    colours = [colour_of.get(index) for index in members.index]
    member_traces, leader_traces = [], []
    # One trace per kind (and colour): the browser hides a kind's names with it.
    groups = [(kind, colour) for kind in KINDS for colour in dict.fromkeys(colours)]
    for kind, colour in groups:
        chosen = [p for p in by_member
                  if kinds[p.name.marker] == kind and colours[p.name.marker] == colour]
        for trace in text_trace(chosen, {**MEMBER_LABEL_FONT, "size": size}):
            trace.update(legendgroup=kind, customdata=[row_at[p.name.marker] for p in chosen])
            member_traces.append(trace)
        leaders = [p for p in chosen if p.leader is not None]
        if leaders:   # one segment per line, from the symbol to its name, then a gap
            ends = np.array([p.leader for p in leaders]).reshape(-1, 4)
            start = view.to_lonlat(ends[:, 0], ends[:, 1])
            end = view.to_lonlat(ends[:, 2], ends[:, 3])
            lon, lat = ([value for a, b in zip(first.round(5).tolist(), last.round(5).tolist(),
                                               strict=True) for value in (a, b, None)]
                        for first, last in zip(start, end, strict=True))
            leader_traces.append(dict(
                type="scattergeo", geo=panel.geo, mode="lines", line=LEADER_LINE, lon=lon,
                lat=lat, customdata=[row_at[p.name.marker] for p in leaders for _ in range(3)],
                hoverinfo="skip", showlegend=False, name=LEADERS, legendgroup=kind))
    return _Names(positions, text_trace(departements, LABEL_FONT) +
                  text_trace(context, CONTEXT_LABEL_FONT), leader_traces, member_traces)


SPOT_SPACING_PX = 14


def _spots_in(view: View, area, lon: float, lat: float) -> tuple:
    """Where a département's name may go (px): its usual point, then the points of a grid
    inside it, nearest first."""
    origin = tuple(float(v[0]) for v in view.to_pixels([lon], [lat]))
    shape = shapely.transform(area, lambda coords: np.column_stack(
        view.to_pixels(coords[:, 0], coords[:, 1])))
    minx, miny, maxx, maxy = shape.bounds
    gx, gy = np.meshgrid(np.arange(minx, maxx, SPOT_SPACING_PX),
                         np.arange(miny, maxy, SPOT_SPACING_PX))
    gx, gy = gx.ravel(), gy.ravel()
    inside = shapely.contains_xy(shape, gx, gy)
    gx, gy = gx[inside], gy[inside]
    nearest = np.argsort(np.hypot(gx - origin[0], gy - origin[1]))
    return (origin, *zip(gx[nearest].tolist(), gy[nearest].tolist(), strict=True))


def _member_areas(scene: basemap.Scene, by_kind: dict, hovers: dict, row_of: dict,
                  colour_of: dict) -> dict[str, tuple[list, list, list, list]]:
    """Kind -> (département codes, hover texts, rows, colours) of the member areas of a scene.

    A member région covers all its départements and a member département is drawn over it,
    so that either kind can be hidden in the browser and the other shows through (the base
    map is drawn under both).
    """
    areas: dict[str, tuple[list, list, list, list]] = {}
    for kind in (KIND_DEPARTEMENT, KIND_REGION):
        if kind not in by_kind:
            continue
        locations, texts, rows, colors = [], [], [], []
        for index, code in zip(by_kind[kind].index, by_kind[kind][schema.CODE], strict=True):
            codes = (get_reference().departements_by_region().get(code, ()) if kind == KIND_REGION
                     else (code,))
            # Only in the area shown: around it, the faded base map (a member région's
            # other départements are not what a département view shows).
            for departement in (c for c in codes if c in scene.focus and c not in locations):
                locations.append(departement)
                texts.append(hovers[index])
                rows.append(row_of[index])
                colors.append(colour_of.get(index, KIND_BY_ID[kind].color))
        areas[kind] = (locations, texts, rows, colors)
    return areas


def _area_traces(panel: Panel, areas: dict, counts: dict[str, int],
                 legend: dict[str, str], shades: list, coloured: bool) -> list:
    """The base map's départements (faded around a région), the territory shades, then the
    member areas (a trace per colour when the members are coloured by a column)."""
    geo, scene = panel.geo, panel.scene
    traces = []
    if scene.context:   # first: the région's own départements, more detailed, go over them
        traces.append(_area_trace(panel, list(scene.context), CONTEXT_FILL))
    if scene.focus:
        traces.append(_area_trace(panel, list(scene.focus), BASE_FILL))
    traces += shades
    for kind in AREA_KINDS:    # régions under départements
        locations, texts, rows, colors = areas.get(kind, ([], [], [], []))
        for n, color in enumerate(dict.fromkeys(colors)):
            at = [i for i, c in enumerate(colors) if c == color]
            # The legend entry on the kind's first trace; coloured, on a trace of its own.
            traces.append(_area_trace(
                panel, [locations[i] for i in at], color, hovertext=[texts[i] for i in at],
                customdata=[rows[i] for i in at], hovertemplate="%{hovertext}<extra></extra>",
                **_member_options(kind, {} if coloured or n else legend, geo, counts[kind])))
    return traces


TERRITORY_FILL = "#8fcdb8"      # the territory of the members drawn as symbols
TERRITORY_LINE = {"color": "#5fa98f", "width": 0.4}
TERRITORY_LEGEND = "Territoire des intercommunalités et communes"


def _territory_shade_traces(geo: str, by_kind: dict, hovers: dict, row_of: dict,
                            colour_of: dict) -> list:
    """The territory of each member drawn as a symbol (EPCI, EPT, commune) filled in one
    shade, a trace per kind (and colour of a column): hidden with its kind in the browser,
    filtered by a search like its symbols (every location carries its member's row)."""
    traces = []
    for kind in MARKER_KINDS:
        if kind not in by_kind or schema.LEVEL not in by_kind[kind]:
            continue
        for members in _colour_parts(by_kind[kind], colour_of):
            traces += _territory_shade(geo, kind, members, hovers, row_of)
    return traces


def _territory_shade(geo: str, kind: str, members: pd.DataFrame, hovers: dict,
                     row_of: dict) -> list:
    """The territories of these members of a kind, in one trace (none without territory)."""
    features, locations, texts, rows = {}, [], [], []
    for index, level, code in zip(members.index, members[schema.LEVEL], members[schema.CODE],
                                  strict=True):
        if level not in basemap.SHADED_LEVELS:
            continue
        feature = basemap.territory_feature(level, code)
        if feature is None or feature["id"] in features:
            continue
        features[feature["id"]] = feature
        locations.append(feature["id"])
        texts.append(hovers[index])
        rows.append(row_of[index])
    if not locations:
        return []
    return [_fill_trace(
        geo, {"type": "FeatureCollection", "features": list(features.values())},
        locations, TERRITORY_FILL, marker={"line": TERRITORY_LINE}, customdata=rows,
        hovertext=texts, hoverinfo=None, hovertemplate="%{hovertext}<extra></extra>",
        legendgroup=kind, name=KIND_LABELS[kind])]


def _territory_legend_trace(geo: str) -> dict:
    """The legend's entry of the shade (a trace with no point: it draws nothing)."""
    return dict(type="scattergeo", geo=geo, lon=[None], lat=[None], mode="markers",
                marker={"symbol": "square", "size": 14, "color": TERRITORY_FILL,
                        "line": {"color": TERRITORY_LINE["color"], "width": 1}},
                name=TERRITORY_LEGEND, legendrank=200, showlegend=True, hoverinfo="skip",
                legendgroup="territoire")


PROSPECTS_GROUP = "prospects"   # the legend group of the non-members drawn
PROSPECT_AREA_SYMBOL = "square"  # a région or département not a member: a hollow square
PROSPECT_AREA_SIZE = 13


def prospect_legend_name(count: int) -> str:
    return f"Non adhérentes, symbole vide ({count})"


def _prospects_in(panel: Panel, prospects: pd.DataFrame, national: bool) -> pd.DataFrame:
    """The prospects a panel draws: all of them in a région's view; in the national view (a
    département chosen under France entière), metropolitan ones on the main map, each overseas
    région's in its inset, none twice in the Paris inset."""
    overseas = prospects.region.isin(OVERSEAS_REGIONS)
    if not national:
        return prospects
    if panel.geo == "geo":
        return prospects[~overseas]
    codes = [code for code in OVERSEAS_REGIONS
             if get_reference().names(REGION)[code] == panel.label]
    return prospects[prospects.region.isin(codes)]


def _prospect_traces(geo: str, prospects: pd.DataFrame, marker_scale: float) -> list:
    """The non-members of the view, a hollow symbol of their kind each (a trace per kind, the
    biggest under), and one legend entry for them all."""
    traces = []
    for kind in (*AREA_KINDS, *MARKER_DRAW_ORDER):
        group = prospects[prospects.kind == kind]
        if group.empty:
            continue
        style = KIND_BY_ID[kind]
        texts = [f"<b>{nom}</b><br>{style.label} · non membre du réseau · "
                 f"{format_population(people)}"
                 + (f"<br>{RELATION[(bool(partly), bool(touches))]}"
                    if partly or touches else "")
                 for nom, people, partly, touches in zip(
                     group.nom, group.population, group.partly_covered, group.touches,
                     strict=True)]
        size = PROSPECT_AREA_SIZE if style.is_area else style.size
        traces.append(dict(
            type="scattergeo", geo=geo, lon=group.lon.tolist(), lat=group.lat.tolist(),
            mode="markers", hovertext=texts, hovertemplate="%{hovertext}<extra></extra>",
            marker={"symbol": f"{style.symbol or PROSPECT_AREA_SYMBOL}-open",
                    "size": round(size * marker_scale * 0.9, 1), "color": style.color,
                    "line": {"width": 1.6}},
            name=style.plural, legendgroup=PROSPECTS_GROUP, showlegend=False))
    traces.append(dict(
        type="scattergeo", geo=geo, lon=[None], lat=[None], mode="markers",
        marker={"symbol": "circle-open", "size": 11, "color": "#555555", "line": {"width": 1.6}},
        name=prospect_legend_name(len(prospects)), legendrank=210, showlegend=True,
        hoverinfo="skip", legendgroup=PROSPECTS_GROUP))
    return traces


OUTLINE_COLOR = "#4d4d4d"   # the perimeters when the colours say a column's values


def _territory_outline_traces(geo: str, by_kind: dict, row_of: dict, colour_of: dict) -> list:
    """The perimeter of each EPCI and EPT member, a line in its kind's colour (dark grey when
    a column colours the members; no fill: the only areas are the régions and départements of
    the legend; a line, not a polygon's outline, so that the frame cuts it without drawing
    along itself). Every point carries its member's row, for the browser to hide the lines of
    members a search leaves out; a trace per kind, and per colour of a column."""
    traces = []
    for kind in MARKER_KINDS:
        if kind not in by_kind or KIND_BY_ID[kind].level not in basemap.OUTLINED_LEVELS:
            continue
        if schema.LEVEL not in by_kind[kind]:
            continue
        for members in _colour_parts(by_kind[kind], colour_of):
            first = {}   # (level, code) -> the first member drawing it
            for index, level, code in zip(members.index, members[schema.LEVEL],
                                          members[schema.CODE], strict=True):
                first.setdefault((level, code), index)
            lons, lats, rows = [], [], []
            for (level, code), index in first.items():
                if basemap.has_territory(level, code):
                    line_lons, line_lats = basemap.territory_lines(level, code)
                    lons += line_lons
                    lats += line_lats
                    rows += [row_of[index]] * len(line_lons)
            if lons:
                color = OUTLINE_COLOR if colour_of else KIND_BY_ID[kind].color
                traces.append(dict(
                    type="scattergeo", geo=geo, mode="lines", lon=lons, lat=lats,
                    customdata=rows, line={"width": 1.2, "color": color}, hoverinfo="skip",
                    showlegend=False, legendgroup=kind, name=KIND_LABELS[kind]))
    return traces


def _border_traces(panel: Panel) -> list:
    """Région borders and the outline of the area in focus, over the areas."""
    geo, scene = panel.geo, panel.scene
    traces = []
    if scene.regions["features"]:
        traces.append(_outline_trace(panel, "regions", REGION_LINE))
    lons, lats = scene.region_lines
    if lons:
        traces.append(dict(type="scattergeo", geo=geo, mode="lines", lon=list(lons),
                           lat=list(lats), line=REGION_LINE, hoverinfo="skip",
                           showlegend=False))
    if scene.outline:
        traces.append(_outline_trace(panel, "outline", OUTLINE_LINE))
    return traces


def _marker_traces(geo: str, by_kind: dict, hovers: dict, row_of: dict,
                   counts: dict[str, int], legend: dict[str, str], marker_scale: float,
                   positions: dict, colour_of: dict) -> list:
    """One marker trace per kind (per kind and colour when the members are coloured by a
    column), biggest markers first, each where `positions` puts it."""
    traces = []
    for kind in MARKER_DRAW_ORDER:
        if kind not in by_kind:
            continue
        group = by_kind[kind].dropna(subset=[schema.LON, schema.LAT])
        if len(group) < len(by_kind[kind]):
            log.warning("%d member(s) of kind %s have no position and are not drawn",
                        len(by_kind[kind]) - len(group), kind)
        style = KIND_BY_ID[kind]
        for n, part in enumerate(_colour_parts(group, colour_of) if not group.empty else []):
            color = colour_of.get(part.index[0], style.color)
            lons, lats = zip(*(positions[index] for index in part.index), strict=True)
            traces.append(dict(
                type="scattergeo", geo=geo, lon=list(lons), lat=list(lats), mode="markers",
                marker={"symbol": style.symbol, "color": color,
                        "size": round(style.size * marker_scale, 1), "line": MARKER_OUTLINE},
                hovertext=[hovers[index] for index in part.index],
                customdata=[row_of[index] for index in part.index],
                hovertemplate="%{hovertext}<extra></extra>",
                hoverlabel={"bordercolor": style.color},
                **_member_options(kind, {} if colour_of or n else legend, geo, counts[kind])))
    return traces


KIND_SHAPE_COLOR = "#d9d9d9"   # the kinds' entries when colours say a column's values
COLOUR_GROUP = "couleur"       # the legend group of a column's values
LEGEND_LABEL_CHARS = 40        # a value longer than this is cut in the legend
AREA_ENTRY_SIZE = 12           # px of the square of an area or a value in the legend


def _colouring_legend_traces(geo: str, counts: dict[str, int], colouring: Colouring) -> list:
    """The legend when a column colours the members: each kind's shape in grey at its size,
    with its count, then the column's name over its values' colours (traces with no point:
    they draw nothing)."""
    def entry(marker: dict, **options) -> dict:
        return dict(type="scattergeo", geo=geo, lon=[None], lat=[None], mode="markers",
                    marker=marker, hoverinfo="skip", **options)

    traces = [entry({"symbol": KIND_BY_ID[kind].symbol or "square", "color": KIND_SHAPE_COLOR,
                     "size": KIND_BY_ID[kind].size or AREA_ENTRY_SIZE, "line": MARKER_OUTLINE},
                    **_member_options(kind, {kind: geo}, geo, count))
              for kind, count in counts.items()]
    # The column's name as an entry without symbol: a legend group title would go on top.
    traces.append(entry({"color": "rgba(0,0,0,0)", "size": 1, "line": {"width": 0}},
                        name=f"<b>{html.escape(_short(colouring.header))}</b>",
                        legendgroup=COLOUR_GROUP, legendrank=299, showlegend=True))
    # meta: the values an entry stands for, so that the browser leaves out those not kept (a
    # scale keeps all its steps, as an export's legend).
    traces += [entry({"symbol": "square", "color": color, "size": AREA_ENTRY_SIZE,
                      "line": MARKER_OUTLINE}, name=html.escape(_short(label)),
                     legendgroup=COLOUR_GROUP, legendrank=300 + n, showlegend=True,
                     meta=None if colouring.graduated else values)
               for n, (label, color, values) in enumerate(colouring.legend())]
    return traces


def _present(colouring: Colouring, index) -> Colouring:
    """The colouring with only the values these members have (a scale keeps all its steps)."""
    if colouring.graduated:
        return colouring
    present = set(colouring.classes[index])
    keep = [i for i in range(len(colouring.labels)) if i in present]
    return replace(colouring, labels=tuple(colouring.labels[i] for i in keep),
                   colors=tuple(colouring.colors[i] for i in keep),
                   classes=colouring.classes[index].map({old: new for new, old in
                                                         enumerate(keep)}))


def _short(text: str) -> str:
    return text if len(text) <= LEGEND_LABEL_CHARS else text[:LEGEND_LABEL_CHARS - 1] + "…"


def _geo_layout(panel: Panel) -> dict:
    # Explicit ranges, not fitbounds: with a conic projection and the world scope, plotly.js
    # fits the whole world box first (the south pole is at infinity) and the map is a dot.
    # The center must be given too, or small views (Corse) come out blank or off-centre.
    scene = panel.scene
    # plotly.js puts the center in the middle of the subplot: the middle of the projected
    # range (see dashboard.projection), where names were placed.
    lon, lat = centre(scene.projection, scene.lon_range, scene.lat_range)
    return {"visible": False, "domain": panel.domain, "projection": scene.projection,
            "bgcolor": "rgba(0,0,0,0)", "showframe": False, "fitbounds": False,
            "lonaxis": {"range": list(scene.lon_range)},
            "lataxis": {"range": list(scene.lat_range)},
            "center": {"lon": round(lon, 5), "lat": round(lat, 5)}}


INSET_LABEL_SIZE, INSET_LABEL_MIN = 12, 9   # px: an inset's name, shrunk to fit its frame


def _fitted_label(label: str, width_px: float) -> tuple[str, float]:
    """(text, font size) of an inset's name that fits its frame's width: smaller, then on two
    lines ("Paris et<br>petite couronne") when even the smallest size is too wide."""
    room = width_px - 6
    size = min(INSET_LABEL_SIZE, room / map_labels.text_width(label, 1))
    if size >= INSET_LABEL_MIN or " " not in label:
        return label, max(size, 6)
    lines = _wrapped(label, room, INSET_LABEL_MIN)
    widest = max(map_labels.text_width(line, 1) for line in lines)
    return "<br>".join(lines), max(min(INSET_LABEL_SIZE, room / widest), 6)


def _inset(geo: str, scene: basemap.Scene, members: pd.DataFrame, frame: dict,
           label: str, plot: tuple[float, float]) -> Panel:
    """A framed inset: the map inside the frame, under its name (fitted to the frame's width
    on a plot of this size, px)."""
    (x0, x1), (y0, y1) = frame["x"], frame["y"]
    text, size = _fitted_label(label, (x1 - x0) * plot[0])
    label_height = (text.count("<br>") + 1) * size * 1.3 / plot[1] + INSET_PADDING
    domain = {"x": [x0 + INSET_PADDING, x1 - INSET_PADDING],
              "y": [y0 + INSET_PADDING, y1 - max(label_height, INSET_LABEL_HEIGHT)]}
    return Panel(geo, scene, members, _round_domain(domain), _round_domain(frame), text,
                 round(size, 1))


def _round_domain(domain: dict) -> dict:
    return {axis: [round(value, 4) for value in values] for axis, values in domain.items()}


# On a phone, France takes the whole width; the overseas régions go in a row under it and
# Paris in the top left corner, over the Channel.
COMPACT_MAIN_DOMAIN = {"x": [0.0, 1.0], "y": [0.24, 1.0]}
COMPACT_INSET_ROW = (0.0, 0.22)
COMPACT_PARIS_FRAME = {"x": [0.0, 0.26], "y": [0.8, 1.0]}


def national_panels(members: pd.DataFrame, plot: tuple[float, float] = NATIONAL_SIZE,
                    compact: bool = False) -> list[Panel]:
    """Metropolitan France, the five overseas régions in a column on the right (in a row under
    it on a phone), and Paris with its petite couronne at the top left when at least two
    members are there. plot: the plot area's size, px."""
    overseas = members[schema.REGION].isin(OVERSEAS_REGIONS)
    panels = [Panel("geo", basemap.metropole_scene(), members[~overseas],
                    COMPACT_MAIN_DOMAIN if compact else MAIN_DOMAIN)]
    names = get_reference().names(REGION)
    slot = 1.0 / len(OVERSEAS_REGIONS)
    for i, code in enumerate(OVERSEAS_REGIONS):
        if compact:
            frame = {"x": [i * slot + INSET_GAP / 2, (i + 1) * slot - INSET_GAP / 2],
                     "y": list(COMPACT_INSET_ROW)}
        else:
            top = 1.0 - i * slot
            frame = {"x": list(INSET_COLUMN), "y": [top - slot + INSET_GAP, top]}
        panels.append(_inset(f"geo{i + 2}", basemap.overseas_scene(code),
                             members[members[schema.REGION] == code], frame, names[code], plot))
    paris = _members_in(members, basemap.PARIS_DEPARTEMENTS)
    if len(paris) >= 2:
        panels.append(_inset(f"geo{len(panels) + 1}", basemap.paris_scene(), paris,
                             COMPACT_PARIS_FRAME if compact else PARIS_FRAME, PARIS_LABEL,
                             plot))
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
              show_epci_outlines: bool = True, canvas: tuple[float, float] | None = None,
              labels: str | None = None) -> go.Figure:
    """The membership map as a plotly figure (arguments: see map_spec)."""
    return go.Figure(map_spec(members, region, kinds=kinds, title=title,
                              show_epci_outlines=show_epci_outlines, canvas=canvas,
                              labels=labels))


def map_spec(members: pd.DataFrame, region: str | None = None, *,
             kinds: Iterable[str] | None = None, title: str | None = None,
             show_epci_outlines: bool = True, canvas: tuple[float, float] | None = None,
             labels: str | None = None) -> dict:
    """The membership map as a plain figure dict ({"data": [...], "layout": {...}}), which
    dcc.Graph takes as it is (build_map wraps it in a validated go.Figure).

    members: one row per member (columns of geodata.schema, plus extra columns for the hover).
    region: None for France (overseas régions in insets), or an INSEE région code ("32") for
        that région alone, zoomed, with only its members.
    kinds: the member kinds to show (None: all); the legend only lists kinds with members.
    title: the figure title (default "Collectivités adhérentes", "… en région <nom>").
    show_epci_outlines: in a région view, also draw the outline of each EPCI member.
    canvas: the size (px) the figure will be drawn at (default: REGION_SIZE or NATIONAL_SIZE).
    labels: which members are named, one of map_labels.LABEL_MODES (default: all in a région
        view, the main ones in the national view).
    """
    region = check_region(region)
    kinds = check_kinds(kinds)
    shown = select_members(members, region, kinds)
    texts = MapTexts(title or map_title(region), map_subtitle(len(shown), kinds))
    return draw_map(shown, region, texts, show_epci_outlines, canvas=canvas, labels=labels)


@dataclass(frozen=True)
class MapTexts:
    """The words around a map: what a person may rewrite before an export."""

    title: str
    subtitle: str
    note: str = ""
    source: str | None = None   # None: the source line of the geography in use


TEXT_FIELDS = ("title", "subtitle", "note", "source")   # the MapTexts a person may rewrite


def view_texts(shown: pd.DataFrame, state: FilterState, sample: bool = False,
               written: dict | None = None, coverage: tuple[int, int] | None = None) -> MapTexts:
    """The texts of a view: its title, and what it shows (kinds, search, a partial sample,
    the population covered when given: (covered, inhabitants)); written: what a person wrote
    in place of them ({field: text}; blank or not text: the view's own), on one line and at
    most MAX_TEXT characters."""
    subtitle = map_subtitle(len(shown), state.kinds, state.query, state.year, state.colour_by,
                            state.values)
    if sample:
        subtitle += f" ({SAMPLE_MARK})"
    if coverage:
        subtitle += " — " + coverage_phrase(*coverage)
    changes = {field: " ".join(value.split())[:MAX_TEXT]
               for field, value in (written or {}).items()
               if field in TEXT_FIELDS and isinstance(value, str) and value.strip()}
    return replace(MapTexts(state_title(state), subtitle), **changes)


def map_figure(members: pd.DataFrame, state: FilterState, selected_row: int | None = None,
               sample: bool = False, canvas: tuple[float, float] | None = None,
               texts: MapTexts | None = None, written: dict | None = None,
               linked: bool = False) -> dict:
    """The map of a filter state as a figure dict, the selected member ringed where it is
    drawn (the dashboard's map, and every export of it); sample: the members are the embedded
    sample, which the subtitle says (labels.SAMPLE_MARK); canvas, linked: see draw_map; texts:
    all the words around the map; written: some of them, written by a person (see
    view_texts)."""
    state = in_effect(members, state)
    shown = select(members, state)
    colouring = column_colouring(members, state.colour_by)
    if texts is None:
        coverage = view_coverage(members, state) if state.coverage else None
        texts = view_texts(shown, state, sample, written, coverage)
    prospects = shown_prospects(members, state) if state.mode == "prospects" else None
    figure = draw_map(shown, state.region, texts,
                      canvas=canvas, labels=state.labels, departement=state.departement,
                      linked=linked, mode=state.mode, prospects=prospects, colouring=colouring)
    if not isinstance(selected_row, int) or isinstance(selected_row, bool):  # none, or forged
        return figure
    target = shown[shown[schema.ROW] == selected_row].dropna(subset=[schema.LON, schema.LAT])
    rings = {}   # geo -> where the member is drawn: its symbol (maybe nudged), or its area
    for trace in figure["data"]:
        drawn = trace["type"] == "choropleth" or trace.get("mode") == "markers"
        if drawn and selected_row in (trace.get("customdata") or ()) and not target.empty:
            at = trace["customdata"].index(selected_row)
            rings[trace["geo"]] = ((trace["lon"][at], trace["lat"][at]) if "lon" in trace
                                   else (target[schema.LON].iloc[0], target[schema.LAT].iloc[0]))
    for geo, (lon, lat) in rings.items():
        figure["data"].append(dict(
            type="scattergeo", geo=geo, lon=[lon], lat=[lat], mode="markers", hoverinfo="skip",
            showlegend=False, name="sélection",
            marker={"symbol": "circle-open", "size": 26, "color": SELECTION_COLOR,
                    "line": {"width": 3}}))
    return figure


def label_mode(choice: str | None, region: str | None) -> str:
    """The names a view writes: the person's choice, else every member's in a région view
    and the main members' in the national view."""
    if choice in map_labels.LABEL_MODES:
        return choice
    return "tous" if region else "principaux"


def default_canvas(region: str | None) -> tuple[int, int]:
    return REGION_SIZE if region else NATIONAL_SIZE


def draw_map(shown: pd.DataFrame, region: str | None, texts: MapTexts,
             show_epci_outlines: bool = True, canvas: tuple[float, float] | None = None,
             labels: str | None = None, departement: str | None = None,
             linked: bool = False, mode: str = DEFAULT_MODE,
             prospects: pd.DataFrame | None = None, colouring: Colouring | None = None) -> dict:
    """The figure dict of members already selected for the view (see dashboard.selection).

    canvas: the size in px the map will be drawn at (the graph in the page, or an export's
    page), which a région view fills and names are placed for; labels: one of
    map_labels.LABEL_MODES (None: as label_mode says for the view); departement: in a région
    view, zoom on this département of the région; linked: the base map's GeoJSON as links to
    the server's static files (the dashboard, see basemap_assets), not inside the figure;
    mode: one of state.MAP_MODES ("territoire": the territory of the members drawn as
    symbols is shaded, with a legend entry of its own); prospects: the non-members drawn
    (the "Non adhérentes" map of a région, see prospect_table); colouring: a column of the
    list colouring the members (geodata.columns), the kinds keeping their shapes.
    """
    counts = count_by_kind(shown)
    shade = mode == "territoire" and schema.LEVEL in shown and \
        shown[schema.LEVEL].isin(basemap.SHADED_LEVELS).any()
    entries = [KIND_BY_ID[kind].legend_name(count) for kind, count in counts.items()]
    entries += [TERRITORY_LEGEND] if shade else []
    drawn_prospects = prospects is not None and not prospects.empty
    entries += [prospect_legend_name(len(prospects))] if drawn_prospects else []
    colour_of = {}
    if colouring is not None and not shown.empty:
        colour_of = {index: colouring.color_of(index) for index in shown.index}
        colouring = _present(colouring, shown.index)
        entries += [_short(colouring.header)] + [_short(label)
                                                 for label, _, _ in colouring.legend()]
    hovers = dict(zip(shown.index, hover_texts(shown), strict=True))
    canvas = canvas or default_canvas(region)
    compact = canvas[0] < COMPACT_WIDTH   # a phone: see _page
    page = _page(canvas, texts.title, texts.subtitle, entries, texts.note, texts.source)
    margin = page["margin"]
    plot_w = max(canvas[0] - margin["l"] - margin["r"], 50)
    plot_h = max(canvas[1] - margin["t"] - margin["b"], 50)
    labels = label_mode(labels, region)

    if region is None:
        panels = national_panels(shown, (plot_w, plot_h), compact=compact)
    else:
        scene = basemap.region_scene(region, aspect=plot_w / plot_h,
                                     legend_inside=not compact,
                                     departement=departement)
        panels = [Panel("geo", scene, shown, {"x": [0, 1], "y": [0, 1]})]
    panels = [replace(panel, linked=linked) for panel in panels]

    # The legend entry of a kind goes on its first trace (an inset's, if all are overseas).
    legend: dict[str, str] = {}
    for panel in panels:
        for kind in panel.members[schema.KIND].unique():
            legend.setdefault(kind, panel.geo)

    markers = int((~shown[schema.KIND].isin(AREA_KINDS)).sum())
    scale = _marker_scale(region, markers) * (COMPACT_MARKER_SCALE if compact else 1)
    # What names keep off, in the plot area's px: the legend box and the inset frames.
    legend_box = None if compact else _legend_box(entries, plot_w, plot_h)
    traces = []
    for panel in panels:
        (x0, x1), (y0, y1) = panel.domain["x"], panel.domain["y"]
        left, top = x0 * plot_w, (1 - y1) * plot_h
        view = View(panel.scene.projection, panel.scene.lon_range, panel.scene.lat_range,
                    (x1 - x0) * plot_w, (y1 - y0) * plot_h)
        boxes = [_frame_box(other, plot_w, plot_h) for other in panels
                 if other is not panel and other.frame is not None]
        boxes += [legend_box] if legend_box else []
        obstacles = [(bx0 - left, by0 - top, bx1 - left, by1 - top)
                     for bx0, by0, bx1, by1 in boxes if bx1 > bx0]
        traces += _panel_traces(panel, hovers, counts, legend,
                                show_epci_outlines and region is not None, scale, view,
                                labels, obstacles,
                                COMPACT_FONT["labels"] if compact else map_labels.FONT_PX,
                                shade_territory=shade,
                                prospects=_prospects_in(panel, prospects, region is None)
                                if drawn_prospects else None, colour_of=colour_of)
    if colour_of:
        traces += _colouring_legend_traces(panels[0].geo, counts, colouring)
    if shade:
        traces.append(_territory_legend_trace(panels[0].geo))

    layout = _layout(region, page, bool(counts), departement)
    if colour_of:   # the kinds told apart by shape and size: their entries at their size
        layout["legend"] = {**layout["legend"], "itemsizing": "trace"}
    for panel in panels:
        layout[panel.geo] = _geo_layout(panel)
        if panel.frame is not None:
            _add_frame(layout, panel)
    return {"data": traces, "layout": layout}


def _legend_box(entries: list[str], plot_w: float, plot_h: float) -> tuple:
    """Where the legend of these names sits (bottom left of the plot area, px from its top
    left corner)."""
    if not entries:
        return (0, 0, 0, 0)
    font = LEGEND["font"]["size"]
    width = 50 + max(map_labels.text_width(name, font) for name in entries)
    height = 12 + LEGEND_ROW_PX * len(entries)
    bottom = plot_h * (1 - LEGEND["y"])
    left = LEGEND["x"] * plot_w
    return (left, bottom - height, left + width, bottom)


def _frame_box(panel: Panel, plot_w: float, plot_h: float) -> tuple:
    (x0, x1), (y0, y1) = panel.frame["x"], panel.frame["y"]
    return (x0 * plot_w, (1 - y1) * plot_h, x1 * plot_w, (1 - y0) * plot_h)


# Below this width (px) a map is laid out for a phone: title on several lines, legend under the
# map in rows, the source line wrapped under it.
COMPACT_WIDTH = 600
LEGEND_SYMBOL_PX = 40   # a legend entry's symbol and the gaps around it (plotly.js's textGap)
COMPACT_MARKER_SCALE = 0.8
TOOLBAR_PX = 150   # the map's toolbar, top right: a title on a phone keeps clear of it
COMPACT_FONT = {"title": 16, "subtitle": 12, "legend": 11, "source": 9, "labels": 10}


BREAKABLE = re.compile(r"[ \t\n\r]+")   # where a line may break: not at a no-break space


def _wrapped(text: str, width_px: float, size: float) -> list[str]:
    """The lines of a text wrapped to a width in px (at a font size), at its spaces (not at
    its no-break spaces: « lille » stays whole)."""
    lines, line = [], ""
    for word in BREAKABLE.split(text):
        if not word:
            continue
        candidate = f"{line} {word}".strip()
        if line and map_labels.text_width(candidate, size) > width_px:
            lines.append(line)
            line = word
        else:
            line = candidate
    return lines + [line] if line else lines


WIDE_FONT = {"title": 22, "subtitle": 14, "source": 11}


def _lines(text: str, width_px: float, size: float) -> list[str]:
    return [html.escape(line, quote=False) for line in _wrapped(text, width_px, size)]


def _top(font: dict, title_lines: int, subtitle_lines: int) -> int:
    """The margin above the map (px): room for the title and subtitle lines."""
    top = round(14 + 1.35 * (font["title"] * title_lines + font["subtitle"] * subtitle_lines)
                + 12)
    return top if font is COMPACT_FONT else max(MARGIN["t"], top)


SUBTITLE_LINES = 6   # most lines a subtitle is given room for by subtitle_frame


def subtitle_frame(canvas: tuple[float, float], title: str) -> dict:
    """How the subtitle of a map drawn at this size is written, for the browser to rewrite
    it as _page does: its width and font size (px), and the margin above the map for a
    subtitle of 1, 2... SUBTITLE_LINES lines."""
    font = COMPACT_FONT if canvas[0] < COMPACT_WIDTH else WIDE_FONT
    usable = canvas[0] - MARGIN["l"] - MARGIN["r"]
    title_lines = len(_lines(title, usable - TOOLBAR_PX, font["title"]))
    return {"width": usable, "size": font["subtitle"],
            "tops": [_top(font, title_lines, n) for n in range(1, SUBTITLE_LINES + 1)]}


def _page(canvas: tuple[float, float], title: str, subtitle: str, entries: list[str],
          note: str = "", source: str | None = None) -> dict:
    """The parts of the layout that depend on the page: margins, title, legend, note and source.

    Texts are wrapped to the page (a person may write a long title or note). A wide page has
    the network's legend bottom left over the map, the source bottom right and the note bottom
    left (under the source when both do not fit on one line); a phone (narrower than
    COMPACT_WIDTH) gets the legend in rows under the map, the note and source under it.
    entries: the names in the legend.
    """
    width, _ = canvas
    compact = width < COMPACT_WIDTH
    font = COMPACT_FONT if compact else WIDE_FONT
    source = source_line() if source is None else source
    usable = width - MARGIN["l"] - MARGIN["r"]
    title_lines = _lines(title, usable - TOOLBAR_PX, font["title"])
    subtitle_lines = _lines(subtitle, usable, font["subtitle"])
    top = _top(font, len(title_lines), len(subtitle_lines))
    page = {"title": {"text": "<br>".join(title_lines), "size": font["title"],
                      "lines": len(title_lines)},
            "subtitle": {"text": "<br>".join(subtitle_lines), "size": font["subtitle"]}}
    line_px = font["source"] * 1.3
    source_lines = _lines(source, usable, font["source"])
    note_lines = _lines(note, usable, font["source"]) if note else []

    if not compact:
        foot = [{"text": "<br>".join(source_lines), "x": 1, "xanchor": "right",
                 "size": font["source"], "yshift": -6}]
        shift = -6 - len(source_lines) * line_px
        if note_lines:
            side_by_side = len(note_lines) == len(source_lines) == 1 and (
                map_labels.text_width(note, font["source"])
                + map_labels.text_width(source, font["source"]) + 30 <= usable)
            foot.append({"text": "<br>".join(note_lines), "x": 0, "xanchor": "left",
                         "size": font["source"], "yshift": -6 if side_by_side else shift - 4})
            if not side_by_side:
                shift -= 4 + len(note_lines) * line_px
        return {**page, "legend": LEGEND, "foot": foot,
                "margin": {**MARGIN, "t": top,
                           "b": max(MARGIN["b"], round(-shift + 8))}}

    # The legend in rows of columns as wide as its longest entry: its text (plotly.js's
    # entrywidth) and LEGEND_SYMBOL_PX before it.
    text = max((map_labels.text_width(name, font["legend"]) for name in entries), default=0)
    entry = LEGEND_SYMBOL_PX + text if entries else 0
    columns = max(1, int(usable // entry)) if entry else 1
    rows = -(-len(entries) // columns)
    legend_height = rows * (font["legend"] + 8) + 10 if entries else 0
    foot, shift = [], -legend_height - 4
    for lines in (note_lines, source_lines):
        if lines:
            foot.append({"text": "<br>".join(lines), "x": 0, "xanchor": "left",
                         "size": font["source"], "yshift": shift})
            shift -= len(lines) * line_px + 4
    legend = {**LEGEND, "orientation": "h", "x": 0, "xanchor": "left", "y": 0,
              "yanchor": "top", "font": {"size": font["legend"]}, "borderwidth": 0,
              "bgcolor": "rgba(0,0,0,0)", "entrywidth": math.ceil(text),
              "entrywidthmode": "pixels"}
    return {**page, "legend": legend, "foot": foot,
            "margin": {"l": MARGIN["l"], "r": MARGIN["r"], "t": top,
                       "b": round(-shift + 6)}}


def _layout(region: str | None, page: dict, has_legend: bool,
            departement: str | None = None) -> dict:
    return {
        "title": {"text": page["title"]["text"], "x": 0.01, "xanchor": "left",
                  # plotly.js anchors a title of several lines by its last: pad the others.
                  "y": 1, "yref": "container", "yanchor": "top",
                  "pad": {"t": 12 + round((page["title"]["lines"] - 1) * page["title"]["size"]
                                          * 1.3)},
                  "font": {"size": page["title"]["size"], "color": "#222"},
                  "subtitle": {"text": page["subtitle"]["text"],
                               "font": {"size": page["subtitle"]["size"], "color": "#666"}}},
        "font": {"family": FONT, "color": "#333"},
        "showlegend": has_legend,
        "legend": page["legend"],
        "margin": page["margin"],
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "hoverlabel": {"bgcolor": "white", "font": {"family": FONT, "size": 13,
                                                     "color": "#222"}, "align": "left"},
        "annotations": [{
            "text": line["text"], "showarrow": False, "xref": "paper", "yref": "paper",
            "x": line["x"], "y": 0, "xanchor": line["xanchor"], "yanchor": "top",
            "yshift": line["yshift"], "align": "left",
            "font": {"size": line["size"], "color": "#777"},
        } for line in page["foot"]],
        "shapes": [],
        "uirevision": f"carte-{departement or region or 'france'}",
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
        "font": {"size": panel.label_size, "color": "#444"},
    })
