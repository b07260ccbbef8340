"""The embedded sample, the resolve command and the join to the geography."""

import csv
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from geodata import schema as S
from geodata.join import OTHER_LEVEL, in_region, mapped_members, members_by_level
from geodata.members import SAMPLE_PATH, resolve_members, sample_members

ROOT = Path(__file__).resolve().parents[1]
FORMER_REGIONS = "Rhône-Alpes|Lorraine|Midi-Pyrénées|Picardie|Languedoc-Roussillon"


@pytest.fixture(scope="module")
def written():
    """The embedded sample as written, with the official code of each collectivité."""
    return pd.read_csv(SAMPLE_PATH, dtype=str, keep_default_na=False)


def test_sample_keeps_the_current_collectivites_with_their_sources(written):
    assert len(written) == 37
    assert written["source"].str.startswith(("http://", "https://")).all()
    assert (written["date de la preuve"] != "").all()
    assert not written.nom.str.contains(FORMER_REGIONS).any()


def test_sample_resolves_every_row_to_its_written_code(written):
    resolved = sample_members()
    assert (resolved[S.STATUS] == S.MATCHED).all(), resolved[S.MESSAGE].tolist()
    assert resolved[S.CODE].tolist() == written.code.tolist()
    # The two EPTs are no EPCI: établissements publics territoriaux, in Seine-Saint-Denis.
    epts = resolved[resolved[S.LEVEL] == "ept"]
    assert epts[S.CODE].tolist() == ["200057875", "200057867"]
    assert set(epts[S.DEPARTEMENT]) == {"93"} and set(epts[S.KIND]) == {"autre"}


def test_sample_names_alone_never_give_a_wrong_match(written, tmp_path):
    """Without the code column, names resolve to the same units, or are left for a person."""
    path = tmp_path / "names_only.csv"
    written.drop(columns="code").to_csv(path, index=False, sep=";", encoding="cp1252",
                                        errors="replace")
    resolved = resolve_members(path)
    matched = resolved[S.STATUS] == S.MATCHED
    assert matched.sum() >= 34
    assert resolved[S.CODE][matched].tolist() == written.code[matched.values].tolist()


def test_resolve_command_prints_a_summary_and_writes_every_row(tmp_path):
    members = tmp_path / "adherents.csv"
    members.write_text("nom;département;année d'adhésion\nVille de Lille;;2012\nSt-Denis;;2015\n"
                       "CRESS Hauts-de-France;;2018\nMEL;;2001\nLille;59;2020\n",
                       encoding="utf-8")
    out = tmp_path / "resultat.csv"
    run = subprocess.run([sys.executable, "-m", "geodata", "resolve", str(members), "-o", str(out)],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert "5 lignes lues" in run.stdout
    assert "reconnue                 2" in run.stdout
    assert "ambiguë                  1" in run.stdout
    assert "doublon                  1" in run.stdout
    with out.open(encoding="utf-8-sig") as f:   # as the dashboard writes it, for Excel
        rows = list(csv.DictReader(f, delimiter=";"))
    assert [r["Ligne"] for r in rows] == ["2", "3", "4", "5", "6"]
    assert [r["Décision"] for r in rows] == ["Reconnue", "Ambiguë", "Non reconnue", "Reconnue",
                                            "Doublon"]
    assert rows[0]["année d'adhésion"] == "2012"
    assert "93066" in rows[1]["Candidats"]


@pytest.mark.parametrize("content", [b"", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20])
def test_resolve_command_fails_clearly_on_unreadable_files(tmp_path, content):
    members = tmp_path / "adherents.csv"
    members.write_bytes(content)
    run = subprocess.run([sys.executable, "-m", "geodata", "resolve", str(members),
                          "-o", str(tmp_path / "out.csv")], capture_output=True, text=True,
                         cwd=ROOT)
    assert run.returncode != 0
    assert run.stderr.startswith("Erreur : ")
    assert "adherents.csv" in run.stderr
    assert not (tmp_path / "out.csv").exists()


def test_resolve_command_reports_an_unwritable_output(tmp_path):
    run = subprocess.run([sys.executable, "-m", "geodata", "resolve", str(SAMPLE_PATH),
                          "-o", str(tmp_path / "missing" / "out.csv")],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 1
    assert "Erreur : impossible d'écrire" in run.stderr


def test_join_gives_geometry_per_level_and_regions_include_their_communes():
    resolved = sample_members()
    by_level = members_by_level(resolved)
    assert len(by_level["commune"]) == 9
    assert by_level["region"].geometry.notna().all()
    assert by_level["departement"].geometry.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    assert by_level["ept"].geometry.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    assert len(by_level["ept"]) == 2 and by_level[OTHER_LEVEL].empty
    hdf = in_region(mapped_members(resolved), "32")
    assert set(hdf[S.NAME]) == {"Lille", "Pas-de-Calais"}
    idf = in_region(mapped_members(resolved), "11")
    assert {"Nanterre", "Est Ensemble"} <= set(idf[S.NAME].str.replace("EPT ", ""))
