"""Correcting a list: any collectivité found by name or code, a row's decision, the corrections
kept and re-applied (in the app and on the command line), the report that says what is left,
LibreOffice lists, and the resolved list as a person reads it."""

import base64
import csv
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from members import report_rows
from spreadsheets import ods_bytes

from dashboard.callbacks import upload
from dashboard.member_store import corrections_in, from_store, source_of
from dashboard.report import IGNORE, count_line, fix_options, show_all_options, upload_report
from geodata import schema as S
from geodata.corrections import (
    Correction,
    apply_corrections,
    correction_of,
    corrections_frame,
    from_json,
    is_corrections_table,
    merged,
    read_corrections,
)
from geodata.members import resolve_members
from geodata.reading import MemberFileError, TooBigError, read_members
from geodata.report import report_frame
from geodata.resolve import choose, ignore, resolve_rows
from geodata.safe_tables import csv_bytes
from geodata.search import search_units

ROOT = Path(__file__).resolve().parents[1]
MESSY = Path(__file__).parent / "data" / "liste_a_corriger.csv"
DECISIONS = {6: "commune:93066", 13: "commune:93048", 16: "commune:75056",
             32: "commune:38185", 34: "epci:247400724", 43: IGNORE}


def as_upload(raw: bytes, filename: str) -> dict:
    return {"contents": "data:;base64," + base64.b64encode(raw).decode(), "filename": filename}


@pytest.fixture(scope="module")
def messy() -> pd.DataFrame:
    return resolve_members(MESSY)


# -- finding any collectivité ----------------------------------------------------------------

@pytest.mark.parametrize("typed, code", [
    ("Pays Rochois", "247400724"),   # words of the name, in any order
    ("rochois pays", "247400724"),
    ("75056", "75056"),              # an INSEE code
    ("1001", "01001"),               # its leading zero eaten by a spreadsheet
    ("200093201", "200093201"),      # a SIREN
    ("200 093 201 00011", "200093201"),   # a SIRET, as printed
    ("CD 62", "62"),                 # what the resolver knows: "CD 62", acronyms, usual names
    ("CAPI", "243800604"),
    ("MEL", "200093201"),
    ("Grenobel", "38185"),           # a typo
    ("Hauts-de-France", "32"),
    ("CC du Briançonnais", "240500439"),   # a kind's abbreviation, then words of the name
    ("2A", "2A"),                          # a département's code
])
def test_any_collectivite_is_found_by_name_or_code(typed, code):
    found = search_units(typed)
    assert found and found[0]["code"] == code, [c["name"] for c in found]


def test_a_search_shows_kind_departement_and_code_and_puts_big_places_first():
    found = search_units("Saint-Denis")
    assert len(found) <= 12
    labels = [S.candidate_label(c) for c in found]
    assert "Saint-Denis (commune, 93 ; code 93066)" in labels[:4]
    assert "Saint-Denis (commune, 974 ; code 97411)" in labels[:4]
    assert search_units("zzzqqq") == [] and search_units("   ") == []


# -- a row's decision --------------------------------------------------------------------------

def test_a_person_places_ignores_and_changes_their_mind(messy):
    fixed = choose(messy, 6, "commune", "93066")
    row = fixed[fixed[S.ROW] == 6].iloc[0]
    assert (row[S.STATUS], row[S.RULE], row[S.NAME]) == (S.MATCHED, "choice", "Saint-Denis")
    assert len(row[S.CANDIDATES]) == 4   # kept, to change one's mind
    fixed = ignore(fixed, 6)
    row = fixed[fixed[S.ROW] == 6].iloc[0]
    assert (row[S.STATUS], row[S.CODE], row[S.RULE]) == (S.IGNORED, "", "choice")
    assert not S.needs_person(fixed[fixed[S.ROW] == 6]).iloc[0]


