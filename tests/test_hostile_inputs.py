"""Hostile and clumsy member lists: every one gets a clear French message or a correct result,
in bounded time and memory, and nothing the person gave is lost without a word.

Each file is written by the test itself (the corpus of the issue on hostile inputs); the
numbers in the test names refer to its items.
"""

import base64
import io
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook
from openpyxl.styles import Font

from app import MAX_REQUEST_BYTES
from dashboard.callbacks import upload
from dashboard.member_store import from_store, source_of, store_bytes
from dashboard.report import upload_report
from dashboard.table import member_frame
from dashboard.views import detail_card
from geodata import COMMUNE, get_reference, reading
from geodata import schema as S
from geodata.reading import MAX_ROWS, MemberFileError, TooBigError, read_members
from geodata.report import report_frame
from geodata.resolve import resolve_rows

ROOT = Path(__file__).resolve().parent.parent
# Column names of the resolved schema that are no header we read, as a list may have them
# ("input_name" is one, but the first name column wins).
OUR_NAMES = ["population", "status", "score", "level", "message", "official_name",
             "candidates", "rule", "row", "input_name", "extra:x"]


def upload_of(content: bytes) -> str:
    return "data:text/csv;base64," + base64.b64encode(content).decode()


def xlsx_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def shown_text(component) -> str:
    """All the text a Dash component shows, in order."""
    if isinstance(component, str | int | float):
        return str(component)
    children = getattr(component, "children", component)
    if isinstance(children, list | tuple):
        return " ".join(shown_text(child) for child in children)
    return "" if children is None or children is component else shown_text(children)


def member_rows(names: list[str]) -> pd.DataFrame:
    """Rows as the reader gives them, for resolve_rows."""
    return pd.DataFrame({"row": range(2, len(names) + 2), "input_name": names, "kind_hint": "",
                         "code": "", "departement_hint": "", "region_hint": "", "lon": "",
                         "lat": "", "seat_code": ""})


# ---------------------------------------------------------------- 1. the list's own columns

def test_1_a_list_may_have_columns_named_like_ours():
    header = ";".join(["nom", *OUR_NAMES])
    content = f"{header}\nVille de Lille;{';'.join(f'v{i}' for i in range(len(OUR_NAMES)))}\n"
    data, message = upload.read_upload(upload_of(content.encode()), "liste.csv")

    assert data is not None and "1 ligne lue, 1 placée" in message
    members = from_store(data)
    lille = members.iloc[0]
    official = get_reference().lookup(COMMUNE, "59350")["population"]   # not the file's "v4"
    assert (lille[S.CODE], lille[S.POPULATION], lille[S.STATUS]) == ("59350", official,
                                                                      S.MATCHED)
    assert official > 200_000
    # Their own columns are kept, under their header as written, in every output.
    files = member_frame(members, "files")
    assert list(files.columns[-len(OUR_NAMES):]) == OUR_NAMES
    assert (files["Population"].iloc[0], files["population"].iloc[0]) == (official, "v0")
    card = shown_text(detail_card(members, 2))
    assert f"Population {official:,}".replace(",", "\u00a0") in card and "population v0" in card
    assert "extra:x v10" in card
    report = report_frame(members)
    assert report["status"].tolist() == ["v1"] and report["Décision"].tolist() == ["Reconnue"]
    assert "Aucune ligne à traiter" in str(upload_report(members, source_of(data)))


