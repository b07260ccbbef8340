"""Benchmark of correcting a list (issue 13): the type-ahead search of any collectivité, and a
corrections file applied to a list, each next to the naive way.

- search: ours (words' beginnings over the names vectorised, the resolver's rules, resemblance
  only when nothing else is found) against one fuzzy ranking of names (rapidfuzz WRatio over
  the 35,000 commune names alone, what one writes first);
- corrections: ours (every decision applied at once, duplicates checked once) against one
  decision at a time (the list copied and checked after each, as a person's clicks are).
"""

import random
import statistics
import time

import pandas as pd
from rapidfuzz import fuzz, process

from geodata import COMMUNE, load_layer
from geodata import schema as S
from geodata.corrections import Correction, apply_corrections
from geodata.names import normalize
from geodata.resolve import choose, ignore, resolve_rows
from geodata.search import search_units

from .resolution import _rows, messy_names


def typed_prefixes(n: int = 200, seed: int = 3) -> list[str]:
    """What a person types, key after key, looking for a place: 3 to 12 first letters of
    official names, and a few codes."""
    rng = random.Random(seed)
    communes = load_layer(COMMUNE)
    names = communes.nom.sample(n, random_state=seed).tolist()
    typed = [name[:rng.randint(3, 12)] for name in names]
    return typed + communes.code.sample(n // 10, random_state=seed).tolist()


def naive_search(text: str, names: list[str], limit: int = 12) -> list[tuple]:
    return process.extract(normalize(text), names, scorer=fuzz.WRatio, limit=limit)


def _timed(function, items) -> list[float]:
    seconds = []
    for item in items:
        started = time.perf_counter()
        function(item)
        seconds.append(time.perf_counter() - started)
    return seconds


def measure(rows: int = 1000) -> dict:
    typed = typed_prefixes()
    search_units("warm up")
    ours = _timed(search_units, typed)
    names = [normalize(name) for name in load_layer(COMMUNE).nom]
    naive = _timed(lambda text: naive_search(text, names), typed[:50])

    resolved = resolve_rows(_rows(messy_names(rows)))
    corrections = [Correction(name) if i % 3 == 0 else Correction(name, "commune", "59350")
                   for i, name in enumerate(resolved[S.INPUT_NAME].drop_duplicates())]
    started = time.perf_counter()
    _, corrected = apply_corrections(resolved, corrections)
    batch_s = time.perf_counter() - started
    started = time.perf_counter()
    one_by_one = resolved
    for i, row in enumerate(resolved[S.ROW].head(200)):
        one_by_one = ignore(one_by_one, row) if i % 3 == 0 else choose(one_by_one, row,
                                                                       "commune", "59350")
    naive_s = (time.perf_counter() - started) * len(resolved) / 200   # extrapolated
    return {"search_ms": _ms(ours), "naive_search_ms": _ms(naive), "searches": len(typed),
            "rows": len(resolved), "corrected": corrected, "batch_s": batch_s,
            "naive_s": naive_s}


def _ms(seconds: list[float]) -> dict:
    ordered = sorted(seconds)
    return {"median": statistics.median(ordered) * 1000,
            "p95": ordered[int(0.95 * (len(ordered) - 1))] * 1000}


if __name__ == "__main__":
    print(pd.Series(measure()).to_string())
