"""Official names of régions and départements by code (for tables, titles and file names).

Short names for the look-ups the base map already keeps (dashboard.basemap), so that the
reference layers are read and indexed once per process.
"""

from geodata import DEPARTEMENT, REGION

from . import basemap


def region_names() -> dict[str, str]:
    return basemap.names(REGION)


def departement_names() -> dict[str, str]:
    return basemap.names(DEPARTEMENT)


def departements_of_region() -> dict[str, tuple[str, ...]]:
    return basemap.departements_by_region()
