"""The base map under the members: départements, borders and names, prepared once per process.

Everything here is memoized with the reference geography (`geodata.memoized`, dropped by its
`clear()`): the first figure of a view pays ~0.1–0.4 s to turn the reference layers into small
GeoJSON features, every later figure reuses them. Coordinates are
snapped to a grid (3 decimals, ~100 m, for the generalised national shapes; 4, ~10 m, for the
detailed région views) to keep the figure JSON small. The returned objects are shared: never
modify them.

Borders are polygon outlines, not lines: the départements carry their own thin white outline,
and the régions are drawn again, unfilled, with a stronger grey one. No coordinate is sent twice
for a border, and plotly validates a GeoJSON much faster than long lists of points.
"""

import json
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from shapely.ops import polylabel

from geodata import get_reference, load_layer, memoized
from geodata.levels import COMMUNE, DEPARTEMENT, EPCI, EPT, OVERSEAS_REGIONS, REGION

from .projection import projected_bounds, rectangle_edges, shaped, unproject

DECIMALS_LIGHT = 3
DECIMALS_FULL = 4
NATIONAL_MARGIN = 0.02  # national view: margin around metropolitan France, share of its extent
INSET_MARGIN = 0.06     # overseas and Paris insets
VIEW_MARGIN = 0.06      # région view: margin around the région, share of its extent
CLIP_MARGIN = 0.25      # région view: geometry kept around what shows (room to pan a little)
# Région view: the proportions (width / height in pixels) of the subplot a view fills, in steps.
DEFAULT_ASPECT = 1.2
MIN_ASPECT, MAX_ASPECT, ASPECT_STEP = 0.3, 4.0, 0.01
SMALL_VIEW_DEGREES = 3.0   # an area narrower than this gets detailed neighbours
LEGEND_BOX = (0.3, 0.2)  # région view: share of the view's width, height the legend covers
LABEL_MIN_AREA = 0.015  # région view: smallest département named, share of the view

# Lambert-93 look: conic conformal, standard parallels 44° and 49°, central meridian 3° E.
METROPOLE_PROJECTION = {"type": "conic conformal", "parallels": [44, 49], "rotation": {"lon": 3}}
# Overseas and Paris insets: plotly.js draws nothing with the conic projection in so small a box.
SMALL_AREA_PROJECTION = {"type": "mercator"}

PARIS_DEPARTEMENTS = ("75", "92", "93", "94")

Label = tuple[str, float, float]   # text, lon, lat


@dataclass(frozen=True)
class Scene:
    """What one geo subplot draws under the members."""

    features: dict[str, dict]   # département code -> GeoJSON Feature (id = code)
    focus: tuple[str, ...]      # départements of the area shown, in the normal fill
    context: tuple[str, ...]    # départements around it, faded (région view)
    regions: dict               # FeatureCollection of the régions, drawn as unfilled outlines
    outline: dict | None        # FeatureCollection of the area in focus, strongest outline
    labels: tuple[Label, ...]           # département names
    context_labels: tuple[Label, ...]   # neighbouring régions, faded
    lon_range: tuple[float, float]      # the view (plotly.js clips the map to this box)
    lat_range: tuple[float, float]
    projection: dict
    label_areas: tuple = ()     # the polygon of each département label, to move it off markers
    # Région borders as lines (lons, lats with None between parts), where the régions are cut
    # by the frame: a cut polygon's outline would draw the cut as a line along the frame.
    region_lines: tuple = ((), ())
    key: str = ""           # how to make the scene again: scene_of(key)
    features_key: str = ""  # the key of the scene whose features these are (shared: France)


# -- small geometry helpers -----------------------------------------------------------------------

def _rounded(geometry, decimals: int):
    """Polygons snapped to a grid of 10**-decimals degrees, exterior rings clockwise.

    Snapping (not plain rounding) drops the islets that collapse, whose degenerate rings
    d3-geo would read as "the whole sphere but this"; d3-geo wants clockwise exteriors.
    """
    snapped = shapely.set_precision(geometry, 10.0 ** -decimals)
    return shapely.orient_polygons(snapped, exterior_cw=True)


def _feature(code: str, geometry) -> dict:
    return {"type": "Feature", "id": code, "geometry": json.loads(shapely.to_geojson(geometry))}


def _collection(codes, geometries, decimals: int) -> dict:
    rounded = _rounded(np.asarray(geometries), decimals)
    return {"type": "FeatureCollection",
            "features": [_feature(code, geom) for code, geom in zip(codes, rounded, strict=True)
                         if not geom.is_empty]}


