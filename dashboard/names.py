"""Official names of régions and départements by code, and the départements of each région
(for the filters, tables and titles): the reference geography's own indexes."""

from geodata import DEPARTEMENT, REGION, get_reference


def region_names() -> dict[str, str]:
    return get_reference().names(REGION)


def departement_names() -> dict[str, str]:
    return get_reference().names(DEPARTEMENT)


def departements_of_region() -> dict[str, tuple[str, ...]]:
    return get_reference().departements_by_region()