def test_each_unit_is_drawn_once_whichever_row_a_person_moves(messy):
    lille_rows = messy[messy[S.CODE] == "59350"][S.ROW].tolist()
    assert lille_rows == [3]
    # Row 4 (Roubaix) chosen as Lille: a duplicate of row 3 ...
    fixed = choose(messy, 4, "commune", "59350")
    assert fixed.set_index(S.ROW).loc[4, S.STATUS] == S.DUPLICATE
    # ... and row 3 moved elsewhere: row 4 is now the one drawn.
    fixed = choose(fixed, 3, "commune", "59512")
    assert fixed.set_index(S.ROW).loc[4, S.STATUS] == S.MATCHED


def test_the_app_applies_a_decision_at_once_and_keeps_it_as_a_correction(messy):
    data = upload.read_upload(as_upload(MESSY.read_bytes(), MESSY.name)["contents"],
                              MESSY.name)[0]
    corrections = None
    for row, value in DECISIONS.items():
        data, corrections = upload.decide_rows(data, corrections, {row: value})
    resolved = from_store(data)
    assert not S.needs_person(resolved).any()
    assert resolved[S.STATUS].isin(S.MAPPED_STATUSES).sum() == 39
    kept = corrections_in(corrections)
    assert {(c.name, c.level, c.code) for c in kept} == {
        ("Saint-Denis", "commune", "93066"), ("Montreuil", "commune", "93048"),
        ("Ville de Paris 20e", "commune", "75056"), ("Grenobel", "commune", "38185"),
        ("Cté de Cnes du Pays Rochois", "epci", "247400724"),
        ("TOTAL : 39 adhérents", "", "")}
    # The same decision again, a row that does not exist, a unit that does not exist: nothing.
    assert upload.decide_rows(data, corrections, {6: "commune:93066"}) is None
    assert upload.decide_rows(data, corrections, {999: "commune:93066"}) is None
    assert upload.decide_rows(data, corrections, {6: "commune:99999"}) is None
    assert upload.decide_rows(data, corrections, {6: "<script>"}) is None


def test_two_choices_made_before_the_first_answer_are_both_kept():
    # The second request carries the list as it was before the first choice, and both menus.
    data = upload.read_upload(as_upload(MESSY.read_bytes(), MESSY.name)["contents"],
                              MESSY.name)[0]
    stale, corrections = data, None
    data, corrections = upload.decide_rows(stale, corrections, {16: "commune:75056"})
    data, corrections = upload.decide_rows(stale, corrections,
                                           {16: "commune:75056", 43: IGNORE})
    rows = from_store(data).set_index(S.ROW)
    assert (rows.loc[16, S.CODE], rows.loc[43, S.STATUS]) == ("75056", S.IGNORED)
    assert len(corrections_in(corrections)) == 2


def test_a_rows_menu_offers_its_candidates_then_what_is_typed(messy):
    saint_denis = messy[messy[S.ROW] == 6].iloc[0].to_dict()
    first = fix_options(saint_denis)
    values = [o["value"] for o in first]
    assert "commune:93066" in values and values[-1] == IGNORE
    grenobel = messy[messy[S.ROW] == 32].iloc[0].to_dict()
    assert fix_options(grenobel)[0]["value"] == "commune:38185"   # to confirm it
    options = upload.search_options("CD 62", None, first, first)
    found = [o["value"] for o in options]
    assert found[0] == "departement:62" and options[0]["search"] == "CD 62"
    # The menu filters options on what is typed: those found carry it; the row's candidates
    # stay, shown when what is typed is in their label; "ignore" is always last.
    assert set(values) <= set(found) and found[-1] == IGNORE
    # With nothing typed any more, the menu is what the row offered first, and the choice
    # made (the menu empties its search when a choice is made: it must not lose it).
    assert upload.search_options("", None, options, first) == first
    again = upload.search_options("", "departement:62", options, first)
    assert again[0]["value"] == "departement:62" and again[1:] == first


# -- the report --------------------------------------------------------------------------------

