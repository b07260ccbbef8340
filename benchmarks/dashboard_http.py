"""Visitors' sessions replayed over HTTP on the server `make serve` runs (gunicorn with
gunicorn.conf.py), ours next to the old way (before issue 15), and the server's memory.

A session is what a visitor's browser asks of the server, with a person's pause between two
actions:

- the page: the HTML, Dash's layout and callback map, the scripts and styles the HTML names,
  the chunks Dash's renderer loads for the page's components, the favicon. Each client keeps
  a cache as a browser does: what the server says to keep (Cache-Control max-age, the
  fingerprinted files) is downloaded on the client's first session only; what has an ETag is
  asked again with If-None-Match (a 304); the rest is downloaded again;
- the callbacks the page fires when it opens (every server callback without
  prevent_initial_call), the map's size being MAP_SIZE;
- 10 filter changes (CHANGES), one région change, one PNG export of the région; a change of
  département or région also fires the other callbacks that follow the view (the growth
  chart's), for both ways.

Ours: the view (`map-view.data`) is one request when the page opens, one per département
change, one for the région change, followed by the base map's files it links to and the
client does not have yet; kinds and search make no request. The old way: every filter change
and the région change is one request to the benchmark server's OLD_WAY_PATH (the old map and
table callbacks' work, see serve.py), and the page opens with one of them in place of the view
and the list's rows; the page, the other callbacks and the export are today's, and there are no
base-map files (the old figure carried its geometry).

Callback payloads are built from the app's callback map (/_dash-dependencies) and the values of
its layout (/_dash-layout), as the browser builds them. One client in UPLOADER_EVERY
carries the 2,000-member list in its members store (a person working with an upload); the
others see the embedded sample, as the visitors of a public website do.
"""

import json
import os
import random
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import requests

from dashboard import ids
from dashboard.offline import TOPOJSON_URL
from geodata.kinds import KIND_COMMUNE, KINDS

from .serve import OLD_WAY_PATH

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
UPDATE = "/_dash-update-component"
ALL = list(KINDS)
NO_COMMUNE = [kind for kind in KINDS if kind != KIND_COMMUNE]
MAP_SIZE = [1075, 543]     # px: the map in a 1440 x 900 window (as the browser benchmark's)
PAUSE_S = (1.0, 5.0)       # a person's pause between two actions (uniform): look, type, pick
UPLOADER_EVERY = 8         # 1 client in 8 carries an uploaded list of 2,000 members
SEARCHED = "saint"
# The 10 filter changes of a session: a kind (communes) unticked or ticked again, a search
# typed or cleared, a département chosen (2 of them: a view request for ours).
CHANGES = ("kinds", "search", "search", "departement", "kinds", "search", "search",
           "departement", "kinds", "kinds")
# Loaded by Dash's renderer for the page's components (seen in Chromium's network log).
CHUNKS = ("/_dash-component-suites/dash/dcc/async-dropdown.js",
          "/_dash-component-suites/dash/dcc/async-upload.js",
          "/_dash-component-suites/dash/dcc/async-graph.js",
          "/_dash-component-suites/dash_ag_grid/async-community.js")
TOPOJSON = TOPOJSON_URL + "world_110m.json"   # plotly.js asks for it with any geo map
BASEMAP_URL = re.compile(r'"(/basemap/[^"]+\.json)"')
PAGE_FILES = re.compile(r'<(?:script|link)[^>]*? (?:src|href)="(/[^"]+)"')   # scripts, styles, icon
TIMEOUT = 180   # s: an export queued behind others takes long, it is not an error
# The kinds of request timed: GETs ("page": the page's files, "basemap": the files a view
# links to) and POSTs: a callback the page fires when it opens, a view, an old filter change,
# an export.
POSTS = ("callback", "view", "old", "export")


# -- the server ----------------------------------------------------------------------------------

