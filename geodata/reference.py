"""Loading API for the reference geography: layers, look-ups by code, parents.

Layers are built on first use (or by `python -m geodata build`) and kept in memory once
loaded, so everything after the first call is a dictionary look-up.
"""

import logging
import threading
import time
from functools import cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

from . import cache as cache_store
from .build import build_layers
from .levels import COMMUNE, DEPARTEMENT, EPCI, LEVELS, REGION

log = logging.getLogger("geodata")

LEVEL_LAYERS = {REGION: "regions", DEPARTEMENT: "departements", EPCI: "epcis",
                COMMUNE: "communes"}
_lock = threading.Lock()


class UnknownCodeError(KeyError):
    """No unit of that level has that code."""


def build(force: bool = False, folder: Path | None = None) -> dict:
    """Build the cache if it is missing, stale or damaged (always when force); its manifest."""
    folder = folder or cache_store.cache_dir()
    with _lock:
        if not force:
            try:
                return cache_store.read_manifest(folder)
            except cache_store.StaleCacheError as why:
                log.warning("Construction du cache géographique (%s)…", why)
        started = time.perf_counter()
        layers = build_layers()
        manifest = cache_store.write(layers, folder, time.perf_counter() - started)
        _load_cached.cache_clear()
        return manifest


@cache
def _load_cached(folder: Path, name: str) -> gpd.GeoDataFrame:
    return cache_store.read_layer(folder, name)


def load_layer(level: str, light: bool = False) -> gpd.GeoDataFrame:
    """One reference layer (level: region, departement, epci, commune) as a GeoDataFrame.

    light=True gives the generalised shapes for national views (not for communes).
    Do not modify the returned frame: it is shared.
    """
    if level not in LEVEL_LAYERS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
    name = LEVEL_LAYERS[level] + ("-light" if light and level != COMMUNE else "")
    folder = cache_store.cache_dir()
    build(folder=folder)
    try:
        return _load_cached(folder, name)
    except cache_store.StaleCacheError as why:
        log.warning("Cache géographique endommagé (%s) : reconstruction…", why)
        build(force=True, folder=folder)
        return _load_cached(folder, name)


@cache
def _index(level: str) -> pd.DataFrame:
    return pd.DataFrame(load_layer(level).drop(columns="geometry")).set_index("code")


def lookup(level: str, code: str) -> dict:
    """The attributes of one unit (no geometry), e.g. lookup('commune', '59350')['nom']."""
    try:
        row = _index(level).loc[code]
    except KeyError:
        raise UnknownCodeError(f"no {level} has code {code!r}") from None
    return {"code": code, **row.to_dict()}


def parents(level: str, code: str) -> dict[str, str]:
    """Codes of the units that contain this one: {'epci':…, 'departement':…, 'region':…}."""
    unit = lookup(level, code)
    out = {}
    if level == COMMUNE and unit["epci"]:
        out[EPCI] = unit["epci"]
    if level in (COMMUNE, EPCI):
        out[DEPARTEMENT] = unit["departement"]
    if level != REGION:
        out[REGION] = unit["region"]
    return out


def clear_memory() -> None:
    """Forget the layers loaded in memory (tests, after a rebuild)."""
    _load_cached.cache_clear()
    _index.cache_clear()