def _by_region(layer: gpd.GeoDataFrame) -> tuple[list[str], list]:
    """The régions of a layer of départements, dissolved (their borders follow the départements)."""
    codes, shapes = [], []
    for code, group in layer.groupby("region"):
        codes.append(code)
        # The generalised layer is a coverage up to a few rounding slips, which can leave the
        # union invalid: mended, or a later intersection fails ("Ring edge missing").
        shapes.append(shapely.make_valid(shapely.coverage_union_all(group.geometry.values)))
    return codes, shapes


def _label_point(geometry) -> tuple[float, float]:
    """A point well inside the largest part of a polygon, where its name reads best."""
    parts = shapely.get_parts(geometry)
    largest = parts[int(np.argmax(shapely.area(parts)))]
    point = polylabel(largest, tolerance=0.002)
    return round(point.x, 4), round(point.y, 4)


def _padded(bounds, margin: float) -> tuple[float, float, float, float]:
    minx, miny, maxx, maxy = bounds
    dx, dy = (maxx - minx) * margin, (maxy - miny) * margin
    return minx - dx, miny - dy, maxx + dx, maxy + dy


def _ranges(box) -> dict:
    minx, miny, maxx, maxy = box
    return {"lon_range": (round(minx, 3), round(maxx, 3)),
            "lat_range": (round(miny, 3), round(maxy, 3))}


# -- national view --------------------------------------------------------------------------------

@memoized
def _light_departements() -> gpd.GeoDataFrame:
    return load_layer(DEPARTEMENT, light=True)[["code", "nom", "region", "geometry"]]


@memoized
def national_features() -> dict[str, dict]:
    """All 101 départements, generalised, as GeoJSON features keyed by code."""
    layer = _light_departements()
    collection = _collection(layer["code"], layer.geometry.values, DECIMALS_LIGHT)
    return {feature["id"]: feature for feature in collection["features"]}


def _national_scene(layer: gpd.GeoDataFrame, margin: float, projection: dict,
                    key: str) -> Scene:
    return Scene(
        key=key,
        features_key=FRANCE,
        features=national_features(),
        focus=tuple(layer["code"]),
        context=(),
        regions=_collection(*_by_region(layer), DECIMALS_LIGHT),
        outline=None,
        labels=(),
        context_labels=(),
        **_ranges(_padded(layer.total_bounds, margin)),
        projection=projection,
    )


@memoized
def metropole_scene() -> Scene:
    """Metropolitan France (with Corsica), generalised."""
    layer = _light_departements()
    layer = layer[~layer["region"].isin(OVERSEAS_REGIONS)]
    return _national_scene(layer, NATIONAL_MARGIN, METROPOLE_PROJECTION, FRANCE)


@memoized
def overseas_scene(region: str) -> Scene:
    """One overseas région (a single département) for an inset of the national view."""
    if region not in OVERSEAS_REGIONS:
        raise ValueError(f"region must be one of the overseas régions {OVERSEAS_REGIONS}, "
                         f"got {region!r}")
    layer = _light_departements()
    return _national_scene(layer[layer["region"] == region], INSET_MARGIN,
                           SMALL_AREA_PROJECTION, f"{OVERSEAS}-{region}")


@memoized
def paris_scene() -> Scene:
    """Paris and its petite couronne, in detail, for an inset of the national view."""
    layer = load_layer(DEPARTEMENT)
    layer = layer[layer["code"].isin(PARIS_DEPARTEMENTS)]
    collection = _collection(layer["code"], layer.geometry.values, DECIMALS_FULL)
    return Scene(
        key=PARIS,
        features_key=PARIS,
        features={feature["id"]: feature for feature in collection["features"]},
        focus=tuple(layer["code"]),
        context=(),
        regions={"type": "FeatureCollection", "features": []},
        outline=_collection(["paris"], [shapely.coverage_union_all(layer.geometry.values)],
                            DECIMALS_FULL),
        labels=(),
        context_labels=(),
        **_ranges(_padded(layer.total_bounds, INSET_MARGIN)),
        projection=SMALL_AREA_PROJECTION,
    )


# -- scenes by key --------------------------------------------------------------------------------

FRANCE, OVERSEAS, PARIS, REGION_VIEW = "france", "outremer", "paris", "region"


def scene_of(key: str) -> Scene | None:
    """The scene a key names (Scene.key), made again if need be; None: no such scene.

    "france", "paris", "outremer-<région>", "region-<région>-<aspect>-<legend inside: 0/1>",
    then "-<département>" for a département view. Keys come from URLs: anything else is None.
    """
    if key == FRANCE:
        return metropole_scene()
    if key == PARIS:
        return paris_scene()
    kind, _, rest = key.partition("-")
    if kind == OVERSEAS and rest in OVERSEAS_REGIONS:
        return overseas_scene(rest)
    parts = rest.split("-")
    if kind != REGION_VIEW or len(parts) not in (3, 4) or parts[2] not in ("0", "1"):
        return None
    try:
        aspect = float(parts[1])
        scene = region_scene(parts[0], aspect, parts[2] == "1",
                             parts[3] if len(parts) == 4 else None)
    except ValueError:   # not a number, not a région, not one of its départements
        return None
    return scene if scene.key == key else None   # not a step of the proportions


