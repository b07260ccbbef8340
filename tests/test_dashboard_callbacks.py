"""The dashboard's callback logic, called directly (no browser)."""

import base64
import io

import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest
from members import report_rows

from dashboard import ids
from dashboard.callbacks import exports, filters, upload
from dashboard.figures import map_figure
from dashboard.member_store import filename_of, from_store, source_of, to_store
from dashboard.report import upload_report
from dashboard.selection import select
from dashboard.state import FilterState
from dashboard.table import grid_rows
from dashboard.views import detail_card
from geodata import schema as S
from geodata.kinds import KINDS


def upload_of(content: bytes, name: str = "adherents.csv") -> str:
    return "data:text/csv;base64," + base64.b64encode(content).decode()


# ---------------------------------------------------------------- filters on the server

def test_a_departement_of_another_region_is_no_filter(sample):
    """A forged or stale pair (Hauts-de-France with the Bouches-du-Rhône) draws the région."""
    state = filters.state_of("32", list(KINDS), "13", "")
    assert (state.region, state.departement) == ("32", None)
    figure = map_figure(sample, state)
    assert "Hauts-de-France" in figure["layout"]["title"]["text"]


# ---------------------------------------------------------------- selection

def test_region_filter_keeps_only_its_members(sample):
    chosen = select(sample, FilterState(region="32"))
    assert set(chosen[S.NAME]) == {"Lille", "Pas-de-Calais"}
    assert (chosen[S.REGION] == "32").all()


def test_kind_filter(sample):
    chosen = select(sample, FilterState(kinds=("commune",)))
    assert len(chosen) == 9 and set(chosen[S.KIND]) == {"commune"}
    assert select(sample, FilterState(kinds=())).empty


def test_departement_filter_keeps_the_region_around_it(sample):
    chosen = select(sample, FilterState(departement="35"))
    assert set(chosen[S.NAME]) == {"Ille-et-Vilaine", "Bretagne"}


def test_search_finds_lille_whatever_the_case_and_accents(sample):
    assert select(sample, FilterState(query="LILLE"))[S.NAME].tolist() == ["Lille"]
    assert "Grenoble" in select(sample, FilterState(query="grenoble"))[S.NAME].tolist()
    assert select(sample, FilterState(query="metropole")).shape[0] >= 8


def test_table_and_map_legend_agree(sample):
    state = FilterState(region="84")
    chosen = select(sample, state)
    rows = grid_rows(chosen)
    figure = go.Figure(map_figure(sample, state))
    legend_total = sum(int(t.name.rsplit("(", 1)[1].rstrip(")")) for t in figure.data
                       if t.showlegend and t.name and t.name.endswith(")"))
    assert len(rows) == len(chosen) == legend_total


def test_selected_member_gets_a_ring_on_the_map(sample):
    lille = int(sample[sample[S.CODE] == "59350"][S.ROW].iloc[0])
    figure = go.Figure(map_figure(sample, FilterState(region="32"), selected_row=lille))
    ring = [t for t in figure.data if t.name == "sélection"]
    assert len(ring) == 1 and abs(ring[0].lon[0] - 3.06) < 0.1


def test_detail_card_shows_parents_and_source_link(sample):
    lille = int(sample[sample[S.CODE] == "59350"][S.ROW].iloc[0])
    text = str(detail_card(sample, lille))
    assert "Métropole Européenne de Lille" in text
    assert "Nord" in text and "Hauts-de-France" in text
    assert "https://" in text and "href" in text


# ---------------------------------------------------------------- uploads

def test_upload_replaces_the_list_and_reports_each_row():
    content = ("nom;département;élu référent\nVille de Lille;;Mme A\nSt-Denis;;M. B\n"
               "CRESS Hauts-de-France;;\nGrenobel;;\n").encode("cp1252")
    data, message = upload.read_upload(upload_of(content), "mes adhérents.csv")
    assert filename_of(data) == "mes adhérents.csv"
    assert "4 lignes lues, 2 placées" in message
    members = from_store(data)
    assert members[S.STATUS].tolist() == [S.MATCHED, S.AMBIGUOUS, S.UNMATCHED, S.MATCHED]
    assert members[S.extra_key("élu référent")].tolist()[0] == "Mme A"
    report = upload_report(members, source_of(data))
    # St-Denis, CRESS and the fuzzy Grenobel are to fix; Lille is listed only on request.
    assert report_rows(report) == {3: "to-fix", 4: "to-fix", 5: "to-fix"}
    assert report_rows(upload_report(members, source_of(data), show_all=True))[2] == "sure"
    assert "93066" in str(report) and "ressemblance" in str(report)
    assert "3 à traiter" in str(report)


@pytest.mark.parametrize("content, name, expected", [
    (b"", "vide.csv", "est vide"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "logo.csv", "n'est pas un tableau"),
    (b"ville;annee\nLille;2001\n", "x.csv", "n'a pas de colonne de nom"),
    (b"nom\n" + b"Lille\n" * (1_100_000), "gros.csv", "trop volumineux"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "vieux.xls", "97-2003"),
])
def test_bad_upload_keeps_the_previous_list_with_a_french_message(content, name, expected):
    data, message = upload.read_upload(upload_of(content), name)
    assert data is None
    assert expected in message and name in message
    assert "La liste affichée n'a pas changé" in message


def test_choosing_a_candidate_resolves_the_row():
    data, _ = upload.read_upload(upload_of(b"nom\nSt-Denis\n"), "a.csv")
    updated, _ = upload.decide_rows(data, None, {2: "commune:97411"})
    member = from_store(updated).iloc[0]
    assert (member[S.STATUS], member[S.CODE], member[S.REGION]) == (S.MATCHED, "97411", "04")


def test_store_round_trip_keeps_types(sample):
    back = from_store(to_store(sample, "x.csv"))
    pd.testing.assert_frame_equal(back.reset_index(drop=True), sample.reset_index(drop=True),
                                  check_dtype=False)


# ---------------------------------------------------------------- downloads

def test_csv_download_defuses_formulas(sample):
    hostile = sample.copy()
    hostile[S.extra_key("notes")] = "=HYPERLINK(\"http://evil\")"
    hostile.loc[hostile.index[0], S.NAME] = "+cmd|' /C calc'!A0"
    payload = exports.download(ids.DOWNLOAD_CSV, hostile, FilterState(), None)
    text = base64.b64decode(payload["content"]).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+cmd" in text
    assert "\n=" not in text and ";=" not in text
    assert payload["filename"].startswith("adherents-") and payload["filename"].endswith(".csv")


def test_excel_download_of_a_region(sample):
    payload = exports.download(ids.DOWNLOAD_XLSX, sample, FilterState(region="32"), None)
    assert payload["filename"].startswith("adherents-hauts-de-france-")
    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(payload["content"])))
    rows = list(book.active.values)
    assert rows[0][:3] == ("Collectivité", "Type", "Code officiel")
    assert {r[0] for r in rows[1:]} == {"Lille", "Pas-de-Calais"}


def test_resolved_list_download_has_every_row():
    data, _ = upload.read_upload(upload_of(b"nom\nMEL\nBruxelles\n"), "liste.csv")
    payload = exports.download(ids.DOWNLOAD_RESOLVED, from_store(data), FilterState(), data)
    text = base64.b64decode(payload["content"]).decode("utf-8-sig")
    assert payload["filename"].startswith("adherents-liste-rapproche-")
    assert "Reconnue" in text and "Non reconnue" in text and "Bruxelles" in text


