"""The published folder (dashboard/publish.py and `python -m dashboard publish`), read as files:
its pages, what they hold and leave out, what they would ask of a network."""

import gzip
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.publish import (
    CANVASES,
    EMBEDS,
    INDEX,
    SHARED,
    embed_code,
    loaded_by,
    page_data,
    publication,
)
from dashboard.selection import select
from dashboard.state import FilterState
from geodata import schema as S
from geodata.members import resolve_members

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "geodata" / "samples" / "rtes_adherents.csv"
REFERENT = "Élu référent"
PRIVATE = "Courriel du contact"
# Three more members: a list of 40, with two columns of its own.
MORE = ("Ville d'Arras,Commune,62041", "Ville de Dunkerque,Commune,59183",
        "Ville de Brest,Commune,29019")
# What plotly.js's bundle names without ever asking for it: XML namespaces, licences, help.
INERT = re.compile(r"https?://(www\.w3\.org/|github\.com/|plotly\.com/javascript/|syntheti\.cc|"
                   r"getify\.mit-license\.org)")
OUTSIDE = re.compile(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", re.IGNORECASE)


def forty_members_csv(folder: Path) -> Path:
    """The sample and three communes (40 rows), each with an elected contact and an email."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")[:3]
    # The sample's first three fields (name, kind, code) never hold a comma.
    rows = [",".join(line.split(",")[:3]) for line in lines[1:]] + list(MORE)
    assert len(rows) == 40
    path = folder / "reseau-40.csv"
    path.write_text("\n".join(
        [",".join(header + [REFERENT, PRIVATE])]
        + [f"{row},{['Mme Petit', 'M. Durand'][i % 2]},contact{i}@exemple.fr"
           for i, row in enumerate(rows)]) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def forty(tmp_path_factory):
    return resolve_members(forty_members_csv(tmp_path_factory.mktemp("liste")))


@pytest.fixture(scope="module")
def published(forty):
    return publication(forty, title="Les collectivités adhérentes au RTES", columns=[
        "élu referent"])


def test_a_page_for_france_and_for_each_region_with_members(forty, published):
    regions = sorted(set(select(forty, FilterState())[S.REGION]) - {""})
    assert len(published.pages) == 1 + len(regions)
    assert published.pages[0].file == INDEX and published.pages[0].region is None
    assert {page.region for page in published.pages[1:]} == set(regions)
    hdf = next(page for page in published.pages if page.region == "32")
    assert hdf.file == "hauts-de-france.html"
    assert hdf.title == "Les collectivités adhérentes au RTES en région Hauts-de-France"
    text = published.files[hdf.file].decode("utf-8")
    assert f"<title>{hdf.title}</title>" in text
    # Every page links to every other.
    for page in published.pages:
        assert f'href="{page.file}"' in text


def test_each_page_holds_the_members_of_its_view_and_says_source_and_date(forty, published):
    for page in published.pages:
        data = page_data(published.files[page.file])
        expected = select(forty, FilterState(region=page.region))
        assert {row["row"] for row in data["rows"]} == set(expected[S.ROW].astype(str))
        for view in data["views"].values():
            assert set(view["members"]) == set(expected[S.ROW].astype(str))
        text = published.files[page.file].decode("utf-8")
        assert "Sources : liste des adhérents" in text and "COG 2026" in text
        assert re.search(r"Carte publiée le \d{1,2}(er)? [a-zéû]+ 20\d\d", text)


def test_only_the_columns_chosen_are_published(published):
    for name, body in published.files.items():
        text = body.decode("utf-8", errors="replace")
        assert "@exemple.fr" not in text and PRIVATE not in text, name
    data = page_data(published.files[INDEX])
    assert [c["header"] for c in data["columns"]][-1] == REFERENT
    referent = data["columns"][-1]["field"]
    assert {row[referent] for row in data["rows"]} == {"Mme Petit", "M. Durand"}
    hovers = [t for trace in data["views"]["large"]["figure"]["data"]
              for t in (trace.get("hovertext") or trace.get("text") or [])
              if isinstance(t, str)]
    assert any(f"{REFERENT} : Mme Petit" in t for t in hovers)


def test_no_page_asks_anything_of_the_network(published):
    """No outside address in any file the folder holds, but the texts of plotly.js's bundle
    that are never requested (XML namespaces, licences)."""
    for name, body in published.files.items():
        text = body.decode("utf-8", errors="replace")
        outside = [m.group(0) for m in OUTSIDE.finditer(text)
                   if not INERT.match(text, m.start())]
        assert outside == [], name
    shared = {name for name in published.files if name.startswith(SHARED + "/")}
    for page in published.pages:
        for view in CANVASES:   # every file a page loads is in the folder
            assert set(loaded_by(published.files, page.file, view)[1:]) <= shared


def test_pages_are_light_and_share_what_they_can(published):
    """≤ 1.5 MB compressed per page with everything it loads, on a screen or a phone; shared
    files written once."""
    for page in published.pages:
        for view in CANVASES:
            loaded = loaded_by(published.files, page.file, view)
            assert all(name in published.files for name in loaded)
            weight = sum(len(gzip.compress(published.files[name])) for name in loaded)
            assert weight <= 1.5e6, (page.file, view, weight)
    assert sum(name.startswith(f"{SHARED}/plotly-geo.") for name in published.files) == 1


def test_the_embed_code_frames_a_page_without_its_header(published):
    hdf = next(page for page in published.pages if page.region == "32")
    code = embed_code(hdf, "https://www.rtes.fr/carte/")
    assert code.startswith('<iframe src="https://www.rtes.fr/carte/hauts-de-france.html'
                           '?integre=1"')
    assert 'width="100%"' in code and 'title="Les collectivités' in code
    embeds = published.files[EMBEDS].decode("utf-8")
    assert embeds.count("&lt;iframe") == len(published.pages)


def test_a_column_the_list_does_not_have_is_refused_naming_those_it_has(forty):
    from dashboard.publish import PublishError

    with pytest.raises(PublishError, match="« Budget » n'est pas une colonne de la liste .* "
                                           f"ses autres colonnes : {REFERENT}, {PRIVATE}"):
        publication(forty, columns=["Budget"])


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "dashboard", "publish", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600)


def test_the_command_writes_the_folder_and_refuses_to_replace_it(tmp_path):
    listed = forty_members_csv(tmp_path)
    folder = tmp_path / "site" / "carte"
    done = run("--members", str(listed), "-o", str(folder), "--columns", REFERENT,
               "--url", "https://www.rtes.fr/carte/")
    assert done.returncode == 0, done.stderr
    assert (folder / INDEX).exists() and (folder / "hauts-de-france.html").exists()
    [filters] = (folder / SHARED).glob("filters.*.js")
    assert filters.read_bytes() == (ROOT / "assets" / "filters.js").read_bytes()   # the same
    assert "40 adhérents." in done.stdout
    assert '<iframe src="https://www.rtes.fr/carte/index.html?integre=1"' in done.stdout
    again = run("--members", str(listed), "-o", str(folder))
    assert again.returncode == 1 and "existe" in again.stderr and "--force" in again.stderr
    assert "Traceback" not in again.stderr
    wrong = run("-o", str(tmp_path / "x"), "--url", "https://www.rtes.fr/carte/index.html")
    assert wrong.returncode == 1
    assert wrong.stderr.startswith("Erreur : l'adresse « https://www.rtes.fr/carte/index.html » "
                                   "n'est pas celle d'un dossier en ligne")


def test_published_again_in_its_folder_the_pages_no_longer_part_of_it_go(tmp_path):
    """A région without members any more, a column no longer chosen: nothing of the previous
    publication stays in the folder to be copied to the website; other files are kept."""
    listed = forty_members_csv(tmp_path)
    folder = tmp_path / "carte"
    assert run("--members", str(listed), "-o", str(folder), "--columns", REFERENT).returncode == 0
    (folder / "a-moi.html").write_text("à garder", encoding="utf-8")
    one_region = tmp_path / "hdf.csv"
    one_region.write_text("nom,type,code,Courriel du contact\nVille d'Arras,Commune,62041,"
                          "a@exemple.fr\nCommune inconnue,Commune,00000,\n", encoding="utf-8")
    done = run("--members", str(one_region), "-o", str(folder), "--force")
    assert done.returncode == 0, done.stderr
    assert "1 de la liste n'y sont pas" in done.stdout and "« Commune inconnue » (ligne 3)" \
        in done.stdout
    pages = sorted(path.name for path in folder.glob("*.html"))
    assert pages == ["a-moi.html", "hauts-de-france.html", INDEX, EMBEDS]
    for path in folder.rglob("*"):
        if path.is_file() and path.name != "a-moi.html":
            assert "Mme Petit" not in path.read_text(encoding="utf-8", errors="replace"), path


def test_hostile_names_title_and_columns_stay_text(tmp_path):
    """A list's names, columns and the title cannot put markup or script in a page."""
    hostile = tmp_path / "hostile.csv"
    hostile.write_text(
        'nom,type,code,"<img src=x onerror=alert(1)>"\n'
        '"Lille</script><script>alert(2)</script>",Commune,59350,"</script><b>x</b>"\n',
        encoding="utf-8")
    members = resolve_members(hostile)
    published = publication(members, title='Réseau "</script><script>alert(3)</script>',
                            columns=["<img src=x onerror=alert(1)>"])
    for page in published.pages:
        text = published.files[page.file].decode("utf-8")
        assert "<script>alert" not in text and "<img src=x" not in text
        assert text.count("</script>") == text.count("<script")   # only the page's own
        data = page_data(published.files[page.file])
        assert data["columns"][-1]["header"] == "<img src=x onerror=alert(1)>"   # as text
        assert [row[data["columns"][-1]["field"]] for row in data["rows"]] == [
            "</script><b>x</b>"]


def test_the_apps_button_downloads_the_same_pages_zipped_with_the_embed_code():
    import base64
    import io
    import zipfile
    from datetime import date

    from dashboard.callbacks.publish import published_zip

    payload, message = published_zip(None, "  Notre   réseau ", [], "https://www.rtes.fr/carte",
                                      today=date(2026, 11, 29))
    assert payload["filename"] == "carte-adherents-2026-11-29.zip"
    names = zipfile.ZipFile(io.BytesIO(base64.b64decode(payload["content"]))).namelist()
    assert "carte-adherents/index.html" in names and "carte-adherents/hauts-de-france.html" \
        in names and "carte-adherents/partage/publication.json" in names
    said = str(message)
    assert '<iframe src="https://www.rtes.fr/carte/index.html?integre=1" title="Notre réseau"' \
        in said
    assert "37 adhérents." in said
    payload, message = published_zip(None, "", [], "")
    assert "indiquez l'adresse du dossier en ligne" in str(message)
    payload, message = published_zip(None, "", [], "www.rtes.fr")
    assert payload is None and "n'est pas celle d'un dossier en ligne" in str(message)


def test_only_files_of_the_previous_publication_are_ever_removed(tmp_path, published):
    """A manifest naming files outside the folder (written by hand, or by someone else)
    removes nothing outside it."""
    from dashboard.publish import MANIFEST, write_folder

    outside = tmp_path / "dehors.txt"
    outside.write_text("à garder", encoding="utf-8")
    folder = tmp_path / "carte"
    (folder / "partage").mkdir(parents=True)
    (folder / "ancienne.html").write_text("ancienne page", encoding="utf-8")
    (folder / MANIFEST).write_text(json.dumps(
        ["ancienne.html", str(outside), "../dehors.txt"]), encoding="utf-8")
    removed = write_folder(published.files, folder)
    assert removed == ["ancienne.html"] and not (folder / "ancienne.html").exists()
    assert outside.read_text(encoding="utf-8") == "à garder"
    assert json.loads((folder / MANIFEST).read_text(encoding="utf-8")) == sorted(
        published.files)
