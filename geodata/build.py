"""Build the reference layers (communes, EPCIs, départements, régions, EPTs) of a vintage from
its official tables (geodata.source: a data package, or an IGN GeoPackage).

Communes come with polygons; every other layer is dissolved from them. Holes that no
unit covers (communes merged in 2025) are filled, and shapes are simplified as a coverage
so that neighbours keep their shared borders. Every build is checked (geodata.checks).
"""

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import checks, successors
from .checks import BuildError  # noqa: F401  (the error of a build, for its callers)
from .kinds import EPCI_TYPE_TO_KIND
from .source import SourceTables, read_package, read_vintage
from .vintages import VINTAGES, Vintage

CRS = "EPSG:4326"
# A town hall may lie this far (degrees, ~200 m) outside its commune and still be used.
TOWN_HALL_TOLERANCE = 0.002
# Coverage simplification tolerances in degrees: "detailed" for a région close-up,
# "light" for the national view.
DETAILED_TOLERANCE = 0.001
LIGHT_TOLERANCE = 0.006
# Holes under this area (square degrees, ~0.02 km²) are slivers, not enclaves.
SPECK_AREA = 2e-6
# Llívia, a Spanish enclave inside Pyrénées-Orientales: a real hole, not a gap.
LLIVIA = shapely.Point(1.9785, 42.4637)


def _gaps_between(polygons: np.ndarray) -> tuple[shapely.Geometry, list]:
    """The union of the communes, and the areas inside it that no commune covers (communes
    merged in 2025): the interior rings of the union, minus what communes cover.
    """
    valid = polygons[~shapely.is_missing(polygons)]
    tree = shapely.STRtree(valid)
    country = shapely.union_all(valid)
    gaps = []
    for part in shapely.get_parts(country):
        for ring in part.interiors:
            hole = shapely.Polygon(ring)
            if hole.contains(LLIVIA):
                continue
            near = tree.query(hole, predicate="intersects")
            rest = shapely.difference(hole, shapely.union_all(valid[near])) if len(near) else hole
            gaps += [p for p in shapely.get_parts(shapely.make_valid(rest))
                     if p.geom_type == "Polygon" and p.area > 0]
    return country, gaps


def _give_gaps_to_neighbours(polygons: np.ndarray, gaps: list) -> np.ndarray:
    """Attach each gap between communes to the neighbour sharing most of its border."""
    tree = shapely.STRtree(polygons)
    out = polygons.copy()
    for gap in gaps:
        near = tree.query(gap, predicate="dwithin", distance=1e-6)
        if len(near) == 0:
            continue
        border = [shapely.intersection(shapely.buffer(gap, 1e-6), polygons[j]).area for j in near]
        j = near[int(np.argmax(border))]
        out[j] = _only_polygons(shapely.make_valid(np.array([shapely.union(out[j], gap)])))[0]
    return out


def _point_inside(polygons: np.ndarray, preferred: np.ndarray) -> np.ndarray:
    """A point inside each polygon: the preferred point (town hall) when it lies inside,
    a point of the polygon next to it when it lies within ~200 m (border drawn coarsely),
    else a point inside the polygon (some town halls are hundreds of km off)."""
    has_polygon = ~shapely.is_missing(polygons)
    has_point = ~shapely.is_missing(preferred)
    points = np.where(has_polygon, shapely.point_on_surface(polygons), preferred)
    both = has_polygon & has_point
    inside = both & shapely.contains(polygons, preferred)
    points[inside] = preferred[inside]
    near = both & ~inside & shapely.dwithin(polygons, preferred, TOWN_HALL_TOLERANCE)
    around = shapely.intersection(polygons[near],
                                  shapely.buffer(preferred[near], TOWN_HALL_TOLERANCE))
    points[near] = shapely.point_on_surface(around)
    return points


def _lonlat(frame: pd.DataFrame, points: np.ndarray) -> pd.DataFrame:
    frame["lon"] = shapely.get_x(points)
    frame["lat"] = shapely.get_y(points)
    return frame


def _dissolve(communes: gpd.GeoDataFrame, key: str) -> pd.Series:
    """Union of commune polygons per key value (index: key)."""
    grouped = communes[communes.geometry.notna()].groupby(key).geometry
    return grouped.agg(lambda g: shapely.union_all(g.values)).apply(shapely.make_valid)


def _only_polygons(geoms: np.ndarray) -> np.ndarray:
    """Drop stray lines/points that unions can leave behind (make_valid may also nest the
    polygons as a multipolygon inside a collection)."""
    def clean(g):
        parts = [p for part in shapely.get_parts(g) for p in shapely.get_parts(part)
                 if p.geom_type == "Polygon" and p.area > 0]
        return shapely.MultiPolygon(parts) if len(parts) > 1 else parts[0]
    return np.array([clean(g) for g in geoms], dtype=object)