# -- région view ----------------------------------------------------------------------------------

def _legend_room(view, region_shape, aspect: float, projection: dict):
    """The view, taller at the bottom when the legend box (bottom left) would cover the région."""
    (minx, maxx), (miny, maxy) = view
    legend = shapely.box(minx, miny, minx + LEGEND_BOX[0] * (maxx - minx),
                         miny + LEGEND_BOX[1] * (maxy - miny))
    if shapely.intersection(region_shape, legend).area < 0.002 * region_shape.area:
        return view
    return shaped(projection, (minx, maxx), (miny - LEGEND_BOX[1] * (maxy - miny), maxy),
                  aspect)


def _shown_box(projection: dict, lon_range, lat_range):
    """The lon/lat bounds of all plotly.js shows for a range: the bounding box of the projected
    range, whose corners reach past the range (its edges are curves)."""
    x0, y0, x1, y1 = projected_bounds(projection, lon_range, lat_range)
    lons, lats = unproject(projection, *rectangle_edges((x0, x1), (y0, y1)))
    return lons.min(), lats.min(), lons.max(), lats.max()


def region_scene(region: str, aspect: float = DEFAULT_ASPECT, legend_inside: bool = True,
                 departement: str | None = None) -> Scene:
    """One région (or one of its départements) in detail, with the départements around it
    generalised, faded and clipped well past the frame: the view has the proportions
    (width / height) of the subplot it fills, so that the neighbours run to the frame's edges;
    legend_inside: the legend sits over the map, bottom left (the view makes room for it)."""
    by_region = get_reference().departements_by_region()
    if region not in by_region:
        raise ValueError(f"region must be an INSEE région code, one of "
                         f"{sorted(by_region)}, got {region!r}")
    if departement is not None and departement not in by_region[region]:
        raise ValueError(f"departement must be one of the région's {by_region[region]}, "
                         f"got {departement!r}")
    # Memoized per proportion step: a browser window resized pixel by pixel makes few scenes.
    aspect = round(min(max(float(aspect), MIN_ASPECT), MAX_ASPECT) / ASPECT_STEP) * ASPECT_STEP
    return _region_scene(region, round(aspect, 3), bool(legend_inside), departement)


# The views last drawn (each a few MB): proportions come from each browser's window.
SCENES_KEPT = 32


@memoized(maxsize=SCENES_KEPT)
def _region_scene(region: str, aspect: float, legend_inside: bool,
                  departement: str | None) -> Scene:
    full = load_layer(DEPARTEMENT)
    in_focus = (lambda layer: layer["code"] == departement) if departement else \
        (lambda layer: layer["region"] == region)
    inside = full[in_focus(full)]
    shape = shapely.coverage_union_all(inside.geometry.values)
    projection = SMALL_AREA_PROJECTION if region in OVERSEAS_REGIONS else METROPOLE_PROJECTION
    minx, miny, maxx, maxy = _padded(shape.bounds, VIEW_MARGIN)
    view = shaped(projection, (minx, maxx), (miny, maxy), aspect)
    lon_range, lat_range = _legend_room(view, shape, aspect, projection) if legend_inside \
        else view
    shown = _shown_box(projection, lon_range, lat_range)
    clip = _padded(shown, CLIP_MARGIN)

    # Around a small area (a département, Île-de-France) generalised neighbours would leave
    # white slivers along its detailed border: they are drawn in detail too.
    small = departement is not None or shape.bounds[2] - shape.bounds[0] < SMALL_VIEW_DEGREES
    surroundings = full if small else _light_departements()
    near = surroundings[~in_focus(surroundings)
                        & surroundings.geometry.intersects(shapely.box(*clip))]
    # The régions around, dissolved whole (a cut polygon can be invalid): their borders are
    # lines, cut by the rectangle, and their names go in what shows of them.
    neighbours, neighbour_shapes = _by_region(near)
    near = near.assign(geometry=shapely.clip_by_rect(near.geometry.values, *clip))
    near = near[~near.geometry.is_empty]
    around = _collection(near["code"], near.geometry.values, DECIMALS_FULL)
    detailed = _collection(inside["code"], inside.geometry.values, DECIMALS_FULL)
    features = {feature["id"]: feature
                for feature in around["features"] + detailed["features"]}

    view_box = shapely.box(*shown)
    labels, label_areas = [], []
    if len(inside) > 1:   # a single-département région needs no département names
        # Départements too small to hold their name (Paris and its petite couronne in the
        # Île-de-France view) go unnamed rather than over each other.
        shapes = _light_departements().set_index("code").geometry
        for code, nom, geom in zip(inside["code"], inside["nom"], inside.geometry.values,
                                   strict=True):
            if geom.area > LABEL_MIN_AREA * view_box.area:
                labels.append((nom, *_label_point(geom)))
                label_areas.append(shapes[code])
    region_names = get_reference().names(REGION)
    context_labels = []
    for code, neighbour in zip(neighbours, neighbour_shapes, strict=True):
        visible = shapely.intersection(neighbour, view_box)
        # Name a neighbour only when enough of it shows to hold its name.
        if not visible.is_empty and visible.area > 0.04 * view_box.area:
            context_labels.append((region_names[code], *_label_point(visible)))

    key = f"{REGION_VIEW}-{region}-{aspect:.2f}-{int(legend_inside)}" + (
        f"-{departement}" if departement else "")
    return Scene(
        key=key,
        features_key=key,
        features=features,
        focus=tuple(inside["code"]),
        context=tuple(code for code in near["code"] if code in features),
        regions={"type": "FeatureCollection", "features": []},
        region_lines=_border_lines(neighbour_shapes, clip),
        outline=_collection([departement or region], [shape], DECIMALS_FULL),
        labels=tuple(labels),
        context_labels=tuple(context_labels),
        label_areas=tuple(label_areas),
        lon_range=(round(lon_range[0], 4), round(lon_range[1], 4)),
        lat_range=(round(lat_range[0], 4), round(lat_range[1], 4)),
        projection=projection,
    )


