"""The dashboard in a real headless Chromium (Debian's), against the real app on 127.0.0.1."""

import time
from urllib.parse import parse_qs, urlparse

import pytest
from browser import (
    ROOT,
    console_errors,
    foreign_requests,
    make_driver,
    requested_urls,
    wait_for,
)
from members import REFERENT_HEADER, REFERENTS
from openpyxl import Workbook
from selenium.webdriver.common.keys import Keys

from dashboard.figures import prospect_legend_name
from dashboard.labels import coverage_phrase
from dashboard.plotly_fr import CAMERA_TITLE
from dashboard.prospect_table import shown_prospects
from dashboard.selection import select, view_coverage
from dashboard.state import FilterState
from geodata import schema as S
from geodata.columns import CATEGORY_COLORS, column_colouring
from geodata.members import resolve_members
from geodata.names import normalize

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def driver(server):
    drv = make_driver()
    yield drv
    drv.quit()


def grid_names(driver) -> list[str]:
    return driver.execute_script("""
        const api = dash_ag_grid.getApi('member-table');
        const names = [];
        api.forEachNodeAfterFilterAndSort(n => names.push(n.data.nom));
        return names;""")


def total(driver) -> str:
    return driver.find_element("css selector", ".count-total").text


def map_title(driver) -> str:
    return driver.find_element("css selector", ".map .gtitle").text


def drawn_kinds(driver) -> set[str]:
    """Kinds with markers or areas in the figure the browser shows (not transparent)."""
    return set(driver.execute_script(
        "return document.querySelector('.map .js-plotly-plot').data"
        ".filter(t => t.legendgroup && t.opacity !== 0 && (t.lon || t.locations || []).length)"
        ".map(t => t.legendgroup)"))


def visible_points(driver) -> int:
    """Marker points on the map that can be seen (a hidden kind's are transparent)."""
    return driver.execute_script("""
        return Array.from(document.querySelectorAll('.map .scattergeo.trace'))
            .filter(g => getComputedStyle(g).opacity !== '0')
            .reduce((n, g) => n + g.querySelectorAll('.point').length, 0);""")


def server_calls(driver) -> list[str]:
    """The callback requests the page sent since the last call."""
    return [url for url in requested_urls(driver) if "_dash-update-component" in url]


def open_page(driver, server, path="/"):
    driver.get(server.url + path)
    wait_for(lambda: len(grid_names(driver)) > 0 and driver.find_elements(
        "css selector", ".map .scattergeo .point"), 40, "the map and the table")


def test_page_loads_offline_without_console_errors(driver, server):
    open_page(driver, server)
    wait_for(lambda: total(driver) == "37 adhérents", message="the headline count")
    assert len(grid_names(driver)) == 37
    assert console_errors(driver) == []
    urls = requested_urls(driver)
    assert any("/assets/topojson/" in u for u in urls) or urls  # plotly asked locally, if at all
    assert foreign_requests(urls) == []


def test_choosing_hauts_de_france_zooms_and_filters(driver, server):
    open_page(driver, server)
    driver.find_element("id", "filter-region").click()
    search = wait_for(lambda: driver.find_element("css selector", ".dash-dropdown-search"),
                      message="the dropdown's search box")
    search.send_keys("Hauts")
    option = wait_for(lambda: [o for o in driver.find_elements(
        "css selector", ".dash-dropdown-option") if o.text == "Hauts-de-France"][0],
        message="the Hauts-de-France option")
    option.click()
    wait_for(lambda: total(driver) == "2 adhérents", message="the Hauts-de-France count")
    assert sorted(grid_names(driver)) == ["Lille", "Pas-de-Calais"]
    # The map has a callback of its own (it names the members): it may come a moment later.
    wait_for(lambda: "région Hauts-de-France" in map_title(driver), message="the map's title")
    assert "region=32" in driver.current_url
    assert foreign_requests(requested_urls(driver)) == []


