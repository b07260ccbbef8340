"""The dashboard served as in production (`make serve`: gunicorn with gunicorn.conf.py): the
geography prepared before the workers are forked, the security headers on every answer, and no
state kept on the server: two servers that share nothing answer the requests of one page in
turn."""

import base64
import csv
import io
from pathlib import Path

import pytest
import requests
from browser import AppServer

from dashboard import ids
from dashboard.export import find_chromium
from geodata.kinds import KINDS

pytestmark = pytest.mark.slow

UPDATE = "/_dash-update-component"
ALL_KINDS = list(KINDS)   # every kind ticked, as the page opens
# A person's own list (not the embedded sample), with a column of their own.
OWN_LIST = ("nom;élu référent\n"
            "Ville de Grenoble;Mme Lenoir\n"
            "Communauté d'agglomération de La Rochelle;M. Durand\n"
            "Département du Gers;Mme Petit\n")


@pytest.fixture(scope="module")
def servers():
    """Two gunicorn servers of one worker each: two processes with nothing in common."""
    started = []
    try:
        for _ in range(2):
            started.append(AppServer(module="gunicorn", args=("--config", "gunicorn.conf.py"),
                                     env={"WEB_CONCURRENCY": "1"}))
        yield started
    finally:
        for server in started:
            server.stop()


def callback(url: str, first_input: str) -> dict:
    """The callback of the app's callback map (/_dash-dependencies) that `first_input` fires."""
    dependencies = requests.get(url + "/_dash-dependencies", timeout=30).json()
    return next(d for d in dependencies if d["inputs"][0]["id"] == first_input)


def call(url: str, dependency: dict, values: dict) -> dict:
    """The answer of the callback to what the browser sends when its first input changes;
    values by (component id, property), None for the others."""
    def filled(items):
        return [{**item, "value": values.get((item["id"], item["property"]))} for item in items]

    outputs = [dict(zip(("id", "property"), part.rsplit(".", 1), strict=True))
               for part in dependency["output"].strip(".").split("...")]
    first = dependency["inputs"][0]
    body = {"output": dependency["output"],
            "outputs": outputs if dependency["output"].startswith("..") else outputs[0],
            "inputs": filled(dependency["inputs"]), "state": filled(dependency["state"]),
            "changedPropIds": [f"{first['id']}.{first['property']}"]}
    response = requests.post(url + UPDATE, json=body, timeout=120)
    assert response.status_code == 200, response.text[:300]
    return response.json()["response"]


def upload(url: str) -> dict:
    """The members store the server answers to OWN_LIST dropped on the page."""
    contents = "data:text/csv;base64," + base64.b64encode(OWN_LIST.encode()).decode()
    files = {"files": [{"contents": contents, "filename": "adherents.csv"}]}
    answer = call(url, callback(url, ids.UPLOAD_ACCEPTED), {(ids.UPLOAD_ACCEPTED, "data"): files})
    return answer[ids.MEMBERS_STORE]["data"]


def selection_csv(url: str, store: dict) -> list[dict]:
    """The rows of the "Sélection (CSV)" download of the whole of France, every kind ticked."""
    dependency = callback(url, ids.DOWNLOAD_CSV)
    values = {(ids.DOWNLOAD_CSV, "n_clicks"): 1, (ids.MEMBERS_STORE, "data"): store,
              (ids.KINDS, "value"): ALL_KINDS}
    download = call(url, dependency, values)[ids.DOWNLOAD]["data"]
    text = base64.b64decode(download["content"]).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_gunicorn_prepares_the_geography_once_before_forking(servers):
    log = Path(servers[0].log.name).read_text()
    assert log.count("Géographie prête") == 1
    assert log.index("Géographie prête") < log.index("Booting worker")


def test_a_worker_started_after_max_requests_serves_the_pages_scripts():
    """gunicorn replaces a worker after max_requests: the new one, forked from the master,
    must serve the page's scripts at once (Dash registers them when it renders the page)."""
    server = AppServer(module="gunicorn", args=(
        "--config", "gunicorn.conf.py", "--max-requests", "3", "--max-requests-jitter", "0"),
        env={"WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "1"})
    try:
        page = requests.get(server.url + "/", timeout=30).text
        scripts = [part.split('"')[0] for part in page.split('src="')[1:]
                   if part.startswith("/_dash-component-suites/")][:4]
        statuses = []
        for _ in range(4):   # 16 requests: past max_requests, several workers in turn
            for script in scripts:
                with requests.Session() as fresh:   # no kept-alive connection to a leaver
                    statuses.append(fresh.get(server.url + script, timeout=30).status_code)
        assert statuses == [200] * len(statuses)
        assert Path(server.log.name).read_text().count("Booting worker") > 2
    finally:
        server.stop()


def test_gunicorn_serves_with_the_security_headers(servers):
    for server in servers:
        for path in ("/", "/_dash-layout"):
            response = requests.get(server.url + path, timeout=30)
            assert response.status_code == 200
            assert response.headers["Server"] == "gunicorn"   # not Flask's development server
            assert "default-src 'self'" in response.headers["Content-Security-Policy"]
            assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_list_sent_to_one_server_is_downloaded_from_the_other(servers):
    first, second = servers
    store = upload(first.url)
    rows = selection_csv(second.url, store)
    # The person's own list, their names and their column, not the sample the server opens with.
    assert [row["Nom dans la liste"] for row in rows] == [
        "Ville de Grenoble", "Communauté d'agglomération de La Rochelle", "Département du Gers"]
    assert [row["élu référent"] for row in rows] == ["Mme Lenoir", "M. Durand", "Mme Petit"]
    assert rows == selection_csv(first.url, store)   # either server gives the same file


def test_the_view_of_one_server_draws_with_the_files_of_the_other(servers):
    first, second = servers
    store = upload(first.url)
    values = {(ids.REGION, "value"): "84", (ids.MEMBERS_STORE, "data"): store,
              (ids.MAP_SIZE, "data"): [900, 600]}
    view = call(first.url, callback(first.url, ids.REGION), values)[ids.VIEW_STORE]["data"]
    assert "Grenoble" in str(view["figure"])
    links = {trace["geojson"] for trace in view["figure"]["data"]
             if isinstance(trace.get("geojson"), str)}
    assert links   # the région's geography, asked of the other server
    for link in links:
        answer = requests.get(second.url + link, timeout=60)
        assert answer.status_code == 200 and answer.json()["features"]
        assert "immutable" in answer.headers["Cache-Control"]


@pytest.mark.kaleido
def test_a_worker_exports_a_map_of_the_list_sent_to_the_other_server(servers):
    if find_chromium() is None:
        pytest.skip("no Chromium: apt-get install chromium")
    first, second = servers
    store = upload(first.url)
    values = {(ids.EXPORT_BUTTON, "n_clicks"): 1, (ids.EXPORT_FORMAT, "value"): "png",
              (ids.EXPORT_SIZE, "value"): "screen", (ids.MEMBERS_STORE, "data"): store,
              (ids.REGION, "value"): "84", (ids.KINDS, "value"): ALL_KINDS}
    # Chromium is started by the forked worker, on its first export.
    answer = call(second.url, callback(second.url, ids.EXPORT_BUTTON), values)
    image = answer[ids.EXPORT_DOWNLOAD]["data"]
    assert base64.b64decode(image["content"])[:8] == b"\x89PNG\r\n\x1a\n"
    assert "auvergne-rhone-alpes" in image["filename"]
    assert image["filename"] in answer[ids.EXPORT_MESSAGE]["children"]