def test_1_the_command_line_keeps_a_population_column(tmp_path):
    members = tmp_path / "adherents.csv"
    members.write_text("nom;population;status\nVille de Lille;230000;adhérent\n",
                       encoding="utf-8")
    out = tmp_path / "resultat.csv"
    run = subprocess.run([sys.executable, "-m", "geodata", "resolve", str(members), "-o",
                          str(out)], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    written = pd.read_csv(out, sep=None, engine="python", dtype=str, encoding="utf-8-sig")
    assert "230000" in written.to_string() and "adhérent" in written.to_string()
    official = get_reference().lookup(COMMUNE, "59350")["population"]
    assert str(official) in written.to_string()   # the official population, beside theirs


# ---------------------------------------------------------------- 2. bombs

def _workbook_with_shared_strings(count: int) -> bytes:
    """A valid workbook whose table of texts holds `count` strings (a "zip bomb" when large:
    20 million strings weigh 1 Mo compressed)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(_named_workbook(["Lille"]))))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for part in source.infolist():
            archive.writestr(part.filename, source.read(part.filename))
        archive.writestr("xl/sharedStrings.xml", b'<?xml version="1.0"?><sst xmlns="http://'
                         b'schemas.openxmlformats.org/spreadsheetml/2006/main">'
                         + b"<si><t>a</t></si>" * count + b"</sst>")
    return buffer.getvalue()


def _named_workbook(names: list[str]) -> Workbook:
    workbook = Workbook()
    workbook.active.append(["nom"])
    for name in names:
        workbook.active.append([name])
    return workbook


@pytest.mark.parametrize("count", [20_000_000, 900_000])
def test_2_a_workbook_bomb_is_refused_at_once(count):
    bomb = _workbook_with_shared_strings(count)
    assert len(bomb) < 1_500_000
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(TooBigError) as error:
        read_members(bomb, "bombe.xlsx")
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "bombe.xlsx" in str(error.value) and "nouveau classeur" in str(error.value)
    assert seconds < 3 and peak < 100 * 2**20


def test_2_a_sheet_that_claims_a_million_rows_and_columns_is_read_in_bounded_time():
    workbook = _named_workbook(["Lille", "Roubaix"])
    workbook.active["B1048576"].font = Font(bold=True)   # formatted, empty
    workbook.active["XFD1"].font = Font(bold=True)
    started = time.perf_counter()
    table = read_members(xlsx_bytes(workbook), "large.xlsx")
    assert table.rows["input_name"].tolist() == ["Lille", "Roubaix"]
    assert time.perf_counter() - started < 5


def test_2_a_row_with_a_value_in_column_xfd_is_refused():
    workbook = _named_workbook(["Lille"])
    workbook.active["XFD2"] = "loin"
    with pytest.raises(TooBigError, match="16\u202f384 colonnes, pour une limite de 200"):
        read_members(xlsx_bytes(workbook), "large.xlsx")


def _with_sheet_xml(workbook: Workbook, after: bytes, added: bytes) -> bytes:
    """The workbook with XML added to its first sheet, right after the tag `after`."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(workbook)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in source.infolist():
            data = source.read(part.filename)
            if part.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(after, after + added)
            archive.writestr(part.filename, data)
    return buffer.getvalue()


def _with_sheet_tail(workbook: Workbook, tail: bytes) -> bytes:
    """The workbook with XML added at the end of its first sheet (a comment, say)."""
    return _with_sheet_xml(workbook, b"</sheetData>", tail)


def test_2_a_sheet_with_a_huge_comment_is_refused_at_once():
    # expat takes minutes over a 40 Mo token; 2 Mo is enough to be refused.
    workbook = _with_sheet_tail(_named_workbook(["Lille"]), b"<!--" + b"x" * 2_000_000 + b"-->")
    started = time.perf_counter()
    with pytest.raises(TooBigError, match="bloc de 1,9 Mo d'un seul tenant"):
        read_members(workbook, "commentaire.xlsx")
    assert time.perf_counter() - started < 2


def test_2_xml_that_looks_like_cells_or_merges_is_read_in_linear_time():
    workbook = _named_workbook(["Lille", "Roubaix"])
    workbook.active["B2"] = "=1+1"
    trap = b"<!-- " + b"<c " * 40_000 + b"<mergeCell " * 40_000 + b"-->"
    started = time.perf_counter()
    table = read_members(_with_sheet_tail(workbook, trap), "piege.xlsx")
    assert time.perf_counter() - started < 3
    assert table.rows["input_name"].tolist() == ["Lille", "Roubaix"]
    assert any("(B2)" in note for note in table.notes)


def test_2_many_sheets_that_reach_the_last_row_are_looked_at_quickly():
    workbook = Workbook()
    workbook.active.title = "Vide 0"
    for index in range(30):
        sheet = workbook.active if index == 0 else workbook.create_sheet(f"Vide {index}")
        sheet["A1048576"].font = Font(bold=True)
    members = workbook.create_sheet("Adhérents")
    for row in (["nom"], ["Lille"]):
        members.append(row)
    started = time.perf_counter()
    table = read_members(xlsx_bytes(workbook), "vides.xlsx")
    assert time.perf_counter() - started < 5
    assert (table.sheet, table.rows["input_name"].tolist()) == ("Adhérents", ["Lille"])


def test_2_a_part_that_claims_more_bytes_than_the_file_has_is_a_damaged_file():
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(_named_workbook(["Lille"]))))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:   # stored: no compression
        for part in source.infolist():
            archive.writestr(part.filename, source.read(part.filename))
    data = bytearray(buffer.getvalue())
    # The sizes in the central directory entry of the sheet: compressed at +20, then +24.
    entry = data.rindex(b"PK\x01\x02", 0, data.rindex(b"xl/worksheets/sheet1.xml"))
    data[entry + 20:entry + 28] = (30_000_000).to_bytes(4, "little") * 2
    with pytest.raises(MemberFileError, match="archive zip abîmée ou incomplète"):
        read_members(bytes(data), "abimee.xlsx")