def test_unticking_a_kind_removes_its_markers_and_rows(driver, server):
    open_page(driver, server)
    assert "commune" in drawn_kinds(driver)
    before = visible_points(driver)
    time.sleep(1)
    server_calls(driver)
    box = driver.find_element("css selector", "#filter-kinds input[value='commune']")
    box.click()
    wait_for(lambda: total(driver) == "28 adhérents", message="28 members left")
    names = grid_names(driver)
    assert "Lille" not in names and "Grenoble" not in names
    wait_for(lambda: "commune" not in drawn_kinds(driver), message="no commune drawn")
    communes = driver.execute_script(   # 9 communes, some drawn twice (Paris inset)
        "return document.querySelector('.map .js-plotly-plot').data"
        ".filter(t => t.legendgroup === 'commune' && t.mode === 'markers')"
        ".reduce((n, t) => n + t.lon.length, 0)")
    assert communes >= 9 and visible_points(driver) == before - communes
    assert "commune" not in driver.current_url.split("types=")[1].split("&")[0].split(",")
    subtitle = driver.find_element("css selector", ".map .gtitle-subtitle").text
    assert subtitle.startswith("28 collectivités adhérentes, hors communes")
    assert server_calls(driver) == []   # answered in the browser


def coverage_badge(driver) -> str:
    return driver.find_element("css selector", ".count-coverage").text


def test_the_population_covered_follows_the_kinds_in_the_header_and_the_table(driver, server,
                                                                              sample):
    open_page(driver, server, "/?region=32")
    def said(state):   # as the page reads (WebDriver's text has plain spaces)
        phrase = coverage_phrase(*view_coverage(sample, state)).replace("\u00a0", " ")
        return phrase[0].upper() + phrase[1:]
    wait_for(lambda: coverage_badge(driver) == said(FilterState(region="32")),
             message="the coverage of Hauts-de-France")
    server_calls(driver)
    driver.find_element("css selector", "#filter-kinds input[value='departement']").click()
    only_lille = said(FilterState(region="32", kinds=tuple(
        k for k in FilterState().kinds if k != "departement")))
    wait_for(lambda: coverage_badge(driver) == only_lille, message="Lille's coverage alone")
    # Each département of the région, in the box under the map.
    driver.execute_script("document.querySelector('.coverage-box').open = true")
    cells = driver.execute_script("""
        return Array.from(document.querySelectorAll('.coverage-table tbody tr'))
            .map(tr => tr.querySelector('th').innerText);""")
    assert cells == ["Aisne", "Nord", "Oise", "Pas-de-Calais", "Somme"]
    footer = driver.find_element("css selector", ".coverage-table tfoot").text
    assert footer.startswith("Hauts-de-France") and only_lille.split(": ")[1].split(" (")[0] \
        in footer
    assert server_calls(driver) == []   # answered in the browser
    # Asked for in the export panel: the subtitle an export would write says it too.
    driver.find_element("css selector", "#export-coverage input").click()
    placeholder = lambda: driver.find_element("id", "export-subtitle").get_attribute(  # noqa: E731
        "placeholder").replace("\u00a0", " ")
    wait_for(lambda: placeholder().endswith(" — " + only_lille[0].lower() + only_lille[1:]),
             message="the export's subtitle with the coverage")


def legend_names(driver) -> list[str]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('.map .legend .traces text'))"
        ".map(t => t.textContent)")


def test_the_non_members_of_a_region_in_their_table_and_on_the_map(driver, server, sample):
    open_page(driver, server, "/?region=32")
    driver.find_element("css selector", "#map-mode input[value='prospects']").click()
    expected = shown_prospects(sample, FilterState(region="32"))
    wait_for(lambda: prospect_legend_name(len(expected)) in legend_names(driver),
             message="the non-members on the map")
    driver.execute_script("document.querySelector('.prospects-box').open = true")
    count = ("return dash_ag_grid.getApi('prospects-table').getDisplayedRowCount()")
    wait_for(lambda: driver.execute_script(count) == len(expected), message="their table")
    first = driver.execute_script(
        "return dash_ag_grid.getApi('prospects-table').getDisplayedRowAtIndex(0).data.nom")
    assert first == expected.iloc[0].nom
    # A higher least population: fewer of them, in the table and on the map.
    driver.execute_script("window.dash_clientside.set_props('prospect-min', {value: 100000})")
    fewer = shown_prospects(sample, FilterState(region="32", prospect_min=100_000))
    assert 0 < len(fewer) < len(expected)
    wait_for(lambda: driver.execute_script(count) == len(fewer), message="fewer in the table")
    wait_for(lambda: prospect_legend_name(len(fewer)) in legend_names(driver),
             message="fewer on the map")
    assert console_errors(driver) == []