def _border_lines(shapes, clip) -> tuple[tuple, tuple]:
    """The borders of régions within a rectangle, as lines (a line cut by the rectangle gets
    no edge along it): (lons, lats), the parts separated by None (a scattergeo line)."""
    if not len(shapes):
        return (), ()
    lines = shapely.line_merge(shapely.union_all(shapely.boundary(np.asarray(shapes))))
    lines = shapely.set_precision(shapely.clip_by_rect(lines, *clip), 10.0 ** -DECIMALS_FULL)
    return tuple(map(tuple, _lines_of(lines)))


def _lines_of(lines) -> tuple[list, list]:
    """(lons, lats) of lines for a scattergeo trace, each part ended by None."""
    lons, lats = [], []
    for part in shapely.get_parts(lines):
        coords = shapely.get_coordinates(part)
        if len(coords) > 1:
            lons += [*coords[:, 0].round(DECIMALS_FULL).tolist(), None]
            lats += [*coords[:, 1].round(DECIMALS_FULL).tolist(), None]
    return lons, lats


# -- outlines of the EPCI and EPT members ---------------------------------------------------------

OUTLINED_LEVELS = (EPCI, EPT)   # members drawn as a symbol, with their territory's outline


# Members drawn as a symbol whose territory the "territoire couvert" map shades.
SHADED_LEVELS = (*OUTLINED_LEVELS, COMMUNE)
COMMUNE_TOLERANCE = 0.001   # degrees: a commune's outline, generalised (~100 m)


@memoized
def _territories(level: str) -> dict:
    if level not in SHADED_LEVELS:
        raise ValueError(f"level must be one of {SHADED_LEVELS}, got {level!r}")
    layer = load_layer(level, light=level != COMMUNE)   # communes have no light layer
    return dict(zip(layer["code"], layer.geometry.values, strict=True))


@memoized
def territory_feature(level: str, code: str) -> dict | None:
    """The territory of an EPCI, EPT or commune as a GeoJSON feature whose id is
    "level:code", generalised; None when no unit of that level has the code."""
    geometry = _territories(level).get(code)
    if geometry is None:
        return None
    if level == COMMUNE:
        geometry = shapely.simplify(geometry, COMMUNE_TOLERANCE, preserve_topology=True)
    shape = _rounded(geometry, DECIMALS_FULL)
    return None if shape.is_empty else _feature(f"{level}:{code}", shape)


def has_territory(level: str, code: str) -> bool:
    """True when an EPCI or EPT has this SIREN."""
    return level in OUTLINED_LEVELS and code in _territories(level)


@memoized
def territory_lines(level: str, code: str) -> tuple[list, list]:
    """The perimeter of one EPCI or EPT, generalised, as lines: (lons, lats), the rings
    separated by None."""
    try:
        geometry = _territories(level)[code]
    except KeyError:
        raise ValueError(f"no {level} has SIREN {code!r}") from None
    return _lines_of(shapely.boundary(_rounded(geometry, DECIMALS_FULL)))
