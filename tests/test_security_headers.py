"""Security headers of the dashboard (app.py): a Content-Security-Policy the page works with,
nosniff, Referrer-Policy, and who may embed it in a frame ($FRAME_ANCESTORS)."""

import base64
import hashlib
import re
import time
import urllib.request

import pytest
from browser import AppServer, make_driver, require_chromium

import app as dashboard_app


def csp_directives(header: str) -> dict[str, list[str]]:
    return {name: sources for name, *sources in (part.split() for part in header.split(";"))}


@pytest.fixture(scope="module")
def client():
    return dashboard_app.create_app().server.test_client()


def test_page_and_callbacks_carry_the_security_headers(client):
    for response in (client.get("/"), client.get("/_dash-layout")):
        assert response.status_code == 200             # served over http: no https redirect
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
        csp = csp_directives(response.headers["Content-Security-Policy"])
        assert csp["default-src"] == ["'self'"]
        assert csp["frame-ancestors"] == ["'self'"]
        assert csp["object-src"] == ["'none'"]
        # Scripts from this server only: no inline script but Dash's own, no eval.
        assert "'unsafe-inline'" not in csp["script-src"]
        assert "'unsafe-eval'" not in csp["script-src"]


def test_the_inline_scripts_of_the_page_are_allowed_by_hash(client):
    response = client.get("/")
    # Without the comments: Dash's IE warning is a script inside <!--[if IE]>, never run.
    page = re.sub(r"<!--.*?-->", "", response.get_data(as_text=True), flags=re.S)
    csp = csp_directives(response.headers["Content-Security-Policy"])
    # Inline scripts the browser runs (not the JSON config, not <script src=...>).
    inline = re.findall(r'<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>',
                        page, re.S)
    assert any("DashRenderer" in script for script in inline)
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp["script-src"]


def test_frame_ancestors_is_one_setting(monkeypatch):
    monkeypatch.setenv("FRAME_ANCESTORS", "'self'  https://www.example.org")
    response = dashboard_app.create_app().server.test_client().get("/")
    csp = csp_directives(response.headers["Content-Security-Policy"])
    assert csp["frame-ancestors"] == ["'self'", "https://www.example.org"]
    # X-Frame-Options can only say "this site": left out so the network's site may embed it.
    assert "X-Frame-Options" not in response.headers


@pytest.mark.browser
@pytest.mark.slow
def test_page_works_in_chromium_under_the_csp():
    require_chromium()
    server = AppServer()
    driver = None
    try:
        header = urllib.request.urlopen(server.url + "/").headers["Content-Security-Policy"]
        assert header and "script-src" in header   # the browser below runs under it
        driver = make_driver()
        driver.get(server.url + "/")
        deadline = time.time() + 40
        while time.time() < deadline and not (
                driver.find_elements("css selector", ".map .scattergeo .point")
                and driver.find_elements("css selector", ".member-grid .ag-row")):
            time.sleep(0.25)
        assert len(driver.find_elements("css selector", ".map .scattergeo .point")) > 20
        assert driver.find_elements("css selector", ".member-grid .ag-row")
        time.sleep(1)  # late styles and images (the grid's icons)
        logs = driver.get_log("browser")
        assert [e["message"] for e in logs if "Content Security Policy" in e["message"]] == []
        assert [e["message"] for e in logs if e["level"] == "SEVERE"] == []
    finally:
        if driver is not None:
            driver.quit()
        server.stop()
