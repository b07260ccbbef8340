"""Static files the browser keeps: the base map and plotly.js, linked by fingerprinted URLs,
cached for a year; any process answers any of their URLs."""

import gzip
import json

import brotli
import pytest

from app import create_app
from dashboard import client
from dashboard.figures import map_figure
from dashboard.state import FilterState
from geodata import clear_memory


@pytest.fixture(scope="module")
def http():
    return create_app().server.test_client()


def links(view: dict) -> set[str]:
    return {trace["geojson"] for trace in view["figure"]["data"]
            if isinstance(trace.get("geojson"), str)}


def test_the_dashboard_map_links_its_geography_and_every_link_answers(http, sample):
    view = client.view(sample, FilterState(region="32"), (900, 600), sample=True)
    urls = links(view)
    assert urls and all(url.startswith("/basemap/") for url in urls)
    assert not any(isinstance(t.get("geojson"), dict) for t in view["figure"]["data"])
    for url in urls:
        answer = http.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
        assert answer.status_code == 200
        assert answer.headers["Content-Encoding"] == "br"
        assert "immutable" in answer.headers["Cache-Control"]
        assert "max-age=31536000" in answer.headers["Cache-Control"]
        collection = json.loads(brotli.decompress(answer.data))
        ids = {feature["id"] for feature in collection["features"]}
        named = {code for trace in view["figure"]["data"] if trace.get("geojson") == url
                 for code in trace["locations"]}
        assert named <= ids   # every département a trace names is in its file


def test_a_browser_without_brotli_gets_gzip_or_plain_json(http, sample):
    view = client.view(sample, FilterState(), (1100, 700), sample=True)
    url = sorted(links(view))[0]
    plain = http.get(url, headers={"Accept-Encoding": "identity"})
    zipped = http.get(url, headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
    assert json.loads(plain.data)["type"] == "FeatureCollection"
    # The départements of France and its overseas insets are one file; Paris, in detail,
    # is another.
    files = {u.split("/")[2] for u in links(view) if "/departements." in u}
    assert files == {"france", "paris"}


def test_any_process_answers_a_link_made_by_another(http, sample):
    view = client.view(sample, FilterState(region="84", departement="38"), (700, 700),
                       sample=True)
    urls = sorted(links(view))
    before = [http.get(url).data for url in urls]
    clear_memory()   # as a worker that never drew this view
    assert [http.get(url).data for url in urls] == before


@pytest.mark.parametrize("path", [
    "/basemap/france/departements.0000000000000000.json",   # an old fingerprint
    "/basemap/nowhere/departements.x.json", "/basemap/region-32-nan-1/outline.x.json",
    "/basemap/region-32-1.234-1/outline.x.json", "/basemap/region-99-1.00-1/outline.x.json",
    "/basemap/region-32-1.00-1-13/outline.x.json", "/basemap/france/secrets.x.json",
    "/basemap/france/departements"])
def test_anything_else_is_not_found(http, path):
    assert http.get(path).status_code == 404


def test_no_file_of_the_server_is_reached_through_the_links(http):
    answer = http.get("/basemap/..%2F..%2Fapp.py/x.json")
    assert b"create_app" not in answer.data and b"FeatureCollection" not in answer.data


def test_exports_keep_the_geography_inside_the_figure(sample):
    figure = map_figure(sample, FilterState(region="32"), canvas=(900, 600))
    geojsons = [t["geojson"] for t in figure["data"] if "geojson" in t]
    assert geojsons and all(isinstance(g, dict) for g in geojsons)



def test_the_page_loads_plotly_geo_bundle_of_the_version_exports_use(http):
    from plotly.offline import get_plotlyjs_version

    from dashboard.static_files import PLOTLY, plotly_url

    page = http.get("/").get_data(as_text=True)
    assert plotly_url() in page
    assert f"plotly.js (geo - minified) v{get_plotlyjs_version()}" in PLOTLY.read_text()[:200]
    answer = http.get(plotly_url(), headers={"Accept-Encoding": "br"})
    assert answer.status_code == 200 and "immutable" in answer.headers["Cache-Control"]
    assert brotli.decompress(answer.data) == PLOTLY.read_bytes()
    assert http.get(plotly_url().replace(".min.js", "0.min.js")).status_code == 404


def test_the_scripts_are_compressed_once_and_a_query_cannot_grow_the_cache(http):
    from app import StaticCompressed, static_cache_key

    page = http.get("/").get_data(as_text=True)
    script = next(part.split('"')[0] for part in page.split('src="')[1:]
                  if part.startswith("/_dash-component-suites/"))
    first = http.get(script, headers={"Accept-Encoding": "br"})
    again = http.get(script.split("?")[0] + "?anything=1", headers={"Accept-Encoding": "br"})
    assert first.headers["Content-Encoding"] == "br" and first.data == again.data
    with http.application.test_request_context(script.split("?")[0] + "?x=1"):
        from flask import request
        assert static_cache_key(request) == script.split("?")[0]
    with http.application.test_request_context("/_dash-update-component", method="POST"):
        from flask import request
        assert static_cache_key(request) == ""   # a callback's answer is never kept
    kept = StaticCompressed()
    kept.set("br;", b"x")
    assert kept.get("br;") is None


def test_the_vendored_plotly_names_no_outside_server_to_ask():
    from dashboard.static_files import PLOTLY

    script = PLOTLY.read_text(encoding="utf-8")
    for server in ("cdn.plot.ly", "cloud.plotly.com", 'href="https://plotly.com/"'):
        assert server not in script
    assert 'topojsonURL:{valType:"string",noBlank:!0,dflt:"/assets/topojson/"}' in script
