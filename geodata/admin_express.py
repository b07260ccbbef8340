"""Read a year of the official geography from IGN's ADMIN EXPRESS COG, as published: one
GeoPackage for France entière, or one per territory (metropolitan France in Lambert-93, each
overseas département in its own projection), into `SourceTables`.

The field names are those of the 4-0 edition (2025 and after: `code_insee`, `nom_officiel`,
`codes_siren_des_epci`...); the short names of the 3.x editions (`INSEE_COM`, `SIREN_EPCI`...)
are read as well. Communes of the collectivités d'outre-mer (Saint-Pierre-et-Miquelon,
Saint-Barthélemy, Saint-Martin) are left out: their département is none of the file's.
"""

import logging
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from .kinds import EPCI_TYPE_TO_KIND, KIND_BY_ID
from .levels import DEPARTEMENT, EPCI, EPT, is_valid_code
from .names import kind_from_words, normalize
from .source import SourceTables, with_mayotte

log = logging.getLogger("geodata")

CRS = "EPSG:4326"
# Each layer read, and for each of its fields the names it goes by (4-0 first, then 3.x).
FIELDS = {
    "commune": {"code": ("code_insee", "insee_com"), "nom": ("nom_officiel", "nom"),
                "population": ("population",),
                "departement": ("code_insee_du_departement", "insee_dep"),
                "epcis": ("codes_siren_des_epci", "siren_epci"), "statut": ("statut",)},
    "epci": {"code": ("code_siren",), "nom": ("nom_officiel", "nom"), "nature": ("nature",)},
    "departement": {"code": ("code_insee", "insee_dep"), "nom": ("nom_officiel", "nom"),
                    "region": ("code_insee_de_la_region", "insee_reg")},
    "region": {"code": ("code_insee", "insee_reg"), "nom": ("nom_officiel", "nom")},
    "arrondissement_municipal": {
        "code": ("code_insee", "insee_arm"), "nom": ("nom_officiel", "nom"),
        "parent": ("code_insee_de_la_commune_de_rattach", "insee_com")},
    "commune_associee_ou_deleguee": {
        "code": ("code_insee", "insee_cad"), "nom": ("nom_officiel", "nom"),
        "nature": ("nature",), "parent": ("code_insee_de_la_commune_de_rattach", "insee_com")},
    "chef_lieu_de_commune": {"code": ("code_insee_de_la_commune", "code_insee", "insee_com")},
}
REQUIRED = ("commune", "epci", "departement", "region")
# What the build does without an optional layer.
OPTIONAL = {"arrondissement_municipal": "Paris, Lyon et Marseille n'auront pas leurs "
                                        "arrondissements",
            "commune_associee_ou_deleguee": "les anciennes communes sont reprises du millésime "
                                            "précédent",
            "chef_lieu_de_commune": "chaque commune est placée en un point de son territoire"}
# 3.x names of the layers, when they differ.
LAYER_NAMES = {"chef_lieu_de_commune": ("chef_lieu_de_commune", "chflieu_commune")}
# What the statut of a commune says about it being a chef-lieu (normalised).
DEPARTEMENT_SEATS = ("prefecture", "prefecture de region", "capitale d etat")
REGION_SEATS = ("prefecture de region", "capitale d etat")
# A commune in no EPCI (Bréhat, Sein, Ouessant, Yeu).
NO_EPCI = ("", "nr", "nc", "zzzzzzzzz")
# The edition's date in a published file name: "…_FRA_2026-01-01.gpkg".
_EDITION_DATE = re.compile(r"(20\d\d)-\d\d-\d\d")


class AdminExpressError(ValueError):
    """The files cannot be read as ADMIN EXPRESS COG (French message saying what to give)."""


def year_of(paths: list[Path]) -> int | None:
    """The year of the edition, from the date in the files' names, or None."""
    years = {int(found[-1]) for path in paths if (found := _EDITION_DATE.findall(path.name))}
    return years.pop() if len(years) == 1 else None


