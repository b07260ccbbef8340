"""Map figures: build time and JSON size of each view and member list, next to plotly.express.

`build_map` (a validated go.Figure, for exports and notebooks) is timed by
`benchmarks.figures.measure` (first build, then the median of the next ones); `map_spec` (the
plain dict the dashboard sends, the same figure without plotly's validation) and its JSON
encoding as Dash does it are timed here. The stress case, every commune of France, is built
once, national view only.
"""

import gzip
import statistics
import time

from plotly.io.json import to_json_plotly

from dashboard.figures import build_map, map_spec

from . import members as lists
from .figures import measure
from .naive import dissolved_departements, naive_figure

NAIVE_REPEAT = 3
REPEAT = 5
VIEWS = {"France": None, "Hauts-de-France": "32"}
A4 = (1122, 794)   # px of an A4 landscape page at 96 dpi


def json_sizes(figure) -> tuple[int, int]:
    """(raw bytes, gzipped bytes) of a figure's JSON (go.Figure or dict)."""
    payload = to_json_plotly(figure).encode()
    return len(payload), len(gzip.compress(payload))


def naive_measure(members, region) -> tuple[float, int, int]:
    """(median build seconds, raw bytes, gzipped bytes) of the plotly.express figure."""
    times = []
    for _ in range(NAIVE_REPEAT):
        started = time.perf_counter()
        figure = naive_figure(members, region)
        times.append(time.perf_counter() - started)
    raw, packed = json_sizes(figure)
    return statistics.median(times), raw, packed


def spec_measure(members, region) -> tuple[float, float]:
    """(median seconds of map_spec, median seconds to encode its JSON as Dash does)."""
    builds, encodes = [], []
    for _ in range(REPEAT):
        started = time.perf_counter()
        spec = map_spec(members, region)
        builds.append(time.perf_counter() - started)
        started = time.perf_counter()
        to_json_plotly(spec)
        encodes.append(time.perf_counter() - started)
    return statistics.median(builds), statistics.median(encodes)


def one_build(members, region, build) -> tuple[float, int, int]:
    """(seconds, raw bytes, gzipped bytes) of a single build (stress case)."""
    started = time.perf_counter()
    figure = build(members, region)
    seconds = time.perf_counter() - started
    return (seconds, *json_sizes(figure))


def names_measure() -> dict:
    """(median seconds with the names placed, without names) of the figures the dashboard
    sends (map_spec), for the views where names cost most: label -> pair."""
    from pathlib import Path

    from geodata.members import resolve_members

    hdf = resolve_members(Path(__file__).resolve().parent.parent / "tests" / "data"
                          / "hauts_de_france_40.csv")
    two_thousand = lists.two_thousand_mapped()
    cases = {"40 members, Hauts-de-France, A4, every name": (hdf, "32", "tous"),
             "2,000 members, Hauts-de-France, every name": (two_thousand, "32", "tous"),
             "2,000 members, France, main names": (two_thousand, None, "principaux")}
    return {label: tuple(_median_spec(members, region, mode) for mode in (labels, "aucun"))
            for label, (members, region, labels) in cases.items()}


def _median_spec(members, region, labels) -> float:
    """Median seconds of map_spec on an A4 page (after one build that prepares the view)."""
    map_spec(members, region, labels=labels, canvas=A4)
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        map_spec(members, region, labels=labels, canvas=A4)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


DETAILED = ("sample", "2,000 members")   # the lists issue 4 sets its goals for


def measure_all() -> dict:
    """Every figure of the section; views keyed by (list label, view)."""
    _, dissolve_s = dissolved_departements()
    member_lists = {"sample": lists.sample(), "2,000 members": lists.two_thousand_mapped(),
                    "large network": lists.large_network(), "stress": lists.every_commune()}
    out = {"dissolve_s": dissolve_s, "views": {},
           "counts": {label: len(m) for label, m in member_lists.items()}}
    stress = member_lists.pop("stress")
    for label, members in member_lists.items():
        for view, region in VIEWS.items():
            first, median, raw, packed = measure(members, region)
            spec_s, encode_s = spec_measure(members, region)
            out["views"][(label, view)] = {
                "first_s": first, "build_s": median, "raw": raw, "gzip": packed,
                "spec_s": spec_s, "encode_s": encode_s,
                "naive": naive_measure(members, region)}
    out["stress"] = {"ours": one_build(stress, None, build_map),
                     "naive": one_build(stress, None, naive_figure)}
    out["names"] = names_measure()
    return out