def start_server(app: str = "app:create_server()", timeout: float = 180):
    """gunicorn with gunicorn.conf.py (what `make serve` runs) serving `app` on a free port of
    127.0.0.1, started by the browser tests' helper; .start_seconds: until it answered."""
    sys.path.insert(0, str(TESTS))
    from browser import AppServer  # the browser tests' helper

    return AppServer(module="gunicorn", args=("--config", "gunicorn.conf.py", app),
                     timeout=timeout)


def _stat(pid: int) -> list[str]:
    """/proc/<pid>/stat's fields from the state on (the command may hold spaces and
    parentheses: they follow the last ')'); [] when the process has ended."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def _tree(server) -> tuple[list[int], list[int]]:
    """(the master and its workers, the processes under the workers: the Chromium each
    starts for exports)."""
    children: dict[int, list[int]] = {}
    for path in Path("/proc").glob("[0-9]*"):
        fields = _stat(int(path.name))
        if fields:
            children.setdefault(int(fields[1]), []).append(int(path.name))
    workers = children.get(server.process.pid, [])
    others, stack = [], list(workers)
    while stack:
        below = children.get(stack.pop(), [])
        others += below
        stack += below
    return [server.process.pid, *workers], others


def _kb(pid: int, field_name: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except OSError:   # the process just ended
        pass
    return 0


def server_memory(server) -> dict:
    """Memory of the gunicorn master and every process under it, in MB: PSS (a page shared by
    n processes counts 1/n in each, so the sum counts the geography the workers share with the
    master once) and RSS (counts it in each); `chromium`: the PSS of the processes under the
    workers."""
    gunicorn, others = _tree(server)
    every = gunicorn + others
    return {"pss": sum(_kb(pid, "Pss") for pid in every) / 1024,
            "rss": sum(_kb(pid, "Rss") for pid in every) / 1024,
            "chromium": sum(_kb(pid, "Pss") for pid in others) / 1024}


def server_cpu(server) -> dict[str, float]:
    """CPU seconds used so far: "python", by the master and its workers; "chromium", by the
    processes under the workers. An ended process counts in its parent's (a restarted
    worker's, Chromium included, in the master's: Python)."""
    tick = os.sysconf("SC_CLK_TCK")
    gunicorn, others = _tree(server)
    master, workers = gunicorn[:1], gunicorn[1:]

    def seconds(pids, first, last):   # stat's utime, stime, cutime, cstime: [11:15]
        return sum(int(f) for pid in pids for f in _stat(pid)[first:last]) / tick

    return {"python": seconds(master, 11, 15) + seconds(workers, 11, 13),
            "chromium": seconds(others, 11, 15) + seconds(workers, 13, 15)}


def worker_events(server) -> dict[str, int]:
    """From gunicorn's log: workers booted so far (at start, then one per restart), and
    workers killed for not answering within gunicorn.conf.py's timeout."""
    log = Path(server.log.name).read_text(errors="replace")
    return {"boots": log.count("Booting worker with pid"),
            "timeouts": log.count("WORKER TIMEOUT")}


# -- the page as the browser sees it -----------------------------------------------------------

def _layout_values(node, values: dict) -> None:
    """(component id, property) -> value of every component of a Dash layout."""
    if isinstance(node, list):
        for item in node:
            _layout_values(item, values)
    elif isinstance(node, dict):
        props = node.get("props")
        if isinstance(props, dict):
            if isinstance(props.get("id"), str):
                values.update({(props["id"], name): value for name, value in props.items()})
            for value in props.values():
                _layout_values(value, values)


def _outputs(output: str) -> list[dict] | dict:
    """The outputs field of a request, from a callback's output string."""
    if not output.startswith(".."):
        component, prop = output.rsplit(".", 1)
        return {"id": component, "property": prop}
    parts = output.strip(".").split("...")
    return [dict(zip(("id", "property"), part.rsplit(".", 1), strict=True)) for part in parts]


