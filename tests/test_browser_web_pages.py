"""The published folder opened from the disk in Debian's headless Chromium, the network
disabled: every page draws its map and legend, answers the kinds, the legend and a search,
links to the others; the embed code works in a plain page."""

import re

import pytest
from browser import console_errors, make_driver, requested_urls, require_chromium, wait_for
from test_web_pages import forty_members_csv

from dashboard.publish import CANVASES, INDEX, embed_code, publication, write_folder
from dashboard.selection import select
from dashboard.state import FilterState
from geodata import schema as S
from geodata.kinds import KIND_BY_ID, KINDS
from geodata.members import resolve_members

# No network: every address goes to a closed port (and the page must not need one).
OFFLINE = ("--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>")
DRAWN = "return document.getElementById('carte').dataset.drawn === 'oui'"
VISIBLE_ROWS = """
    const gd = document.getElementById('carte');
    return gd.data.filter(t => t.customdata && t.legendgroup && t.opacity !== 0)
        .flatMap(t => t.customdata).filter(r => r !== null);"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    require_chromium()
    where = tmp_path_factory.mktemp("publie")
    members = resolve_members(forty_members_csv(where))
    published = publication(members, title="Les collectivités adhérentes au RTES",
                            columns=["Élu référent"])
    write_folder(published.files, where / "carte")
    return where / "carte", members, published


@pytest.fixture
def driver():
    drv = make_driver(1440, 900, *OFFLINE)
    drv.execute_cdp_cmd("Network.enable", {})
    drv.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    yield drv
    drv.quit()


def open_page(driver, path):
    driver.get(path.as_uri())
    wait_for(lambda: driver.execute_script(DRAWN), 30, f"the map of {path.name}")


def table_rows(driver) -> list[str]:
    return driver.execute_script("""
        return [...document.querySelectorAll('#adherents tbody tr')]
            .map(tr => tr.children[1].textContent);""")


def legend(driver) -> list[str]:
    return driver.execute_script("""
        return [...document.querySelectorAll('#carte .legend .legendtext')]
            .map(t => t.textContent);""")


def test_every_page_draws_its_map_and_legend_from_the_disk(driver, folder):
    where, members, published = folder
    for page in published.pages:
        open_page(driver, where / page.file)
        expected = select(members, FilterState(region=page.region))
        assert driver.title == page.title
        for kind in set(expected[S.KIND]):   # each kind of the page in the legend
            assert any(name.startswith(KIND_BY_ID[kind].plural + " (")
                       for name in legend(driver)), (page.file, kind)
        assert sorted(table_rows(driver)) == sorted(expected[S.NAME])
        assert set(driver.execute_script(VISIBLE_ROWS)) == set(expected[S.ROW].astype(int))
        # plotly.js drew the base map: départements' paths in the page.
        assert driver.execute_script(
            "return document.querySelectorAll('#carte .choroplethlayer path').length") > 10
    urls = requested_urls(driver)
    assert urls and all(url.startswith(("file://", "data:")) for url in urls), urls
    assert console_errors(driver) == []


def test_a_kind_the_legend_and_a_search_answer_in_the_page(driver, folder):
    where, members, published = folder
    open_page(driver, where / INDEX)
    communes = set(members[members[S.KIND] == "commune"][S.ROW].astype(int))
    assert communes and communes <= set(driver.execute_script(VISIBLE_ROWS))
    driver.find_element("css selector", ".types input[value='commune']").click()
    wait_for(lambda: not communes & set(driver.execute_script(VISIBLE_ROWS)),
             message="the communes hidden")
    kept = select(members, FilterState(kinds=tuple(k for k in KINDS if k != "commune")))
    assert len(table_rows(driver)) == len(kept)
    assert f"{len(kept)} adhérents" in driver.find_element("id", "compte").text

    # The legend's entry of the métropoles, clicked: unticked like its checkbox.
    entry = next(item for item in driver.find_elements("css selector", "#carte .legend .traces")
                 if item.text.startswith("Métropoles"))
    entry.find_element("css selector", ".legendtoggle").click()
    wait_for(lambda: not driver.find_element(
        "css selector", ".types input[value='metropole']").is_selected(), message="unticked")

    # A search, all kinds ticked again: the members found only, on the map and in the table.
    for kind in ("commune", "metropole"):
        driver.find_element("css selector", f".types input[value='{kind}']").click()
    driver.find_element("id", "recherche").send_keys("lille")
    found = select(members, FilterState(query="lille"))
    wait_for(lambda: sorted(table_rows(driver)) == sorted(found[S.NAME]), message="the search")
    wait_for(lambda: set(driver.execute_script(VISIBLE_ROWS))
             == set(found[S.ROW].astype(int)), message="the map of the search")
    assert console_errors(driver) == []


def test_pages_link_to_each_other(driver, folder):
    where, _, published = folder
    open_page(driver, where / INDEX)
    driver.find_element("link text", "Hauts-de-France").click()
    wait_for(lambda: driver.execute_script(DRAWN), message="the région's map")
    assert driver.title.endswith("en région Hauts-de-France")
    driver.find_element("link text", "France entière").click()
    wait_for(lambda: driver.current_url.endswith(INDEX), message="back to France")


def test_the_embed_code_works_in_a_plain_page(driver, folder):
    where, _, published = folder
    hdf = next(page for page in published.pages if page.region == "32")
    site = where / "notre-reseau.html"
    # A website's page: its text in a column of 780 px.
    site.write_text(f"<!doctype html><html lang='fr'><meta charset='utf-8'><body>"
                    f"<main style='max-width: 780px'><h1>Notre réseau</h1>{embed_code(hdf)}"
                    "</main></body></html>", encoding="utf-8")
    driver.get(site.as_uri())
    frame = wait_for(lambda: driver.find_element("tag name", "iframe"), message="the frame")
    assert frame.size["height"] >= 600 and frame.size["width"] == 780
    driver.switch_to.frame(frame)
    wait_for(lambda: driver.execute_script(DRAWN), 30, "the embedded map")
    assert not driver.find_element("css selector", ".entete h1").is_displayed()
    assert re.search(r"en région Hauts-de-France : \d+ adhérents",
                     driver.find_element("id", "compte").text)
    # The pages it links to, embedded too; in a website's column, the map laid out for it.
    link = driver.find_element("link text", "France entière")
    assert link.is_displayed() and link.get_attribute("href").endswith("?integre=1")
    assert driver.execute_script("return document.getElementById('carte').style.height") == \
        f"{CANVASES['medium'][1]}px"
    link.click()
    wait_for(lambda: driver.execute_script(DRAWN), 30, "France, embedded")
    assert not driver.find_element("css selector", ".entete h1").is_displayed()
    driver.switch_to.default_content()
    assert console_errors(driver) == []


def test_a_phone_gets_the_map_laid_out_for_it(folder):
    where, members, _ = folder
    driver = make_driver(1440, 900, *OFFLINE)
    try:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
        open_page(driver, where / "hauts-de-france.html")
        gd = "document.getElementById('carte')"
        assert driver.execute_script(f"return {gd}.style.height") == \
            f"{CANVASES['compact'][1]}px"
        assert driver.execute_script(f"return {gd}.layout.legend.orientation") == "h"
        expected = select(members, FilterState(region="32"))
        assert driver.find_element("id", "compte").text.startswith(
            f"Carte des collectivités adhérentes en région Hauts-de-France : "
            f"{len(expected)} adhérents")
        assert console_errors(driver) == []
    finally:
        driver.quit()
