"""The base map under the members: départements, borders and labels, prepared once per process.

Everything here is cached (`functools.cache`): the first national figure pays ~0.3 s to turn
the reference layers into small GeoJSON features and border lines, every later figure reuses
them. Coordinates are rounded (3 decimals, ~100 m, for the generalised national shapes; 4, ~10 m,
for the detailed région views) to keep the figure JSON small. The returned objects are shared:
never modify them.
"""

import json
from dataclasses import dataclass
from functools import cache

import geopandas as gpd
import numpy as np
import shapely
from shapely.ops import polylabel

from geodata import load_layer
from geodata.levels import DEPARTEMENT, EPCI, OVERSEAS_REGIONS, REGION

DECIMALS_LIGHT = 3
DECIMALS_FULL = 4
NATIONAL_MARGIN = 0.02  # national view: margin around metropolitan France, share of its extent
INSET_MARGIN = 0.06     # overseas insets
VIEW_MARGIN = 0.06      # région view: margin around the région, share of its extent
LEGEND_BOX = (0.3, 0.2)  # région view: share of the view's width, height the legend may cover
# Label placement, in px of a région view at its export size (REGION_SIZE).
LABEL_VIEW_HEIGHT_PX = 880
LABEL_CHAR_PX = 7.5
LABEL_HALF_HEIGHT_PX = 7
MARKER_REACH_PX = 9
LABEL_MIN_AREA = 0.015  # région view: smallest département named, share of the view
VIEW_ASPECT = 1.2       # région view: width / height the view box is widened to (REGION_SIZE)
CLIP_MARGIN = 0.25      # région view: geometry kept around the view (room to pan a little)

# Lambert-93 look: conic conformal, standard parallels 44° and 49°, central meridian 3° E.
METROPOLE_PROJECTION = {"type": "conic conformal", "parallels": [44, 49], "rotation": {"lon": 3}}
SMALL_AREA_PROJECTION = {"type": "mercator"}  # overseas insets, Paris inset

Lines = tuple[list, list]   # lon, lat lists, parts separated by None (a Scattergeo line trace)


@dataclass(frozen=True)
class Scene:
    """What one geo subplot draws under the members."""

    features: dict[str, dict]   # département code -> GeoJSON Feature (id = code)
    focus: tuple[str, ...]      # départements of the area shown, in the normal fill
    context: tuple[str, ...]    # départements around it, faded (région view)
    departement_lines: Lines    # thin borders between départements
    region_lines: Lines         # région borders and coasts, a little stronger
    outline: Lines              # outline of the région in focus (région view), strongest
    labels: tuple[tuple[str, float, float], ...]          # département names (text, lon, lat)
    context_labels: tuple[tuple[str, float, float], ...]  # neighbouring régions, faded
    lon_range: tuple[float, float]  # the view (plotly.js clips the map to this box)
    lat_range: tuple[float, float]
    projection: dict
    label_areas: tuple = ()     # the polygon of each département label, to move it off markers


# -- small geometry helpers ---------------------------------------------------------------------

def _rounded(geometry, decimals: int):
    """Polygons snapped to a grid of 10**-decimals degrees, exterior rings clockwise.

    Snapping (not plain rounding) drops the islets that collapse, whose degenerate rings
    d3-geo would read as "the whole sphere but this"; d3-geo wants clockwise exteriors.
    """
    snapped = shapely.set_precision(geometry, 10.0 ** -decimals)
    return shapely.orient_polygons(snapped, exterior_cw=True)


def _feature(code: str, geometry) -> dict:
    return {"type": "Feature", "id": code, "geometry": json.loads(shapely.to_geojson(geometry))}


def _lines(geometry, decimals: int) -> Lines:
    """Border lines as one Scattergeo trace's lon/lat lists (None between the parts)."""
    lons: list = []
    lats: list = []
    if geometry is None or geometry.is_empty:
        return lons, lats
    for part in shapely.get_parts(shapely.line_merge(geometry)):
        xy = np.round(shapely.get_coordinates(part), decimals)
        lons.extend(xy[:, 0].tolist())
        lats.extend(xy[:, 1].tolist())
        lons.append(None)
        lats.append(None)
    return lons, lats