def test_regions_unticked_stay_hidden_on_a_map_drawn_for_a_search(driver, server):
    """plotly.js gives a choropleth no opacity: a map drawn anew (a link with a search) left
    the member régions unticked drawn in blue."""
    open_page(driver, server, "/?types=departement,metropole,commune&q=e")
    wait_for(lambda: "recherche" in driver.find_element(
        "css selector", ".map .gtitle-subtitle").text, message="the map of the search")
    shown = driver.execute_script("""
        return Array.from(document.querySelectorAll('.map g.trace.choropleth'))
            .filter(g => ['region', 'communaute_agglomeration']
                .includes(g.__data__[0].trace.legendgroup))
            .map(g => getComputedStyle(g).opacity);""")
    assert shown and set(shown) == {"0"}


def test_a_search_is_answered_in_the_browser(driver, server):
    open_page(driver, server)
    wait_for(lambda: total(driver) == "37 adhérents", message="the page settled")
    time.sleep(1)
    server_calls(driver)
    driver.find_element("id", "filter-search").send_keys("grenoble")
    wait_for(lambda: sorted(grid_names(driver)) == ["Grenoble", "Grenoble-Alpes-Métropole"],
             message="the city and its métropole in the table")
    wait_for(lambda: visible_points(driver) == 2, message="two symbols on the map")
    legend = [t.text for t in driver.find_elements("css selector", ".legend .traces")]
    assert legend == ["Métropoles (1)", "Communes (1)"]
    assert "recherche «\u00a0grenoble\u00a0»" in driver.find_element(   # never cut in « »
        "css selector", ".map .gtitle-subtitle").get_attribute("textContent")
    assert server_calls(driver) == []


def test_search_finds_lille(driver, server):
    open_page(driver, server)
    box = driver.find_element("id", "filter-search")
    box.send_keys("lille")
    wait_for(lambda: grid_names(driver) == ["Lille"], message="only Lille in the table")
    assert total(driver) == "1 adhérent"
    assert "q=lille" in driver.current_url


def test_uploaded_file_replaces_the_list(driver, server, tmp_path):
    members = tmp_path / "reseau.csv"
    members.write_text("nom;type;année d'adhésion\nVille de Grenoble;;2015\nMEL;;2012\n"
                       "St-Denis;commune;2018\nCRESS Hauts-de-France;;2019\n", encoding="cp1252")
    open_page(driver, server)
    driver.find_element("css selector", "#upload input[type=file]").send_keys(str(members))
    wait_for(lambda: total(driver) == "2 adhérents", message="the uploaded list")
    assert sorted(grid_names(driver)) == ["Grenoble", "Métropole Européenne de Lille"]
    # Row 2 was the sample's Nantes Métropole (an orange ●): it is now a commune, a black ●.
    symbols = driver.execute_script("""
        return [2, 3].map(row => {
            const cell = document.querySelector(`[row-id="${row}"] [col-id="symbole"]`);
            return [cell.textContent, getComputedStyle(cell).color];});""")
    assert symbols == [["●", "rgb(17, 17, 17)"], ["●", "rgb(232, 89, 12)"]]
    report = driver.find_element("id", "upload-report").text
    assert "reseau.csv" in report and "2 à traiter" in report
    rows = [cell.text for cell in driver.find_elements(
        "css selector", ".fix-grid tr.to-fix .row-number")]
    assert rows == ["4", "5"]
    assert "reseau.csv" in driver.find_element("id", "list-label").text


