"""The dashboard in headless Chromium: bytes of a first and a repeat visit, a kind ticked or
unticked (also on a map coloured by a column of the list), from the click to the map redrawn,
and a value of that column kept.

Ours: the click on a kind's checkbox, answered in the page (assets/filters.js restyles the
opacity of the kind's traces); timed in the page from the click to the first animation frame
after the traces changed, and the page must send no request to the server meanwhile.

Today's way (before issue 15), in the same page: the server builds the figure of the new
filters (`map_figure` and its JSON, timed in this process as the callback did it) and the
page draws it with `Plotly.react` (timed in the page, parsing included). The floor: plotly.js's
own `Plotly.restyle` of the kind's visibility on the same map.
"""

import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlencode

import orjson
from plotly.io.json import to_json_plotly

from dashboard.figures import map_figure
from dashboard.state import FilterState
from geodata.columns import column_colouring
from geodata.kinds import KIND_COMMUNE, KINDS

from . import members as lists

TESTS = Path(__file__).resolve().parent.parent / "tests"
TOGGLES = 20     # clicks timed per view (unticked, then ticked again...)
TODAY = 8        # today's way: figures rebuilt and redrawn per view
TIMEOUT = 60     # s, for anything the page must do

GRAPH = "document.querySelector('#map .js-plotly-plot')"


def _until_changed(action: str, state: str) -> str:
    """A script that does `action` (JavaScript, given `arg`, the script's first argument),
    then calls back [ms, server requests] at the first frame after `state` (an expression of
    `gd`, the map) changed, or null after 30 s."""
    return f"""
const [arg, done] = [arguments[0], arguments[arguments.length - 1]];
const gd = {GRAPH};
const state = () => {state};
const before = state();
const calls = performance.getEntriesByType('resource')
  .filter(e => e.name.includes('_dash-update-component')).length;
const t0 = performance.now();
{action};
(function poll() {{
  if (state() !== before) {{
    requestAnimationFrame(() => {{
      const ms = performance.now() - t0;
      setTimeout(() => done([ms, performance.getEntriesByType('resource')
        .filter(e => e.name.includes('_dash-update-component')).length - calls]), 50);
    }});
  }} else if (performance.now() - t0 > 30000) {{
    done(null);
  }} else {{
    requestAnimationFrame(poll);
  }}
}})();
"""


# The click on a kind's checkbox, then the first frame after its traces changed opacity.
TOGGLE_JS = _until_changed(
    "document.querySelector(\"#filter-kinds input[value='\" + arg + \"']\").click()",
    "gd.data.filter(t => t.legendgroup === arg).map(t => t.opacity).join()")

# A value of the column colouring the map clicked in the picker (open): kept, or all again;
# then the first frame after the map changed (its traces' opacity, or its points when drawn
# again).
VALUES_JS = _until_changed(
    "[...document.querySelectorAll('.dash-dropdown-option input')]"
    ".find(box => box.value === arg).closest('.dash-dropdown-option').click()",
    "gd.data.map(t => (t.opacity === undefined ? 1 : t.opacity) + ':' + "
    "(t.customdata ? t.customdata.length : '')).join()")
PICKER_OPEN_JS = "return !!document.querySelector('.dash-dropdown-option input')"

# Today's way in the page: the server's figure parsed and drawn over the map shown.
REACT_JS = f"""
const [text, done] = arguments;
const gd = {GRAPH};
const t0 = performance.now();
const figure = JSON.parse(text);
Plotly.react(gd, figure.data, figure.layout).then(() => requestAnimationFrame(
  () => done(performance.now() - t0)));
"""

# The floor: plotly.js's own restyle of the kind's visibility (as its legend does).
RESTYLE_JS = f"""
const [kind, visible, done] = arguments;
const gd = {GRAPH};
const indexes = gd.data.map((t, i) => t.legendgroup === kind ? i : -1).filter(i => i >= 0);
const t0 = performance.now();
Plotly.restyle(gd, {{visible: visible}}, indexes).then(() => requestAnimationFrame(
  () => done(performance.now() - t0)));
"""