def _mesh(geometries):
    """Every border of a set of polygons once (shared borders are not drawn twice)."""
    return shapely.union_all(shapely.boundary(np.asarray(geometries)))


def _label_point(geometry) -> tuple[float, float]:
    """A point well inside the largest part of a polygon, where its name reads best."""
    parts = shapely.get_parts(geometry)
    largest = parts[int(np.argmax(shapely.area(parts)))]
    point = polylabel(largest, tolerance=0.002)
    return round(point.x, 4), round(point.y, 4)


# -- names ---------------------------------------------------------------------------------------

@cache
def names(level: str) -> dict[str, str]:
    """Code -> official name for 'region' or 'departement' (used by the hover text)."""
    if level not in (REGION, DEPARTEMENT):
        raise ValueError(f"level must be 'region' or 'departement', got {level!r}")
    layer = load_layer(level, light=True)
    return dict(zip(layer["code"], layer["nom"], strict=True))


@cache
def departements_by_region() -> dict[str, tuple[str, ...]]:
    """Région code -> codes of its départements."""
    layer = load_layer(DEPARTEMENT, light=True)
    return {region: tuple(group["code"]) for region, group in layer.groupby("region")}


# -- national view -------------------------------------------------------------------------------

@cache
def _light_departements() -> gpd.GeoDataFrame:
    return load_layer(DEPARTEMENT, light=True)[["code", "region", "geometry"]]


@cache
def national_features() -> dict[str, dict]:
    """All 101 départements, generalised, as GeoJSON features keyed by code."""
    layer = _light_departements()
    geometries = _rounded(layer.geometry.values, DECIMALS_LIGHT)
    return {code: _feature(code, geom) for code, geom in zip(layer["code"], geometries,
                                                             strict=True)}


def _region_mesh(layer: gpd.GeoDataFrame):
    regions = [shapely.coverage_union_all(group.geometry.values)
               for _, group in layer.groupby("region")]
    return _mesh(regions)


@cache
def metropole_scene() -> Scene:
    """Metropolitan France (with Corsica), generalised, fitted to the figure."""
    layer = _light_departements()
    layer = layer[~layer["region"].isin(OVERSEAS_REGIONS)]
    return Scene(
        features=national_features(),
        focus=tuple(layer["code"]),
        context=(),
        departement_lines=_lines(_mesh(layer.geometry.values), DECIMALS_LIGHT),
        region_lines=_lines(_region_mesh(layer), DECIMALS_LIGHT),
        outline=([], []),
        labels=(),
        context_labels=(),
        **_ranges(_padded(layer.total_bounds, NATIONAL_MARGIN)),
        projection=METROPOLE_PROJECTION,
    )


@cache
def overseas_scene(region: str) -> Scene:
    """One overseas région (a single département) for an inset of the national view."""
    if region not in OVERSEAS_REGIONS:
        raise ValueError(f"region must be one of the overseas régions {OVERSEAS_REGIONS}, "
                         f"got {region!r}")
    layer = _light_departements()
    layer = layer[layer["region"] == region]
    return Scene(
        features=national_features(),
        focus=tuple(layer["code"]),
        context=(),
        departement_lines=([], []),
        region_lines=_lines(_mesh(layer.geometry.values), DECIMALS_LIGHT),
        outline=([], []),
        labels=(),
        context_labels=(),
        **_ranges(_padded(layer.total_bounds, INSET_MARGIN)),
        projection=SMALL_AREA_PROJECTION,
    )


PARIS_DEPARTEMENTS = ("75", "92", "93", "94")


