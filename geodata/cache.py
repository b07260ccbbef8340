"""The on-disk cache of the reference layers: GeoParquet files plus a manifest.

Each vintage has its own folder under the cache root, so vintages sit side by side. A cache is
used only when its manifest matches the vintage, the installed source and our schema, and every
file it lists is there with its recorded size. It is written in a temporary folder that is
renamed into place, so an interrupted build never leaves a half cache.
"""

import json
import logging
import os
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import platformdirs

from . import source
from .levels import COMMUNE, DEPARTEMENT, EPCI, EPT, REGION
from .vintages import Vintage

log = logging.getLogger("geodata")

SCHEMA_VERSION = 2   # 2: EPTs, former communes and arrondissements
CACHE_ENV = "GEODATA_CACHE_DIR"
MANIFEST = "manifest.json"
# The file of each level's layer; every level but the communes also has a "-light" one.
LEVEL_LAYERS = {REGION: "regions", DEPARTEMENT: "departements", EPCI: "epcis",
                COMMUNE: "communes", EPT: "epts"}
LIGHT_LEVELS = (REGION, DEPARTEMENT, EPCI)   # levels with generalised shapes too
# Tables of the build that are no level: former communes (for their names), arrondissements.
EXTRA_LAYERS = ("former-communes", "arrondissements")
LAYER_NAMES = (*LEVEL_LAYERS.values(), *(f"{LEVEL_LAYERS[level]}-light" for level in LIGHT_LEVELS),
               *EXTRA_LAYERS)


class StaleCacheError(Exception):
    """The cache is missing, from another source or schema, or damaged (message says which)."""


def cache_dir() -> Path:
    """The cache root: $GEODATA_CACHE_DIR, else the per-user cache folder."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_cache_dir("carte-adherents")) / "geodata"


def vintage_dir(vintage: Vintage) -> Path:
    """The folder of one vintage's layers: <cache root>/<vintage id>."""
    return cache_dir() / vintage.id


def expected_manifest(vintage: Vintage) -> dict:
    return {"source": vintage.package, "source_version": source.package_version(vintage),
            "vintage": vintage.id, "cog": vintage.cog, "schema_version": SCHEMA_VERSION}


def read_manifest(folder: Path, vintage: Vintage) -> dict:
    """The manifest of a usable cache, or StaleCacheError saying why it cannot be used."""
    path = folder / MANIFEST
    if not path.exists():
        raise StaleCacheError(f"pas de cache dans {folder}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StaleCacheError(f"manifeste illisible ({exc})") from exc
    for key, value in expected_manifest(vintage).items():
        if manifest.get(key) != value:
            raise StaleCacheError(
                f"cache périmé : {key} = {manifest.get(key)!r}, attendu {value!r}")
    for name in LAYER_NAMES:
        entry = manifest.get("layers", {}).get(name)
        file = folder / f"{name}.parquet"
        if not entry or not file.exists() or file.stat().st_size != entry.get("bytes"):
            raise StaleCacheError(f"couche {name} absente ou tronquée")
    return manifest


def write(layers: dict[str, gpd.GeoDataFrame], folder: Path, vintage: Vintage,
          build_seconds: float) -> dict:
    """Write the layers and their manifest to folder, atomically."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".building-", dir=folder.parent))
    try:
        entries = {}
        for name in LAYER_NAMES:
            file = staging / f"{name}.parquet"
            layers[name].to_parquet(file, compression="zstd", index=False)
            entries[name] = {"rows": len(layers[name]), "bytes": file.stat().st_size}
        manifest = {**expected_manifest(vintage), "built_at": datetime.now(UTC).isoformat(
            timespec="seconds"), "build_seconds": round(build_seconds, 1),
            "attribution": vintage.attribution, "layers": entries}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False),
                                        encoding="utf-8")
        old = None
        if folder.exists():
            old = folder.with_name(f".old-{folder.name}-{os.getpid()}-{time.time_ns()}")
            folder.rename(old)
        staging.rename(folder)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return manifest
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def read_layer(folder: Path, name: str) -> gpd.GeoDataFrame:
    try:
        return gpd.read_parquet(folder / f"{name}.parquet")
    except Exception as exc:  # any parquet/arrow failure means a damaged file
        raise StaleCacheError(f"couche {name} illisible ({exc})") from exc
