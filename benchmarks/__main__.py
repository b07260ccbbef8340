"""The whole chain measured on this machine, next to the naive way: `python -m benchmarks`.

Prints a summary and writes benchmarks/RESULTS.md. About 3 minutes on 2 cores: one geography
build, one app server for the HTTP and browser parts, bounded repetitions, the stress case
(every commune of France) built once.
"""

import os
import sys
import time
import traceback

from . import sections
from .dashboard_http import start_server
from .naive import WAYS
from .report import (
    RESULTS_PATH,
    Row,
    goal_lines,
    machine,
    markdown,
    summary_lines,
    write_results,
)


def run(name: str, measure, *args) -> list[Row]:
    """One section's rows; a section that fails says so and the run goes on."""
    print(f"-- {name}…", flush=True)
    started = time.perf_counter()
    try:
        rows = measure(*args)
    except Exception as exc:  # a benchmark must report, not stop half-way
        traceback.print_exc()
        rows = [Row(name, "FAILED", None, "", note=f"{type(exc).__name__}: {exc}"[:300])]
    print(f"   {time.perf_counter() - started:.0f} s", flush=True)
    return rows


def with_server() -> list[Row]:
    """The HTTP and browser parts, on one app server."""
    print("-- starting the app…", flush=True)
    try:
        server = start_server()
    except Exception as exc:
        traceback.print_exc()
        return [Row("Dashboard", "FAILED to start the app", None, "", note=str(exc)[:300])]
    try:
        return (run("dashboard through HTTP", sections.dashboard, server)
                + run("browser", sections.browser, server))
    finally:
        server.stop()


def value(rows: list[Row], label: str) -> float:
    """The figure of the row with that label (NaN when it was not measured)."""
    found = next((row.value for row in rows if row.label == label), None)
    return float("nan") if found is None else found


def causes(rows: list[Row]) -> dict[str, str]:
    """Why a goal is missed, worded from the run's own figures (shown for missed goals only)."""
    out = {}
    for members in ("sample", "2,000 members"):
        build = value(rows, f"{members}, France: build_map (go.Figure)")
        spec = value(rows, f"{members}, France: map_spec (dashboard dict)")
        encode = value(rows, f"{members}, France: JSON encoding (as Dash does)")
        raw = value(rows, f"{members}, France: JSON")
        out[f"{members}, France: build_map (go.Figure)"] = (
            f"the figure itself is built in {spec:.0f} ms (map_spec), the main names and the "
            "nudging of crowded symbols (issue 14) included (see the rows 'names on the "
            f"map'); the other {build - spec:.0f} ms are plotly's go.Figure validating and "
            "deep-copying every "
            "trace, the base map's GeoJSON included. The dashboard sends map_spec's dict and "
            "does not pay them; exports and notebooks do")
        one = value(rows, f"{members}, 1 client: p95")
        floor = 8 * value(rows, f"{members}, 1 client: median") / os.cpu_count()
        alone = (f"a national view costs {spec:.0f} ms to build and {encode:.0f} ms to encode "
                 f"({raw:,.0f} KB of JSON, the base map's départements and insets included)")
        out[f"{members}, 1 client: p95"] = (
            f"{alone}; the rest of a change is the requests' own work (the member store each "
            "one carries decoded, the selection, the table callback: see the map/table split "
            "in the note); half the cycle's changes go to a national view, so the p95 is one "
            "of them")
        out[f"{members}, 8 clients: p95"] = (
            f"8 clients at once on one Python process: the GIL runs one callback at a time, "
            "so a change waits for the 7 others, and the benchmark's 8 client threads "
            "(reading the answers) share the same 2 cores (alone, the p95 is "
            f"{one:.0f} ms; {alone}). Several worker processes (`make serve`: gunicorn, one "
            "per core) would use both cores, but even spread perfectly over them, 8 "
            f"changes at once need {floor:.0f} ms of the machine before the last one is done")
    return out


def main() -> int:
    started = time.perf_counter()
    info = machine()
    print(f"benchmarks on {info['cpu']} ({info['cores']} cores), commit {info['commit']}, "
          f"load {info['load']}", flush=True)
    rows = (run("geography", sections.geography)
            + run("member resolution", sections.resolution)
            + run("correcting a list", sections.corrections)
            + run("map figures", sections.figures)
            + with_server()
            + run("export", sections.export)
            + run("server memory", sections.memory))
    elapsed = time.perf_counter() - started
    info["load_end"] = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    print("\n".join(summary_lines(rows)))
    print()
    why = causes(rows)
    print("\n".join(goal_lines(rows, why)))
    path = write_results(markdown(rows, info, elapsed, WAYS, why))
    print(f"\nwhole run: {elapsed:.0f} s; written {path.relative_to(RESULTS_PATH.parents[1])}")
    return 1 if any(row.label.startswith("FAILED") for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
