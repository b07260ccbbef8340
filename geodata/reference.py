"""The reference geography in memory: one `Reference` per vintage, built once per process.

A Reference loads the layers of its vintage from the cache (building the cache when it is
missing, stale or damaged), indexes them once, and keeps what other modules derive from them
(the resolver's gazetteer, the base-map scenes...) through `memoized`, so that a single
`clear()` forgets all of it, after a rebuild for instance.

    >>> from geodata import get_reference
    >>> get_reference().lookup("commune", "59350")["nom"]
    'Lille'
"""

import collections
import functools
import logging
import os
import threading
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd

from . import cache as cache_store
from .build import build_layers
from .levels import COMMUNE, DEPARTEMENT, EPCI, EPT, LEVELS, REGION
from .vintages import DEFAULT_VINTAGE, VINTAGE_ENV, Vintage, get_vintage

log = logging.getLogger("geodata")


class UnknownCodeError(KeyError):
    """No unit of that level has that code."""


class Reference:
    """The layers of one vintage, their indexes, and everything memoized from them."""

    def __init__(self, vintage: Vintage):
        self.vintage = vintage
        self._memo: dict = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Reference({self.vintage.id!r})"

    @property
    def folder(self) -> Path:
        return cache_store.vintage_dir(self.vintage)

    def manifest(self) -> dict:
        """The manifest of the cache in use, read and checked (checksums) once per process.

        StaleCacheError when the cache is missing, stale or damaged. Keyed by folder, so a
        change of cache folder is noticed; a rebuild by this process replaces it.
        """
        folder = self.folder
        return self.memo(("manifest", folder),
                         lambda: cache_store.read_manifest(folder, self.vintage))

    def build(self, force: bool = False) -> dict:
        """Build the cache if it is missing, stale or damaged (always when force); its manifest."""
        with self._lock:
            why = None
            if not force:
                try:
                    return self.manifest()
                except cache_store.StaleCacheError as exc:
                    why = exc
            # Building needs a folder we can write: else a temporary one (with a warning),
            # where an earlier run may already have built the cache.
            if cache_store.use_writable_root() and not force:
                try:
                    return self.manifest()
                except cache_store.StaleCacheError as exc:
                    why = exc
            folder = self.folder
            if self.vintage.imported_from:   # its file is not ours to read again
                state = f"est inutilisable ({why})" if why else "ne se reconstruit pas"
                raise cache_store.StaleCacheError(
                    f"le cache du millésime importé {self.vintage.id} {state} : importez de "
                    f"nouveau {self.vintage.imported_from} avec : python -m geodata import "
                    f"FICHIER --vintage {self.vintage.id} --force")
            if why:
                log.warning("Construction du cache géographique (%s)…", why)
            started = time.perf_counter()
            layers, report = build_layers(self.vintage)
            manifest = cache_store.write(layers, folder, self.vintage,
                                         time.perf_counter() - started, report)
            self.clear()   # what was read from the old cache
            self._memo[("manifest", folder)] = manifest
            return manifest

    def memo(self, key, compute):
        """compute(), kept until clear(): the cache of everything derived from the layers."""
        try:
            return self._memo[key]
        except KeyError:
            return self._memo.setdefault(key, compute())

    def clear(self, keep=None) -> None:
        """Forget the layers and all that was derived from them (tests, after a rebuild).

        keep: a function of a memo key; the entries it says True to are kept (benchmarks).
        """
        self._memo = {key: value for key, value in self._memo.items() if keep and keep(key)}

    def layer(self, level: str, light: bool = False) -> gpd.GeoDataFrame:
        """One layer (level: region, departement, epci, commune) as a GeoDataFrame.

        light=True gives the generalised shapes for national views (not for communes).
        Do not modify the returned frame: it is shared.
        """
        if level not in cache_store.LEVEL_LAYERS:
            raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
        name = cache_store.LEVEL_LAYERS[level] + (
            "-light" if light and level in cache_store.LIGHT_LEVELS else "")
        return self.memo(("layer", name), lambda: self._read(name))

    def _read(self, name: str) -> gpd.GeoDataFrame:
        self.build()
        try:
            return cache_store.read_layer(self.folder, name)
        except cache_store.StaleCacheError as why:
            log.warning("Cache géographique endommagé (%s) : reconstruction…", why)
            self.build(force=True)
            return cache_store.read_layer(self.folder, name)

    def extra(self, name: str) -> gpd.GeoDataFrame:
        """A table of the build that is no level ('former-communes', 'arrondissements')."""
        if name not in cache_store.EXTRA_LAYERS:
            raise ValueError(f"name must be one of {cache_store.EXTRA_LAYERS}, got {name!r}")
        return self.memo(("layer", name), lambda: self._read(name))

    def table(self, level: str) -> pd.DataFrame:
        """The attributes of a level's units (no geometry), indexed by code (kept as a column)."""
        return self.memo(("table", level), lambda: pd.DataFrame(
            self.layer(level).drop(columns="geometry")).set_index("code", drop=False))

    def exists(self, level: str, code: str) -> bool:
        return code in self.table(level).index

    def lookup(self, level: str, code: str) -> dict:
        """The attributes of one unit, e.g. lookup('commune', '59350')['nom']."""
        try:
            return self.table(level).loc[code].to_dict()
        except KeyError:
            raise UnknownCodeError(f"no {level} has code {code!r}") from None

    def parents(self, level: str, code: str) -> dict[str, str]:
        """Codes of the units that contain this one: {'epci':…, 'departement':…, 'region':…}."""
        unit = self.lookup(level, code)
        out = {}
        if level == COMMUNE and unit["epci"]:
            out[EPCI] = unit["epci"]
        if level in (COMMUNE, EPCI, EPT):
            out[DEPARTEMENT] = unit["departement"]
        if level != REGION:
            out[REGION] = unit["region"]
        return out

    def names(self, level: str) -> dict[str, str]:
        """Code -> official name of every unit of a level."""
        return self.memo(("names", level), lambda: dict(
            zip(self.table(level)["code"], self.table(level)["nom"])))

    def departements_by_region(self) -> dict[str, tuple[str, ...]]:
        """Région code -> codes of its départements, sorted."""
        def compute():
            table = self.table(DEPARTEMENT)
            return {region: tuple(sorted(codes))
                    for region, codes in table.groupby("region")["code"]}
        return self.memo("departements_by_region", compute)

    def epci_departements(self) -> dict[str, set[str]]:
        """EPCI code -> the départements its communes lie in (a few EPCIs straddle a border)."""
        return self.memo("epci_departements", lambda: self.table(COMMUNE).groupby(
            "epci")["departement"].agg(set).to_dict())