def test_2_a_csv_of_blank_lines_costs_little_memory(tmp_path):
    blank = tmp_path / "vide.csv"
    blank.write_bytes(b"nom\n" + b"\n" * 4_000_000)
    # In a process of its own, to measure its peak memory (tracemalloc would take a minute).
    # (VmHWM, not ru_maxrss: that one keeps the peak of the pytest process it was forked from.)
    script = ("import sys\nfrom geodata.reading import MemberFileError, read_members\n"
              "try:\n    read_members(sys.argv[1])\nexcept MemberFileError as exc:\n"
              "    print(exc)\nprint(next(int(line.split()[1]) // 1024 for line in "
              "open('/proc/self/status') if line.startswith('VmHWM')))")
    run = subprocess.run([sys.executable, "-c", script, str(blank)], capture_output=True,
                         text=True, cwd=ROOT, timeout=60)
    message, peak_mb = run.stdout.strip().rsplit("\n", 1)
    assert "ne contient que la ligne d'en-tête" in message
    assert int(peak_mb) < 250   # one list per blank line would take 350 Mo


# ---------------------------------------------------------------- 3. sizes the app can carry

def test_3_more_rows_than_a_member_list_has_are_refused_with_the_limit():
    content = b"nom;notes\n" + b"Lille;x\n" * (MAX_ROWS + 1)
    data, message = upload.read_upload(upload_of(content), "trop.csv")
    assert data is None
    assert "10\u202f001 lignes, pour une limite de 10\u202f000" in message
    assert "La liste affichée n'a pas changé" in message


def test_3_the_largest_list_accepted_fits_the_requests_of_the_app():
    names = get_reference().table(COMMUNE)["nom"].head(MAX_ROWS).tolist()
    lines = "\n".join(f"{name};2015;Mme Martin, élue référente;https://www.exemple.fr/{i}"
                      for i, name in enumerate(names))
    content = ("nom;année d'adhésion;élu référent;site\n" + lines).encode()
    data, message = upload.read_upload(upload_of(content), "grande.csv")
    assert data is not None, message
    assert store_bytes(data) < MAX_REQUEST_BYTES * 0.8


def test_3_unknown_names_are_searched_for_a_bounded_time():
    names = [f"Zzqx{i} Wwvy{i}" for i in range(400)]
    started = time.perf_counter()
    resolved = resolve_rows(member_rows(names), resemblance_seconds=0.5)
    assert time.perf_counter() - started < 10
    assert (resolved[S.STATUS] == S.UNMATCHED).all()
    late = resolved[S.MESSAGE].str.contains("les noms ressemblants n'ont pas été cherchés")
    assert late.iloc[-1] and late.sum() > 100


# ---------------------------------------------------------------- 4. workbooks as people make them

def test_4_another_sheet_with_a_name_column_is_said_and_can_be_chosen():
    workbook = _named_workbook(["Lille"])
    workbook.active.title = "Adhérents 2025"
    former = workbook.create_sheet("Anciens adhérents")
    former.append(["nom"])
    former.append(["Roubaix"])
    data, message = upload.read_upload(upload_of(xlsx_bytes(workbook)), "classeur.xlsx")
    assert "(feuille « Adhérents 2025 »)" in message and "1 remarque sur la lecture" in message
    report = upload_report(from_store(data), source_of(data))
    assert "seule la feuille « Adhérents 2025 » est lue" in shown_text(report)
    assert "sheet-choice" in str(report) and "Anciens adhérents" in str(report)

    other, _ = upload.read_upload(upload_of(xlsx_bytes(workbook)), "classeur.xlsx",
                                  sheet="Anciens adhérents")
    assert from_store(other)[S.INPUT_NAME].tolist() == ["Roubaix"]
    with pytest.raises(MemberFileError, match="n'a pas de feuille « Bilan »"):
        read_members(xlsx_bytes(workbook), "classeur.xlsx", sheet="Bilan")