@cache
def paris_scene() -> Scene:
    """Paris and its petite couronne, in detail, for an inset of the national view."""
    layer = load_layer(DEPARTEMENT)
    layer = layer[layer["code"].isin(PARIS_DEPARTEMENTS)]
    geometries = _rounded(layer.geometry.values, DECIMALS_FULL)
    return Scene(
        features={code: _feature(code, geom)
                  for code, geom in zip(layer["code"], geometries, strict=True)},
        focus=tuple(layer["code"]),
        context=(),
        departement_lines=_lines(_mesh(layer.geometry.values), DECIMALS_FULL),
        region_lines=([], []),
        outline=_lines(shapely.boundary(shapely.coverage_union_all(layer.geometry.values)),
                       DECIMALS_FULL),
        labels=(),
        context_labels=(),
        **_ranges(_padded(layer.total_bounds, INSET_MARGIN)),
        # Not the conic projection: plotly.js draws nothing with it in so small a box.
        projection=SMALL_AREA_PROJECTION,
    )


# -- région view ---------------------------------------------------------------------------------

def _padded(bounds, margin: float) -> tuple[float, float, float, float]:
    minx, miny, maxx, maxy = bounds
    dx, dy = (maxx - minx) * margin, (maxy - miny) * margin
    return minx - dx, miny - dy, maxx + dx, maxy + dy


def _ranges(box) -> dict:
    minx, miny, maxx, maxy = box
    return {"lon_range": (round(minx, 3), round(maxx, 3)),
            "lat_range": (round(miny, 3), round(maxy, 3))}


def _widened(box, aspect: float) -> tuple[float, float, float, float]:
    """The box grown on one axis so that its ground width / height is about `aspect`.

    plotly.js clips a geo subplot to its lon/lat range box: a box with the figure's
    proportions fills the figure with the faded surroundings instead of blank bands.
    """
    minx, miny, maxx, maxy = box
    cos_lat = np.cos(np.radians((miny + maxy) / 2))
    width, height = (maxx - minx) * cos_lat, maxy - miny
    if width / height < aspect:
        grow = (aspect * height - width) / cos_lat / 2
        return minx - grow, miny, maxx + grow, maxy
    grow = (width / aspect - height) / 2
    return minx, miny - grow, maxx, maxy + grow


def _legend_room(view, region_shape) -> tuple[float, float, float, float]:
    """The view, taller at the bottom when the legend box (bottom left) would cover the région."""
    minx, miny, maxx, maxy = view
    legend = shapely.box(minx, miny, minx + LEGEND_BOX[0] * (maxx - minx),
                         miny + LEGEND_BOX[1] * (maxy - miny))
    if shapely.intersection(region_shape, legend).area < 0.002 * region_shape.area:
        return view
    return _widened((minx, miny - LEGEND_BOX[1] * (maxy - miny), maxx, maxy), VIEW_ASPECT)