def test_the_report_is_one_line_of_counts_and_the_rows_to_fix(messy):
    # Every row to handle is counted: 1 placed with a doubt + 2 + 3 = the 6 to handle.
    assert count_line(messy) == "35 placées (dont 1 à confirmer), 2 à vérifier, 3 non reconnues"
    report = upload_report(messy, source_of(upload.read_upload(
        as_upload(MESSY.read_bytes(), MESSY.name)["contents"], MESSY.name)[0]))
    assert "6 à traiter" in str(report)
    assert report_rows(report) == dict.fromkeys(DECISIONS, "to-fix")   # Lille (3) is sure
    every = report_rows(upload_report(messy, source_of(upload.read_upload(
        as_upload(MESSY.read_bytes(), MESSY.name)["contents"], MESSY.name)[0]), show_all=True))
    assert every[3] == "sure" and len(every) == 40   # any row can be corrected, on request
    assert "Montrer aussi les 34 autres lignes" in show_all_options(messy)[0]["label"]
    fixed = ignore(messy, 43)
    assert count_line(fixed) == ("35 placées (dont 1 à confirmer), 2 à vérifier, "
                                 "2 non reconnues, 1 ignorée")


# -- the corrections file ----------------------------------------------------------------------

def corrections_file(tmp_path, corrections) -> Path:
    path = tmp_path / "corrections-adherents.csv"
    path.write_bytes(csv_bytes(corrections_frame(corrections)))
    return path


ALL_SIX = [Correction("Saint-Denis", "commune", "93066"),
           Correction("Montreuil", "commune", "93048"),
           Correction("Ville de Paris 20e", "commune", "75056"),
           Correction("Grenobel", "commune", "38185"),
           Correction("Cté de Cnes du Pays Rochois", "epci", "247400724"),
           Correction("TOTAL : 39 adhérents")]


def test_a_corrections_file_fixes_next_years_list(messy, tmp_path):
    path = corrections_file(tmp_path, ALL_SIX)
    table = read_members(path)
    assert is_corrections_table(table) and not is_corrections_table(read_members(MESSY))
    found, notes = read_corrections(table)
    assert found == ALL_SIX and notes == []
    # Next year's list writes the names with other cases and accents.
    next_year = messy.assign(**{S.INPUT_NAME: messy[S.INPUT_NAME].replace(
        {"Saint-Denis": "SAINT DENIS", "Grenobel": "grenobel"})})
    fixed, count = apply_corrections(next_year, found)
    assert count == 6 and not S.needs_person(fixed).any()
    assert fixed.set_index(S.ROW).loc[6, S.RULE] == "correction"
    assert "D'après vos corrections" in fixed.set_index(S.ROW).loc[6, S.MESSAGE]


def test_a_corrections_file_resaved_by_a_spreadsheet_still_reads(tmp_path):
    # Excel drops the leading zero of a commune code and writes ',' in another locale.
    path = tmp_path / "corrections.csv"
    path.write_text("Nom dans la liste,Correction,Niveau,Code officiel\n"
                    "Mairie de l'Abergement,placer,commune,1001\n"
                    "Ligne de test,Ignorer,,\n"
                    "Inconnue,placer,commune,99999\n"
                    "CD de l'Ain,placer,département,1\n"
                    "Conseil régional,placer,région,1\n"
                    "Ajaccio,placer,,20004\n", encoding="cp1252")
    found, notes = read_corrections(read_members(path))
    assert found == [Correction("Mairie de l'Abergement", "commune", "01001"),
                     Correction("Ligne de test"), Correction("CD de l'Ain", "departement", "01"),
                     Correction("Conseil régional", "region", "01"),
                     Correction("Ajaccio", "commune", "2A004")]
    assert len(notes) == 1 and "ligne 4" in notes[0] and "99999" in notes[0]


def test_a_corrections_file_sent_with_the_list_fixes_it_in_the_app(tmp_path):
    path = corrections_file(tmp_path, ALL_SIX)
    sent = upload.read_uploads([as_upload(MESSY.read_bytes(), MESSY.name),
                                as_upload(path.read_bytes(), path.name)])
    resolved = from_store(sent.members)
    assert not S.needs_person(resolved).any()
    assert "6 corrigées d'après vos corrections" in sent.message
    assert len(corrections_in(sent.corrections)) == 6
    # Alone, it is kept, to be applied to the list shown.
    alone = upload.read_uploads([as_upload(path.read_bytes(), path.name)])
    assert alone.reapply and alone.members is None and "6 corrections lues" in alone.message


