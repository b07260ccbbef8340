"""Files the user downloads: the selected members as CSV or Excel, and a resolution report.

CSV cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR) are prefixed with
an apostrophe: a member file is untrusted input that ends up opened in Excel.
"""

import io
import re
import unicodedata
from datetime import date

import pandas as pd

from geodata import schema as S
from geodata.levels import KIND_LABELS_SINGULAR

from .figures import extra_columns
from .names import departement_names, region_names

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

MEMBER_HEADERS = {S.NAME: "Collectivité", S.KIND: "Type", S.CODE: "Code officiel",
                  "departement_nom": "Département", "region_nom": "Région",
                  S.POPULATION: "Population", S.INPUT_NAME: "Nom dans la liste",
                  S.ROW: "Ligne du fichier"}
REPORT_HEADERS = {S.ROW: "Ligne", S.INPUT_NAME: "Nom dans la liste", S.STATUS: "Statut",
                  S.KIND: "Type", S.CODE: "Code officiel", S.NAME: "Nom officiel",
                  S.DEPARTEMENT: "Département", S.REGION: "Région", S.POPULATION: "Population",
                  S.SCORE: "Score", S.CANDIDATES: "Candidats", S.MESSAGE: "Message",
                  S.LON: "Longitude", S.LAT: "Latitude"}


def members_table(members: pd.DataFrame) -> pd.DataFrame:
    """The selected members with French headers, as people read them."""
    frame = members.assign(
        departement_nom=members[S.DEPARTEMENT].map(departement_names()).fillna(""),
        region_nom=members[S.REGION].map(region_names()).fillna(""),
        **{S.KIND: members[S.KIND].map(KIND_LABELS_SINGULAR).fillna("")})
    columns = list(MEMBER_HEADERS) + extra_columns(members)
    return frame[columns].rename(columns=MEMBER_HEADERS)


def report_table(resolved: pd.DataFrame) -> pd.DataFrame:
    """Every row of the member list with its resolution, French headers."""
    frame = resolved.assign(**{S.STATUS: resolved[S.STATUS].map(S.STATUS_LABELS)})
    return frame.rename(columns=REPORT_HEADERS)


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


def slug(text: str) -> str:
    """'Hauts-de-France' -> 'hauts-de-france' (safe in a file name)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "selection"


def file_name(stem_parts: list[str], extension: str, today: date | None = None) -> str:
    """'adherents-hauts-de-france-2026-11-28.csv'."""
    today = today or date.today()
    parts = ["adherents"] + [slug(p) for p in stem_parts if p] + [today.isoformat()]
    return "-".join(parts) + "." + extension
