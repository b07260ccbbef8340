"""Official names of régions and départements by code (for tables, titles and file names)."""

from functools import cache

from geodata import DEPARTEMENT, REGION, load_layer


@cache
def region_names() -> dict[str, str]:
    layer = load_layer(REGION, light=True)
    return dict(zip(layer.code, layer.nom))


@cache
def departement_names() -> dict[str, str]:
    layer = load_layer(DEPARTEMENT, light=True)
    return dict(zip(layer.code, layer.nom))


@cache
def departements_of_region() -> dict[str, list[str]]:
    layer = load_layer(DEPARTEMENT, light=True).sort_values("code")
    return layer.groupby("region").code.agg(list).to_dict()
