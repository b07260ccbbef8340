"""Issue 18: the published pages (dashboard/publish.py) opened from the disk in Debian's
headless Chromium, the network cut: the weight of each page with what it loads (gzipped, as a
web server sends it), and the time from opening it to its map drawn. The naive way: plotly's own
self-contained page of the same map (go.Figure.write_html with plotly.js and the base map
inside, plus the empty world topology plotly.js would otherwise fetch).

    python -m benchmarks.web_pages       # prints the figures as JSON
"""

import gzip
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import plotly.graph_objects as go

from dashboard.figures import map_figure
from dashboard.publish import CANVASES, TOPOJSON, loaded_by, publication, write_folder
from dashboard.state import FilterState
from geodata.members import sample_members

from . import members as lists

TESTS = Path(__file__).resolve().parent.parent / "tests"
TIMEOUT = 60   # s to draw a page
OFFLINE = ("--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>")
DRAWN_JS = "return window.carteDrawnMs || null"
NAIVE_REGION = "32"   # the naive pages: France and Hauts-de-France


def weight(files: dict[str, bytes], page: str) -> int:
    """Bytes of a page and everything it loads, gzipped (level 6, a web server's), on a
    screen."""
    return sum(len(gzip.compress(files[name], 6)) for name in loaded_by(files, page, "large"))


def _driver():
    sys.path.insert(0, str(TESTS))
    from browser import make_driver  # the browser tests' helper, Debian's Chromium

    driver = make_driver(1440, 900, *OFFLINE)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    return driver


def drawn_ms(driver, path: Path) -> float:
    """Milliseconds from opening the page (navigation start) to its map drawn."""
    driver.get(path.as_uri())
    started = time.perf_counter()
    while time.perf_counter() - started < TIMEOUT:
        found = driver.execute_script(DRAWN_JS)
        if found:
            return found
        time.sleep(0.05)
    raise TimeoutError(f"{path.name}: the map was not drawn within {TIMEOUT} s")


def naive_page(members, region: str | None, sample: bool, path: Path) -> bytes:
    """plotly's self-contained page of the view's map (the base map inside the figure)."""
    figure = go.Figure(map_figure(members, FilterState(region=region), sample=sample,
                                  canvas=CANVASES["large"]))
    page = figure.to_html(include_plotlyjs=True, full_html=True, config={"responsive": True},
                          post_script="window.carteDrawnMs = window.performance.now();")
    topology = TOPOJSON.read_text("utf-8").strip()
    page = page.replace("<head>", "<head><script>window.PlotlyGeoAssets = {topojson: "
                        f"{{world_110m: {topology}}}}};</script>", 1)
    path.write_text(page, encoding="utf-8")
    return page.encode("utf-8")


def measure() -> dict:
    out = {}
    driver = _driver()
    try:
        for name, members, sample in (("sample", sample_members(), True),
                                      ("many", lists.two_thousand_resolved(), False)):
            started = time.perf_counter()
            published = publication(members, sample=sample)
            build_s = time.perf_counter() - started
            with tempfile.TemporaryDirectory() as folder:
                write_folder(published.files, Path(folder))
                pages = [page.file for page in published.pages]
                # The first page a browser opens compiles plotly.js; the others find it
                # compiled (a visitor going from page to page).
                cold = drawn_ms(driver, Path(folder) / pages[0])
                drawn = [drawn_ms(driver, Path(folder) / page) for page in pages]
                naive_ms, naive_bytes = [], []
                for region in (None, NAIVE_REGION):
                    path = Path(folder) / f"naive-{region or 'france'}.html"
                    body = naive_page(members, region, sample, path)
                    naive_bytes.append(len(gzip.compress(body, 6)))
                    naive_ms.append(drawn_ms(driver, path))
            weights = [weight(published.files, page) for page in pages]
            out[name] = {
                "pages": len(pages), "build_s": build_s,
                "folder_bytes": sum(map(len, published.files.values())),
                "weights": weights, "drawn_ms": drawn,
                "france": {"bytes": weights[0], "ms": drawn[0], "cold_ms": cold},
                "naive": {"bytes": naive_bytes, "ms": naive_ms},
            }
    finally:
        driver.quit()
    return out


def summary(result: dict) -> dict:
    return {name: {**case, "drawn_median_ms": statistics.median(case["drawn_ms"])}
            for name, case in result.items()}


if __name__ == "__main__":
    print(json.dumps(summary(measure()), indent=1))
