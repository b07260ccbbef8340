"""The map rendered to PNG by kaleido in Debian's Chromium, with the network unreachable.

Chromium is started with a proxy that answers nothing and writes down every request it gets:
the maps must render with no request from the page (plotly.js topojson, MathJax...). Chromium
itself calls a few of its own services at start-up (time, updates, start page): those are not
the map's doing and are let through the check.

Set FIGURE_PNG_DIR=<a folder> to keep the PNGs and look at them.
"""

import json
import os
import shutil
import socket
import threading
from pathlib import Path

import pandas as pd
import pytest
from images import read_png
from members import member_row, members_frame

from dashboard import offline
from dashboard.figures import NATIONAL_SIZE, REGION_SIZE, build_map

pytestmark = pytest.mark.kaleido

# Chromium's own background services (not fetched by the page being rendered).
CHROMIUM_OWN_HOSTS = ("google.com", "googleapis.com", "gstatic.com", "gvt1.com",
                      "duckduckgo.com")

BLUE = (0x3B, 0x7D, 0xDD)     # région areas
ORANGE = (0xF6, 0xA2, 0x3C)   # département areas


def find_chromium() -> str | None:
    for candidate in (os.environ.get("BROWSER_PATH"), "/usr/bin/chromium",
                      shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


class DeadProxy:
    """A proxy on localhost that records each request line and closes the connection."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(50)
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        self.requests: list[str] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            connection.settimeout(2)
            try:
                line = connection.recv(4096).split(b"\r\n")[0].decode("latin-1")
                if line:
                    self.requests.append(line)
            except OSError:
                pass
            finally:
                connection.close()

    def hosts(self) -> set[str]:
        found = set()
        for line in self.requests:
            target = line.split()[1] if len(line.split()) > 1 else line
            host = target.split("://")[-1].split("/")[0].split(":")[0]
            found.add(host)
        return found

    def page_hosts(self) -> set[str]:
        """Hosts asked for that are not Chromium's own services."""
        return {host for host in self.hosts()
                if not any(host == own or host.endswith("." + own)
                           for own in CHROMIUM_OWN_HOSTS)}

    def close(self):
        self.socket.close()


@pytest.fixture(scope="module")
def browser():
    """One kaleido Chromium for the module, behind the dead proxy."""
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("no Chromium found: install Debian's chromium (apt-get install chromium) "
                    "or set BROWSER_PATH")
    proxy = DeadProxy()
    saved = {name: os.environ.get(name) for name in ("BROWSER_PATH", "CHOREO_PROXY_SERVER")}
    os.environ["BROWSER_PATH"] = chromium
    os.environ["CHOREO_PROXY_SERVER"] = proxy.url
    import kaleido

    # A kaleido server left running by another test would not be behind the proxy.
    kaleido.stop_sync_server(silence_warnings=True)
    try:
        with offline.image_server():
            yield proxy
    finally:
        proxy.close()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


# -- a tiny PNG reader (8-bit RGB / RGBA, the kind kaleido writes) --------------------------------

def share_near(pixels, colour, tolerance=30) -> float:
    close = sum(1 for pixel in pixels
                if all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True)))
    return close / len(pixels)


def share_dark(pixels) -> float:
    return sum(1 for red, green, blue in pixels if red + green + blue < 150) / len(pixels)


def render(fig, size, name) -> list:
    png = offline.render_image(fig, width=size[0], height=size[1])
    keep = os.environ.get("FIGURE_PNG_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        (Path(keep) / f"{name}.png").write_bytes(png)
    width, height, pixels = read_png(png)
    assert (width, height) == size
    return pixels


def assert_map_drawn(pixels, blue=True):
    assert len(set(pixels[::7])) > 50, "the image is (nearly) blank"
    assert share_near(pixels, (255, 255, 255), 2) < 0.9, "the image is (nearly) white"
    if blue:
        assert share_near(pixels, BLUE) > 0.01, "no blue région area"
    assert share_near(pixels, ORANGE) > 0.005, "no orange département area"
    assert share_dark(pixels) > 0.0005, "no dark dots"


def no_web_address(fig) -> bool:
    """Nothing in the figure (hover texts aside: they are the member file's data) is a URL."""
    figure = fig.to_plotly_json()
    for trace in figure["data"]:
        trace.pop("hovertext", None)
    text = json.dumps(figure, default=str) + json.dumps(offline.configure_offline())
    return "http://" not in text and "https://" not in text


# -- the tests ------------------------------------------------------------------------------------

def test_national_view_renders_offline(browser, sample):
    fig = build_map(sample)
    assert no_web_address(fig)
    assert_map_drawn(render(fig, NATIONAL_SIZE, "national"))
    assert not browser.page_hosts(), f"the page asked the network for {browser.page_hosts()}"


def test_hauts_de_france_view_renders_offline(browser, sample):
    members = sample
    fig = build_map(members, "32")
    assert no_web_address(fig)
    # The sample has no région member in Hauts-de-France: orange and dark only.
    assert_map_drawn(render(fig, REGION_SIZE, "hauts-de-france"), blue=False)
    with_region = pd.concat([members, members_frame([member_row("region", "32")])],
                            ignore_index=True)
    assert_map_drawn(render(build_map(with_region, "32"), REGION_SIZE,
                            "hauts-de-france-region-member"))
    assert not browser.page_hosts(), f"the page asked the network for {browser.page_hosts()}"


def test_the_dead_proxy_does_catch_a_page_fetch(browser, sample):
    """Control: without the local topojson, plotly.js asks the CDN, and the proxy sees it."""
    import kaleido

    fig = build_map(sample.head(2))
    before = set(browser.page_hosts())
    with pytest.raises(Exception, match="topojson"):
        kaleido.calc_fig_sync(fig, opts={"format": "png", "width": 300, "height": 200},
                              topojson=None)
    assert browser.page_hosts() - before, "the proxy saw nothing: the offline check is blind"