def layer_names(path: Path) -> set[str]:
    """The layers of a GeoPackage (lower case); AdminExpressError when it is none."""
    try:
        return {str(name).lower() for name, _ in pyogrio.list_layers(path)}
    except Exception as exc:   # not a GeoPackage, damaged, unreadable (GDAL's words: English)
        raise AdminExpressError(f"« {path.name} » ne peut pas être lu comme un GeoPackage. "
                                "Donnez le fichier .gpkg d'ADMIN EXPRESS COG tel que l'IGN le "
                                "publie, décompressé de son archive .7z.") from exc


def _read(path: Path, layer: str, available: set[str]) -> gpd.GeoDataFrame | None:
    """One layer of one file with its fields renamed to FIELDS' roles, in lon/lat; None when
    the file has not that layer."""
    name = next((n for n in LAYER_NAMES.get(layer, (layer,)) if n in available), None)
    if name is None:
        return None
    frame = gpd.read_file(path, layer=name, engine="pyogrio")
    frame.columns = [c.lower() if c != frame.geometry.name else c for c in frame.columns]
    roles = {}
    for role, names in FIELDS[layer].items():
        found = next((n for n in names if n in frame.columns), None)
        if found is None:
            message = (f"La couche « {name} » de « {path.name} » n'a pas de champ "
                       f"{' ni '.join(names)}")
            if layer in REQUIRED:
                raise AdminExpressError(f"{message} : ce n'est pas un ADMIN EXPRESS COG de "
                                        "l'IGN dans une édition connue.")
            log.warning("%s : elle n'est pas lue (%s).", message, OPTIONAL[layer])
            return None
        roles[found] = role
    frame = frame.rename(columns=roles)[[*roles.values(), frame.geometry.name]]
    if frame.crs is None:
        raise AdminExpressError(
            f"La couche « {name} » de « {path.name} » ne dit pas sa projection.")
    return frame.to_crs(CRS)


def read_layers(paths: list[Path]) -> dict[str, gpd.GeoDataFrame]:
    """Each layer of FIELDS, the files' parts put together (a unit in two files kept once)."""
    parts: dict[str, list] = {layer: [] for layer in FIELDS}
    for path in paths:
        available = layer_names(path)
        for layer in FIELDS:
            frame = _read(path, layer, available)
            if frame is not None:
                parts[layer].append(frame)
    if missing := [layer for layer in REQUIRED if not parts[layer]]:
        raise AdminExpressError(
            f"Les couches {', '.join(missing)} manquent dans {', '.join(p.name for p in paths)} :"
            " donnez le GeoPackage ADMIN EXPRESS COG France entière, ou ceux de chaque "
            "territoire ensemble.")
    layers = {}
    for layer, frames in parts.items():
        if frames:
            whole = pd.concat(frames, ignore_index=True)
            for column in whole.columns.drop(whole.geometry.name):
                if column != "population":
                    whole[column] = whole[column].fillna("").astype(str).str.strip()
            layers[layer] = whole.drop_duplicates("code") if layer != "chef_lieu_de_commune" \
                else whole
    return layers


def _epci_type(nature: str) -> str:
    """The official type of an EPCI (CC, CA, CU, ME), EPT for a territorial one, else as
    written (the checks then name it)."""
    if normalize(nature) == "etablissement public territorial":
        return EPT
    found = kind_from_words(nature)
    if found is None or KIND_BY_ID[found].level != EPCI:   # "Syndicat mixte": named by checks
        return nature
    return KIND_BY_ID[found].epci_types[0]


def _seats(communes: pd.DataFrame, key: str, statuts: tuple[str, ...]) -> pd.Series:
    """key value -> the commune whose statut says it is its chef-lieu, else the most
    populous."""
    ranked = communes.assign(seat=communes.statut.map(normalize).isin(statuts))
    ranked = ranked.sort_values(["seat", "population"], ascending=False)
    return ranked.drop_duplicates(key).set_index(key).code