def test_a_list_with_membership_years_shows_the_network_as_it_was(driver, server, tmp_path):
    """The year slider: the table, the counts, the map and the URL follow it in the browser;
    the chart of the network's growth appears under the map."""
    sample = (ROOT / "geodata" / "samples" / "rtes_adherents.csv").read_text(encoding="utf-8")
    lines = sample.splitlines()
    years = [2003 + (i * 7) % 20 for i in range(len(lines) - 1)]
    dated = tmp_path / "reseau-annees.csv"
    dated.write_text("\n".join([lines[0] + ",Adhérent depuis"] + [
        f"{line},{year}" for line, year in zip(lines[1:], years, strict=True)]) + "\n",
        encoding="utf-8")
    open_page(driver, server, "/?annee=2010")
    driver.find_element("css selector", "#upload input[type=file]").send_keys(str(dated))
    members = resolve_members(dated)
    expected = len(select(members, FilterState(year=2010)))
    assert 0 < expected < len(members)
    wait_for(lambda: total(driver) == f"{expected} adhérents", message="the network in 2010")
    assert "annee=2010" in driver.current_url
    wait_for(lambda: driver.find_element("css selector", ".map .gtitle-subtitle").text
             .endswith("— fin 2010"), message="the map of the list, in 2010")
    server_calls(driver)
    driver.execute_script("window.dash_clientside.set_props('filter-year', {value: 2015})")
    later = len(select(members, FilterState(year=2015)))
    wait_for(lambda: total(driver) == f"{later} adhérents", message="the network in 2015")
    wait_for(lambda: "annee=2015" in driver.current_url, message="the year in the link")
    assert len(grid_names(driver)) == later
    assert server_calls(driver) == []   # answered in the browser
    last = max(years)
    driver.execute_script(f"window.dash_clientside.set_props('filter-year', {{value: {last}}})")
    wait_for(lambda: total(driver) == f"{len(members)} adhérents", message="every member")
    assert "annee" not in driver.current_url
    assert not driver.find_element("id", "growth-box").get_attribute("hidden")
    assert driver.execute_script(
        "return document.querySelector('#growth-chart .js-plotly-plot').data.length") > 1
    assert console_errors(driver) == []


def test_a_workbook_with_two_lists_lets_the_person_choose_the_sheet(driver, server, tmp_path):
    book = Workbook()
    book.active.title = "Adhérents 2025"
    book.active.append(["nom"])
    book.active.append(["Ville de Lille"])
    former = book.create_sheet("Adhérents 2024")
    for row in (["nom"], ["Ville de Grenoble"], ["MEL"]):
        former.append(row)
    path = tmp_path / "classeur.xlsx"
    book.save(path)
    open_page(driver, server)
    driver.find_element("css selector", "#upload input[type=file]").send_keys(str(path))
    wait_for(lambda: total(driver) == "1 adhérent", message="the first sheet's list")
    assert "seule la feuille « Adhérents 2025 » est lue" in driver.find_element(
        "id", "upload-report").text
    driver.find_element("id", "sheet-choice").click()
    wait_for(lambda: [o for o in driver.find_elements("css selector", ".dash-dropdown-option")
                      if o.text == "Adhérents 2024"][0], message="the other sheet").click()
    wait_for(lambda: total(driver) == "2 adhérents", message="the other sheet's list")
    assert sorted(grid_names(driver)) == ["Grenoble", "Métropole Européenne de Lille"]
    driver.find_element("id", "download-csv").click()   # a download, then nothing goes wrong
    time.sleep(1)
    assert console_errors(driver) == []


def test_bad_upload_keeps_the_list_and_explains(driver, server, tmp_path):
    bad = tmp_path / "photo.csv"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)
    open_page(driver, server)
    driver.find_element("css selector", "#upload input[type=file]").send_keys(str(bad))
    message = wait_for(lambda: driver.find_element("id", "upload-message").text,
                       message="the upload message")
    assert "photo.csv" in message and "n'est pas un tableau" in message
    assert total(driver) == "37 adhérents"


def test_shared_link_restores_the_view_and_back_works(driver, server):
    open_page(driver, server, "/?region=84&types=commune,metropole")
    wait_for(lambda: total(driver) == "4 adhérents", message="the shared view")
    assert "Auvergne-Rhône-Alpes" in map_title(driver)
    assert set(grid_names(driver)) == {"Grenoble", "Grenoble-Alpes-Métropole",
                                       "Clermont Auvergne Métropole", "Métropole de Lyon"}
    driver.find_element("id", "filter-search").send_keys("grenoble")
    wait_for(lambda: "q=grenoble" in driver.current_url, message="the search in the URL")
    time.sleep(1)
    server_calls(driver)
    driver.back()
    wait_for(lambda: "q=" not in driver.current_url and total(driver) == "4 adhérents",
             message="the previous view after back")
    time.sleep(1)
    assert server_calls(driver) == []   # the same région: its view is already drawn


