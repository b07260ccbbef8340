"""The export command met with hostile or clumsy options: it refuses in French with exit code 1,
never writes a broken file, never replaces a file without --force.

Most tests call `main(argv)` in this process (one kaleido browser for all); the first runs the
real `python -m dashboard export`.
"""

import html
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from dashboard import export
from dashboard.__main__ import main
from dashboard.export import find_chromium
from dashboard.labels import coverage_phrase, format_population, selection_file_name
from dashboard.selection import select
from dashboard.state import FilterState
from geodata import COMMUNE, REGION, get_reference
from geodata import schema as S
from geodata.kinds import KINDS
from geodata.members import sample_members

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.kaleido, pytest.mark.slow]
# The sample has communautés de communes in one région only (Grand Est): 2 maps, not 14.
ONE_REGION = ("--types", "communaute_communes")


@pytest.fixture(autouse=True)
def chromium():
    if find_chromium() is None:
        pytest.skip("no Chromium: apt-get install chromium")


def run(capsys, *args) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `python -m dashboard export ARGS`, in this process."""
    try:
        code = main(["export", *map(str, args)])
    except SystemExit as exc:  # argparse exits by itself
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def no_render(monkeypatch):
    """Make any rendering fail the test: refusals must come before the expensive work."""
    def render(*args, **kwargs):
        raise AssertionError("rendered a map for a command that is refused")
    monkeypatch.setattr(export.renderer, "render", render)


def national_name(fmt: str, kinds=KINDS) -> str:
    return selection_file_name(FilterState(kinds=kinds), fmt, date.today())


def test_a_png_too_big_for_chromium_is_refused_with_the_resolutions_that_work(tmp_path):
    """A3 at 1200 dpi (19840 × 14032 px) is past Chromium's canvas limit: it used to be written
    as a 24-byte file, announced as « écrit »."""
    out = tmp_path / "carte.png"
    command = [sys.executable, "-m", "dashboard", "export", "--dpi", "1200", "--size", "a3",
               "-o", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 1
    assert "Erreur : Une image PNG A3 paysage à 1200 dpi ferait 19840 × 14032 pixels" in done.stderr
    assert "30 à 1100 dpi en A3 paysage" in done.stderr
    assert "Traceback" not in done.stderr and "écrit" not in done.stdout
    assert not out.exists()


def test_an_empty_image_from_chromium_is_refused_and_the_old_file_kept(tmp_path, capsys,
                                                                       monkeypatch):
    """Past the pixel limit (lifted here), Chromium hands back 3 bytes without an error: they
    are checked, refused, and not written, even over a file the user allowed to replace."""
    monkeypatch.setattr(export, "MAX_PIXELS", 10**12, raising=False)
    out = tmp_path / "carte.png"
    out.write_bytes(b"old")
    code, stdout, err = run(capsys, "--dpi", "1200", "--size", "a3", "-o", out, "--force")
    assert code == 1
    assert "Erreur : Chromium a renvoyé un fichier PNG vide ou invalide" in err
    assert "écrit" not in stdout
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["carte.png"]  # no temporary file left


@pytest.mark.parametrize("args, expected", [
    (["--format", "png", "-o", "carte.pdf"],
     "« {dir}/carte.pdf » n'a pas l'extension .png d'un export PNG : nommez-le "
     "« {dir}/carte.png » ou demandez --format pdf."),
    (["--format", "svg", "-o", "carte.png"], "n'a pas l'extension .svg d'un export SVG"),
    (["-o", "carte.jpg"], "(formats possibles : png, svg, pdf)"),
])
def test_a_format_that_contradicts_the_file_extension_is_refused(args, expected, tmp_path,
                                                                 capsys, monkeypatch):
    no_render(monkeypatch)
    args = [str(tmp_path / a) if a.startswith("carte.") else a for a in args]
    code, _, err = run(capsys, *args, "--size", "screen")
    assert code == 1
    assert expected.format(dir=tmp_path) in err
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_is_not_replaced_without_force(tmp_path, capsys, monkeypatch):
    no_render(monkeypatch)
    out = tmp_path / "carte.png"
    out.write_bytes(b"old")
    code, _, err = run(capsys, "--size", "screen", "-o", out)
    assert code == 1
    assert f"Erreur : le fichier « {out} » existe déjà. Ajoutez --force pour remplacer" in err
    assert out.read_bytes() == b"old"


def test_force_replaces_the_file_in_the_format_of_its_extension(tmp_path, capsys):
    out = tmp_path / "carte.svg"
    out.write_bytes(b"old")
    code, stdout, err = run(capsys, "--size", "screen", "-o", out, "--force")
    assert code == 0, err
    assert stdout == f"écrit : {out}\n"
    assert out.read_text(encoding="utf-8").startswith("<svg")
    assert [p.name for p in tmp_path.iterdir()] == ["carte.svg"]


def test_coverage_asked_for_is_said_under_the_title(tmp_path, capsys):
    """--coverage: the subtitle says the share of the région's inhabitants the members shown
    cover (here the communes of Hauts-de-France: Lille alone)."""
    out = tmp_path / "carte.svg"
    code, _, err = run(capsys, "--region", "Hauts-de-France", "--types", "commune",
                       "--coverage", "--size", "screen", "-o", out)
    assert code == 0, err
    lille = get_reference().lookup(COMMUNE, "59350")["population"]
    region = get_reference().lookup(REGION, "32")["population"]
    svg = html.unescape(out.read_text(encoding="utf-8"))
    assert coverage_phrase(lille, region) in svg
    assert f"({format_population(lille)})" in svg and "population couverte" in svg


def test_a_column_and_its_values_colour_and_filter_the_export(tmp_path, capsys, monkeypatch):
    """--colour-by and --value as a person types them (case and accents aside): the values kept
    in the subtitle and the file's name, the legend names the column."""
    monkeypatch.chdir(tmp_path)   # the file is written under its own name, here
    listed = tmp_path / "liste.csv"
    listed.write_text("nom,type,Convention signée\nLille,commune,Oui\nNantes Métropole,,oui\n"
                      "Dijon Métropole,,Non\nRégion Bretagne,,\n", encoding="utf-8")
    code, out, err = run(capsys, "--members", listed, "--colour-by", "convention signee",
                         "--value", "OUI", "--format", "svg", "--size", "screen")
    assert code == 0, err
    written = tmp_path / out.split("écrit : ")[1].strip()
    assert written.name.startswith("adherents-france-convention-signee-oui-")
    svg = html.unescape(written.read_text(encoding="utf-8"))
    assert "2 collectivités adhérentes — Convention signée\u00a0: Oui" in svg
    assert "Convention signée" in svg and "Non renseigné" not in svg


