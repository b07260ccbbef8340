"""When each member joined: the list's column of membership years, found by its header as
networks write it ("Année d'adhésion", "Adhésion", "Adhérent depuis", "Depuis"…) and read from
what its cells hold (2015, "2015", "depuis 2015", "03/2015", a date, an Excel date number).

    >>> membership_years(members)        # Int64 per member, <NA> when its row says no year
"""

import re
from datetime import date, datetime, timedelta

import pandas as pd

from . import schema as S
from .names import normalize

# Headers (normalised) that say "the year the member joined", the surest first.
YEAR_HEADERS = (
    re.compile(r"\b(annee|date)s? (d |de l |de )?(adhesion|entree)\b"),
    re.compile(r"\badhesion\b|\badhere\b|\badherent(e)? depuis\b|\bmembre depuis\b"),
    re.compile(r"^(depuis|annee|year|since|member since|joined|year joined)$"),
)
# Words of a header that speak of something else than the joining year (an end, a fee).
NOT_YEAR_HEADER = re.compile(r"\b(fin|sortie|depart|resiliation|radiation|montant|cotisation|"
                             r"tarif|prix|euros?|eur)\b|€")
FIRST_YEAR = 1900
_YEAR = re.compile(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)")
EXCEL_EPOCH = date(1899, 12, 30)
EXCEL_DAYS = (10_000, 80_000)   # an Excel date number (1927 to 2119), not a year
ENOUGH = 0.5   # share of the filled cells that must read as a year


def year_of(value) -> int | None:
    """The year a cell says (None when it says none, or one before 1900 or after next year)."""
    if S.is_missing(value) or isinstance(value, bool):
        return None
    if isinstance(value, datetime | date | pd.Timestamp):
        year = value.year
    elif isinstance(value, int | float):
        if EXCEL_DAYS[0] <= value < EXCEL_DAYS[1]:
            year = (EXCEL_EPOCH + timedelta(days=int(value))).year
        elif float(value).is_integer():
            year = int(value)
        else:
            return None
    else:
        found = _YEAR.findall(str(value))
        if len(set(found)) != 1:   # none, or several years: not for us to choose
            return None
        year = int(found[0])
    return year if FIRST_YEAR <= year <= date.today().year + 1 else None


def membership_year_column(members: pd.DataFrame) -> str | None:
    """The frame key of the list's column of membership years, if it has one: the first whose
    header says so (the surest wording first) and whose filled cells are mostly years."""
    keys = S.extra_keys(members)
    for pattern in YEAR_HEADERS:
        for key in keys:
            header = S.extra_header(key)
            if not pattern.search(normalize(header)) or NOT_YEAR_HEADER.search(
                    header.lower()) or NOT_YEAR_HEADER.search(normalize(header)):
                continue
            filled = members[key][~members[key].map(S.is_missing)
                                  & (members[key].astype(str).str.strip() != "")]
            if len(filled) and filled.map(year_of).notna().mean() >= ENOUGH:
                return key
    return None


def membership_years(members: pd.DataFrame, key: str | None = None) -> pd.Series:
    """The year each member joined (Int64, <NA> when unknown), from the column found (or key)."""
    key = key or membership_year_column(members)
    if key is None:
        return pd.Series(pd.NA, index=members.index, dtype="Int64")
    return members[key].map(year_of).astype("Int64")
