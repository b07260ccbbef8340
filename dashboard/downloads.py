"""Files the user downloads, as bytes: tables as CSV or Excel.

Which columns a table has is in `dashboard.table`; file names are in `dashboard.labels`.
CSV cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR) are prefixed with
an apostrophe: a member file is untrusted input that ends up opened in Excel.
"""

import io

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _defuse(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv_bytes(table: pd.DataFrame) -> bytes:
    """UTF-8 with BOM (Excel reads the accents), ';' as French Excel expects, formulas defused."""
    safe = table.map(_defuse)
    safe.columns = [_defuse(c) for c in safe.columns]
    return safe.to_csv(index=False, sep=";").encode("utf-8-sig")


def to_excel_bytes(table: pd.DataFrame, sheet: str = "Adhérents") -> bytes:
    buffer = io.BytesIO()
    safe = table.map(_defuse)  # openpyxl would store "=..." as a formula
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        safe.to_excel(writer, index=False, sheet_name=sheet[:31])
        sheet_obj = writer.sheets[sheet[:31]]
        for column in sheet_obj.columns:
            width = max(len(str(c.value or "")) for c in column[:200])
            sheet_obj.column_dimensions[column[0].column_letter].width = min(60, width + 2)
    return buffer.getvalue()