def test_clicking_a_row_opens_the_detail_card(driver, server):
    open_page(driver, server, "/?q=lille")
    wait_for(lambda: grid_names(driver) == ["Lille"], message="Lille")
    driver.find_element("css selector", ".ag-center-cols-container .ag-row").click()
    card = wait_for(lambda: "Intercommunalité" in driver.find_element("id", "member-detail").text
                    and driver.find_element("id", "member-detail").text, message="the card")
    assert "Métropole Européenne de Lille" in card and "source\nhttp" in card
    wait_for(lambda: driver.find_elements("css selector", ".map .scattergeo .point")
             and "sélection" in driver.execute_script(
                 "return document.querySelector('.map .js-plotly-plot').data"
                 ".map(t => t.name).join('|')"), message="the ring on the map")


def ring_opacity(driver):
    """The opacity of the ring around the selected member (None: no ring)."""
    return driver.execute_script("""
        const groups = Array.from(document.querySelectorAll('.map g.trace.scattergeo'))
            .filter(g => g.__data__[0].trace.name === 'sélection');
        return groups.length ? getComputedStyle(groups[0]).opacity : null;""")


def test_the_ring_of_a_selected_member_goes_with_its_kind(driver, server):
    open_page(driver, server, "/?q=grenoble")
    wait_for(lambda: len(grid_names(driver)) == 2, message="Grenoble and its métropole")
    rows = driver.find_elements("css selector", ".ag-center-cols-container .ag-row")
    next(row for row in rows if "Métropole" in row.text).click()
    wait_for(lambda: ring_opacity(driver) == "1", message="the ring on the métropole")
    driver.find_element("css selector", "#filter-kinds input[value='metropole']").click()
    wait_for(lambda: ring_opacity(driver) == "0", message="the ring hidden with its kind")
    driver.find_element("css selector", "#filter-kinds input[value='metropole']").click()
    wait_for(lambda: ring_opacity(driver) == "1", message="the ring back with its kind")


def test_a_double_click_on_a_legend_entry_keeps_its_kind_alone_then_all(driver, server):
    from selenium.webdriver.common.action_chains import ActionChains

    open_page(driver, server)
    wait_for(lambda: total(driver) == "37 adhérents", message="the page settled")

    def double_click_communes():
        entry = next(t for t in driver.find_elements("css selector", ".legend .traces")
                     if t.text.startswith("Communes ("))
        ActionChains(driver).double_click(
            entry.find_element("css selector", ".legendtoggle")).perform()

    double_click_communes()
    wait_for(lambda: total(driver) == "9 adhérents", message="the communes alone")
    assert "types=commune" in driver.current_url
    time.sleep(0.5)
    double_click_communes()
    wait_for(lambda: total(driver) == "37 adhérents", message="every kind again")


def test_clicking_a_marker_selects_its_row_and_opens_the_card(driver, server):
    from selenium.webdriver.common.action_chains import ActionChains

    open_page(driver, server, "/?region=84&types=commune")
    wait_for(lambda: grid_names(driver) == ["Grenoble"], message="Grenoble alone")
    point = driver.find_element("css selector", ".map .scattergeo .point")
    ActionChains(driver).move_to_element(point).click().perform()
    wait_for(lambda: "Grenoble-Alpes-Métropole" in driver.find_element("id", "member-detail").text,
             message="Grenoble's card")
    selected = driver.execute_script(
        "return dash_ag_grid.getApi('member-table').getSelectedRows().map(r => r.nom)")
    assert selected == ["Grenoble"]


def test_two_browsers_never_see_each_others_list(server, tmp_path):
    members = tmp_path / "prive.csv"
    members.write_text("nom\nVille de Caen\n", encoding="utf-8")
    first, second = make_driver(), make_driver()
    try:
        open_page(first, server)
        first.find_element("css selector", "#upload input[type=file]").send_keys(str(members))
        wait_for(lambda: grid_names(first) == ["Caen"], message="the private list")
        open_page(second, server)
        wait_for(lambda: total(second) == "37 adhérents", message="the sample elsewhere")
        assert "prive.csv" not in second.find_element("id", "list-label").text
        first.refresh()  # the list stays for the session of the first browser
        wait_for(lambda: grid_names(first) == ["Caen"], message="the list after a reload")
    finally:
        first.quit()
        second.quit()


