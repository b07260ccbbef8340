"""Small ADMIN EXPRESS COG GeoPackages, written by the tests from the built geography, with the
layers and field names of IGN's 4-0 edition (`commune`, `epci`, `code_insee`,
`codes_siren_des_epci`, a `geometrie` column...), in two files as IGN publishes them per
territory: metropolitan France in Lambert-93, the overseas départements in lon/lat.

The Territoire de Belfort (90) has its real 101 communes and 3 EPCIs; every other département
is one commune (its most populous, covering the whole département), so that the file still
tiles all of France with 18 régions and 101 départements, in a few megabytes. Paris and the
Seine-Saint-Denis belong to the Métropole du Grand Paris, the latter also to Plaine Commune.
"""

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geodata import get_reference
from geodata.levels import COMMUNE, DEPARTEMENT, EPCI, OVERSEAS_REGIONS, REGION

DETAILED = "90"
GRAND_BELFORT, VOSGES_DU_SUD, SUD_TERRITOIRE = "200069052", "200069060", "249000241"
MGP, PLAINE_COMMUNE = "200054781", "200057867"
NATURES = {"metropole": "Métropole", "communaute_urbaine": "Communauté urbaine",
           "communaute_agglomeration": "Communauté d'agglomération",
           "communaute_communes": "Communauté de communes"}
FILE = "ADMIN-EXPRESS-COG_4-0__GPKG_{crs}_{zone}_{year}-01-01.gpkg"


def france_in_a_few_communes(vintage: str = "2026") -> dict[str, pd.DataFrame]:
    """The layers of the test file, in lon/lat, before any change of year."""
    ref = get_reference(vintage)
    communes = ref.layer(COMMUNE)
    detailed = communes[communes.departement == DETAILED]
    others = communes[communes.departement != DETAILED]
    main = others.sort_values("population", ascending=False).drop_duplicates("departement")
    whole = others.groupby("departement").geometry.agg(lambda g: shapely.union_all(g.values))
    population = others.groupby("departement").population.sum()
    main = main.set_index("departement")
    merged = gpd.GeoDataFrame({
        "code_insee": main.code, "nom_officiel": main.nom,
        "population": population.reindex(main.index),
        "code_insee_du_departement": main.index, "code_insee_de_la_region": main.region,
        "codes_siren_des_epci": "NR", "statut": "Préfecture"},
        geometry=list(whole.reindex(main.index)), crs="EPSG:4326").reset_index(drop=True)
    merged.loc[merged.code_insee_du_departement == "75", "codes_siren_des_epci"] = MGP
    merged.loc[merged.code_insee_du_departement == "93", "codes_siren_des_epci"] = \
        f"{MGP}/{PLAINE_COMMUNE}"
    belfort = gpd.GeoDataFrame({
        "code_insee": detailed.code, "nom_officiel": detailed.nom,
        "population": detailed.population, "code_insee_du_departement": detailed.departement,
        "code_insee_de_la_region": detailed.region, "codes_siren_des_epci": detailed.epci,
        "statut": ["Préfecture" if code == "90010" else "Commune simple"
                   for code in detailed.code]}, geometry=detailed.geometry.values,
        crs="EPSG:4326")
    epcis = ref.table(EPCI).loc[[GRAND_BELFORT, VOSGES_DU_SUD, SUD_TERRITOIRE, MGP]]
    epci = pd.DataFrame({"code_siren": epcis.code, "nom_officiel": epcis.nom,
                         "nature": epcis.kind.map(NATURES)})
    epci = pd.concat([epci, pd.DataFrame([{
        "code_siren": PLAINE_COMMUNE, "nom_officiel": "Plaine Commune",
        "nature": "Etablissement public territorial"}])], ignore_index=True)
    departements = ref.layer(DEPARTEMENT)
    regions = ref.layer(REGION)
    arrondissements = ref.extra("arrondissements")
    paris = arrondissements[arrondissements.parent == "75056"]
    return {
        "commune": pd.concat([merged, belfort], ignore_index=True),
        "epci": epci,
        "departement": gpd.GeoDataFrame({
            "code_insee": departements.code, "nom_officiel": departements.nom,
            "code_insee_de_la_region": departements.region},
            geometry=departements.geometry.values, crs="EPSG:4326"),
        "region": gpd.GeoDataFrame({"code_insee": regions.code, "nom_officiel": regions.nom},
                                   geometry=regions.geometry.values, crs="EPSG:4326"),
        "arrondissement_municipal": gpd.GeoDataFrame({
            "code_insee": paris.code, "nom_officiel": paris.nom,
            "code_insee_de_la_commune_de_rattach": paris.parent},
            geometry=paris.geometry.values, crs="EPSG:4326"),
    }


def a_year_later(layers: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The same, a year later: the CC des Vosges du Sud merged into the Grand Belfort, and
    Belfort's population grown."""
    communes = layers["commune"].copy()
    communes.loc[communes.codes_siren_des_epci == VOSGES_DU_SUD, "codes_siren_des_epci"] = \
        GRAND_BELFORT
    communes.loc[communes.code_insee == "90010", "population"] += 1000
    epci = layers["epci"][layers["epci"].code_siren != VOSGES_DU_SUD]
    return {**layers, "commune": communes, "epci": epci}


def write(layers: dict[str, pd.DataFrame], folder: Path, year: int) -> list[Path]:
    """The layers as IGN publishes them: metropolitan France in Lambert-93 (EPSG:2154), the
    overseas départements in lon/lat, each in its GeoPackage; the geometry column named
    `geometrie`. The EPCI layer is written with geometry-less rows in both."""
    folder.mkdir(parents=True, exist_ok=True)
    overseas = {"commune": "code_insee_de_la_region", "departement": "code_insee_de_la_region",
                "region": "code_insee"}
    paths = []
    for zone, crs, epsg, keep in (("FXX", "LAMB93", 2154, False),
                                  ("DROM", "WGS84G", 4326, True)):
        path = folder / FILE.format(crs=crs, zone=zone, year=year)
        for name, frame in layers.items():
            if name in overseas:
                frame = frame[frame[overseas[name]].isin(OVERSEAS_REGIONS) == keep]
            elif name != "epci" and keep:
                continue   # the arrondissements of Paris are metropolitan
            if name == "epci":
                frame = gpd.GeoDataFrame(frame, geometry=[None] * len(frame), crs="EPSG:4326")
            frame = frame.rename_geometry("geometrie").to_crs(epsg)
            frame.to_file(path, layer=name, driver="GPKG", engine="pyogrio")
        paths.append(path)
    return paths
