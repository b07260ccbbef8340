"""Benchmark of the reference geography: first build, cached load of each layer, cache size.

Run: python -m benchmarks.geography   (goals: build < 60 s, all layers < 1 s, cache < 25 MB)
"""

import os
import tempfile
import time

from geodata import cache as cache_store
from geodata.reference import Reference
from geodata.vintages import get_vintage


def measure() -> dict:
    previous = os.environ.get(cache_store.CACHE_ENV)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ[cache_store.CACHE_ENV] = tmp   # a fresh cache root, for this measure only
        try:
            fresh = Reference(get_vintage())
            folder = fresh.folder
            started = time.perf_counter()
            manifest = fresh.build(force=True)
        finally:
            if previous is None:
                del os.environ[cache_store.CACHE_ENV]
            else:
                os.environ[cache_store.CACHE_ENV] = previous
        build_seconds = time.perf_counter() - started
        loads = {}
        for name in cache_store.LAYER_NAMES:
            started = time.perf_counter()
            cache_store.read_layer(folder, name)
            loads[name] = time.perf_counter() - started
        sizes = {name: entry["bytes"] for name, entry in manifest["layers"].items()}
    return {"build_s": build_seconds, "load_s": loads, "sizes": sizes}


def main() -> None:
    result = measure()
    print(f"first build: {result['build_s']:.1f} s (goal < 60 s) on {os.cpu_count()} cores")
    for name, seconds in result["load_s"].items():
        print(f"cached load {name:<20} {seconds * 1000:7.0f} ms  "
              f"{result['sizes'][name] / 1e6:6.2f} MB")
    total_load = sum(result["load_s"].values())
    total_size = sum(result["sizes"].values())
    print(f"cached load, all layers: {total_load:.2f} s (goal < 1 s)")
    print(f"cache size: {total_size / 1e6:.1f} MB (goal < 25 MB)")


if __name__ == "__main__":
    main()