def _drop_specks(geom):
    """Remove interior rings too small to be anything but noise of union and simplification."""
    parts = []
    for part in shapely.get_parts(geom):
        rings = [r for r in part.interiors if shapely.Polygon(r).area >= SPECK_AREA]
        parts.append(shapely.Polygon(part.exterior, rings))
    return shapely.MultiPolygon(parts) if len(parts) > 1 else parts[0]


def _simplify(polygons: np.ndarray, tolerance: float) -> np.ndarray:
    simplified = shapely.make_valid(shapely.coverage_simplify(polygons, tolerance))
    return np.array([_drop_specks(g) for g in _only_polygons(simplified)], dtype=object)


def build_communes(tables: SourceTables, vintage: Vintage) -> tuple[gpd.GeoDataFrame, dict]:
    """The communes with their polygon and a point inside, the gaps between them given to a
    neighbour; and what the tiling looked like before (see geodata.checks.tiling)."""
    com = tables.communes
    polys = _only_polygons_or_none(np.array(com.geometry.values, dtype=object))
    country, gaps = _gaps_between(polys)
    tiling = checks.tiling(polys, country, gaps, vintage, checks.MAX_GAP_KM2
                           if tables.gap_km2 is None else tables.gap_km2)
    polys = _give_gaps_to_neighbours(polys, gaps)
    points = _point_inside(polys, np.array(com.town_hall.values, dtype=object))
    regions = tables.departements.set_index("code").region
    frame = pd.DataFrame({
        "code": com.code.values, "nom": com.nom.values,
        "population": com.population.astype("int64").values,
        "departement": com.departement.values,
        "region": com.departement.map(regions).values,
        "epci": com.epci.fillna("").values,
    })
    frame = _lonlat(frame, points)
    return gpd.GeoDataFrame(frame, geometry=list(polys), crs=CRS), tiling


def _only_polygons_or_none(geoms: np.ndarray) -> np.ndarray:
    valid = ~shapely.is_missing(geoms)
    out = np.array(geoms, dtype=object)
    out[valid] = _only_polygons(shapely.make_valid(geoms[valid]))
    return out


def _majority(communes: pd.DataFrame, key: str, column: str) -> pd.Series:
    """Per key, the value of column carried by the most population."""
    pop = communes.groupby([key, column]).population.sum().reset_index()
    pop = pop.sort_values("population", ascending=False).drop_duplicates(key)
    return pop.set_index(key)[column]


def _sum_by(communes: pd.DataFrame, key: str, codes: pd.Series) -> np.ndarray:
    return communes.groupby(key).population.sum().reindex(codes.values).fillna(0).astype(
        "int64").values


def _chef_lieu_points(chef_lieux: pd.Series, communes: gpd.GeoDataFrame) -> np.ndarray:
    """lon/lat of each unit's chef-lieu (a commune code)."""
    return communes.set_index("code")[["lon", "lat"]].reindex(chef_lieux.values).values


def build_departements_and_regions(communes: gpd.GeoDataFrame, tables: SourceTables,
                                   tolerance: float) -> tuple[gpd.GeoDataFrame, ...]:
    """Départements dissolved from communes and simplified as one coverage; régions are the
    unions of the simplified départements, so that their borders coincide exactly."""
    raw = tables.departements
    polygons = _only_polygons(_dissolve(communes, "departement").reindex(raw.code.values).values)
    simplified = _simplify(polygons, tolerance)
    deps = pd.DataFrame({
        "code": raw.code.values, "nom": raw.nom.values, "article": raw.article.values,
        "region": raw.region.values, "population": _sum_by(communes, "departement", raw.code)})
    deps[["lon", "lat"]] = _chef_lieu_points(raw.chef_lieu, communes)

    raw = tables.regions
    unions = pd.Series(simplified, index=deps.region.values).groupby(level=0).agg(
        lambda g: shapely.union_all(g.values)).reindex(raw.code.values)
    regs = pd.DataFrame({
        "code": raw.code.values, "nom": raw.nom.values, "article": raw.article.values,
        "population": _sum_by(communes, "region", raw.code)})
    regs[["lon", "lat"]] = _chef_lieu_points(raw.chef_lieu, communes)
    region_shapes = [_drop_specks(g) for g in _only_polygons(shapely.make_valid(unions.values))]
    return (gpd.GeoDataFrame(deps, geometry=list(simplified), crs=CRS),
            gpd.GeoDataFrame(regs, geometry=region_shapes, crs=CRS))