@dataclass
class Page:
    """The app's callback map and layout values, read once: each client builds its requests
    from them."""
    dependencies: list[dict]
    values: dict
    regions: list[str]
    departements: list[str]

    @classmethod
    def read(cls, url: str) -> "Page":
        dependencies = requests.get(url + "/_dash-dependencies", timeout=30).json()
        values: dict = {}
        _layout_values(requests.get(url + "/_dash-layout", timeout=30).json(), values)

        words = values[(ids.WORDS, "data")]   # the names the page's menus offer
        return cls(dependencies, values, sorted(words["regions"]),
                   sorted(words["departements"]))

    def callback(self, first_input: str, output: str = "") -> dict:
        """The server callback fired by `first_input` (and writing `output`, when given)."""
        return next(d for d in self.dependencies if not d.get("clientside_function")
                    and d["inputs"][0]["id"] == first_input and output in d["output"])

    def opening(self) -> list[dict]:
        """The server callbacks the page fires when it opens (the view comes after them,
        once the browser has said the map's size)."""
        return [d for d in self.dependencies
                if not d.get("clientside_function") and not d.get("prevent_initial_call")]

    def following_view(self) -> list[dict]:
        """The server callbacks other than the view that a change of région or département
        fires (the growth chart's)."""
        view = self.callback(ids.REGION, ids.VIEW_STORE)
        return [d for d in self.dependencies
                if not d.get("clientside_function") and d is not view
                and any(i["id"] in (ids.REGION, ids.DEPARTEMENT) for i in d["inputs"])]

    def body(self, dependency: dict, values: dict) -> bytes:
        """What the browser sends for that callback, with the layout's values updated by
        `values` ((component id, property) -> value), its first input being the one changed."""
        every = {**self.values, **values}

        def filled(items):
            return [{**item, "value": every.get((item["id"], item["property"]))}
                    for item in items]

        first = dependency["inputs"][0]
        return json.dumps({
            "output": dependency["output"], "outputs": _outputs(dependency["output"]),
            "inputs": filled(dependency["inputs"]), "state": filled(dependency["state"]),
            "changedPropIds": [f"{first['id']}.{first['property']}"]}).encode()


# -- a visitor ----------------------------------------------------------------------------------

@dataclass
class Times:
    """What sessions measured: seconds of each answered request, by kind (see POSTS); errors:
    (kind and what went wrong, path) of each answer other than 200 (a 304 to a revalidation is
    a browser's normal answer) and each failure; resent: requests sent again after the server
    closed a kept-alive connection; seconds of each session, start to end."""
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)
    resent: int = 0
    session_s: list[float] = field(default_factory=list)

    def add(self, kind: str, seconds: float) -> None:
        self.by_kind.setdefault(kind, []).append(seconds)

    def merge(self, other: "Times") -> None:
        for kind, seconds in other.by_kind.items():
            self.by_kind.setdefault(kind, []).extend(seconds)
        self.errors += other.errors
        self.resent += other.resent
        self.session_s += other.session_s

    def all_but(self, *kinds: str) -> list[float]:
        return [s for kind, times in self.by_kind.items() if kind not in kinds for s in times]

    @property
    def sessions(self) -> int:
        return len(self.session_s)

    @property
    def requests(self) -> int:
        return sum(map(len, self.by_kind.values())) + len(self.errors)