def test_forged_corrections_in_the_store_are_left_out():
    assert from_json([["A", "commune", "99999", ""], ["B", "pays", "1", ""], "x",
                      ["C", "", "", ""], ["D", "commune", "59350", "commune:00000"],
                      ["E", "commune", "59350"]]) == [Correction("C"),
                                                     Correction("D", "commune", "59350")]
    assert corrections_in({"version": 99, "corrections": [["C", "", "", ""]]}) == []


def one_row_list(name: str, departement: str = "", region: str = "", kind: str = "",
                 code: str = "") -> pd.DataFrame:
    rows = pd.DataFrame([{"row": 2, "input_name": name, "kind_hint": kind, "code": code,
                          "departement_hint": departement, "region_hint": region, "lon": "",
                          "lat": "", "seat_code": ""}])
    return resolve_rows(rows)


@pytest.mark.parametrize("said", [{"region": "Occitanie"}, {"kind": "CA"},
                                  {"code": "97411"}, {"departement": "974"}])
def test_a_correction_never_places_a_row_where_the_row_says_it_is_not(said):
    # "Saint-Denis -> 93066" was right for last year's row, which said nothing else.
    left, count = apply_corrections(one_row_list("Saint-Denis", **said),
                                    [Correction("Saint-Denis", "commune", "93066")])
    row = left.iloc[0]
    assert count == 0 and row[S.CODE] != "93066" and S.needs_person(left).iloc[0]
    assert "93066" in [c["code"] for c in row[S.CANDIDATES]]   # offered, not imposed
    assert "Vos corrections placent « Saint-Denis » sur Saint-Denis (commune, 93" in row[S.MESSAGE]


def test_a_name_of_punctuation_alone_gets_no_correction():
    assert merged([Correction("?"), Correction("-", "commune", "59350")]) == []
    rows = pd.concat([one_row_list("?"), one_row_list("-", code="59350").assign(row=3)])
    fixed, count = apply_corrections(rows, [Correction("?")])
    assert count == 0 and fixed[S.STATUS].tolist() == rows[S.STATUS].tolist()


def test_a_duplicate_that_becomes_the_member_gets_its_remark_back():
    rows = resolve_rows(pd.DataFrame({"row": [2, 3], "input_name": ["Grenoble", "Grenobel"]}))
    assert rows[S.STATUS].tolist() == [S.MATCHED, S.DUPLICATE]
    after = ignore(rows, 2).set_index(S.ROW)
    assert after.loc[3, S.STATUS] == S.MATCHED
    assert "ressemblance" in after.loc[3, S.MESSAGE]   # still to be checked by a person
    assert S.needs_person(after.reset_index()).tolist() == [False, True]


def test_a_list_with_a_column_of_notes_called_correction_stays_a_list(tmp_path):
    path = tmp_path / "liste.csv"
    path.write_text("Nom;Code INSEE;Correction\nLille;59350;nom corrigé en 2024\n"
                    "Roubaix;59512;\n", encoding="utf-8")
    assert not is_corrections_table(read_members(path))


def test_a_correction_of_a_homonym_is_not_forced_on_a_row_that_says_otherwise():
    saint_denis = [Correction("Saint-Denis", "commune", "93066")]   # it was ambiguous
    fixed, _ = apply_corrections(one_row_list("Saint-Denis"), saint_denis)
    assert fixed[S.CODE].iloc[0] == "93066"
    # Next year the row says 974: the resolver places it there without a doubt.
    left, count = apply_corrections(one_row_list("Saint-Denis", "974"), saint_denis)
    row = left.iloc[0]
    assert count == 0 and row[S.STATUS] == S.AMBIGUOUS and row[S.CODE] == ""
    assert [c["code"] for c in row[S.CANDIDATES]] == ["97411", "93066"]
    assert "Vos corrections placent « Saint-Denis » sur Saint-Denis (commune, 93" in row[S.MESSAGE]
    assert S.needs_person(left).iloc[0]