def test_4_a_hidden_sheet_is_not_read_before_the_visible_one():
    workbook = _named_workbook(["Marseille"])
    workbook.active.title = "Archive 2019"
    workbook.active.sheet_state = "hidden"
    current = workbook.create_sheet("Adhérents")
    for row in (["nom"], ["Lille"]):
        current.append(row)
    table = read_members(xlsx_bytes(workbook), "classeur.xlsx")
    assert (table.sheet, table.rows["input_name"].tolist()) == ("Adhérents", ["Lille"])


def test_4_merged_cells_fill_every_row_they_cover():
    workbook = _named_workbook(["Lille", "Roubaix", "Tourcoing"])
    sheet = workbook.active
    sheet["B1"] = "département"
    sheet["B2"] = "59"
    sheet.merge_cells("B2:B4")
    table = read_members(xlsx_bytes(workbook), "fusion.xlsx")
    assert table.rows["departement_hint"].tolist() == ["59", "59", "59"]
    assert any("cellules fusionnées" in note for note in table.notes)


def test_4_formula_cells_without_a_saved_value_are_named():
    workbook = _named_workbook(["Lille", "Roubaix"])
    workbook.active["B1"] = "code"
    workbook.active["B2"] = '=TEXT(59350,"00000")'   # openpyxl saves no value
    table = read_members(xlsx_bytes(workbook), "formules.xlsx")
    assert any("formule sans valeur enregistrée (B2)" in note for note in table.notes)
    data, message = upload.read_upload(upload_of(xlsx_bytes(workbook)), "formules.xlsx")
    assert "1 remarque sur la lecture" in message
    assert "(B2)" in shown_text(upload_report(from_store(data), source_of(data)))


# ---------------------------------------------------------------- 5. what a browser may send

def test_5_the_card_of_a_row_that_is_not_on_the_map_says_so():
    data, _ = upload.read_upload(upload_of(b"nom\nVille de Lille\nBruxelles\n"), "a.csv")
    card = shown_text(detail_card(from_store(data), 3))
    assert "La ligne 3 de la liste (« Bruxelles ») n'est pas placée sur la carte" in card


# ---------------------------------------------------------------- 9. wrong output

def test_9_a_code_without_its_zero_or_its_corsican_letter_is_left_to_the_name():
    rows = member_rows(["Ajaccio", "", "Agnicourt-et-Séchelles", "Ajaccio"])
    rows["code"] = ["2004", "2004", "2004", "20004"]
    resolved = resolve_rows(rows)
    assert resolved[S.CODE].tolist()[:3] == ["2A004", "", "02004"]
    assert resolved[S.STATUS].tolist()[1] == S.AMBIGUOUS
    assert {c["code"] for c in resolved[S.CANDIDATES].iloc[1]} == {"02004", "2A004"}
    assert resolved[S.CODE].iloc[3] == "2A004"   # the code before 1976


def test_9_a_code_typed_on_the_wrong_line_is_left_to_a_person():
    rows = member_rows(["Lille", "Saint-Denis"])
    rows["code"] = ["13055", "974"]
    lille, saint_denis = resolve_rows(rows).itertuples()
    assert lille.status == S.AMBIGUOUS
    assert [c["code"] for c in lille.candidates] == ["13055", "59350"]
    assert [c["code"] for c in saint_denis.candidates][:2] == ["974", "97411"]


def test_9_coordinates_on_the_coast_are_placed_and_invalid_ones_are_said():
    rows = member_rows(["Maison de l'ESS", "Tiers-lieu", "Tiers-lieu inversé"])
    rows["kind_hint"] = "autre"
    rows["lon"] = ["-61.0732", "abc", "50.63"]
    rows["lat"] = ["14.6037", "95", "3.06"]
    fort_de_france, invalid, swapped = resolve_rows(rows).itertuples()
    assert (fort_de_france.status, fort_de_france.departement) == (S.PLACED, "972")
    assert invalid.status == S.UNMATCHED and "ne sont pas des degrés valides" in invalid.message
    assert "ajoutez" not in invalid.message
    assert "inversées" in swapped.message


def test_9_a_very_long_value_is_named_as_such():
    content = b"nom;notes\nLille;" + b"x" * 200_000 + b"\n"
    with pytest.raises(TooBigError, match="ligne 2 : une valeur compte 200\u202f000 caractères"):
        read_members(content, "long.csv")


def test_9_a_header_with_two_separators_is_refused():
    with pytest.raises(MemberFileError, match="mélange deux séparateurs"):
        read_members(b"nom,type;code\nLille,commune;59350\n", "melange.csv")