LOADED_BYTES_JS = """
return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
  .map(e => [e.name, e.transferSize, e.encodedBodySize]);
"""

SETTLED_JS = f"""
const gd = {GRAPH};
return !!(gd && gd.data && gd.data.length && document.querySelector('#map .scattergeo .point'))
  && document.title !== 'Mise à jour…' && !!document.querySelector('.count-total');
"""

SIZE_JS = "const m = document.getElementById('map'); return [m.clientWidth, m.clientHeight];"


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


def visit(driver, url: str) -> dict:
    """Seconds to the map drawn, and bytes received over the wire (compressed as sent)."""
    started = time.perf_counter()
    driver.get(url)
    wait_until(driver, SETTLED_JS)
    seconds = time.perf_counter() - started
    time.sleep(1.5)  # late requests (the grid's, the geometry's) land
    entries = driver.execute_script(LOADED_BYTES_JS)
    views = [sent for name, sent, _ in entries if "_dash-update-component" in name]
    return {"seconds": seconds, "bytes": sum(sent for _, sent, _ in entries),
            "basemap": sum(sent for name, sent, _ in entries if "/basemap/" in name),
            "callbacks": sum(views), "requests": len(entries)}


def visits(driver, url: str) -> dict:
    """A first visit (empty cache), a repeat visit, and a repeat visit with the browser's
    cache disabled (the naive way: every byte again)."""
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.clearBrowserCache", {})
    first = visit(driver, url + "/")
    repeat = visit(driver, url + "/")
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    uncached = visit(driver, url + "/")
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": False})
    return {"first": first, "repeat": repeat, "uncached": uncached}


def toggles(driver, count: int = TOGGLES) -> tuple[list[float], int]:
    """Milliseconds from a checkbox click to the map redrawn, `count` times, and the number
    of server requests they made."""
    times, requests = [], 0
    for _ in range(count):
        result = driver.execute_async_script(TOGGLE_JS, KIND_COMMUNE)
        if result is None:
            raise TimeoutError("the map did not change within 30 s of a click")
        times.append(result[0])
        requests += result[1]
        wait_until(driver, SETTLED_JS)
        time.sleep(0.2)   # the table and the URL follow: not counted, not overlapping
    return times, requests


def todays_way(driver, members, region: str | None, colour_by: str | None = None,
               values: tuple[str, ...] = ()) -> list[float]:
    """Milliseconds of today's way for `TODAY` kind changes (or, given values, changes of the
    values kept): the server's figure (built and encoded here) plus its drawing by
    Plotly.react in the page."""
    canvas = tuple(driver.execute_script(SIZE_JS))
    without = tuple(k for k in KINDS if k != KIND_COMMUNE)
    times = []
    for i in range(TODAY):
        state = FilterState(region=region, colour_by=colour_by)
        if values:
            state = replace(state, values=values if i % 2 == 0 else ())
        else:
            state = replace(state, kinds=without if i % 2 == 0 else KINDS)
        started = time.perf_counter()
        text = to_json_plotly(map_figure(members, state, canvas=canvas))
        server_ms = (time.perf_counter() - started) * 1000
        times.append(server_ms + driver.execute_async_script(REACT_JS, text))
    return times