def build_epcis(communes: gpd.GeoDataFrame, raw: pd.DataFrame,
                tolerance: float) -> gpd.GeoDataFrame:
    """EPCIs dissolved from their communes; their département and région are those of the
    majority of their population (a few EPCIs straddle a border)."""
    members = communes[communes.epci != ""]
    polygons = _only_polygons(_dissolve(members, "epci").reindex(raw.code.values).values)
    simplified = _simplify(polygons, tolerance)
    epcis = pd.DataFrame({
        "code": raw.code.values, "nom": raw.nom.values,
        "kind": raw["type"].map(EPCI_TYPE_TO_KIND).values,
        "n_communes": members.groupby("epci").size().reindex(raw.code.values).fillna(0)
        .astype("int64").values,
        "population": _sum_by(members, "epci", raw.code),
        "departement": _majority(members, "epci", "departement").reindex(raw.code.values).values,
        "region": _majority(members, "epci", "region").reindex(raw.code.values).values,
    })
    epcis = _lonlat(epcis, shapely.point_on_surface(simplified))
    return gpd.GeoDataFrame(epcis, geometry=list(simplified), crs=CRS)


def build_former_communes(tables: SourceTables) -> gpd.GeoDataFrame:
    """Communes déléguées (COMD) and associées (COMA), each with the current commune it was
    merged into (`parent`), at a point inside its former territory."""
    former = tables.former
    return gpd.GeoDataFrame(former[["code", "nom", "type", "parent"]].reset_index(drop=True),
                            geometry=list(former.point), crs=CRS)


def build_arrondissements(tables: SourceTables, communes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The municipal arrondissements of Paris, Lyon and Marseille, at their town hall."""
    arm = tables.arrondissements
    polygons = np.array(arm.geometry.values, dtype=object)
    points = _point_inside(polygons, np.array(arm.town_hall.values, dtype=object))
    parents = communes.set_index("code")
    frame = pd.DataFrame({
        "code": arm.code.values, "nom": arm.nom.values, "parent": arm.parent.values,
        "departement": parents.departement.reindex(arm.parent.values).values,
        "region": parents.region.reindex(arm.parent.values).values})
    frame = _lonlat(frame, points)
    return gpd.GeoDataFrame(frame, geometry=list(polygons), crs=CRS)


def build_epts(communes: gpd.GeoDataFrame, membership: pd.DataFrame) -> gpd.GeoDataFrame:
    """The établissements publics territoriaux of the Grand Paris, dissolved from their member
    communes (geodata/data/ept_communes.csv); their point is their most populous commune's."""
    members = communes.merge(membership.rename(columns={"commune_code": "code"}), on="code")
    names = membership.drop_duplicates("ept_siren").set_index("ept_siren").ept_nom
    codes = pd.Series(names.index)
    polygons = _only_polygons(_dissolve(members, "ept_siren").reindex(codes.values).values)
    main = members.sort_values("population", ascending=False).drop_duplicates("ept_siren")
    main = main.set_index("ept_siren").reindex(codes.values)
    epts = pd.DataFrame({
        "code": codes.values, "nom": names.reindex(codes.values).values,
        "n_communes": members.groupby("ept_siren").size().reindex(codes.values).values,
        "population": _sum_by(members, "ept_siren", codes),
        "departement": _majority(members, "ept_siren", "departement").reindex(
            codes.values).values,
        "region": main.region.values, "lon": main.lon.values, "lat": main.lat.values})
    return gpd.GeoDataFrame(epts, geometry=list(polygons), crs=CRS)


def build_from(tables: SourceTables, vintage: Vintage,
               previous: pd.DataFrame | None = None) -> tuple[dict[str, gpd.GeoDataFrame], dict]:
    """All layers of a vintage, detailed and light ({'communes': ..., 'epcis-light': ...}),
    checked (geodata.checks), and the report of the checks for the manifest.

    previous: the communes of the previous vintage (code, epci) with its EPCIs' names, from
    which the EPCIs that disappeared get their successors (geodata.successors).
    """
    checks.source_codes(tables, vintage)
    communes, tiling = build_communes(tables, vintage)
    layers = {"communes": communes,
              "epts": build_epts(communes, tables.epts),
              "former-communes": build_former_communes(tables),
              "arrondissements": build_arrondissements(tables, communes)}
    for suffix, tolerance in (("", DETAILED_TOLERANCE), ("-light", LIGHT_TOLERANCE)):
        deps, regs = build_departements_and_regions(communes, tables, tolerance)
        layers["departements" + suffix] = deps
        layers["regions" + suffix] = regs
        layers["epcis" + suffix] = build_epcis(communes, tables.epcis, tolerance)
    layers["epci-successors"] = successors.epci_successors(
        previous, communes, layers["epcis"], layers["former-communes"])
    checks.counts(layers, vintage)
    return layers, {"tiling": tiling}


def build_layers(vintage: Vintage) -> tuple[dict[str, gpd.GeoDataFrame], dict]:
    """The layers of a built-in vintage, from its package (and its year's tables)."""
    package = read_package(vintage)
    tables = read_vintage(vintage, package)
    previous = None
    if vintage.previous:
        before = VINTAGES[vintage.previous]
        same_package = (before.package, before.package_version, before.tables) == (
            vintage.package, vintage.package_version, "")
        previous = successors.membership(package if same_package else read_vintage(before))
    return build_from(tables, vintage, previous)