def test_9_mayotte_has_its_population(sample):
    rows = member_rows(["Mamoudzou", "Mayotte"])
    rows["kind_hint"] = ["commune", "département"]
    mamoudzou, mayotte = resolve_rows(rows).itertuples()
    assert mamoudzou.population == 71_437
    assert mayotte.population == 256_518


def test_2_a_merge_over_a_million_empty_rows_costs_nothing():
    workbook = _named_workbook(["Lille", "Roubaix"])
    workbook.active["B1"] = "département"
    workbook.active["B2"] = "59"
    workbook.active["A1048576"].font = Font(bold=True)
    # Written in the XML: openpyxl itself would create the 200 million merged cells.
    merge = b'<mergeCells count="1"><mergeCell ref="B2:GR1048575"/></mergeCells>'
    workbook = _with_sheet_xml(workbook, b"</sheetData>", merge)
    started = time.perf_counter()
    table = read_members(workbook, "fusion.xlsx")
    assert time.perf_counter() - started < 3
    assert table.rows["departement_hint"].tolist() == ["59", "59"]


def test_3_a_list_too_wide_for_the_browser_is_refused_before_it_is_resolved():
    header = "nom;" + ";".join(f"c{i}" for i in range(150))
    row = "Commune inconnue;" + ";".join("x" for _ in range(150))
    content = (header + "\n" + "\n".join([row] * MAX_ROWS)).encode()
    started = time.perf_counter()
    data, message = upload.read_upload(upload_of(content), "large.csv")
    assert time.perf_counter() - started < 5
    assert data is None and "trop volumineuse pour être affichée" in message
    assert "La liste affichée n'a pas changé" in message


# ---------------------------------------------------------------- 2. parts under other names

MAIN_NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHARED_STRINGS_TYPE = (b"application/vnd.openxmlformats-officedocument.spreadsheetml."
                       b"sharedStrings+xml")


