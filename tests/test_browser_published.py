"""Published maps seen for real: the dashboard's région view fills the graph at the size the
browser gives it, and the exported images have no blank band and names that are real text,
none over another (measured by Chromium itself in the SVG)."""

import json
import time
from pathlib import Path

import plotly.graph_objects as go
import pytest
from browser import console_errors, make_driver, wait_for
from images import read_png
from test_published_maps import HDF_LIST, member_names

from dashboard import ids
from dashboard.export import SIZES, canvas, export_map, renderer
from dashboard.figures import MEMBER_LABEL_FONT, map_figure
from dashboard.plotly_fr import CAMERA_TITLE
from dashboard.projection import View, aspect_of
from dashboard.state import FilterState
from geodata.members import resolve_members

pytestmark = [pytest.mark.browser, pytest.mark.kaleido, pytest.mark.slow]


@pytest.fixture(scope="module")
def hdf():
    return resolve_members(HDF_LIST)


@pytest.fixture(scope="module")
def sample():
    from dashboard.member_store import from_store

    return from_store(None)


def drawn_view(driver) -> tuple[View, dict]:
    """The map's geo subplot as plotly.js laid it out in the page."""
    layout = json.loads(driver.execute_script(
        "const g = document.querySelector('#map .js-plotly-plot');"
        "const f = g._fullLayout;"
        "return JSON.stringify({w: f.width, h: f.height, m: f.margin, geo: g.layout.geo});"))
    geo = layout["geo"]
    view = View(geo["projection"], tuple(geo["lonaxis"]["range"]),
                tuple(geo["lataxis"]["range"]),
                layout["w"] - layout["m"]["l"] - layout["m"]["r"],
                layout["h"] - layout["m"]["t"] - layout["m"]["b"])
    return view, layout


def fills(view: View) -> bool:
    shown = aspect_of(view.projection, view.lon_range, view.lat_range)
    return abs(shown / (view.width / view.height) - 1) < 0.03


def test_the_region_view_fills_the_graph_and_follows_a_resize(server):
    driver = make_driver(1440, 900)
    try:
        driver.get(server.url + "/?region=32")
        wait_for(lambda: "Hauts-de-France" in driver.execute_script(
            "const g = document.querySelector('#map .js-plotly-plot');"
            "return g && g.layout && g.layout.title ? g.layout.title.text : ''"),
            message="the Hauts-de-France map")
        wait_for(lambda: fills(drawn_view(driver)[0]), message="a view the graph's shape")
        before = drawn_view(driver)[0]

        driver.set_window_size(1000, 1000)   # the graph becomes narrower: a new view
        wait_for(lambda: drawn_view(driver)[0].lon_range != before.lon_range
                 and fills(drawn_view(driver)[0]), message="a view redrawn for the new size")
    finally:
        driver.quit()


def map_texts(driver) -> list[str]:
    """The member names on the map the browser shows."""
    return driver.execute_script(
        "return document.querySelector('#map .js-plotly-plot').data"
        ".filter(t => t.mode === 'text' && t.textfont.color === arguments[0])"
        ".flatMap(t => t.text)", MEMBER_LABEL_FONT["color"])


def test_names_choice_camera_and_preview_in_the_page(server):
    driver = make_driver(1440, 900)
    try:
        driver.get(server.url + "/?region=32")
        wait_for(lambda: "Grenoble" not in map_texts(driver) and "Lille" in map_texts(driver),
                 message="the sample's Hauts-de-France members named")
        # None: no member name on the map.
        driver.find_element("css selector", f"#{ids.LABELS} input[value='aucun']").click()
        wait_for(lambda: map_texts(driver) == [], message="no names")

        # The camera button makes the panel's export (a PNG of the screen size by default).
        camera = driver.find_element(
            "css selector", f"#map .modebar-btn[data-title='{CAMERA_TITLE}']")
        driver.execute_script("arguments[0].click()", camera)
        wait_for(lambda: "Carte exportée : adherents-hauts-de-france-" in driver.find_element(
            "id", ids.EXPORT_MESSAGE).text, 60, "the export's message")

        # A title written in the panel shows in the preview (the image is the export's).
        driver.find_element("css selector", ".export-texts summary").click()
        title = driver.find_element("id", ids.EXPORT_TITLE)
        assert title.get_attribute("placeholder") == \
            "Collectivités adhérentes en région Hauts-de-France"
        title.send_keys("Nos adhérents\n")
        driver.find_element("id", ids.EXPORT_PREVIEW_BUTTON).click()
        wait_for(lambda: (driver.find_element("id", ids.EXPORT_PREVIEW).get_attribute("src")
                          or "").startswith("data:image/png;base64,"), 60, "the preview")
        # Over the page, as big as the window allows; a click closes it.
        image = driver.find_element("id", ids.EXPORT_PREVIEW)
        assert image.is_displayed() and image.size["width"] > 900
        driver.find_element("id", ids.EXPORT_PREVIEW_BOX).click()
        wait_for(lambda: not image.is_displayed(), message="the preview closed")
        assert console_errors(driver) == []
    finally:
        driver.quit()