def test_too_big_a_file_is_refused_in_french_without_being_sent(driver, server, tmp_path):
    big = tmp_path / "enorme.csv"
    big.write_bytes(b"nom\n" + b"Ville de Lille\n" * 500_000)  # 7.5 MB, over the 5 MB limit
    open_page(driver, server)
    requested_urls(driver)  # forget the page load
    driver.find_element("css selector", "#upload input[type=file]").send_keys(str(big))
    message = wait_for(lambda: driver.find_element("id", "upload-message").text,
                       message="the upload message")
    assert "enorme.csv" in message and "trop volumineux" in message and "5 Mo" in message
    assert total(driver) == "37 adhérents"
    assert console_errors(driver) == []


def test_clicking_a_legend_entry_unticks_its_kind(driver, server):
    from selenium.webdriver.common.action_chains import ActionChains

    open_page(driver, server)
    wait_for(lambda: total(driver) == "37 adhérents", message="the page settled")
    wait_for(lambda: [t for t in driver.find_elements("css selector", ".legend .traces")
                      if t.text.startswith("Communes (")], 60, "the legend's communes entry")

    def click_communes_entry():
        if driver.find_elements("css selector", ".dash-spinner"):
            return False  # the map is loading: its overlay would take the click
        entry = [t for t in driver.find_elements("css selector", ".legend .traces")
                 if t.text.startswith("Communes (")][0]
        ActionChains(driver).move_to_element(
            entry.find_element("css selector", ".legendtoggle")).click().perform()
        time.sleep(1.5)
        return total(driver) == "28 adhérents"

    # A click that lands while the map is loading or redrawing is lost: try it again then.
    # (60 s: on a busy machine the map's legend may take a while to be drawn.)
    wait_for(click_communes_entry, timeout=60, message="communes gone from the counts")
    box = driver.find_element("css selector", "#filter-kinds input[value='commune']")
    assert not box.is_selected()
    assert "Lille" not in grid_names(driver)
    box.click()  # ticking the box back brings them back on the map and in its legend
    wait_for(lambda: total(driver) == "37 adhérents", message="communes back")
    wait_for(lambda: "commune" in drawn_kinds(driver), message="communes drawn again")


def test_the_page_and_its_map_speak_french_without_a_cloud_button(driver, server):
    open_page(driver, server)
    assert driver.execute_script("return document.documentElement.lang") == "fr"
    titles = driver.execute_script(
        "return [...document.querySelectorAll('.modebar-btn')].map(b => b.dataset.title)")
    assert "Zoom avant" in titles and CAMERA_TITLE in titles
    assert not [t for t in titles if "Share" in t or "Zoom in" in t or "cloud" in t.lower()]
    caption = driver.find_element("id", "map-description").get_attribute("textContent")
    assert caption.startswith("Carte des collectivités adhérentes en France : 37 adhérents")


def choose(driver, dropdown: str, option: str) -> None:
    """Open a dropdown and click one of its options, as a person does."""
    driver.find_element("id", dropdown).click()
    wait_for(lambda: [o for o in driver.find_elements("css selector", ".dash-dropdown-option")
                      if o.text.startswith(option)], message=f"the option {option}")
    next(o for o in driver.find_elements("css selector", ".dash-dropdown-option")
         if o.text.startswith(option)).click()
    driver.find_element("tag name", "body").send_keys(Keys.ESCAPE)


