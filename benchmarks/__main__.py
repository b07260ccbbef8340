"""The whole chain measured on this machine, next to the naive way: `python -m benchmarks`.

Prints a summary and writes benchmarks/RESULTS.md. About 27 minutes on 2 cores: one geography
build, the stress case (every commune of France) built once, bounded repetitions, and the app
served as `make serve` serves it for the load and browser parts, of which 10 minutes of
sustained load (BENCH_SOAK_MINUTES=1 shortens it).
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
    """The load and browser parts, on one app server (gunicorn, as `make serve`)."""
    print("-- starting the app…", flush=True)
    try:
        server = start_server()
    except Exception as exc:
        traceback.print_exc()
        return [Row("Dashboard", "FAILED to start the app", None, "", note=str(exc)[:300])]
    try:
        return (run("dashboard under load, server memory", sections.dashboard, server)
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
        out[f"{members}, France: build_map (go.Figure)"] = (
            f"the figure itself is built in {spec:.0f} ms (map_spec), the main names and the "
            "nudging of crowded symbols (issue 14) included (see the rows 'names on the "
            f"map'); the other {build - spec:.0f} ms are plotly's go.Figure validating and "
            "deep-copying every "
            "trace, the base map's GeoJSON included. The dashboard sends map_spec's dict and "
            "does not pay them; exports and notebooks do")
    # The load test (issue 15): what a session asks of the machine against what it has.
    cpu = {key: value(rows, f"CPU per session: {label}") for key, label in (
        ("python", "the app's Python (gunicorn master and workers)"),
        ("chromium", "Chromium (the export)"), ("clients", "the benchmark's clients"),
        ("others", "other processes on the machine"))}
    session = value(rows, "a session, start to end (median)")
    capacity = (os.cpu_count() or 1) * session / sections.CLIENTS
    out["every server request but the export: p95"] = (
        f"{sections.CLIENTS} sessions of {session:.0f} s at once leave each {capacity:.1f} s "
        f"of CPU on {os.cpu_count()} cores; each needs {cpu['python']:.1f} s of the app's "
        f"Python, {cpu['chromium']:.1f} s of Chromium for its one export, "
        f"{cpu['clients']:.1f} s of the benchmark's clients, and other processes on the "
        f"machine took {cpu['others']:.1f} s per session meanwhile: when that is close to or "
        "above what there is, requests wait for a core, and in the workers' queues behind an "
        "export, which holds one of its worker's threads while it waits for that worker's "
        "one Chromium")
    out["errors (answers other than 200, failures), whole run"] = (
        "what failed is in the note; a 500 for /_dash-component-suites/, when listed, comes "
        "from a worker that has not yet served the page (Dash knows the page's script paths "
        "once it has rendered it): a worker just restarted by max_requests")
    out["growth over the soak"] = (
        "see the note: Chromium's share (each worker's, for exports) before and after, and the "
        "worker restarts (a restarted worker has less memory than one that has served for "
        "minutes)")
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
            + run("published pages", sections.web_pages))
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
