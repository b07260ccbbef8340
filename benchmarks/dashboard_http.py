"""Server time of a filter change through Dash's HTTP endpoint, with 1 and 8 clients.

A filter change makes the browser POST /_dash-update-component for the map callback and for
the table callback. The payloads are built from the app's own callback map
(/_dash-dependencies), with the members store of the session (None: the embedded sample; the
2,000-member upload otherwise), then replayed over loopback with `requests`, one session per
client thread. The time of a change is the map request then the table request, one after the
other (an upper bound of what the browser waits for: it sends both at once).
"""

import json
import sys
import threading
import time
from pathlib import Path

import numpy as np
import requests

from dashboard import ids
from geodata.kinds import KIND_COMMUNE, KINDS

from .serve import NAIVE_HEADER

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
ALL = list(KINDS)
NO_COMMUNE = [kind for kind in KINDS if kind != KIND_COMMUNE]
# A cycle of filter changes, each changing one filter: national and région views, a
# département, a kind unticked, a search.
CHANGES = [
    ({"region": "32"}, ids.REGION),
    ({"region": "32", "departement": "59"}, ids.DEPARTEMENT),
    ({"region": "32", "departement": None}, ids.DEPARTEMENT),
    ({"region": "32", "kinds": NO_COMMUNE}, ids.KINDS),
    ({"region": "", "kinds": NO_COMMUNE}, ids.REGION),
    ({"region": "", "kinds": ALL}, ids.KINDS),
    ({"query": "lille"}, ids.SEARCH),
    ({"query": ""}, ids.SEARCH),
]
FILTER_PROPS = {ids.REGION: "region", ids.KINDS: "kinds", ids.DEPARTEMENT: "departement",
                ids.SEARCH: "query"}


def start_server(timeout: float = 180, env: dict | None = None):
    """`python -m benchmarks.serve` (the app as app.py serves it) on a free loopback port,
    started by the browser tests' helper; .start_seconds says how long it took."""
    sys.path.insert(0, str(TESTS))
    from browser import AppServer  # the browser tests' helper

    return AppServer(module="benchmarks.serve", timeout=timeout, env=env)


def resident_mb(server) -> float:
    """The server process's resident memory, in MB."""
    with open(f"/proc/{server.process.pid}/status") as status:
        return next(int(line.split()[1]) / 1024 for line in status
                    if line.startswith("VmRSS"))


# -- payloads -------------------------------------------------------------------------------------

def callbacks(url: str) -> dict[str, dict]:
    """The map and table callbacks of the app's callback map, by name."""
    found = {}
    for dependency in requests.get(url + "/_dash-dependencies", timeout=30).json():
        if dependency["output"] == f"{ids.MAP}.figure":
            found["map"] = dependency
        elif f"..{ids.TABLE}.rowData.." in dependency["output"]:
            found["table"] = dependency
    if set(found) != {"map", "table"}:
        raise RuntimeError(f"map or table callback not found in {url}/_dash-dependencies")
    return found


def _outputs(output: str) -> list[dict] | dict:
    """The outputs field of a request, from a callback's output string."""
    if not output.startswith(".."):
        component, prop = output.rsplit(".", 1)
        return {"id": component, "property": prop}
    parts = output.strip(".").split("...")
    return [dict(zip(("id", "property"), part.rsplit(".", 1), strict=True)) for part in parts]


def payload(dependency: dict, values: dict, changed: str) -> bytes:
    """The request body the browser sends when the filter `changed` takes its new value."""
    def filled(items):
        return [{**item, "value": values.get((item["id"], item["property"]))} for item in items]

    body = {"output": dependency["output"], "outputs": _outputs(dependency["output"]),
            "inputs": filled(dependency["inputs"]), "state": filled(dependency["state"]),
            "changedPropIds": [f"{changed}.value"]}
    return json.dumps(body).encode()


def filter_bodies(url: str, store: dict | None) -> list[tuple[bytes, bytes]]:
    """(map body, table body) of each filter change of the cycle."""
    found = callbacks(url)
    state = {"region": "", "kinds": ALL, "departement": None, "query": ""}
    bodies = []
    for change, changed in CHANGES:
        state = {**state, **change}
        values = {(component, "value"): state[name] for component, name in FILTER_PROPS.items()}
        values[(ids.MEMBERS_STORE, "data")] = store
        values[(ids.SELECTED_STORE, "data")] = None
        bodies.append((payload(found["map"], values, changed),
                       payload(found["table"], values, changed)))
    return bodies


# -- replay ---------------------------------------------------------------------------------------

def _post(session: requests.Session, url: str, body: bytes, headers: dict) -> float:
    """Seconds of one callback request, answer read."""
    started = time.perf_counter()
    response = session.post(url + "/_dash-update-component", data=body, headers=headers,
                            timeout=120)
    if response.status_code != 200:
        raise RuntimeError(f"callback answered {response.status_code}: {response.text[:300]}")
    return time.perf_counter() - started


def replay(url: str, bodies: list[tuple[bytes, bytes]], clients: int, changes: int,
           naive: bool = False) -> list[tuple[int, float, float]]:
    """(change index in the cycle, map seconds, table seconds) of each filter change,
    `changes` per client, all clients at once."""
    headers = {"Content-Type": "application/json"}
    if naive:
        headers[NAIVE_HEADER] = "1"
    times: list[tuple[int, float, float]] = []
    errors: list[Exception] = []
    lock = threading.Lock()

    def client(offset: int) -> None:
        with requests.Session() as session:
            for i in range(changes):
                index = (offset + i) % len(bodies)
                map_body, table_body = bodies[index]
                try:
                    map_s = _post(session, url, map_body, headers)
                    table_s = _post(session, url, table_body, headers)
                except Exception as exc:  # reported by the caller, the other clients go on
                    errors.append(exc)
                    return
                with lock:
                    times.append((index, map_s, table_s))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return times


def national(index: int) -> bool:
    """True when the change of that index in the cycle shows the national view."""
    state = {}
    for change, _ in CHANGES[:index + 1]:
        state.update(change)
    return not state.get("region")


def percentiles(times: list[tuple[int, float, float]]) -> tuple[float, float]:
    """(median, 95th percentile) in ms of whole changes (map + table)."""
    seconds = [map_s + table_s for _, map_s, table_s in times]
    return float(np.median(seconds) * 1000), float(np.percentile(seconds, 95) * 1000)


def national_medians(times: list[tuple[int, float, float]]) -> tuple[float, float, float]:
    """Median ms of the changes to a national view: whole, map request, table request."""
    chosen = np.array([(m + t, m, t) for i, m, t in times if national(i)]) * 1000
    if not len(chosen):
        return float("nan"), float("nan"), float("nan")
    whole, map_ms, table_ms = np.median(chosen, axis=0)
    return float(whole), float(map_ms), float(table_ms)


def region_median(times: list[tuple[int, float, float]]) -> float:
    """Median ms of the changes to a région view."""
    chosen = [m + t for i, m, t in times if not national(i)]
    return float(np.median(chosen) * 1000) if chosen else float("nan")


def warm_up(url: str, bodies: list[tuple[bytes, bytes]]) -> None:
    """One pass over the cycle: the first figure of each view is not what a filter change costs."""
    replay(url, bodies, clients=1, changes=len(bodies))
