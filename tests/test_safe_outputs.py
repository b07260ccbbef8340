"""Tables written from an untrusted member list (CSV and Excel downloads, `geodata resolve -o`)
never hold a formula a spreadsheet would run, and the Excel file never touches the disk."""

import base64
import csv
import io
import re
import tempfile
import zipfile

import openpyxl
import pytest

from dashboard import ids
from dashboard.callbacks import exports
from dashboard.state import FilterState
from geodata import schema as S
from geodata.__main__ import main as geodata_main
from geodata.safe_tables import FORMULA_START

EVIL_HEADER = '=HYPERLINK("http://evil","x")'
EVIL_NAME = "=cmd|' /C calc'!A0"


@pytest.fixture
def hostile(sample):
    """The sample with an attacker's column and cells (on its first member)."""
    members = sample.copy()
    # The file's own columns, shown under their header in the downloads.
    members[S.extra_key(EVIL_HEADER)] = "@SUM(1)"
    members[S.extra_key("solde")] = -5                     # a real number
    members[S.extra_key("note")] = "ok"
    first = members.index[0]
    members.loc[first, S.NAME] = EVIL_NAME
    members.loc[first, S.extra_key("note")] = "-5"           # text that looks like a number
    return members


def hostile_row(rows: list) -> dict:
    """The row of the attacker's name, by header."""
    [row] = [r for r in rows[1:] if r[0] in (EVIL_NAME, "'" + EVIL_NAME)]
    return dict(zip(rows[0], row, strict=True))


def formula_like(rows: list[list[str]]) -> set[str]:
    """The CSV cells that start like a formula."""
    return {cell for row in rows for cell in row if cell.startswith(FORMULA_START)}


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def download(kind: str, members) -> bytes:
    payload = exports.download(kind, members, FilterState(), None)
    return base64.b64decode(payload["content"])


def xlsx_download(members):
    """(rows, sheet, file bytes) of the Excel download, read back with openpyxl."""
    content = download(ids.DOWNLOAD_XLSX, members)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return list(sheet.values), sheet, content


def test_excel_download_has_no_formula_and_shows_text_as_written(hostile):
    rows, sheet, content = xlsx_download(hostile)
    header = rows[0]
    assert EVIL_HEADER in header                                  # as written, no apostrophe
    first = hostile_row(rows)
    assert first["Collectivité"] == EVIL_NAME
    assert first["note"] == "-5"                                  # not "'-5"
    assert first[EVIL_HEADER] == "@SUM(1)"
    # Every cell is text or a number: none is a formula, in the XML nor as openpyxl reads it.
    assert {c.data_type for row in sheet.iter_rows() for c in row} <= {"s", "n"}
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        xml = book.read("xl/worksheets/sheet1.xml").decode()
    assert not re.search(r"<f[ >/]", xml)


def test_excel_download_keeps_numbers_as_numbers(hostile):
    rows, _, _ = xlsx_download(hostile)
    first = hostile_row(rows)
    assert first["solde"] == -5
    assert isinstance(first["Population"], (int, float)) and first["Population"] > 100_000


def test_excel_download_writes_no_temporary_file(hostile, monkeypatch, tmp_path):
    # Any temporary file (tempfile's default folder) now fails: the member data stays in memory.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-temporary-files-here"))
    rows, _, _ = xlsx_download(hostile)
    assert len(rows) == len(hostile) + 1
    assert not (tmp_path / "no-temporary-files-here").exists()


def test_csv_download_defuses_headers_and_text_not_numbers(hostile):
    text = download(ids.DOWNLOAD_CSV, hostile).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    first = hostile_row(rows)
    assert "'" + EVIL_HEADER in rows[0]
    assert first["Collectivité"] == "'" + EVIL_NAME
    assert first["note"] == "'-5"
    assert first["solde"] == "-5"                                  # a number, read as one
    assert formula_like(rows) == {"-5"}  # numbers only, which a spreadsheet reads as such


def test_resolve_command_writes_a_defused_csv(tmp_path):
    members = tmp_path / "liste.csv"
    # (no comma in this header: the reader would refuse a header mixing ';' and ',')
    members.write_text(f"nom;=HYPERLINK(\"http://evil\")\nLille;-5\n{EVIL_NAME};@SUM(1)\n",
                       encoding="utf-8")
    out = tmp_path / "resultat.csv"
    assert geodata_main(["resolve", str(members), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8-sig")            # as the dashboard writes it, for Excel
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    cells = [cell for row in rows for cell in row]
    assert all(is_number(cell) for cell in formula_like(rows))    # a longitude west of Paris
    assert "'" + EVIL_NAME in cells and "'@SUM(1)" in cells and "'-5" in cells
    assert len(rows) == 3 and "Lille" in rows[1]