@cache
def region_scene(region: str) -> Scene:
    """One région in detail, with the départements around it faded and clipped."""
    if region not in departements_by_region():
        raise ValueError(f"region must be an INSEE région code, one of "
                         f"{sorted(departements_by_region())}, got {region!r}")
    full = load_layer(DEPARTEMENT)[["code", "nom", "region", "geometry"]]
    inside = full[full["region"] == region]
    shape = shapely.coverage_union_all(inside.geometry.values)
    view = _widened(_padded(shape.bounds, VIEW_MARGIN), VIEW_ASPECT)
    view = _legend_room(view, shape)
    clip = _padded(view, CLIP_MARGIN)
    box = shapely.box(*clip)

    # The région in detail; around it, generalised shapes are enough (faded, under its outline).
    light = load_layer(DEPARTEMENT, light=True)[["code", "nom", "region", "geometry"]]
    near = light[(light["region"] != region) & light.geometry.intersects(box)]
    around = shapely.clip_by_rect(near.geometry.values, *clip)
    keep = ~shapely.is_empty(around)
    near, around = near[keep], around[keep]
    features = {code: _feature(code, geom) for code, geom in
                zip(near["code"], _rounded(around, DECIMALS_FULL), strict=True)}
    features.update({code: _feature(code, geom) for code, geom in
                     zip(inside["code"], _rounded(inside.geometry.values, DECIMALS_FULL),
                         strict=True)})

    lines = shapely.union_all([shapely.intersection(_mesh(near.geometry.values), box),
                               _mesh(inside.geometry.values)])
    region_mesh = shapely.intersection(_region_mesh(near), box)
    outline = shapely.boundary(shape)

    view_box = shapely.box(*view)
    labels, label_areas = [], []
    if len(inside) > 1:   # a single-département région needs no département names
        # Départements too small to hold their name (Paris and its petite couronne in the
        # Île-de-France view) go unnamed rather than over each other.
        shapes = light.set_index("code").geometry
        for code, nom, geom in zip(inside["code"], inside["nom"], inside.geometry.values,
                                   strict=True):
            if geom.area > LABEL_MIN_AREA * view_box.area:
                labels.append((nom, *_label_point(geom)))
                label_areas.append(shapes[code])
    region_names = names(REGION)
    context_labels = []
    for code, group in near.groupby("region"):
        visible = shapely.intersection(shapely.coverage_union_all(group.geometry.values),
                                       view_box)
        # Name a neighbour only when enough of it shows to hold its name.
        if not visible.is_empty and visible.area > 0.04 * view_box.area:
            context_labels.append((region_names[code], *_label_point(visible)))

    return Scene(
        features=features,
        focus=tuple(inside["code"]),
        context=tuple(near["code"]),
        departement_lines=_lines(lines, DECIMALS_FULL),
        region_lines=_lines(region_mesh, DECIMALS_FULL),
        outline=_lines(outline, DECIMALS_FULL),
        labels=tuple(labels),
        context_labels=tuple(context_labels),
        label_areas=tuple(label_areas),
        **_ranges(view),
        projection=SMALL_AREA_PROJECTION if region in OVERSEAS_REGIONS else METROPOLE_PROJECTION,
    )


def place_labels(scene: Scene, lons, lats) -> tuple[tuple[str, float, float], ...]:
    """The département names of a scene, each moved off the markers (lon, lat) it would cover.

    A name that covers a marker goes to the point of its département farthest from the
    markers' reach (a box the size of the name around each marker); it stays if no room is left.
    """
    points = np.column_stack([np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)])
    points = points[~np.isnan(points).any(axis=1)] if len(points) else points
    if not scene.label_areas or not len(points):
        return scene.labels
    lat_span = scene.lat_range[1] - scene.lat_range[0]
    dy = lat_span / LABEL_VIEW_HEIGHT_PX
    dx = dy / np.cos(np.radians(sum(scene.lat_range) / 2))
    placed = []
    for (text, lon, lat), area in zip(scene.labels, scene.label_areas, strict=True):
        half_w = (len(text) * LABEL_CHAR_PX / 2 + MARKER_REACH_PX) * dx
        half_h = (LABEL_HALF_HEIGHT_PX + MARKER_REACH_PX) * dy
        near = (np.abs(points[:, 0] - lon) < half_w) & (np.abs(points[:, 1] - lat) < half_h)
        if not near.any():
            placed.append((text, lon, lat))
            continue
        reach = shapely.union_all(shapely.box(points[:, 0] - half_w, points[:, 1] - half_h,
                                              points[:, 0] + half_w, points[:, 1] + half_h))
        free = shapely.difference(area, reach)
        if free.is_empty or free.area < 0.02 * area.area:
            placed.append((text, lon, lat))
        else:
            placed.append((text, *_label_point(free)))
    return tuple(placed)


# -- EPCI outlines ---------------------------------------------------------------------------------

@cache
def _epci_geometries() -> dict:
    layer = load_layer(EPCI, light=True)
    return dict(zip(layer["code"], layer.geometry.values, strict=True))


def has_epci(code: str) -> bool:
    """True when an EPCI has this SIREN."""
    return code in _epci_geometries()


@cache
def epci_feature(code: str) -> dict:
    """One EPCI, generalised, as a GeoJSON feature (the outline of an EPCI member)."""
    try:
        geometry = _epci_geometries()[code]
    except KeyError:
        raise ValueError(f"no EPCI has SIREN {code!r}") from None
    return _feature(code, _rounded(geometry, DECIMALS_FULL))
