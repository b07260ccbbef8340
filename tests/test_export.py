"""Map exports rendered for real: kaleido driving Debian's Chromium, with no network."""

import base64
import io
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import plotly.graph_objects as go
import pytest

from dashboard.callbacks import exports
from dashboard.export import ChromiumMissingError, export_map, find_chromium, require_chromium
from dashboard.figures import map_figure, view_texts
from dashboard.member_store import from_store
from dashboard.selection import select
from dashboard.state import FilterState
from geodata import schema as S

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.kaleido, pytest.mark.slow]


@pytest.fixture(scope="module")
def members():
    if find_chromium() is None:
        pytest.skip("no Chromium: apt-get install chromium")
    return from_store(None)


@pytest.fixture(scope="module")
def hdf_figure(members):
    return go.Figure(map_figure(members, FilterState(region="32")))


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_png_a4_at_300_dpi_has_the_print_pixel_size(hdf_figure):
    data = export_map(hdf_figure, "png", "a4", 300)
    assert png_size(data) == (3508, 2480)
    phys = data.index(b"pHYs")
    assert struct.unpack(">II", data[phys + 4:phys + 12]) == (11811, 11811)  # 300 dpi


def test_png_a3_and_screen_sizes(hdf_figure):
    assert png_size(export_map(hdf_figure, "png", "a3", 300)) == (4960, 3508)
    assert png_size(export_map(hdf_figure, "png", "screen")) == (1400, 1000)


def test_png_portrait_and_slide_sizes(hdf_figure):
    assert png_size(export_map(hdf_figure, "png", "a4-portrait", 300)) == (2480, 3508)
    assert png_size(export_map(hdf_figure, "png", "slide")) == (1920, 1080)


def test_svg_is_vector_with_legend_text(hdf_figure):
    svg = export_map(hdf_figure, "svg", "a4").decode("utf-8")
    assert svg.lstrip().startswith("<svg")
    assert len(re.findall(r"<path", svg)) > 20
    assert "<image" not in svg
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert "Départements (1)" in texts and "Communes (1)" in texts
    assert any("Hauts-de-France" in t for t in texts)


def test_pdf_a4_landscape_with_the_member_table(hdf_figure, members):
    from pypdf import PdfReader

    shown = select(members, FilterState(region="32"))
    data = export_map(hdf_figure, "pdf", "a4", members=shown)
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 2
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 841.9) < 2 and abs(float(box.height) - 595.3) < 2
    table = reader.pages[1].extract_text()
    assert "Lille" in table and "Pas-de-Calais" in table and "59350" in table
    single = PdfReader(io.BytesIO(export_map(hdf_figure, "pdf", "a4")))
    assert len(single.pages) == 1


def test_pdf_list_has_the_persons_own_columns(tmp_path):
    """The élu référent and the year of a 40-member list are printed in the PDF list."""
    from pypdf import PdfReader
    from test_published_maps import HDF_LIST

    from geodata.members import resolve_members

    hdf = resolve_members(HDF_LIST)
    payload, _ = exports.export_file(hdf, FilterState(region="32"), "pdf", "a4", True)
    reader = PdfReader(io.BytesIO(base64.b64decode(payload["content"])))
    table = "".join(page.extract_text() for page in reader.pages[1:])
    assert "élu référent" in table and "adhésion" in table
    assert "Mme U." in table and "2009" in table


def test_export_texts_written_in_the_panel_replace_the_views(members):
    written = {"title": "Nos adhérents des Hauts-de-France", "subtitle": "  ",
               "note": "Carte arrêtée au 1er juin", "source": "RTES, 2026", "other": "x"}
    state = FilterState(region="32")
    texts = view_texts(select(members, state), state, True, written)
    assert texts.title == "Nos adhérents des Hauts-de-France"
    assert texts.subtitle.startswith("2 collectivités adhérentes")   # blank: the view's own
    assert texts.subtitle.endswith("(échantillon — liste partielle)")
    assert (texts.note, texts.source) == ("Carte arrêtée au 1er juin", "RTES, 2026")
    payload, _ = exports.export_file(members, FilterState(region="32"), "svg", "a4", False,
                                     written=written)
    svg = base64.b64decode(payload["content"]).decode("utf-8")
    assert "Nos adhérents des Hauts-de-France" in svg and "Carte arrêtée au 1er juin" in svg
    assert "RTES, 2026" in svg and "IGN ADMIN EXPRESS" not in svg


def test_preview_is_an_image_of_the_export(members):
    src, message = exports.preview(members, FilterState(region="32"), "a4-portrait", True)
    png = base64.b64decode(src.removeprefix("data:image/png;base64,"))
    width, height = png_size(png)
    assert width == exports.PREVIEW_WIDTH and height > width      # a portrait page
    assert "A4 portrait" in message


