"""The whole chain measured on this machine, next to the naive way: `python -m benchmarks`.

Prints a summary and writes benchmarks/RESULTS.md. About 4–5 minutes on 2 cores: one geography
build, one app server for the HTTP and browser parts, bounded repetitions, the stress case
(every commune of France) built once.
"""

import sys
import time
import traceback

from . import sections
from .dashboard_http import Server
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
        server = Server()
    except Exception as exc:
        traceback.print_exc()
        return [Row("Dashboard", "FAILED to start the app", None, "", note=str(exc)[:300])]
    try:
        return (run("dashboard through HTTP", sections.dashboard, server)
                + run("browser", sections.browser, server))
    finally:
        server.stop()


def value(rows: list[Row], label: str) -> float | None:
    return next((row.value for row in rows if row.label == label), None)


def causes(rows: list[Row]) -> dict[str, str]:
    """Why a goal is missed, from the run's own figures (used only for the goals missed)."""
    build = value(rows, "sample (37), France: build")
    encode = value(rows, "sample, France: JSON encoding (plotly.io)")
    raw = value(rows, "sample (37), France: JSON")
    out = {}
    if build is not None and encode is not None:
        national = (f"the national view alone takes {build:.0f} ms to build and {encode:.0f} ms "
                    f"to encode ({raw:.0f} KB of JSON, mostly the base map's départements "
                    f"and the overseas insets, sent again with each figure)")
        out["sample, 1 client: p95"] = (
            f"{national}; half of the cycle's changes are national views, so the p95 is a "
            "national-view figure")
        out["sample, 8 clients: p95"] = (
            f"8 clients on 2 cores queue: each change waits for the others (Python's GIL, "
            f"Flask's threaded server); {national}")
    many = value(rows, "2,000 members (2,000), France: build")
    if many is not None:
        text = (f"the national view of 2,000 members takes {many:.0f} ms to build, plus the "
                "~800 KB member store the browser sends with every request, parsed into a "
                "DataFrame each time")
        out["2,000 members, 1 client: p95"] = text
        out["2,000 members, 8 clients: p95"] = "8 clients on 2 cores queue; " + text
    return out


def main() -> int:
    started = time.perf_counter()
    info = machine()
    print(f"benchmarks on {info['cpu']} ({info['cores']} cores), commit {info['commit']}, "
          f"load {info['load']}", flush=True)
    rows = (run("geography", sections.geography)
            + run("member resolution", sections.resolution)
            + run("map figures", sections.figures)
            + with_server()
            + run("export", sections.export))
    elapsed = time.perf_counter() - started
    print("\n".join(summary_lines(rows)))
    print()
    print("\n".join(goal_lines(rows)))
    path = write_results(markdown(rows, info, elapsed, WAYS, causes(rows)))
    print(f"\nwhole run: {elapsed:.0f} s; written {path.relative_to(RESULTS_PATH.parents[1])}")
    return 1 if any(row.label.startswith("FAILED") for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