class Visitor:
    """One visitor's browser: a requests.Session, a cache, sessions one after the other."""

    def __init__(self, number: int, url: str, page: Page, old_way: bool, store: dict | None):
        self.number, self.url, self.page, self.old_way = number, url, page, old_way
        self.store = store
        self.http = requests.Session()
        self.kept: set[str] = set()          # never asked again (max-age)
        self.etags: dict[str, str] = {}      # asked again with If-None-Match
        self.visits = 0                      # sessions so far

    def _request(self, times: Times, kind: str, method: str, path: str, **options):
        started = time.perf_counter()
        for attempt in range(2):
            try:
                response = self.http.request(method, self.url + path, timeout=TIMEOUT,
                                             **options)
                break
            except requests.ConnectionError as exc:
                # A kept-alive connection closed by the server (a worker restarting): the
                # browser sends the request again, on a new connection.
                if attempt == 0 and "Connection aborted" in str(exc):
                    times.resent += 1
                    continue
                times.errors.append((f"{kind} {type(exc).__name__}", path))
                return None
            except requests.RequestException as exc:
                times.errors.append((f"{kind} {type(exc).__name__}", path))
                return None
        seconds = time.perf_counter() - started
        revalidated = response.status_code == 304 and "If-None-Match" in options["headers"]
        if response.status_code != 200 and not revalidated:
            times.errors.append((f"{kind} {response.status_code}", path))
            return None
        times.add(kind, seconds)
        return response

    def get(self, times: Times, kind: str, path: str) -> requests.Response | None:
        """A GET through the client's cache (None: kept, revalidated or failed)."""
        if path in self.kept:
            return None
        headers = {"If-None-Match": self.etags[path]} if path in self.etags else {}
        response = self._request(times, kind, "GET", path, headers=headers)
        if response is None or response.status_code != 200:
            return None
        cache = response.headers.get("Cache-Control", "")
        if "max-age=" in cache and "no-cache" not in cache and "max-age=0" not in cache:
            self.kept.add(path)
        elif "ETag" in response.headers:
            self.etags[path] = response.headers["ETag"]
        return response

    def post(self, times: Times, kind: str, path: str, body: bytes):
        return self._request(times, kind, "POST", path, data=body,
                             headers={"Content-Type": "application/json"})

    def callback(self, times: Times, kind: str, dependency: dict, values: dict):
        values = {(ids.MEMBERS_STORE, "data"): self.store, (ids.MAP_SIZE, "data"): MAP_SIZE,
                  **values}
        return self.post(times, kind, UPDATE, self.page.body(dependency, values))

    # -- the steps of a session

    def open_page(self, times: Times) -> None:
        html = self.get(times, "page", "/")
        for path in ("/_dash-layout", "/_dash-dependencies"):
            self.get(times, "page", path)
        files = PAGE_FILES.findall(html.text) if html is not None else []
        for path in [*files, *CHUNKS]:
            self.get(times, "page", path)

    def view(self, times: Times, state: dict) -> None:
        """Ours: the view of a région or département, then the files it links to."""
        values = {(ids.REGION, "value"): state["region"],
                  (ids.DEPARTEMENT, "value"): state["departement"]}
        answer = self.callback(times, "view", self.page.callback(ids.REGION, ids.VIEW_STORE),
                               values)
        for path in ([TOPOJSON, *BASEMAP_URL.findall(answer.text)] if answer else []):
            self.get(times, "basemap", path)

    def old_change(self, times: Times, state: dict) -> None:
        """The old way: the map and the table of the filters, one request."""
        body = {"members": self.store, "size": MAP_SIZE,
                "labels": self.page.values.get((ids.LABELS, "value")), **state}
        self.post(times, "old", OLD_WAY_PATH, json.dumps(body).encode())

    def change(self, times: Times, state: dict) -> None:
        """A change of view (région or département), or the old way's of any filter."""
        (self.old_change if self.old_way else self.view)(times, state)

    def others_of_view(self, times: Times, state: dict) -> None:
        """The other callbacks a change of région or département fires."""
        values = {(ids.REGION, "value"): state["region"],
                  (ids.DEPARTEMENT, "value"): state["departement"]}
        for dependency in self.page.following_view():
            self.callback(times, "callback", dependency, values)

    def export(self, times: Times, state: dict) -> None:
        values = {(ids.EXPORT_BUTTON, "n_clicks"): 1, (ids.EXPORT_FORMAT, "value"): "png",
                  (ids.EXPORT_SIZE, "value"): "screen", (ids.EXPORT_TABLE, "value"): [],
                  (ids.REGION, "value"): state["region"], (ids.KINDS, "value"): state["kinds"],
                  (ids.DEPARTEMENT, "value"): state["departement"],
                  (ids.SEARCH, "value"): state["query"]}
        answer = self.callback(times, "export", self.page.callback(ids.EXPORT_BUTTON), values)
        if answer is not None and b"base64" not in answer.content:
            times.errors.append(("export without an image", UPDATE))

    def session(self, times: Times) -> None:
        started = time.perf_counter()
        rng = random.Random(self.number * 1_000 + self.visits)
        self.visits += 1

        def pause():
            time.sleep(rng.uniform(*PAUSE_S))

        state = {"region": "", "kinds": ALL, "departement": None, "query": ""}
        self.open_page(times)
        for dependency in self.page.opening():
            if not (self.old_way and dependency["output"].startswith(f"..{ids.ROWS_STORE}.")):
                self.callback(times, "callback", dependency, {})
        self.change(times, state)   # the page's first map, once the browser said its size
        for change in CHANGES:
            pause()
            if change == "kinds":
                state["kinds"] = NO_COMMUNE if state["kinds"] == ALL else ALL
            elif change == "search":
                state["query"] = "" if state["query"] else SEARCHED
            else:
                state["departement"] = rng.choice(self.page.departements)
            if change == "departement" or self.old_way:
                self.change(times, state)
            if change == "departement":
                self.others_of_view(times, state)
        pause()
        state.update(region=rng.choice(self.page.regions), departement=None)
        self.change(times, state)
        self.others_of_view(times, state)
        pause()
        self.export(times, state)
        times.session_s.append(time.perf_counter() - started)


