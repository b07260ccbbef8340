"""The dashboard's callback logic, called directly (no browser)."""

import base64
import io

import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest
from dash import no_update
from members import report_rows

from dashboard import ids
from dashboard.callbacks import exports, filters, map_view, upload
from dashboard.figures import map_figure
from dashboard.member_store import filename_of, from_store, source_of, to_store
from dashboard.report import upload_report
from dashboard.selection import select
from dashboard.state import FilterState, from_query_string, to_query_string
from dashboard.table import grid_rows
from dashboard.views import detail_card, header_counts
from geodata import schema as S
from geodata.kinds import KINDS


def upload_of(content: bytes, name: str = "adherents.csv") -> str:
    return "data:text/csv;base64," + base64.b64encode(content).decode()


# ---------------------------------------------------------------- URL and filters

def test_shared_link_sets_the_filters():
    url, region, kinds, dep, query, options = filters.sync_filters(
        None, "?region=32&types=commune,metropole&q=lille", "", list(KINDS), None, "")
    assert url is no_update
    assert (region, kinds, dep, query) == ("32", ["metropole", "commune"], None, "lille")
    assert {o["value"] for o in options} == {"02", "59", "60", "62", "80"}


def test_changing_a_filter_writes_the_url():
    url, *rest = filters.sync_filters(ids.REGION, "", "32", ["commune"], None, "lille")
    assert url == "?region=32&types=commune&q=lille"
    assert rest[0] is no_update


def test_default_view_has_a_clean_url():
    url, *_ = filters.sync_filters(ids.SEARCH, "?q=x", "", list(KINDS), None, "")
    assert url == ""


def test_back_button_restores_the_previous_filters():
    _, region, kinds, _, query, _ = filters.sync_filters(ids.URL, "?region=84", "32", [], None, "x")
    assert (region, kinds, query) == ("84", list(KINDS), "")


def test_region_change_drops_a_departement_of_another_region():
    url, _, _, dep, _, _ = filters.sync_filters(ids.REGION, "?region=32&departement=59", "84",
                                           list(KINDS), "59", "")
    assert dep is None
    assert url == "?region=84"


def test_choosing_france_entiere_drops_the_departement():
    url, _, _, dep, _, _ = filters.sync_filters(ids.REGION, "?region=32&departement=59", "",
                                                list(KINDS), "59", "")
    assert dep is None and url == ""


def test_a_departement_of_another_region_is_no_filter(sample):
    """A forged or stale pair (Hauts-de-France with the Bouches-du-Rhône) draws the région."""
    state = filters.state_of("32", list(KINDS), "13", "")
    assert (state.region, state.departement) == ("32", None)
    figure = map_view.map_figure(sample, state)
    assert "Hauts-de-France" in figure["layout"]["title"]["text"]


def test_reset_clears_everything():
    url, region, kinds, dep, query, _ = filters.sync_filters(
        ids.RESET, "?region=32", "32", [], "59", "x")
    assert (url, region, kinds, dep, query) == ("", "", list(KINDS), None, "")


def test_unknown_values_in_a_link_are_ignored():
    state = from_query_string("?region=99&types=commune,bogus&departement=XX&q=" + "a" * 500,
                              {"32"}, {"59"})
    assert state.region is None and state.departement is None
    assert state.kinds == ("commune",)
    assert len(state.query) == 100


def test_url_round_trip():
    state = FilterState("32", ("metropole", "commune"), "59", "saint denis")
    assert from_query_string(to_query_string(state), {"32"}, {"59"}) == state


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


def test_headers_table_and_map_agree(sample):
    state = FilterState(region="84")
    chosen = select(sample, state)
    rows = grid_rows(chosen)
    badges = header_counts(chosen)
    figure = go.Figure(map_figure(sample, state))
    legend_total = sum(int(t.name.rsplit("(", 1)[1].rstrip(")")) for t in figure.data
                       if t.showlegend and t.name and t.name.endswith(")"))
    assert len(rows) == len(chosen) == legend_total
    assert badges[0].children == f"{len(chosen)} adhérents"


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


def test_clicked_row_reads_customdata():
    assert map_view.clicked_row({"points": [{"customdata": 7}]}) == 7
    assert map_view.clicked_row({"points": [{"customdata": ["12"]}]}) == 12
    assert map_view.clicked_row({"points": [{"lon": 2}]}) is None
    assert map_view.clicked_row(None) is None


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


def test_the_map_is_told_in_words(sample):
    from dashboard.views import map_description
    state = FilterState(region="32")
    text = map_description(select(sample, state), state)
    assert text.startswith("Carte des collectivités adhérentes en région Hauts-de-France : ")
    assert "1 département et 1 commune" in text
    nothing = FilterState(query="zzz")
    assert map_description(select(sample, nothing), nothing).endswith(
        "(recherche « zzz ») : aucune collectivité adhérente dans cette sélection.")
