"""Tables written for a spreadsheet (CSV or Excel) with no formula in them: the one place that
writes the dashboard's downloads and the output of `python -m geodata resolve`.

A member list is untrusted input (any cell or header may be written by an attacker) and what we
write from it is opened in Excel or LibreOffice, which run a cell such as
`=HYPERLINK("http://evil","x")` as a formula.

- CSV: a text cell or header that starts like a formula (=, +, -, @, tab, CR) gets an
  apostrophe in front (OWASP's advice for CSV: the spreadsheet then reads it as text).
- Excel (.xlsx): every string is written as a typed text cell, never as a formula or a link, so
  it needs no apostrophe and shows as written. The file is built in memory only: no member data
  in a temporary file on disk (openpyxl writes each sheet to one, hence xlsxwriter here).

Numbers stay numbers in both.
"""

import io

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# xlsxwriter: assemble the file in memory (by default it uses temporary files); write every
# string as text (not "=..." as a formula, "http..." as a link or "12" as a number).
_XLSX_OPTIONS = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                 "strings_to_numbers": False}
_MAX_WIDTH = 60


def defuse(value):
    """The value, with an apostrophe in front if it is text a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_bytes(table: pd.DataFrame, sep: str = ";", encoding: str = "utf-8-sig") -> bytes:
    """The table as CSV, headers and cells defused, no index."""
    safe = table.map(defuse)
    safe.columns = [defuse(c) for c in table.columns]
    return safe.to_csv(index=False, sep=sep).encode(encoding)


def xlsx_bytes(table: pd.DataFrame, sheet: str = "Feuille1") -> bytes:
    """The table as an Excel workbook of one sheet, with no formula and no link in it."""
    buffer = io.BytesIO()
    name = sheet[:31]  # Excel's limit
    with pd.ExcelWriter(buffer, engine="xlsxwriter",
                        engine_kwargs={"options": _XLSX_OPTIONS}) as writer:
        table.to_excel(writer, index=False, sheet_name=name)
        worksheet = writer.sheets[name]
        for i, header in enumerate(table.columns):
            texts = [str(header), *table.iloc[:200, i].dropna().map(str)]
            worksheet.set_column(i, i, min(_MAX_WIDTH, max(map(len, texts)) + 2))
    return buffer.getvalue()
