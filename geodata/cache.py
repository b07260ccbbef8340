"""The on-disk cache of the reference layers: GeoParquet files plus a manifest.

Each vintage has its own folder under the cache root, so vintages sit side by side. A cache is
used only when its manifest matches the vintage, the installed source and our schema, and every
file it lists is there with its recorded size and checksum. It is written in a temporary folder
that is renamed into place, so an interrupted build never leaves a half cache; what a killed
build leaves behind is swept by the next one. When the cache root cannot be written, a private
temporary folder is used instead, with a warning.
"""

import errno
import hashlib
import json
import logging
import os
import shutil
import stat
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

# 2: EPTs, former communes and arrondissements; 3: a checksum per layer; 4: Mayotte's population;
# 5: the EPCIs' successors, the checks' report; 6: successors: renamed only when the name
# changed, a merged commune counted once
SCHEMA_VERSION = 6
CACHE_ENV = "GEODATA_CACHE_DIR"
MANIFEST = "manifest.json"
# The file of each level's layer; every level but the communes also has a "-light" one.
LEVEL_LAYERS = {REGION: "regions", DEPARTEMENT: "departements", EPCI: "epcis",
                COMMUNE: "communes", EPT: "epts"}
LIGHT_LEVELS = (REGION, DEPARTEMENT, EPCI)   # levels with generalised shapes too
# Tables of the build that are no level: former communes (for their names), arrondissements,
# what became of the previous vintage's EPCIs (geodata.successors).
EXTRA_LAYERS = ("former-communes", "arrondissements", "epci-successors")
LAYER_NAMES = (*LEVEL_LAYERS.values(), *(f"{LEVEL_LAYERS[level]}-light" for level in LIGHT_LEVELS),
               *EXTRA_LAYERS)
# sha256 is hardware-accelerated on current CPUs: ~20 ms for the whole cache (19 MB), against
# ~270 ms just to read the communes layer; blake2b and md5 took twice as long.
CHECKSUM = "sha256"
# Folders left by a build: ".building-*" while it writes, ".old-*" for the cache it replaces.
# Both live a few seconds; older ones were left by a killed build and are swept by the next.
# We go by age, not by owner pid: a pid means nothing to another machine or container sharing
# the folder, and pids are reused. A build running in another process touched its folder
# seconds ago, far under this age, so it is never disturbed.
LEFTOVERS = (".building-*", ".old-*")
LEFTOVER_AGE_SECONDS = 3600
REBUILD_HINT = "reconstruisez le cache avec : python -m geodata build"
# French words for the usual reasons a folder cannot be written (else the system's words).
WRITE_ERRORS = {errno.EACCES: "permission refusée", errno.EPERM: "permission refusée",
                errno.EROFS: "disque en lecture seule", errno.ENOSPC: "disque plein",
                errno.ENOTDIR: "un élément du chemin est un fichier, pas un dossier",
                errno.EEXIST: "un fichier porte déjà ce nom"}

# Cache roots found unwritable in this process -> the temporary root used instead.
_fallbacks: dict[Path, Path] = {}


class StaleCacheError(Exception):
    """The cache is missing, from another source or schema, or damaged (message says which)."""


class CacheDirError(OSError):
    """Neither the cache root nor a temporary folder can be written (French message)."""


def cache_dir() -> Path:
    """The cache root: $GEODATA_CACHE_DIR, else the per-user cache folder (or the temporary
    folder used instead in this process when that one cannot be written)."""
    override = os.environ.get(CACHE_ENV)
    if override:
        root = Path(override).expanduser()
    else:
        root = Path(platformdirs.user_cache_dir("carte-adherents")) / "geodata"
    return _fallbacks.get(root, root)


def vintage_dir(vintage: Vintage) -> Path:
    """The folder of one vintage's layers: <cache root>/<vintage id>."""
    return cache_dir() / vintage.id


def _why(exc: OSError) -> str:
    return WRITE_ERRORS.get(exc.errno) or exc.strerror or str(exc)


def _writable(root: Path) -> None:
    """Create root if needed and prove a file can be written in it (OSError if not)."""
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile(dir=root):
        pass


def _temporary_root() -> Path:
    """A cache root in the system's temporary folder: the same one for every run of this user
    (so it is built once), unless someone else could have planted files in it."""
    if os.name == "posix":
        private = Path(tempfile.gettempdir()) / f"carte-adherents-{os.getuid()}"
        try:
            private.mkdir(mode=0o700, exist_ok=True)
            info = private.lstat()   # lstat: a symbolic link is refused
            if (stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()
                    and not info.st_mode & 0o077):
                return private / "geodata"
        except OSError:
            pass
    return Path(tempfile.mkdtemp(prefix="carte-adherents-")) / "geodata"