def test_a_correction_of_a_sure_but_wrong_match_is_reapplied_while_the_match_is_the_same():
    # "Val de Drôme" is, word for word, a commune of Calvados; the network means the CC.
    listed = one_row_list("Val de Drôme")
    assert listed[S.CODE].iloc[0] == "14672" and not S.needs_person(listed).iloc[0]
    decided = choose(listed, 2, "epci", "242600252")
    correction = correction_of(listed, decided, 2, [])
    assert correction.replaces == "commune:14672"
    # Through the corrections file and back, then on next year's list: no fix to redo.
    table = read_members(csv_bytes(corrections_frame([correction])), filename="c.csv")
    found, _ = read_corrections(table)
    assert found == [correction]
    fixed, _ = apply_corrections(one_row_list("Val de Drôme"), found)
    assert fixed[S.CODE].iloc[0] == "242600252" and not S.needs_person(fixed).iloc[0]


def test_the_command_line_applies_a_corrections_file(tmp_path):
    path = corrections_file(tmp_path, ALL_SIX)
    out = tmp_path / "resultat.csv"
    run = subprocess.run([sys.executable, "-m", "geodata", "resolve", str(MESSY), "-o", str(out),
                          "--corrections", str(path)], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert "corrigées d'après « corrections-adherents.csv » : 6" in run.stdout
    assert "à traiter par une personne : 0" in run.stdout
    with out.open(encoding="utf-8-sig") as f:
        rows = {int(r["Ligne"]): r for r in csv.DictReader(f, delimiter=";")}
    assert rows[43]["Décision"] == "Ignorée" and rows[6]["Décision"] == "Corrigée"
    assert rows[6]["Raison"].startswith("Correction enregistrée. D'après vos corrections")
    # Not a corrections file: said, nothing written.
    run = subprocess.run([sys.executable, "-m", "geodata", "resolve", str(MESSY), "-o",
                          str(tmp_path / "x.csv"), "--corrections", str(MESSY)],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 1 and "n'est pas un fichier de corrections" in run.stderr


# -- the resolved list as a person reads it -----------------------------------------------------

def test_the_resolved_list_names_kinds_departements_and_regions_beside_their_codes(messy):
    report = report_frame(messy).set_index("Ligne")
    assert list(report.columns[:14]) == [
        "Nom dans la liste", "Décision", "Raison", "Nom officiel", "Type", "Code officiel",
        "Département", "Code département", "Région", "Code région", "Population", "Score",
        "Candidats", "Longitude"]
    lens = report.loc[41]   # Communauté d'agglo Lens-Liévin
    assert (lens["Type"], lens["Département"], lens["Code département"], lens["Région"],
            lens["Code région"]) == ("Communauté d'agglomération", "Pas-de-Calais", "62",
                                     "Hauts-de-France", "32")
    assert report.loc[6, "Décision"] == "Ambiguë" and "Saint-Denis" in report.loc[6, "Raison"]
    assert report.loc[3, "Raison"] == "Nom officiel."
    assert list(report.columns[-2:]) == ["Année d'adhésion", "Élu référent"]


# -- LibreOffice lists --------------------------------------------------------------------------

def test_a_libreoffice_list_reads_like_an_excel_one():
    raw = ods_bytes({"Notes": [["Réunion du 3 mars"]],
                     "Adhérents": [[], ["", "Liste 2026"], [], [],
                                   ["", "", "Nom", "Code", "Adhésion"],
                                   ["", "", "Lille", 59350, 2012],
                                   ["", "", "Abergement", 1001.0, ""],
                                   ["", "", "Montreuil", "93048", 2015.5]]})
    table = read_members(raw, filename="adherents.ods")
    assert table.sheet == "Adhérents"
    assert table.rows[S.ROW].tolist() == [6, 7, 8]   # rows as LibreOffice numbers them
    assert table.rows[S.CODE].tolist() == ["59350", "1001", "93048"]
    assert table.extra("Adhésion").tolist() == ["2012", "", "2015.5"]
    resolved = resolve_members(raw, filename="adherents.ods")
    assert resolved[S.CODE].tolist() == ["59350", "01001", "93048"]


def test_a_hidden_libreoffice_sheet_is_read_after_the_visible_ones():
    raw = ods_bytes({"Archive": [["Nom"], ["Roubaix"]], "Adhérents": [["Nom"], ["Lille"]]},
                    hidden=("Archive",))
    table = read_members(raw, filename="a.ods")
    assert table.sheet == "Adhérents" and table.rows[S.INPUT_NAME].tolist() == ["Lille"]
    assert table.sheets == ["Adhérents", "Archive"]


def test_a_libreoffice_cell_reads_as_it_shows():
    rows = ('<table:table-row><table:table-cell office:value-type="string"><text:p>Nom'
            '</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>'
            'Type</text:p></table:table-cell></table:table-row>'
            # "Saint<3 spaces>Denis" and a département merged over two rows
            '<table:table-row><table:table-cell office:value-type="string"><text:p>Mairie de'
            '<text:s text:c="3"/>Roubaix</text:p></table:table-cell><table:table-cell '
            'table:number-rows-spanned="2" office:value-type="string"><text:p>commune</text:p>'
            '</table:table-cell></table:table-row>'
            '<table:table-row><table:table-cell office:value-type="float" office:value="59350"/>'
            "<table:covered-table-cell/></table:table-row>")
    table = read_members(ods_bytes({"A": rows}), filename="a.ods")
    assert table.rows[S.INPUT_NAME].tolist() == ["Mairie de   Roubaix", "59350"]
    assert table.rows["kind_hint"].tolist() == ["commune", "commune"]
    assert "cellules fusionnées" in table.notes[0]


def test_a_libreoffice_list_with_a_password_or_a_bomb_is_refused_in_french():
    with pytest.raises(MemberFileError, match="mot de passe.*LibreOffice"):
        read_members(ods_bytes({"A": [["Nom"], ["Lille"]]}, encrypted=True), filename="a.ods")
    name = ('<table:table-row><table:table-cell office:value-type="string"><text:p>Nom'
            "</text:p></table:table-cell></table:table-row>")
    value = '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'
    # A value a million rows down, after "this empty row, a million times".
    far = (name + '<table:table-row table:number-rows-repeated="1000000"><table:table-cell/>'
           "</table:table-row><table:table-row>" + value + "</table:table-row>")
    with pytest.raises(TooBigError, match="lignes"):
        read_members(ods_bytes({"A": far}), filename="far.ods")
    # One value repeated in 16,000 columns, or over 180,000 cells.
    wide = name + ('<table:table-row><table:table-cell table:number-columns-repeated="16000" '
                   'office:value-type="string"><text:p>x</text:p></table:table-cell>'
                   "</table:table-row>")
    with pytest.raises(TooBigError, match="16\u202f000 colonnes"):
        read_members(ods_bytes({"A": wide}), filename="wide.ods")
    many = name + ('<table:table-row table:number-rows-repeated="1500"><table:table-cell '
                   'table:number-columns-repeated="150" office:value-type="string"><text:p>x'
                   "</text:p></table:table-cell></table:table-row>")
    with pytest.raises(TooBigError, match="180\u202f000 cellules"):
        read_members(ods_bytes({"A": many}), filename="many.ods")
    # Sixty sheets just under the limits each: the limits are for the whole workbook.
    sheets = {f"S{i}": name + ('<table:table-row table:number-rows-repeated="9000">'
                               '<table:table-cell table:number-columns-repeated="19" '
                               'office:value-type="string"><text:p>x</text:p>'
                               "</table:table-cell></table:table-row>") for i in range(60)}
    with pytest.raises(TooBigError):
        read_members(ods_bytes(sheets), filename="sheets.ods", sheet="S59")
    # A cell of 300 million spaces.
    spaces = (name + '<table:table-row><table:table-cell office:value-type="string"><text:p>a'
              '<text:s text:c="300000000"/>b</text:p></table:table-cell></table:table-row>')
    with pytest.raises(TooBigError, match="caractères"):
        read_members(ods_bytes({"A": spaces}), filename="spaces.ods")


def test_a_table_inside_a_libreoffice_cell_is_not_read_as_rows():
    inner = ('<table:table-row><table:table-cell office:value-type="string"><text:p>Lille'
             '</text:p><table:table table:name="inner"><table:table-row '
             'table:number-rows-repeated="90000"><table:table-cell office:value-type="string">'
             "<text:p>x</text:p></table:table-cell></table:table-row></table:table>"
             "</table:table-cell></table:table-row>")
    rows = ('<table:table-row><table:table-cell office:value-type="string"><text:p>Nom'
            "</text:p></table:table-cell></table:table-row>") + inner
    table = read_members(ods_bytes({"A": rows}), filename="a.ods")
    assert table.rows[S.INPUT_NAME].tolist() == ["Lille"]


def test_other_files_are_named_with_the_formats_read():
    with pytest.raises(MemberFileError) as error:
        read_members(b"%PDF-1.4\n" + b"x" * 100, filename="liste.pdf")
    assert "document PDF" in str(error.value) and "LibreOffice (.ods)" in str(error.value)


def test_the_resolved_list_of_a_list_named_adherents_is_not_named_twice():
    from datetime import date

    from dashboard.labels import file_name
    day = date(2026, 11, 29)
    assert file_name(["adherents_2025", "rapproche"], "csv", day) == \
        "adherents-2025-rapproche-2026-11-29.csv"
    assert file_name(["Liste RTES", "rapproche"], "csv", day) == \
        "adherents-liste-rtes-rapproche-2026-11-29.csv"


def test_a_successor_chosen_for_a_row_holds_for_every_row_of_that_name():
    """Thionville Fensch Agglomération (2025) is now two EPCIs: placed on the larger, a person
    chooses the other; the list's other row of that name follows, now and when sent again."""
    raw = ("nom;code\nThionville Fensch Agglomération;992367730\nLille;59350\n"
           "Thionville Fensch Agglomération;\n").encode()
    data = upload.read_upload(as_upload(raw, "liste-2025.csv")["contents"], "liste-2025.csv")[0]
    rows = from_store(data).set_index(S.ROW)
    assert rows.loc[[2, 4], S.STATUS].tolist() == [S.MATCHED, S.DUPLICATE]
    assert rows.loc[2, S.CODE] == "245701362" and len(rows.loc[2, S.CANDIDATES]) == 2

    data, corrections = upload.decide_rows(data, None, {2: "epci:245701222"})
    rows = from_store(data).set_index(S.ROW)
    assert rows.loc[[2, 4], S.CODE].tolist() == ["245701222"] * 2
    assert rows.loc[[2, 4], S.STATUS].tolist() == [S.MATCHED, S.DUPLICATE]
    assert not S.needs_person(from_store(data)).any()

    again = upload.read_uploads([as_upload(raw, "liste-2025.csv")], corrections)
    rows = from_store(again.members).set_index(S.ROW)
    assert rows.loc[[2, 4], S.CODE].tolist() == ["245701222"] * 2
    assert rows.loc[[2, 4], S.STATUS].tolist() == [S.MATCHED, S.DUPLICATE]
    assert not S.needs_person(from_store(again.members)).any()


def test_the_choice_to_show_the_other_rows_counts_them_in_french():
    one = resolve_rows(pd.DataFrame([{"row": 2, "input_name": "Lille"},
                                     {"row": 3, "input_name": "Grenobel"}]))
    assert show_all_options(one)[0]["label"] == "Montrer aussi l'autre ligne (pour en corriger " \
                                                "une)"