def test_a_column_of_the_list_colours_the_map_and_the_table_and_keeps_its_values(
        driver, server, tmp_path):
    """Coloured by « Élu référent »: the map's symbols and the table's cells take the colour
    of their value; keeping one value filters the map, the table, the counts and the link in
    the browser; the link brings them back."""
    sample = (ROOT / "geodata" / "samples" / "rtes_adherents.csv").read_text(encoding="utf-8")
    lines = sample.splitlines()
    listed = tmp_path / "reseau-referents.csv"
    listed.write_text("\n".join([lines[0] + ",Élu référent"] + [
        f"{line},{REFERENTS[i % len(REFERENTS)]}" for i, line in enumerate(lines[1:])]) + "\n",
        encoding="utf-8")
    members = resolve_members(listed)
    colouring = column_colouring(members, REFERENT_HEADER)
    open_page(driver, server)
    driver.find_element("css selector", "#upload input[type=file]").send_keys(str(listed))
    wait_for(lambda: "reseau-referents" in driver.find_element("id", "list-label").text,
             message="the list")
    choose(driver, "filter-colour-by", REFERENT_HEADER)
    wait_for(lambda: REFERENT_HEADER in legend_names(driver), message="the coloured map")
    drawn = driver.execute_script("""
        return document.querySelector('.map .js-plotly-plot').data
            .filter(t => t.customdata && t.mode === 'markers' && t.legendgroup)
            .map(t => [t.marker.color, t.customdata]);""")
    color_of = {int(row): colouring.color_of(index)
                for index, row in members[S.ROW].items() if index in colouring.classes.index}
    assert drawn and all(color == color_of[row] for color, rows in drawn for row in rows)
    assert set(legend_names(driver)) >= set(colouring.labels)
    petit = "rgb({}, {}, {})".format(*(int(CATEGORY_COLORS[0][i:i + 2], 16) for i in (1, 3, 5)))

    def petit_cells() -> set[str]:
        """The backgrounds of the table's cells of « Mme Petit » (the table follows the map)."""
        return {background for text, background in driver.execute_script("""
            return Array.from(document.querySelectorAll('#member-table [col-id^="couleur:"]'))
                .filter(c => c.getAttribute('role') === 'gridcell')
                .map(c => [c.textContent, getComputedStyle(c).backgroundColor]);""")
            if normalize(text) == "mme petit"}
    wait_for(lambda: petit_cells() == {petit}, message="the table's cells in their colour")

    server_calls(driver)
    choose(driver, "filter-values", "M. Durand")
    state = FilterState(colour_by=REFERENT_HEADER, values=("M. Durand",))
    expected = len(select(members, state))
    assert 0 < expected < len(members)
    wait_for(lambda: total(driver) == f"{expected} adhérents", message="the values kept")
    assert len(grid_names(driver)) == expected
    wait_for(lambda: driver.find_element("css selector", ".map .gtitle-subtitle").text
             .endswith("Élu référent : M. Durand"), message="the subtitle")
    assert "couleur=%C3%89lu+r%C3%A9f%C3%A9rent&valeur=M.+Durand" in driver.current_url
    assert server_calls(driver) == []   # the values kept are answered in the browser
    on_map = driver.execute_script("""
        return document.querySelector('.map .js-plotly-plot').data
            .filter(t => t.customdata && t.legendgroup && t.opacity !== 0)
            .flatMap(t => t.customdata);""")
    assert set(on_map) == set(select(members, state)[S.ROW].astype(int))

    # More values clicked in the open picker, one more then one less: each answered on the
    # map in the click itself (before Dash's callbacks), the menu, the counts and the map
    # agreeing after each.
    driver.find_element("id", "filter-values").click()
    for clicked, kept in (("Mme Petit", ("M. Durand", "Mme Petit")),
                          ("M. Durand", ("Mme Petit",))):
        state = FilterState(colour_by=REFERENT_HEADER, values=kept)
        expected = len(select(members, state))
        on_map = driver.execute_script("""
            const option = [...document.querySelectorAll('.dash-dropdown-option')]
                .find(o => o.textContent.startsWith(arguments[0]));
            option.click();
            return document.querySelector('.map .js-plotly-plot').data
                .filter(t => t.customdata && t.legendgroup && t.opacity !== 0)
                .flatMap(t => t.customdata);""", clicked)
        assert set(on_map) == set(select(members, state)[S.ROW].astype(int))
        wait_for(lambda n=expected: total(driver) == f"{n} adhérents", message=clicked)
        wait_for(lambda k=kept: parse_qs(urlparse(driver.current_url).query).get("valeur")
                 == list(k), message="the link's values")
        assert driver.find_element("id", "filter-values-value").text.startswith(kept[0])
    driver.find_element("tag name", "body").send_keys(Keys.ESCAPE)
    assert server_calls(driver) == []
    expected = len(select(members, state))

    # The link, opened again: the same column and values, for the list kept in the session
    # (the menus get their options after the link is read: they must not clear its values).
    link = driver.current_url
    for _ in range(3):
        driver.get(link)
        wait_for(lambda: total(driver) == f"{expected} adhérents", 40, "the link's values")
        assert driver.current_url == link and REFERENT_HEADER in legend_names(driver)
    assert console_errors(driver) == []