def use_writable_root() -> bool:
    """Make sure the cache root can be written before building; else switch, for the rest of
    the process, to a temporary folder, with a French warning. True when it switched."""
    root = cache_dir()
    try:
        _writable(root)
        return False
    except OSError as exc:
        reason = _why(exc)
    try:
        fallback = _temporary_root()
        _writable(fallback)
    except OSError as exc:
        raise CacheDirError(
            f"Le dossier du cache géographique « {root} » ne peut pas être écrit ({reason}), "
            f"ni un dossier temporaire ({_why(exc)}). Choisissez un dossier où écrire avec la "
            f"variable d'environnement {CACHE_ENV} (par exemple {CACHE_ENV}=/chemin/du/dossier)."
        ) from exc
    log.warning("Le dossier du cache géographique « %s » ne peut pas être écrit (%s) : le cache "
                "est gardé dans le dossier temporaire « %s ». Pour choisir un autre dossier, "
                "définissez la variable d'environnement %s (par exemple %s=/chemin/du/dossier).",
                root, reason, fallback, CACHE_ENV, CACHE_ENV)
    _fallbacks[root] = fallback
    return True


def expected_manifest(vintage: Vintage) -> dict:
    """What a cache must say to be the vintage's: its source (package and version, the
    fingerprint of the tables shipped for its year, or of the file it was imported from)."""
    expected = {"source": vintage.package, "vintage": vintage.id, "cog": vintage.cog,
                "schema_version": SCHEMA_VERSION}
    if vintage.imported_from:
        return {**expected, "source_version": vintage.package_version}
    expected["source_version"] = source.package_version(vintage)
    if vintage.tables:
        expected["tables"] = (f"{vintage.tables_package} "
                              f"({source.year_tables_digest(vintage.tables)})")
    return expected


def imported_vintages() -> dict[str, Vintage]:
    """The vintages imported into the cache root (python -m geodata import), by id, as their
    manifests describe them. A folder without a readable manifest is no vintage."""
    found = {}
    root = cache_dir()
    for path in sorted(root.glob(f"*/{MANIFEST}")) if root.is_dir() else ():
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
            imported = manifest["imported"]
            vintage = Vintage(
                manifest["vintage"], int(imported["year"]), manifest["source"],
                manifest["source_version"], counts=dict(imported["counts"]),
                previous=imported.get("previous", ""), imported_from=imported["files"],
                producers=imported["producers"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if vintage.id == path.parent.name:
            found[vintage.id] = vintage
    return found


def checksum(file: Path) -> str:
    with open(file, "rb") as stream:
        return hashlib.file_digest(stream, CHECKSUM).hexdigest()


def read_manifest(folder: Path, vintage: Vintage) -> dict:
    """The manifest of a usable cache, or StaleCacheError saying why it cannot be used.

    Every layer is checksummed (~20 ms): read it once per process (Reference.manifest).
    """
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise StaleCacheError(f"pas de cache dans {folder}") from exc
    except (OSError, ValueError) as exc:
        raise StaleCacheError(f"manifeste illisible ({exc})") from exc
    if not isinstance(manifest, dict):
        raise StaleCacheError("manifeste illisible")
    for key, value in expected_manifest(vintage).items():
        if manifest.get(key) != value:
            raise StaleCacheError(
                f"cache périmé : {key} = {manifest.get(key)!r}, attendu {value!r}")
    if not isinstance(manifest.get("layers"), dict):
        raise StaleCacheError("manifeste illisible")
    for name in LAYER_NAMES:
        entry = manifest["layers"].get(name)
        file = folder / f"{name}.parquet"
        if (not isinstance(entry, dict) or not file.exists()
                or file.stat().st_size != entry.get("bytes")):
            raise StaleCacheError(f"couche {name} absente ou tronquée")
        if checksum(file) != entry.get(CHECKSUM):
            raise StaleCacheError(f"couche {name} endommagée : son contenu n'est pas celui "
                                  f"qui a été construit ; {REBUILD_HINT}")
    return manifest


def sweep_leftovers(root: Path) -> list[Path]:
    """Remove the folders that killed builds left in root (see LEFTOVERS); those removed."""
    removed = []
    for pattern in LEFTOVERS:
        for path in root.glob(pattern):
            try:
                if time.time() - path.stat().st_mtime > LEFTOVER_AGE_SECONDS:
                    shutil.rmtree(path)
                    removed.append(path)
            except OSError:
                pass   # removed meanwhile by another process, or not ours to remove
    return removed


def write(layers: dict[str, gpd.GeoDataFrame], folder: Path, vintage: Vintage,
          build_seconds: float, report: dict | None = None) -> dict:
    """Write the layers and their manifest to folder, atomically. report: what the build's
    checks measured (geodata.checks), kept in the manifest."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    sweep_leftovers(folder.parent)
    staging = Path(tempfile.mkdtemp(prefix=".building-", dir=folder.parent))
    try:
        entries = {}
        for name in LAYER_NAMES:
            file = staging / f"{name}.parquet"
            layers[name].to_parquet(file, compression="zstd", index=False)
            entries[name] = {"rows": len(layers[name]), "bytes": file.stat().st_size,
                             CHECKSUM: checksum(file)}
        manifest = {**expected_manifest(vintage), "built_at": datetime.now(UTC).isoformat(
            timespec="seconds"), "build_seconds": round(build_seconds, 1),
            "attribution": vintage.attribution, "checks": report or {}, "layers": entries}
        if vintage.imported_from:   # what imported_vintages() reads the vintage back from
            manifest["imported"] = {"year": vintage.year, "counts": vintage.counts,
                                    "previous": vintage.previous,
                                    "files": vintage.imported_from,
                                    "producers": vintage.producers}
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
