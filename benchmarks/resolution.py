"""Benchmark of member resolution: 1,000 messy rows, and every commune of France by name.

Run: python -m benchmarks.resolution   (goals: 1,000 rows < 1 s; all communes < 30 s)
"""

import random
import time

import pandas as pd

from geodata import COMMUNE, DEPARTEMENT, EPCI, load_layer
from geodata import schema as S
from geodata.resolve import gazetteer, resolve_rows

FIELDS = ("kind_hint", "code", "departement_hint", "region_hint", "lon", "lat", "seat_code")


def _rows(names: list[str], departements: list[str] | None = None) -> pd.DataFrame:
    frame = pd.DataFrame({"row": range(2, len(names) + 2), "input_name": names})
    for field in FIELDS:
        frame[field] = ""
    if departements is not None:
        frame["departement_hint"] = departements
    return frame


def _typo(name: str, rng: random.Random) -> str:
    i = rng.randrange(1, max(2, len(name) - 1))
    return name[:i] + name[i + 1:]


def messy_names(n: int = 1000, seed: int = 1) -> list[str]:
    """Names as people write them: prefixes, case, accents dropped, St, typos, strangers."""
    rng = random.Random(seed)
    communes = load_layer(COMMUNE)
    big = communes[communes.population > 5000].nom.tolist()
    epcis = load_layer(EPCI).nom.tolist()
    deps = load_layer(DEPARTEMENT).nom.tolist()
    out = []
    for _ in range(n):
        pick = rng.random()
        if pick < 0.45:
            name = rng.choice(["Ville de ", "Mairie de ", "", "Commune de "]) + rng.choice(big)
        elif pick < 0.75:
            name = rng.choice(epcis)
        elif pick < 0.9:
            name = rng.choice(["Conseil départemental ", "Département ", "CD "]) + \
                rng.choice(["de ", "du ", ""]) + rng.choice(deps)
        else:
            name = rng.choice(["CRESS ", "Association ", "Bruxelles ", "Collectif "]) + \
                rng.choice(deps)
        style = rng.random()
        if style < 0.2:
            name = name.upper()
        elif style < 0.35:
            name = name.replace("é", "e").replace("è", "e").replace("-", " ")
        elif style < 0.45:
            name = name.replace("Saint-", "St-")
        elif style < 0.55:
            name = _typo(name, rng)
        out.append(name)
    return out


def main() -> None:
    started = time.perf_counter()
    gazetteer()
    print(f"index of official names built in {time.perf_counter() - started:.2f} s (once)")

    rows = _rows(messy_names())
    started = time.perf_counter()
    resolved = resolve_rows(rows)
    seconds = time.perf_counter() - started
    counts = resolved[S.STATUS].value_counts().to_dict()
    print(f"1,000 messy rows: {seconds:.2f} s (goal < 1 s) -> {counts}")

    communes = load_layer(COMMUNE)
    rows = _rows(communes.nom.tolist(), communes.departement.tolist())
    started = time.perf_counter()
    resolved = resolve_rows(rows)
    seconds = time.perf_counter() - started
    right = (resolved[S.CODE].values == communes.code.values).sum()
    print(f"every commune by name + département ({len(rows):,} rows): {seconds:.1f} s "
          f"(goal < 30 s); {right:,} resolved to their own code, "
          f"{(resolved[S.STATUS] == S.AMBIGUOUS).sum()} ambiguous, "
          f"{(resolved[S.STATUS] == S.DUPLICATE).sum()} duplicates")


if __name__ == "__main__":
    main()
