"""Files the user downloads, as bytes: tables as CSV or Excel.

Which columns a table has is in `dashboard.table`; file names are in `dashboard.labels`.
How a table is written so that no cell runs as a formula (a member file is untrusted input that
ends up opened in Excel) is in `geodata.safe_tables`, shared with the command line.
"""

import pandas as pd

from geodata.safe_tables import csv_bytes, xlsx_bytes


def to_csv_bytes(table: pd.DataFrame) -> bytes:
    """UTF-8 with BOM (Excel reads the accents), ';' as French Excel expects, formulas defused."""
    return csv_bytes(table, sep=";", encoding="utf-8-sig")


def to_excel_bytes(table: pd.DataFrame, sheet: str = "Adhérents") -> bytes:
    """One sheet, text cells as typed text (never a formula), built in memory only."""
    return xlsx_bytes(table, sheet)