def test_all_regions_with_values_kept_writes_the_regions_where_they_are(tmp_path, capsys,
                                                                         monkeypatch):
    written = []
    monkeypatch.setattr("dashboard.__main__.export_one",
                        lambda members, state, *args, **kwargs: written.append(state))
    code, _, err = run(capsys, "--colour-by", "date de la preuve", "--value", "2020",
                       "--all-regions", tmp_path, "--format", "svg")
    assert code == 0, err
    kept = select(sample_members(), FilterState(colour_by="date de la preuve",
                                                values=("2020",)))
    assert [state.region for state in written] == [None, *sorted(set(kept[S.REGION]))]
    assert 1 < len(written) < 14


@pytest.mark.parametrize("args,said", [
    (("--colour-by", "Élu"), "la liste n'a pas de colonne « Élu » ; ses colonnes : source, "
                             "preuve, date de la preuve."),
    (("--colour-by", "source", "--value", "rien"), "la colonne « source » n'a pas la valeur "
                                                   "« rien » ; ses valeurs : "),
    (("--value", "Oui"), "--value garde des valeurs d'une colonne : choisissez-la avec "
                         "--colour-by.")], ids=str)
def test_a_column_or_a_value_the_list_does_not_have_is_refused_before_rendering(
        tmp_path, capsys, monkeypatch, args, said):
    no_render(monkeypatch)
    code, out, err = run(capsys, *args, "-o", tmp_path / "carte.png")
    assert code == 1 and err.startswith(f"Erreur : {said}") and not out
    assert not (tmp_path / "carte.png").exists()