def to_tables(layers: dict[str, gpd.GeoDataFrame], articles: dict[str, dict[str, str]],
              former: pd.DataFrame) -> SourceTables:
    """SourceTables of the layers read. articles: level -> code -> INSEE article (the IGN
    file has none; the previous vintage's). former: the previous vintage's former communes,
    kept when the file has not that layer."""
    departements = layers["departement"]
    departements = departements[departements.code.map(lambda c: is_valid_code(DEPARTEMENT, c))]
    communes = layers["commune"]
    communes = communes[communes.departement.isin(set(departements.code))].copy()
    communes["population"] = pd.to_numeric(communes.population, errors="coerce").fillna(0) \
        .astype("int64")
    communes["population"] = with_mayotte(communes.code, communes.population).values

    epcis = layers["epci"].assign(type=lambda f: f.nature.map(_epci_type))
    kinds = dict(zip(epcis.code, epcis["type"]))
    listed = communes.epcis.map(lambda text: [c for c in re.split(r"[/,; ]+", text)
                                              if c.lower() not in NO_EPCI])
    # "200054781/200057974": the Métropole du Grand Paris, then the commune's EPT.
    fiscal = listed.map(lambda codes: [c for c in codes if kinds.get(c, "") in EPCI_TYPE_TO_KIND])
    several = [f"{code} : {' et '.join(codes)}"
               for code, codes in zip(communes.code, fiscal) if len(codes) > 1]
    if several:
        raise AdminExpressError(
            f"Des communes sont dans plusieurs EPCI à fiscalité propre ({', '.join(several[:5])})"
            ", ce qui ne se peut pas : est-ce bien un ADMIN EXPRESS COG de l'IGN ?")
    communes["epci"] = fiscal.map(lambda codes: codes[0] if codes else "")
    ept_of = listed.map(lambda codes: next((c for c in codes if kinds.get(c) == EPT), ""))
    ept_names = dict(zip(epcis.code, epcis.nom))
    epts = pd.DataFrame({"ept_siren": ept_of.values, "ept_nom": ept_of.map(ept_names).values,
                         "commune_code": communes.code.values})
    epts = epts[epts.ept_siren != ""]

    town_halls = {}
    if "chef_lieu_de_commune" in layers:
        points = layers["chef_lieu_de_commune"]
        town_halls = dict(zip(points.code, points.geometry))
    region_of = dict(zip(departements.code, departements.region))
    communes["region"] = communes.departement.map(region_of)
    regions = layers["region"][layers["region"].code.isin(set(region_of.values()))]

    former_layer = layers.get("commune_associee_ou_deleguee")
    if former_layer is not None:
        former = pd.DataFrame({
            "code": former_layer.code.values, "nom": former_layer.nom.values,
            "type": np.where(former_layer.nature.map(normalize).str.contains("delegu"),
                             "COMD", "COMA"),
            "parent": former_layer.parent.values,
            "point": shapely.point_on_surface(shapely.make_valid(former_layer.geometry.values))})
    former = former[former.parent.isin(set(communes.code))]
    arrondissements = layers.get("arrondissement_municipal")
    return SourceTables(
        communes=pd.DataFrame({
            "code": communes.code.values, "nom": communes.nom.values,
            "population": communes.population.values,
            "departement": communes.departement.values, "epci": communes.epci.values,
            "geometry": communes.geometry.values,
            "town_hall": [town_halls.get(code) for code in communes.code]}),
        departements=pd.DataFrame({
            "code": departements.code.values, "nom": departements.nom.values,
            "article": departements.code.map(articles.get("departement", {})).fillna("0").values,
            "region": departements.region.values,
            "chef_lieu": departements.code.map(
                _seats(communes, "departement", DEPARTEMENT_SEATS)).values}),
        regions=pd.DataFrame({
            "code": regions.code.values, "nom": regions.nom.values,
            "article": regions.code.map(articles.get("region", {})).fillna("0").values,
            "chef_lieu": regions.code.map(_seats(communes, "region", REGION_SEATS)).values}),
        epcis=epcis[epcis["type"] != EPT][["code", "nom", "type"]].reset_index(drop=True),
        former=former.reset_index(drop=True),
        arrondissements=pd.DataFrame(columns=["code", "nom", "parent", "geometry", "town_hall"])
        if arrondissements is None else pd.DataFrame({
            "code": arrondissements.code.values, "nom": arrondissements.nom.values,
            "parent": arrondissements.parent.values,
            "geometry": arrondissements.geometry.values,
            "town_hall": [None] * len(arrondissements)}),
        epts=epts.reset_index(drop=True),
    )