def visitors(url: str, clients: int, old_way: bool, uploaded: dict) -> list[Visitor]:
    """The clients of a run; uploaded: the members store of the 2,000-member list."""
    page = Page.read(url)
    return [Visitor(n, url, page, old_way,
                    uploaded if n % UPLOADER_EVERY == UPLOADER_EVERY - 1 else None)
            for n in range(clients)]


def run_sessions(clients: list[Visitor], sessions: int | None = None,
                 seconds: float | None = None, watch=None, every: float = 10) -> list[Times]:
    """Every client at once, each running `sessions` sessions, or sessions until `seconds` have
    passed (a session under way is finished): what each client measured. watch() is called
    every `every` seconds meanwhile (the load average, the memory)."""
    deadline = time.perf_counter() + (seconds or 0)
    results = [Times() for _ in clients]

    def client(visitor: Visitor, times: Times) -> None:
        done = 0
        while (done < sessions) if sessions is not None else time.perf_counter() < deadline:
            try:
                visitor.session(times)
            except Exception as exc:  # counted, and the client goes on with a new session
                times.errors.append((f"session {type(exc).__name__}", str(exc)[:100]))
            done += 1

    threads = [threading.Thread(target=client, args=pair, daemon=True)
               for pair in zip(clients, results, strict=True)]
    for thread in threads:
        thread.start()
    watched = time.perf_counter()
    while any(thread.is_alive() for thread in threads):
        time.sleep(0.5)
        if watch is not None and time.perf_counter() - watched >= every:
            watched = time.perf_counter()
            watch()
    return results


def merged(results: list[Times]) -> Times:
    total = Times()
    for times in results:
        total.merge(times)
    return total


def load_average() -> float:
    return os.getloadavg()[0]


def machine_cpu() -> float:
    """CPU seconds the whole machine has used since it started (every process, every core)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def percentiles(seconds: list[float]) -> tuple[float, float]:
    """(median, 95th percentile) in ms."""
    if not seconds:
        return float("nan"), float("nan")
    return float(np.median(seconds) * 1000), float(np.percentile(seconds, 95) * 1000)