def test_all_regions_refuses_existing_files_before_rendering_then_replaces_them_with_force(
        tmp_path, capsys, monkeypatch):
    kinds = ("communaute_communes",)
    national = tmp_path / national_name("svg", kinds)
    national.write_bytes(b"old")
    with monkeypatch.context() as patch:
        no_render(patch)
        code, _, err = run(capsys, "--all-regions", tmp_path, "--format", "svg",
                           "--size", "screen", *ONE_REGION)
    assert code == 1
    assert f"le fichier « {national} » existe déjà" in err
    assert "Ajoutez --force pour remplacer, ou choisissez un autre dossier." in err
    assert [p.name for p in tmp_path.iterdir()] == [national.name]
    assert national.read_bytes() == b"old"

    code, stdout, err = run(capsys, "--all-regions", tmp_path, "--format", "svg",
                            "--size", "screen", *ONE_REGION, "--force")
    assert code == 0, err
    assert stdout.endswith(f"2 cartes écrites dans {tmp_path}.\n")
    assert national.read_text(encoding="utf-8").startswith("<svg")
    assert len(list(tmp_path.iterdir())) == 2


@pytest.mark.parametrize("args, expected", [
    (["--size", "a5"], "--size « a5 » : valeur inconnue. Valeurs possibles : screen, slide, "
                       "a4, a4-portrait, a3, a3-portrait."),
    (["--dpi", "trois-cents"], "résolution « trois-cents » : un nombre entier de dpi est attendu"),
    (["--format", "jpeg"], "--format « jpeg » : valeur inconnue"),
    (["--taille", "a4"], "ligne de commande incorrecte"),
    (["--types", ",,,"], "--types ne nomme aucun type"),
    (["--all-regions", "{dir}/cartes"], "-o et --all-regions s'excluent"),
])
def test_other_mistakes_are_said_in_french_with_exit_code_1(args, expected, tmp_path, capsys,
                                                            monkeypatch):
    no_render(monkeypatch)
    args = [a.format(dir=tmp_path) for a in args]
    # Given last, the wrong value wins over the harmless ones before it.
    code, stdout, err = run(capsys, "--size", "screen", "-o", tmp_path / "carte.png",
                            *ONE_REGION, *args)
    assert code == 1
    assert "Erreur : " in err and expected in err
    assert stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_an_output_folder_that_cannot_be_made_is_said_before_rendering(tmp_path, capsys,
                                                                       monkeypatch):
    no_render(monkeypatch)
    blocker = tmp_path / "cartes"
    blocker.write_text("a file where the folder should be")
    code, _, err = run(capsys, "--all-regions", blocker, "--size", "screen", *ONE_REGION)
    assert code == 1
    assert (f"impossible d'écrire « {blocker / national_name('png', ('communaute_communes',))} » "
            "(un élément du chemin est un fichier, pas un dossier) : choisissez un autre "
            "dossier.") in err


def test_an_output_that_is_a_folder_is_refused(tmp_path, capsys, monkeypatch):
    no_render(monkeypatch)
    code, _, err = run(capsys, "--size", "screen", "-o", tmp_path)
    assert code == 1
    assert f"« {tmp_path} » est un dossier : indiquez un nom de fichier" in err


def test_a_failure_inside_chromium_is_said_in_french(tmp_path, capsys, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("the browser closed")
    monkeypatch.setattr(export.offline, "render_image", crash)
    out = tmp_path / "carte.png"
    code, _, err = run(capsys, "--size", "screen", "-o", out)
    assert code == 1
    assert "Erreur : l'export a échoué (RuntimeError : the browser closed).\n" in err
    assert "Traceback" not in err
    assert not out.exists()