def test_atlas_has_the_national_map_then_one_page_per_region_with_members(members):
    from pypdf import PdfReader

    from dashboard.atlas import atlas_states

    states = atlas_states(members, FilterState())
    regions = {code for code in members[S.REGION] if code}
    assert states[0].region is None and {s.region for s in states[1:]} == regions
    payload, message = exports.atlas_file(members, FilterState(), "a4",
                                          written={"note": "Liste du 1er juin"})
    reader = PdfReader(io.BytesIO(base64.b64decode(payload["content"])))
    assert len(reader.pages) == len(states)
    assert f"({len(states)} pages : la France et {len(states) - 1} régions)" in message
    texts = [page.extract_text() for page in reader.pages]
    assert "Collectivités adhérentes" in texts[0] and "en région" not in texts[0]
    assert any("Collectivités adhérentes en région Hauts-de-France" in t for t in texts[1:])
    assert all("Liste du 1er juin" in t for t in texts)     # the panel's note on every page
    assert payload["filename"].startswith("adherents-atlas-france-a4-")


def test_dashboard_export_names_the_file_after_the_selection(members):
    payload, message = exports.export_file(members, FilterState(region="32"), "pdf", "a4", True)
    assert re.fullmatch(r"adherents-hauts-de-france-a4-\d{4}-\d{2}-\d{2}\.pdf", payload["filename"])
    assert payload["filename"] in message


def test_no_chromium_is_said_in_french(monkeypatch, tmp_path, members):
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ChromiumMissingError, match="apt-get install chromium"):
        require_chromium()
    payload, message = exports.export_file(members, FilterState(), "png", "screen", False)
    assert payload is None and "Chromium" in message


def run_cli(*args, network=True):
    command = [sys.executable, "-m", "dashboard", "export", *args]
    if not network:
        if shutil.which("unshare") is None:
            pytest.skip("unshare is not available to cut the network")
        command = ["unshare", "--net", *command]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_cli_renders_with_the_network_unreachable(tmp_path, members):
    """In a network namespace of its own (no interface up), the export still works."""
    out = tmp_path / "national.png"
    run = run_cli("--size", "screen", "-o", str(out), network=False)
    if run.returncode != 0 and "unshare" in run.stderr:
        pytest.skip(f"cannot create a network namespace here: {run.stderr.strip()}")
    assert run.returncode == 0, run.stderr
    assert png_size(out.read_bytes()) == (1400, 1000)


def test_cli_all_regions_writes_national_and_one_map_per_region_with_members(tmp_path, members):
    run = run_cli("--all-regions", str(tmp_path), "--format", "svg", "--size", "screen")
    assert run.returncode == 0, run.stderr
    regions = set(members[members["status"].isin(["matched", "placed_by_coordinates"])]["region"])
    files = sorted(p.name for p in tmp_path.iterdir())
    assert len(files) == 1 + len(regions)
    assert any(name.startswith("adherents-france-") for name in files)
    assert any(name.startswith("adherents-hauts-de-france-") for name in files)
    assert not any("normandie" not in name and "corse" in name for name in files)


def test_cli_atlas_writes_one_pdf_with_a_page_per_region(tmp_path, members):
    from pypdf import PdfReader

    atlas = tmp_path / "atlas.pdf"
    run = run_cli("--atlas", str(atlas), "--size", "a4-portrait", "--types", "commune")
    assert run.returncode == 0, run.stderr
    communes = members[members[S.KIND] == "commune"]
    reader = PdfReader(atlas)
    assert len(reader.pages) == 1 + communes[S.REGION].nunique()
    box = reader.pages[0].mediabox
    assert float(box.height) > float(box.width)        # portrait
    assert f"{len(reader.pages)} pages" in run.stdout
    again = run_cli("--atlas", str(atlas))
    assert again.returncode == 1 and "existe déjà" in again.stderr
    wrong = run_cli("--atlas", str(tmp_path / "atlas.png"))
    assert wrong.returncode == 1 and "l'atlas est un PDF" in wrong.stderr
    table = run_cli("--atlas", str(tmp_path / "autre.pdf"), "--table")
    assert table.returncode == 1 and "--table" in table.stderr


@pytest.mark.parametrize("args, expected", [
    (["--region", "Narnia"], "région inconnue « Narnia »"),
    (["--types", "commune,chateaux"], "type inconnu « chateaux »"),
    (["-o", "/proc/forbidden/carte.png"], "impossible d'écrire"),
])
def test_cli_errors_exit_non_zero_in_french(args, expected, members):
    run = run_cli(*args)
    assert run.returncode == 1
    assert run.stderr.startswith("Erreur : ") and expected in run.stderr


def test_print_sizes_keep_text_clear_of_the_map(hdf_figure):
    """A4/A3 images are laid out larger than a screen: text, symbols and margins grow with it,
    so the subtitle does not run into the map (as it did before margins were scaled)."""
    from dashboard.export import for_print

    printed = for_print(hdf_figure, "a4")
    factor = 150 / 96
    assert printed.layout.margin.t == pytest.approx(hdf_figure.layout.margin.t * factor)
    assert printed.layout.title.font.size == pytest.approx(hdf_figure.layout.title.font.size
                                                           * factor)
    assert printed.layout.legend.font.size == pytest.approx(hdf_figure.layout.legend.font.size
                                                            * factor)
    assert for_print(hdf_figure, "screen") is hdf_figure