def test_exported_svg_names_are_text_and_chromium_finds_no_overlap(hdf, tmp_path):
    figure = map_figure(hdf, FilterState(region="32"), canvas=canvas("a4"))
    names = {name.replace("<br>", "") for name in member_names(figure)}
    assert len(names) == 37
    svg = tmp_path / "hdf.svg"
    svg.write_bytes(export_map(figure, "svg", "a4"))
    driver = make_driver(1440, 900)
    try:
        driver.get(Path(svg).as_uri())
        time.sleep(0.5)
        boxes = driver.execute_script("""
            const names = new Set(arguments[0]);
            return Array.from(document.querySelectorAll('text')).filter(
                t => names.has(t.textContent)).map(t => {
                    const b = t.getBoundingClientRect();
                    return [t.textContent, b.left, b.top, b.right, b.bottom];
                });""", sorted(names))
    finally:
        driver.quit()
    assert {box[0] for box in boxes} == names          # every name is a <text> of the SVG
    overlaps = [(a[0], b[0]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
                if a[1] < b[3] - 1 and b[1] < a[3] - 1 and a[2] < b[4] - 1 and b[2] < a[4] - 1]
    assert overlaps == []


@pytest.mark.parametrize("region, members", [("32", "hdf"), ("44", "sample")])
def test_symbols_are_drawn_where_names_were_placed_for_them(region, members, request,
                                                             tmp_path):
    """The pixels names are placed in are plotly.js's: every symbol of the exported SVG is
    where dashboard.projection said it would be (a conic view is not centred on the middle
    of its lon/lat range: an offset there would put names off their symbols)."""
    members = request.getfixturevalue(members)
    page = canvas("slide")
    figure = map_figure(members, FilterState(region=region), canvas=page)
    margin = figure["layout"]["margin"]
    view = View(figure["layout"]["geo"]["projection"],
                tuple(figure["layout"]["geo"]["lonaxis"]["range"]),
                tuple(figure["layout"]["geo"]["lataxis"]["range"]),
                page[0] - margin["l"] - margin["r"], page[1] - margin["t"] - margin["b"])
    # Circles: the middle of their box is their centre (not so for a triangle).
    zoom = SIZES["slide"].text_zoom      # the slide is drawn bigger than its layout
    expected = [((x + margin["l"]) * zoom, (y + margin["t"]) * zoom) for trace in figure["data"]
                if trace.get("mode") == "markers" and trace.get("showlegend") is not None
                and trace["geo"] == "geo" and trace["marker"]["symbol"] == "circle"
                for x, y in zip(*view.to_pixels(trace["lon"], trace["lat"]), strict=True)]
    svg = tmp_path / "map.svg"
    svg.write_bytes(export_map(figure, "svg", "slide"))
    driver = make_driver(1440, 900)
    try:
        driver.get(svg.as_uri())
        time.sleep(0.5)
        drawn = driver.execute_script("""
            return Array.from(document.querySelectorAll('.scattergeo .point')).map(p => {
                const b = p.getBoundingClientRect();
                return [(b.left + b.right) / 2, (b.top + b.bottom) / 2];
            });""")
    finally:
        driver.quit()
    assert len(expected) >= 4
    for x, y in expected:
        nearest = min(((x - u) ** 2 + (y - v) ** 2) ** 0.5 for u, v in drawn)
        assert nearest < 1.5, (x, y, nearest)


@pytest.mark.parametrize("size", ["slide", "a4-portrait", "a4"])
def test_exported_region_map_runs_to_the_frame(hdf, size):
    """South and east of Hauts-de-France is land (Normandie, Île-de-France, Grand Est): the
    faded neighbours reach the bottom edge of the map, right of the legend, and the right edge
    in its lower part, with no white band (the sea, north-west, is white as it should be)."""
    page = canvas(size)
    figure = map_figure(hdf, FilterState(region="32"), canvas=page)
    scale = 0.25
    width, _, pixels = read_png(renderer.render(go.Figure(figure), "png", *page, scale))
    margin = figure["layout"]["margin"]
    left, right = margin["l"] * scale, (page[0] - margin["r"]) * scale
    top, bottom = margin["t"] * scale, (page[1] - margin["b"]) * scale

    def white_share(points):
        """Share of the points where a small square is all white (a thin white border
        between départements is not a band)."""
        def white(x, y):
            return all(min(pixels[(int(y) + dy) * width + int(x) + dx]) > 250
                       for dx in (-2, -1, 0) for dy in (-2, -1, 0))
        return sum(1 for x, y in points if white(x, y)) / len(points)

    bottom_row = [(x, bottom - 2) for x in range(int(left + 0.3 * (right - left)), int(right))]
    right_column = [(right - 2, y) for y in range(int(bottom - 0.2 * (bottom - top)),
                                                   int(bottom))]
    assert white_share(bottom_row) < 0.05
    assert white_share(right_column) < 0.05
