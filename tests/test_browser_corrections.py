"""Correcting a list in the app, in a real headless Chromium on a 1280×720 screen: a 40-row
messy list with 6 rows that need a person is fixed row by row without leaving the page (a
candidate, a name searched, an INSEE code typed, a placement confirmed, a junk line ignored),
the map in sight throughout; the corrections file downloaded fixes the same list again with no
fix left; the list is kept between visits only when asked."""

import csv
import time
from pathlib import Path

import pytest
from browser import console_errors, make_driver, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MESSY = Path(__file__).parent / "data" / "liste_a_corriger.csv"
FIXES = {   # row -> (what the person types, the option chosen)
    6: (None, "commune:93066"),              # Saint-Denis: one of its candidates
    13: (None, "commune:93048"),             # Montreuil: one of its candidates
    16: ("75056", "commune:75056"),          # "Ville de Paris 20e": its INSEE code typed
    32: (None, "commune:38185"),             # "Grenobel": the resemblance confirmed
    34: ("Pays Rochois", "epci:247400724"),  # "Cté de Cnes du Pays Rochois": searched by name
    43: (None, "ignorer"),                   # "TOTAL : 39 adhérents": not a member
}
PLACED_BEFORE, PLACED_AFTER = 35, 39   # 4 rows placed by the fixes; Grenobel was placed


@pytest.fixture
def driver(server, tmp_path):
    drv = make_driver(1280, 720)
    drv.execute_cdp_cmd("Browser.setDownloadBehavior",
                        {"behavior": "allow", "downloadPath": str(tmp_path)})
    yield drv
    drv.quit()


def open_page(driver, server):
    driver.get(server.url)
    wait_for(lambda: driver.find_elements("css selector", ".map .scattergeo .point"), 40,
             "the map")


def upload(driver, *paths: Path):
    driver.find_element("css selector", "#upload input[type=file]").send_keys(
        "\n".join(str(path) for path in paths))


def summary(driver) -> str:
    return driver.find_element("css selector", ".report-summary").text


def placed(driver) -> int:
    return int(driver.find_element("css selector", ".count-total").text.split()[0])


def map_in_sight(driver) -> bool:
    """At least 150 px of the map inside the window, without scrolling."""
    return driver.execute_script(
        "const r = document.querySelector('#map').getBoundingClientRect();"
        "return window.scrollY === 0 && window.innerHeight - r.top >= 150;")


def fix_row(driver, row: int, typed: str | None, value: str):
    """Open a row's menu, type if asked, and pick the option of this value."""
    menu = driver.find_element("css selector", f'[id=\'{{"row":{row},"type":"fix"}}\']')
    driver.execute_script("arguments[0].scrollIntoView({block: 'nearest'})", menu)
    menu.click()
    if typed:
        search = wait_for(lambda: driver.find_element(
            "css selector", ".dash-dropdown-content input.dash-dropdown-search"),
            message="the menu's search box")
        search.send_keys(typed)
    option = wait_for(lambda: driver.find_element(
        "css selector", f'.dash-dropdown-content input[value="{value}"]'),
        message=f"option {value} of row {row}")
    driver.execute_script("arguments[0].closest('label').click()", option)


def rows_to_fix(driver) -> list[int]:
    return [int(cell.text) for cell in driver.find_elements(
        "css selector", ".fix-grid tr.to-fix .row-number")]