_references: dict[str, Reference] = {}


def get_reference(vintage_id: str | None = None) -> Reference:
    """The Reference of a vintage (default: the one in use, see geodata.vintages)."""
    wanted = str(vintage_id or os.environ.get(VINTAGE_ENV) or DEFAULT_VINTAGE)
    try:
        return _references[wanted]   # called on every request: no look into the cache
    except KeyError:
        vintage = get_vintage(wanted)
        return _references.setdefault(vintage.id, Reference(vintage))


def forget(vintage_id: str) -> None:
    """Drop the Reference of a vintage (its cache was replaced by another process's work)."""
    _references.pop(vintage_id, None)


def memoized(function=None, *, maxsize: int | None = None):
    """Cache function(*args) in the Reference in use: one result per vintage, dropped with it.

    For what other modules derive from the layers (base-map scenes, the gazetteer). maxsize:
    keep only the results of the last maxsize argument tuples used (for arguments that come
    from the browser, such as a map's proportions: the cache must not grow without bound).
    """
    if function is None:
        return lambda f: memoized(f, maxsize=maxsize)
    key = (function.__module__, function.__qualname__)
    if maxsize is None:
        @functools.wraps(function)
        def wrapper(*args):
            return get_reference().memo((*key, args), lambda: function(*args))
        return wrapper

    lock = threading.Lock()

    @functools.wraps(function)
    def bounded(*args):
        cache = get_reference().memo((*key, "lru"), collections.OrderedDict)
        with lock:
            if args in cache:
                cache.move_to_end(args)
                return cache[args]
        value = function(*args)
        with lock:
            cache[args] = value
            while len(cache) > maxsize:
                cache.popitem(last=False)
        return value
    return bounded


# The short forms used across the project, on the Reference in use.

def build(force: bool = False) -> dict:
    return get_reference().build(force)


def load_layer(level: str, light: bool = False) -> gpd.GeoDataFrame:
    return get_reference().layer(level, light)


def lookup(level: str, code: str) -> dict:
    return get_reference().lookup(level, code)


def parents(level: str, code: str) -> dict[str, str]:
    return get_reference().parents(level, code)


def clear_memory() -> None:
    """Forget every vintage's layers and what was derived from them."""
    for ref in _references.values():
        ref.clear()
