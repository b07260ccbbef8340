"""Map figures: build time and JSON size of each view and member list, next to plotly.express.

Our timings come from `benchmarks.figures.measure` (first build, then the median of the next
ones). The stress case, every commune of France, is built once, national view only.
"""

import gzip
import statistics
import time

from dashboard.figures import build_map

from . import members as lists
from .figures import measure
from .naive import dissolved_departements, naive_figure

NAIVE_REPEAT = 3
VIEWS = {"France": None, "Hauts-de-France": "32"}


def json_sizes(figure) -> tuple[int, int, float]:
    """(raw bytes, gzipped bytes, seconds to encode) of a figure's JSON."""
    started = time.perf_counter()
    payload = figure.to_json().encode()
    seconds = time.perf_counter() - started
    return len(payload), len(gzip.compress(payload)), seconds


def naive_measure(members, region) -> tuple[float, int, int]:
    """(median build seconds, raw bytes, gzipped bytes) of the plotly.express figure."""
    times = []
    for _ in range(NAIVE_REPEAT):
        started = time.perf_counter()
        figure = naive_figure(members, region)
        times.append(time.perf_counter() - started)
    raw, packed, _ = json_sizes(figure)
    return statistics.median(times), raw, packed


def one_build(members, region, build) -> tuple[float, int, int, float]:
    """(seconds, raw bytes, gzipped bytes, encode seconds) of a single build (stress case)."""
    started = time.perf_counter()
    figure = build(members, region)
    seconds = time.perf_counter() - started
    return (seconds, *json_sizes(figure))


def measure_all() -> dict:
    """Every figure of the section, keyed by (list label, view)."""
    _, dissolve_s = dissolved_departements()
    out = {"dissolve_s": dissolve_s, "views": {}}
    member_lists = {"sample": lists.sample(), "2,000 members": lists.two_thousand(),
                    "large network": lists.large_network()}
    for label, members in member_lists.items():
        for view, region in VIEWS.items():
            first, median, raw, packed = measure(members, region)
            out["views"][(label, view, len(members))] = {
                "first_s": first, "build_s": median, "raw": raw, "gzip": packed,
                "naive": naive_measure(members, region)}
    sample_national = build_map(lists.sample())
    out["encode_sample_s"] = json_sizes(sample_national)[2]
    stress = lists.every_commune()
    out["stress"] = {"count": len(stress), "ours": one_build(stress, None, build_map),
                     "naive": one_build(stress, None, naive_figure)}
    return out