def restyle_floor(driver) -> list[float]:
    return [driver.execute_async_script(RESTYLE_JS, KIND_COMMUNE, visible)
            for visible in ["legendonly", True] * (TOGGLES // 4)]


def upload(driver, csv: bytes, name: str) -> float:
    """Seconds from choosing the file to the map of the uploaded list drawn."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(csv)
        started = time.perf_counter()
        driver.find_element("css selector", "#upload input[type=file]").send_keys(str(path))
        wait_until(driver, "return document.getElementById('list-label')"
                           ".textContent.includes(arguments[0])", name)
        wait_until(driver, SETTLED_JS)
        wait_until(driver, f"return {GRAPH}.data.some(t => t.legendgroup === 'commune' && "
                           "t.customdata && t.customdata.length > 100)")
        return time.perf_counter() - started


def values_kept(driver, value: str, count: int = TOGGLES) -> tuple[list[float], int]:
    """Milliseconds from a value clicked in the picker (kept, then all of them again) to the
    map redrawn, `count` times, and the number of server requests they made."""
    driver.find_element("id", "filter-values").click()
    wait_until(driver, PICKER_OPEN_JS)
    times, requests = [], 0
    for _ in range(count):
        result = driver.execute_async_script(VALUES_JS, value)
        if result is None:
            raise TimeoutError("the map did not change within 30 s of a value kept")
        times.append(result[0])
        requests += result[1]
        wait_until(driver, SETTLED_JS)
        time.sleep(0.2)
    return times, requests


def view_case(driver, url: str, members, region: str | None,
              colour_by: str | None = None) -> dict:
    """Ours, today's way and the floor on one view (the page already holds the list),
    coloured by a column of the list if given."""
    query = urlencode({key: value for key, value in
                       (("region", region), ("couleur", colour_by)) if value})
    page = url + "/" + (f"?{query}" if query else "")
    driver.get(page)
    wait_until(driver, SETTLED_JS)
    if colour_by:
        wait_until(driver, f"return {GRAPH}.data.some(t => t.legendgroup === 'couleur')")
    time.sleep(1)
    ours, requests = toggles(driver)
    today = todays_way(driver, members, region, colour_by)
    driver.get(page)   # the page's own map again
    wait_until(driver, SETTLED_JS)
    return {"ours": ours, "requests": requests, "today": today,
            "floor": restyle_floor(driver)}


def view_bytes(members, region: str | None, canvas=(1075, 543)) -> dict:
    """The view the server sends (gzipped), with its geometry linked (ours) or inside."""
    import gzip

    from dashboard import client

    def gzipped(value) -> int:
        return len(gzip.compress(orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY), 6))

    state = FilterState(region=region)
    return {"linked": gzipped(client.view(members, state, canvas, sample=False)),
            "inside": gzipped(map_figure(members, state, canvas=canvas))}


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20, method="inclusive")[-1] if len(times) > 1 \
        else times[0]


def values_case(driver, url: str, members, colour_by: str) -> dict:
    """A value of the column colouring the map kept, then all again: ours and today's way."""
    colouring = column_colouring(members, colour_by)
    value = colouring.labels[len(colouring.labels) // 2]
    driver.get(url + "/?" + urlencode({"couleur": colour_by}))
    wait_until(driver, SETTLED_JS)
    wait_until(driver, f"return {GRAPH}.data.some(t => t.legendgroup === 'couleur')")
    time.sleep(1)
    ours, requests = values_kept(driver, value)
    return {"ours": ours, "requests": requests, "value": value,
            "today": todays_way(driver, members, None, colour_by, (value,))}


def measure(url: str) -> dict:
    driver = _driver()
    try:
        out = {"visits": visits(driver, url), "sample_bytes": view_bytes(lists.sample(), None)}
        out["sample"] = view_case(driver, url, lists.sample(), None)
        out["sample_region"] = view_case(driver, url, lists.sample(), "32")
        driver.get(url + "/")
        wait_until(driver, SETTLED_JS)
        out["upload_s"] = upload(driver, lists.upload_csv(lists.two_thousand()),
                                 lists.UPLOAD_NAME)
        many = lists.two_thousand_resolved()
        out["many"] = view_case(driver, url, many, None)
        out["many_region"] = view_case(driver, url, many, "32")
        out["many_coloured"] = view_case(driver, url, many, None, lists.ADHESION)
        out["many_values"] = values_case(driver, url, many, lists.ADHESION)
    finally:
        driver.quit()
    return out