def _with_parts(workbook: Workbook, edit) -> bytes:
    """The workbook with its parts (a dict: name -> bytes) changed by edit."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(workbook)))
    parts = edit({name: source.read(name) for name in source.namelist()})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_2_a_sheet_stored_under_another_name_is_checked_too():
    # openpyxl finds the sheet through [Content_Types].xml and the relationships, not its name.
    def rename(parts):
        sheet = parts.pop("xl/worksheets/sheet1.xml")
        parts["xl/worksheets/sheet1.bin"] = sheet.replace(
            b"</sheetData>", b"</sheetData><!--" + b"x" * 2_000_000 + b"-->")
        for name in ("[Content_Types].xml", "xl/_rels/workbook.xml.rels"):
            parts[name] = parts[name].replace(b"sheet1.xml", b"sheet1.bin")
        return parts

    with pytest.raises(TooBigError, match="bloc de 1,9 Mo d'un seul tenant "
                                          r"\(dans « xl/worksheets/sheet1\.bin »\)"):
        read_members(_with_parts(_named_workbook(["Lille"]), rename), "renomme.xlsx")


@pytest.mark.parametrize(("name", "text"), [
    ("xl/strings.bin", b"<si><t>a</t></si>"),   # another name, found by its content type
    ("xl/sharedStrings.xml", b"<si\n/>"),        # an empty text, its tag ended by a line break
    ("xl/sharedStrings.xml", b"<x:si/>"),        # a prefix for the namespace
])
def test_2_shared_texts_are_counted_whatever_their_part_or_tag_looks_like(name, text):
    def add_strings(parts):
        parts[name] = (b'<x:sst xmlns="' + MAIN_NS + b'" xmlns:x="' + MAIN_NS + b'">'
                       + text * 120_000 + b"</x:sst>")
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>", b'<Override PartName="/' + name.encode() + b'" ContentType="'
            + SHARED_STRINGS_TYPE + b'"/></Types>')
        return parts

    with pytest.raises(TooBigError, match="contient 120\u202f000 textes, pour une limite de "
                                          "100\u202f000"):
        read_members(_with_parts(_named_workbook(["Lille"]), add_strings), "textes.xlsx")


# A block of 2 Mo with a '<' every 100 Ko: no run between two '<' comes near the limit, but
# expat reads a comment, a CDATA section, a processing instruction or the literal of a
# document type declaration in one piece (in quadratic time with expat 2.5).
HOLEY_BLOCK = (b"x" * 99_999 + b"<") * 20


@pytest.mark.parametrize(("opening", "closing"), [
    (b"<!--", b"-->"),
    (b"<![CDATA[", b"]]>"),
    (b"<?note ", b"?>"),
    (b"<!--", b""),   # never closed: expat reads to the end of the part
])
def test_2_a_comment_with_a_lt_every_100_ko_is_still_one_block(opening, closing):
    workbook = _with_sheet_tail(_named_workbook(["Lille"]), opening + HOLEY_BLOCK + closing)
    with pytest.raises(TooBigError, match="bloc de 1,9 Mo d'un seul tenant"):
        read_members(workbook, "commentaire.xlsx")


def test_2_a_sheet_in_utf16_is_measured_as_expat_reads_it():
    # In UTF-16 a '<' is two bytes, and a comment's markers are not spelled as in UTF-8.
    def to_utf16(parts):
        sheet = parts["xl/worksheets/sheet1.xml"].replace(
            b"</sheetData>", b"</sheetData><!--" + HOLEY_BLOCK + b"-->")
        parts["xl/worksheets/sheet1.xml"] = (
            '<?xml version="1.0" encoding="UTF-16"?>' + sheet.decode()).encode("utf-16")
        return parts

    with pytest.raises(TooBigError, match="bloc de 1,9 Mo d'un seul tenant"):
        read_members(_with_parts(_named_workbook(["Lille"]), to_utf16), "utf16.xlsx")


def test_2_a_document_type_declaration_with_a_long_literal_is_one_block():
    def add_doctype(parts):
        parts["xl/worksheets/sheet1.xml"] = (b'<!DOCTYPE worksheet [<!ENTITY e "' + HOLEY_BLOCK
                                             + b'">]>' + parts["xl/worksheets/sheet1.xml"])
        return parts

    with pytest.raises(TooBigError, match="bloc de 1,9 Mo d'un seul tenant"):
        read_members(_with_parts(_named_workbook(["Lille"]), add_doctype), "dtd.xlsx")


def test_2_an_image_without_lt_is_not_taken_for_a_block():
    # An uncompressed bitmap (in an EMF logo, say) may hold 1 Mo without the byte '<'.
    def add_image(parts):
        parts["xl/media/image1.emf"] = b"\x01\x00\x00\x00" + b"\xff" * 2_000_000
        return parts

    table = read_members(_with_parts(_named_workbook(["Lille"]), add_image), "logo.xlsx")
    assert table.rows["input_name"].tolist() == ["Lille"]


def test_3_a_header_of_half_a_million_cells_is_refused_on_its_width(monkeypatch):
    # Each cell compared with our headers costs a few microseconds: 2.6 million took 15 s.
    compared = []
    normalize = reading.normalize_header
    monkeypatch.setattr(reading, "normalize_header",
                        lambda header: compared.append(header) or normalize(header))
    with pytest.raises(TooBigError, match="a 500\u202f000 colonnes, pour une limite de 200"):
        read_members(b"x;" * 500_000 + b"\nLille\n", "large.csv")
    assert len(compared) < 100_000   # the first 100,000 characters, to find the separator


def test_3_a_list_too_big_for_the_store_without_columns_of_its_own_says_no_zero(monkeypatch):
    monkeypatch.setattr(upload, "MAX_STORE_BYTES", 100)
    data, message = upload.read_upload(upload_of(b"nom\nLille\nRoubaix\n"), "liste.csv")
    assert data is None
    assert "trop volumineuse pour être affichée ici (2 lignes)" in message
    assert "colonnes propres" not in message


def test_3_a_file_just_over_the_size_limit_does_not_read_as_the_limit():
    with pytest.raises(MemberFileError, match="5,1 Mo, pour une limite de 5 Mo"):
        read_members(b"x" * (5 * 1024 * 1024 + 1), "juste.csv")


# ---------------------------------------------------------------- 8. the terminal

def test_8_the_command_line_shows_control_characters_of_the_file_as_escapes(tmp_path):
    members = tmp_path / "adherents.csv"
    members.write_bytes("ville\x1b[2J\x9b31m;type\nLille;commune\n".encode())
    run = subprocess.run([sys.executable, "-m", "geodata", "resolve", str(members)],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 1
    assert "« ville\\x1b[2J\\x9b31m »" in run.stderr
    assert "\x1b" not in run.stderr + run.stdout and "\x9b" not in run.stderr + run.stdout


def test_8_notes_keep_their_line_breaks_and_lose_their_control_characters():
    from geodata.__main__ import printable

    assert printable("Feuille « A\x1b]0;titre\x07 »\nsuite\tfin\r") == (
        "Feuille « A\\x1b]0;titre\\x07 »\nsuite\\tfin\\r")
