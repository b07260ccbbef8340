"""How long the map figures take to build, and how big their JSON is.

    python -m benchmarks.figures

Prints, for the national and the Hauts-de-France views, the first build (base map prepared)
and the median of the next builds, and the size of the figure JSON, raw and gzipped, for the
sample members and for a list of 2,000 members. Goal for the national view: under 300 ms and
under 500 KB gzipped.
"""

import gzip
import statistics
import time

import pandas as pd

from dashboard.figures import build_map
from geodata import load_layer, schema
from geodata.kinds import KIND_COMMUNE, KIND_DEPARTEMENT, KIND_REGION
from geodata.levels import COMMUNE, DEPARTEMENT, EPCI
from geodata.levels import REGION as LEVEL_REGION

REPEAT = 5
VIEWS = {"France": None, "Hauts-de-France": "32"}


def many_members(count: int = 2000) -> pd.DataFrame:
    """Every région, département and EPCI, then the most populated communes, up to count."""
    frames = []
    for level, kind in ((LEVEL_REGION, KIND_REGION), (DEPARTEMENT, KIND_DEPARTEMENT)):
        layer = pd.DataFrame(load_layer(level, light=True).drop(columns="geometry"))
        frames.append(layer.assign(kind=kind, departement="",
                                   region=layer.get("region", layer["code"])))
    frames.append(pd.DataFrame(load_layer(EPCI, light=True).drop(columns="geometry")))
    communes = pd.DataFrame(load_layer(COMMUNE).drop(columns="geometry"))
    room = count - sum(len(frame) for frame in frames)
    frames.append(communes.nlargest(max(room, 0), "population").assign(kind=KIND_COMMUNE))
    members = pd.concat(frames, ignore_index=True).head(count)
    members = members.rename(columns={"nom": schema.NAME})
    year = schema.extra_key("Année d'adhésion")   # a column of the list's own
    members[year] = 2010 + members.index % 15
    columns = [schema.KIND, schema.CODE, schema.NAME, schema.DEPARTEMENT, schema.REGION,
               schema.POPULATION, schema.LON, schema.LAT, year]
    return members[columns]


def sample() -> pd.DataFrame:
    """The embedded sample, resolved."""
    from dashboard.member_store import from_store

    return from_store(None)


def measure(members: pd.DataFrame, region: str | None) -> tuple[float, float, int, int]:
    started = time.perf_counter()
    build_map(members, region)
    first = time.perf_counter() - started
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        fig = build_map(members, region)
        times.append(time.perf_counter() - started)
    payload = fig.to_json().encode()
    return first, statistics.median(times), len(payload), len(gzip.compress(payload))


def main() -> None:
    started = time.perf_counter()
    load_layer(DEPARTEMENT)
    load_layer(EPCI, light=True)
    print(f"reference layers loaded in {time.perf_counter() - started:.2f} s")
    lists = {"sample": sample(), "2,000 members": many_members()}
    print(f"{'members':<15} {'view':<16} {'first build':>12} {'build':>9} "
          f"{'JSON':>9} {'gzipped':>9}")
    for label, members in lists.items():
        if members is None:
            continue
        for view, region in VIEWS.items():
            first, median, raw, packed = measure(members, region)
            print(f"{label + f' ({len(members)})':<15} {view:<16} {first * 1000:>9.0f} ms "
                  f"{median * 1000:>6.0f} ms {raw / 1000:>6.0f} KB {packed / 1000:>6.0f} KB")


if __name__ == "__main__":
    main()
