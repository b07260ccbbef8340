"""The dashboard in headless Chromium: bytes of the first load, filter change to map redrawn.

A filter change is a click on a kind's checkbox (unticked, then ticked again); it is timed in
the page, from the click to the first animation frame after plotly.js received the new figure
(by then Plotly.react has drawn it). The naive way is the plotly.express figure drawn by
plotly.js in the same page, next to ours, with the same members.
"""

import gzip
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests
from plotly.io.json import to_json_plotly

from dashboard.figures import map_figure
from dashboard.state import FilterState
from geodata.join import mapped_members
from geodata.kinds import KIND_COMMUNE

from . import members as lists
from .naive import naive_figure

TESTS = Path(__file__).resolve().parent.parent / "tests"
CHANGES = 8      # filter changes timed per member list
DRAWS = 2        # draws of each figure for the naive comparison
TIMEOUT = 60     # s, for anything the page must do

TOGGLE_JS = """
const [kind, done] = [arguments[0], arguments[arguments.length - 1]];
const graph = () => document.querySelector('.map .js-plotly-plot');
const old = graph().data;
const t0 = performance.now();
document.querySelector("#filter-kinds input[value='" + kind + "']").click();
(function poll() {
  const gd = graph();
  if (gd && gd.data && gd.data !== old) {
    requestAnimationFrame(() => done(performance.now() - t0));
  } else if (performance.now() - t0 > 30000) {
    done(null);
  } else {
    requestAnimationFrame(poll);
  }
})();
"""

DRAW_JS = """
const [text, done] = [arguments[0], arguments[arguments.length - 1]];
const div = document.createElement('div');
div.style.cssText = 'position:absolute;left:0;top:0;width:1100px;height:800px';
document.body.appendChild(div);
const t0 = performance.now();
const fig = JSON.parse(text);
Plotly.newPlot(div, fig.data, fig.layout, {topojsonURL: '/assets/topojson/'}).then(() => {
  requestAnimationFrame(() => {
    const ms = performance.now() - t0;
    Plotly.purge(div);
    div.remove();
    done(ms);
  });
}).catch(error => done('error: ' + error));
"""

LOADED_BYTES_JS = """
const entries = performance.getEntriesByType('navigation')
  .concat(performance.getEntriesByType('resource'));
return entries.map(e => [e.name, e.transferSize]);
"""

SETTLED_JS = """
const gd = document.querySelector('.map .js-plotly-plot');
return !!(gd && gd.data && gd.data.length && document.querySelector('.map .scattergeo .point'))
  && document.title !== 'Mise à jour…';
"""


def _driver():
    sys.path.insert(0, str(TESTS))
    from browser import make_driver  # the browser tests' helper, Debian's Chromium

    driver = make_driver()
    driver.set_script_timeout(TIMEOUT)
    return driver


def wait_until(driver, script: str, *args) -> float:
    """Seconds until the script returns true (polled every 50 ms)."""
    started = time.perf_counter()
    while time.perf_counter() - started < TIMEOUT:
        if driver.execute_script(script, *args):
            return time.perf_counter() - started
        time.sleep(0.05)
    raise TimeoutError(f"the page did not get there within {TIMEOUT} s: {script[:80]}")


def first_load(driver, url: str) -> dict:
    """Seconds to the map drawn, and bytes received (assets; callback answers; the map's)."""
    started = time.perf_counter()
    driver.get(url + "/")
    wait_until(driver, SETTLED_JS)
    seconds = time.perf_counter() - started
    time.sleep(1)  # late requests (topojson, grid) land
    entries = driver.execute_script(LOADED_BYTES_JS)
    callbacks = [size for name, size in entries if "_dash-update-component" in name]
    files = {name for name, _ in entries if "_dash-update-component" not in name}
    return {"seconds": seconds, "bytes": sum(size for _, size in entries),
            "callback_bytes": sum(callbacks), "map_bytes": max(callbacks, default=0),
            "gzipped_bytes": gzipped(files) + sum(callbacks)}


def gzipped(urls) -> int:
    """Bytes of these files (fetched again) if the server gzipped them: Dash does not by default."""
    total = 0
    for url in urls:
        body = requests.get(url, timeout=30).content
        total += len(gzip.compress(body, compresslevel=6))
    return total


def filter_changes(driver, count: int = CHANGES) -> list[float]:
    """Milliseconds from a checkbox click to the map redrawn, `count` times."""
    times = []
    for _ in range(count):
        ms = driver.execute_async_script(TOGGLE_JS, KIND_COMMUNE)
        if ms is None:
            raise TimeoutError("the map was not redrawn within 30 s of a filter change")
        times.append(ms)
        wait_until(driver, SETTLED_JS)  # table, counts and URL done before the next click
    return times


def draw_ms(driver, figure) -> float:
    """Median milliseconds plotly.js takes to parse and draw a figure (go.Figure or dict)."""
    text = to_json_plotly(figure)
    times = []
    for _ in range(DRAWS):
        ms = driver.execute_async_script(DRAW_JS, text)
        if isinstance(ms, str):
            raise RuntimeError(f"plotly.js could not draw the figure: {ms}")
        times.append(ms)
    return statistics.median(times)


def upload(driver, csv: bytes, name: str) -> float:
    """Seconds from choosing the file to the map of the uploaded list drawn."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(csv)
        driver.execute_script("window.benchOld = document.querySelector('.map .js-plotly-plot')"
                              ".data;")
        started = time.perf_counter()
        driver.find_element("css selector", "#upload input[type=file]").send_keys(str(path))
        wait_until(driver, "return document.querySelector('.map .js-plotly-plot').data !== "
                           "window.benchOld && document.getElementById('list-label')"
                           ".textContent.includes(arguments[0])", name)
        wait_until(driver, SETTLED_JS)
        return time.perf_counter() - started


def _naive_pair(driver, members) -> tuple[float, float]:
    """(ours, naive) ms to draw the national view of these members."""
    warm_up = map_figure(members, FilterState())
    draw_ms(driver, warm_up)  # plotly.js's first geo figure of the page pays for its set-up
    return draw_ms(driver, warm_up), draw_ms(driver, naive_figure(mapped_members(members)))


def measure(url: str) -> dict:
    driver = _driver()
    try:
        out = {"first_load": first_load(driver, url)}
        out["sample_ms"] = filter_changes(driver)
        out["sample_draw"] = _naive_pair(driver, lists.sample())
        resolved = lists.two_thousand_resolved()
        out["upload_s"] = upload(driver, lists.upload_csv(lists.two_thousand()),
                                 lists.UPLOAD_NAME)
        out["many_ms"] = filter_changes(driver)
        out["many_draw"] = _naive_pair(driver, resolved)
    finally:
        driver.quit()
    return out