def test_a_messy_list_is_fully_corrected_in_the_page_with_the_map_in_sight(driver, server,
                                                                            tmp_path):
    open_page(driver, server)
    upload(driver, MESSY)
    wait_for(lambda: "6 à traiter" in summary(driver), message="the report")
    assert "40 lignes" in summary(driver) and "2 à vérifier, 3 non reconnues" in summary(driver)
    assert rows_to_fix(driver) == sorted(FIXES)
    wait_for(lambda: placed(driver) == PLACED_BEFORE, message="the members placed")
    assert map_in_sight(driver)
    started = time.perf_counter()
    for done, (row, (typed, value)) in enumerate(FIXES.items(), 1):
        fix_row(driver, row, typed, value)
        left = len(FIXES) - done
        wait_for(lambda left=left: (f"{left} à traiter" if left else "Aucune ligne à traiter")
                 in summary(driver), message=f"the report after fixing row {row}")
        assert map_in_sight(driver), f"the map left the screen after fixing row {row}"
    seconds = time.perf_counter() - started
    # The map, the counts and the table followed each fix.
    wait_for(lambda: placed(driver) == PLACED_AFTER, message="the header count")
    assert "39 placées" in summary(driver) and "1 ignorée" in summary(driver)
    assert rows_to_fix(driver) == []
    names = driver.execute_script("""
        const names = [];
        dash_ag_grid.getApi('member-table').forEachNode(n => names.push(n.data.nom));
        return names;""")
    assert {"Saint-Denis", "Montreuil", "Paris"} <= set(names)
    assert "Communauté de communes du Pays Rochois" in names
    assert not console_errors(driver)
    print(f"6 rows fixed in {seconds:.1f} s by the test driver")

    # The corrections file: 6 decisions, name as written -> level and code, or ignored.
    driver.find_element("id", "download-corrections").click()
    corrections = wait_for(lambda: next(tmp_path.glob("corrections-adherents*.csv"), None),
                           message="the corrections file")
    with corrections.open(encoding="utf-8-sig") as f:
        lines = list(csv.DictReader(f, delimiter=";"))
    assert {(line["Nom dans la liste"], line["Correction"], line["Code officiel"])
            for line in lines} == {
        ("Saint-Denis", "placer", "93066"), ("Montreuil", "placer", "93048"),
        ("Ville de Paris 20e", "placer", "75056"), ("Grenobel", "placer", "38185"),
        ("Cté de Cnes du Pays Rochois", "placer", "247400724"),
        ("TOTAL : 39 adhérents", "ignorer", "")}

    # Another browser: the same list sent with the corrections file has no fix left.
    other = make_driver(1280, 720)
    try:
        open_page(other, server)
        upload(other, MESSY, corrections)
        wait_for(lambda: "Aucune ligne à traiter" in summary(other),
                 message="the list corrected by the file")
        # The header counts follow the list's rows, which may come a moment after the report.
        wait_for(lambda: placed(other) == PLACED_AFTER, message="the members placed")
        assert "6 corrigées d'après vos corrections" in other.find_element(
            "id", "upload-message").text
    finally:
        other.quit()


def test_corrections_of_the_session_are_reapplied_to_the_next_list(driver, server):
    open_page(driver, server)
    upload(driver, MESSY)
    wait_for(lambda: "6 à traiter" in summary(driver), message="the report")
    fix_row(driver, 43, None, "ignorer")
    wait_for(lambda: "5 à traiter" in summary(driver), message="the row ignored")
    # Any row can be corrected: the rows placed without a doubt are shown on request.
    assert not driver.find_elements("css selector", "tr.sure")
    driver.find_element("css selector", ".show-all input").click()
    wait_for(lambda: len(driver.find_elements("css selector", "tr.sure")) == 34,
             message="the rows placed without a doubt")
    driver.find_element("id", "back-to-sample").click()
    wait_for(lambda: not driver.find_elements("css selector", ".report-summary"),
             message="the sample")
    assert "échantillon" in driver.find_element("id", "list-label").text
    upload(driver, MESSY)   # next year's list, in the same session
    wait_for(lambda: "5 à traiter" in summary(driver), message="the correction reapplied")
    assert "1 ignorée" in summary(driver)


def test_the_list_is_kept_between_visits_only_when_asked(driver, server):
    open_page(driver, server)
    upload(driver, MESSY)
    wait_for(lambda: "6 à traiter" in summary(driver), message="the report")

    def new_visit():   # a new tab has an empty session: what remains is what was kept
        driver.execute_script("window.sessionStorage.clear()")
        open_page(driver, server)

    new_visit()
    assert "échantillon" in driver.find_element("id", "list-label").text   # off by default
    upload(driver, MESSY)
    wait_for(lambda: "6 à traiter" in summary(driver), message="the report")
    driver.find_element("css selector", "#keep-in-browser input").click()
    wait_for(lambda: driver.execute_script(
        "return (window.localStorage.getItem('kept-store') || '').length > 1000"),
        message="the list kept")
    new_visit()
    wait_for(lambda: "liste_a_corriger.csv" in driver.find_element("id", "list-label").text,
             message="the kept list")
    assert "6 à traiter" in summary(driver)
    driver.find_element("css selector", "#keep-in-browser input").click()   # forget it
    wait_for(lambda: driver.execute_script(
        "return window.localStorage.getItem('kept-store')") in (None, "null"),
        message="the list forgotten")
    new_visit()
    assert "échantillon" in driver.find_element("id", "list-label").text


def test_libreoffice_lists_are_read_and_other_files_named(driver, server, tmp_path):
    open_page(driver, server)
    pdf = tmp_path / "adherents.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    upload(driver, pdf)
    message = wait_for(lambda: driver.find_element("id", "upload-message").text,
                       message="the message")
    assert "« adherents.pdf »" in message and "document PDF" in message
    assert "LibreOffice (.ods)" in message
    # The upload box is below the first screen at 1280x720: the refusal is brought into view.
    assert wait_for(lambda: driver.execute_script(
        "const r = document.getElementById('upload-message').getBoundingClientRect();"
        "return r.top >= 0 && r.bottom <= window.innerHeight;"), message="the refusal in view")
    assert "échantillon" in driver.find_element("id", "list-label").text
