"""The one place of each fact: kind records, vintages, the member table's columns, the
reference geography's memory, structured candidates."""

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from dashboard import basemap
from dashboard.table import MEMBER_COLUMNS, grid_columns, grid_rows, member_frame, pdf_table
from geodata import get_reference, load_layer
from geodata import schema as S
from geodata.kinds import (
    EPCI_KINDS,
    KIND_RECORDS,
    KINDS,
    SEATED_KINDS,
    kind,
    kind_of_unit,
)
from geodata.levels import EPCI, LEVELS
from geodata.names import kind_from_words, split_prefix
from geodata.resolve import gazetteer

ROOT = Path(__file__).resolve().parents[1]


# -- kinds ----------------------------------------------------------------------------------------

def test_each_kind_is_recognised_by_its_own_words_and_prefixes():
    for record in KIND_RECORDS:
        assert kind_from_words(record.id) == record.id
        assert kind_from_words(record.label) == record.id
        for word in record.words:
            assert kind_from_words(word) == record.id, word
        for prefix in record.prefixes:
            assert split_prefix(f"{prefix} de Quelquepart") == (record.id, "quelquepart"), prefix


def test_every_unit_of_the_reference_has_a_kind():
    for level in LEVELS:
        codes = get_reference().table(level)
        kinds = {kind_of_unit(level, value) for value in
                 (codes["kind"].unique() if level == EPCI else [None])}
        assert kinds <= set(KINDS), level
    assert set(load_layer(EPCI)["kind"]) == set(EPCI_KINDS)


def test_kind_records_are_complete_and_distinct():
    assert len(set(KINDS)) == len(KINDS) == len(KIND_RECORDS)
    assert len({record.color for record in KIND_RECORDS}) == len(KIND_RECORDS)
    for record in KIND_RECORDS:
        assert record.char and record.label and record.plural
        assert record.is_area == (record.size == 0)
    assert SEATED_KINDS == ("autre",)
    with pytest.raises(ValueError, match="allowed"):
        kind("chateau")


# -- vintages -------------------------------------------------------------------------------------

def test_info_names_the_vintage_in_use():
    run = subprocess.run([sys.executable, "-m", "geodata", "info"], capture_output=True,
                         text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    vintage = get_reference().vintage
    assert f'"cog": "{vintage.cog}"' in run.stdout
    assert vintage.attribution in run.stdout


def test_an_unknown_vintage_is_refused_in_french():
    run = subprocess.run([sys.executable, "-m", "geodata", "info"], capture_output=True,
                         text=True, cwd=ROOT, env={"GEODATA_VINTAGE": "1999", "PATH": ""})
    assert run.returncode != 0
    assert "Millésime géographique « 1999 » inconnu" in run.stderr


# -- the member table -----------------------------------------------------------------------------

def test_grid_downloads_and_pdf_share_one_column_specification(sample):
    shown = sample.head(5)
    grid_headers = [c["headerName"] for c in grid_columns(shown)][1:]   # after the symbol
    file_headers = list(member_frame(shown, "files").columns)
    pdf_headers = list(pdf_table(shown)[0])
    extras = ["source", "preuve", "date de la preuve"]
    assert file_headers == [c.header for c in MEMBER_COLUMNS] + extras
    assert grid_headers == [c.header for c in MEMBER_COLUMNS if c.in_grid] + extras
    # The PDF list too has the person's own columns (cut to a line: see test_export).
    assert pdf_headers == [c.header for c in MEMBER_COLUMNS if c.in_pdf] + extras
    # Every output keeps the schema's order of columns.
    order = [c.header for c in MEMBER_COLUMNS]
    for headers in (grid_headers, pdf_headers):
        known = [h for h in headers if h in order]
        assert known == sorted(known, key=order.index)


def test_population_reads_the_same_in_the_grid_and_the_pdf(sample):
    lille = sample[sample[S.CODE] == "59350"]
    [row] = grid_rows(lille)
    assert re.fullmatch(r"\d{3}\u00a0\d{3}", row["population_texte"])
    assert row["population"] == int(lille[S.POPULATION].iloc[0])
    file = member_frame(lille, "files")
    assert file["Population"].iloc[0] == row["population"]   # a number in the downloads


# -- memory of the reference geography ------------------------------------------------------------

def test_clear_forgets_everything_derived_from_the_layers():
    scene, gaz = basemap.region_scene("32"), gazetteer()
    assert basemap.region_scene("32") is scene and gazetteer() is gaz    # memoized
    get_reference().clear()
    assert basemap.region_scene("32") is not scene
    assert gazetteer() is not gaz


# -- candidates -----------------------------------------------------------------------------------

def test_candidates_stay_structured_whatever_their_names(sample):
    candidate = S.candidate_record("commune", "93066", "Saint-Denis | (ancien)", "commune", "93")
    frame = sample.head(1).assign(**{S.CANDIDATES: [[candidate]]})
    back = S.from_rows(S.to_rows(frame), list(frame.columns))
    assert back[S.CANDIDATES].iloc[0] == [candidate]
    assert S.flat(back)[S.CANDIDATES].iloc[0] == (
        "Saint-Denis | (ancien) (commune, 93 ; code 93066)")


def test_schema_gives_every_column_its_type():
    frame = S.conform(pd.DataFrame({S.ROW: ["3"], S.POPULATION: [1200.0], S.LON: ["2.5"]}))
    assert list(frame.columns) == S.RESOLVED_COLUMNS
    assert frame[S.ROW].dtype == "int64" and frame[S.POPULATION].dtype == "Int64"
    assert frame[S.LON].dtype == "float64" and frame[S.CANDIDATES].iloc[0] == []
    assert frame[S.CODE].iloc[0] == ""


def test_views_from_browser_sizes_are_kept_in_a_bounded_cache():
    """A map's proportions come from each browser: the views kept must not grow without end."""
    first = basemap.region_scene("32", aspect=1.0)
    for step in range(basemap.SCENES_KEPT + 5):
        basemap.region_scene("32", aspect=1.2 + step * 0.01)
    assert basemap.region_scene("32", aspect=1.2) is basemap.region_scene("32", aspect=1.2)
    assert basemap.region_scene("32", aspect=1.0) is not first          # the oldest went
    kept = get_reference().memo(("dashboard.basemap", "_region_scene", "lru"), dict)
    assert len(kept) <= basemap.SCENES_KEPT


def test_a_column_of_the_list_named_like_ours_keeps_its_values_in_the_pdf(sample):
    shown = sample.head(3).drop(columns=S.extra_keys(sample))
    shown[S.extra_key("Collectivité")] = ["Mairie A", "Mairie B", "Mairie C"]
    texts, widths = pdf_table(shown)
    assert texts["Collectivité"] == [str(name) for name in shown[S.NAME]]
    assert texts["Collectivité (liste)"] == ["Mairie A", "Mairie B", "Mairie C"]
    assert len(widths) == len(texts)
