"""What a view shows: the members a filter state selects, checked, and what is counted.

The same selection feeds the map, the table, the counts and every export. No Dash, no drawing.

    shown = select(members, FilterState(region="32", kinds=("commune",)))
    legend_counts(shown)   # {"commune": 9}
"""

from collections.abc import Iterable
from dataclasses import replace

import pandas as pd

from geodata import DEPARTEMENT, REGION, get_reference
from geodata import schema as S
from geodata.columns import column_colouring
from geodata.coverage import covered_population
from geodata.growth import membership_year_column, membership_years
from geodata.kinds import KIND_REGION, KINDS
from geodata.names import normalize

from .state import FilterState

REQUIRED_COLUMNS = (S.KIND, S.CODE, S.NAME, S.DEPARTEMENT, S.REGION, S.POPULATION, S.LON,
                    S.LAT)


def check_members(members: pd.DataFrame) -> pd.DataFrame:
    """The members frame, checked: the required columns are there and every kind is known."""
    if not isinstance(members, pd.DataFrame):
        raise TypeError(f"members must be a pandas DataFrame, got {type(members).__name__}")
    missing = [column for column in REQUIRED_COLUMNS if column not in members.columns]
    if missing:
        raise ValueError(f"members is missing the column(s) {missing}; a members frame needs "
                         f"{list(REQUIRED_COLUMNS)} (see geodata.schema)")
    unknown = sorted({str(kind) for kind in members[S.KIND]} - set(KINDS))
    if unknown:
        raise ValueError(f"members has unknown kind(s) {unknown}; allowed: {list(KINDS)}")
    return members


def check_kinds(kinds: Iterable[str] | None) -> tuple[str, ...]:
    """The kinds to show, in legend order (None: all of them)."""
    if kinds is None:
        return KINDS
    if isinstance(kinds, str):
        kinds = [kinds]
    kinds = set(kinds)
    unknown = sorted(kinds - set(KINDS))
    if unknown:
        raise ValueError(f"kinds has unknown kind(s) {unknown}; allowed: {list(KINDS)}")
    return tuple(kind for kind in KINDS if kind in kinds)


def check_region(region: str | None) -> str | None:
    """None (national view) or a known INSEE région code."""
    if region is None:
        return None
    known = get_reference().names(REGION)
    if region not in known:
        raise ValueError(f"region must be None (France) or an INSEE région code, one of "
                         f"{sorted(known)}, got {region!r}")
    return region


def select_members(members: pd.DataFrame, region: str | None = None,
                   kinds: Iterable[str] | None = None) -> pd.DataFrame:
    """The members a view shows: drawn on the map, of the région (None: all), of the kinds."""
    if isinstance(members, pd.DataFrame) and S.STATUS in members.columns:
        members = members[members[S.STATUS].isin(S.MAPPED_STATUSES)]
    members = check_members(members)
    region = check_region(region)
    mask = members[S.KIND].isin(check_kinds(kinds))
    if region is not None:
        mask &= members[S.REGION] == region
    return members[mask]


def year_column(members: pd.DataFrame) -> str | None:
    """The frame key of the list's column of membership years, found once on the whole list's
    rows placed on the map (a subset, one région's rows, could read it differently)."""
    return membership_year_column(select_members(members))


def list_years(members: pd.DataFrame) -> pd.Series:
    """The membership year of every row of the list (Int64, <NA> when unknown), from its one
    column of years: index a subset's rows in it."""
    return membership_years(members, year_column(members))


def years_of(members: pd.DataFrame) -> tuple[int, int] | None:
    """(first, last) membership year of the list's members on the map; None when it has no
    column of years, or when they all joined the same year (nothing to slide through)."""
    years = list_years(members)[select_members(members).index].dropna()
    if not len(years) or years.min() == years.max():
        return None
    return int(years.min()), int(years.max())


def year_in_effect(members: pd.DataFrame, year) -> int | None:
    """The year a filter keeps the members of, None when it keeps them all: no year, none in
    the list, or its last year or later (the members whose row gives no year are there too)."""
    if not isinstance(year, int) or isinstance(year, bool):
        return None
    span = years_of(members)
    return year if span and year < span[1] else None


def in_effect(members: pd.DataFrame, state: FilterState) -> FilterState:
    """The state as it filters this list, for its words (subtitle, file name): its year in
    effect (year_in_effect), its column if the list has it, the values kept of it that are
    the column's, in legend order (none: every member)."""
    colouring = column_colouring(members, state.colour_by)
    return replace(state, year=year_in_effect(members, state.year),
                   colour_by=colouring.header if colouring else None,
                   values=colouring.chosen(state.values) if colouring else ())


def select(members: pd.DataFrame, state: FilterState) -> pd.DataFrame:
    """Members drawn on the map that match the région, kinds, département, search, year and
    the values kept of the list's column chosen."""
    chosen = select_members(members, state.region, state.kinds)
    year = year_in_effect(members, state.year)
    if year is not None:
        years = list_years(members)[chosen.index]
        chosen = chosen[(years <= year).fillna(False).astype(bool)]
    if state.departement:
        # A région member contains the département: keep it, it is "there" too.
        chosen = chosen[(chosen[S.DEPARTEMENT] == state.departement) | (
            (chosen[S.KIND] == KIND_REGION) & (chosen[S.REGION] == _region_of(state.departement)))]
    if state.query:
        chosen = chosen[search_key(chosen).str.contains(normalize(state.query), regex=False)]
    colouring = column_colouring(members, state.colour_by) if state.values else None
    if colouring is not None:
        chosen = chosen[colouring.kept(state.values)[chosen.index]]
    return chosen


def view_coverage(members: pd.DataFrame, state: FilterState) -> tuple[int, int]:
    """(inhabitants covered, inhabitants) of the view (France, the région or the département):
    covered by the members of the kinds and search chosen, wherever they are (an EPCI across
    a border covers its communes on both sides)."""
    chosen = select(members, replace(state, region=None, departement=None))
    return covered_population(chosen, state.region, state.departement)


def search_key(members: pd.DataFrame) -> pd.Series:
    """What a search looks in: the official name and the name in the list, normalized (the
    browser normalizes the query as geodata.names.normalize does, see assets/filters.js)."""
    return (members[S.NAME].fillna("") + " " + members[S.INPUT_NAME].fillna("")).map(normalize)


def _region_of(departement: str) -> str | None:
    table = get_reference().table(DEPARTEMENT)
    return table.at[departement, "region"] if departement in table.index else None


def count_by_kind(shown: pd.DataFrame) -> dict[str, int]:
    """Kind -> number of members of an already selected frame, in legend order, no zeros."""
    counts = shown[S.KIND].value_counts()
    return {kind: int(counts[kind]) for kind in KINDS if counts.get(kind, 0)}


def legend_counts(members: pd.DataFrame, region: str | None = None,
                  kinds: Iterable[str] | None = None) -> dict[str, int]:
    """Kind -> number of members a view shows, in legend order, kinds with no member left out."""
    return count_by_kind(select_members(members, region, kinds))


def extra_columns(members: pd.DataFrame) -> list[str]:
    """The frame keys of the member file's own columns (their header: schema.extra_header)."""
    return S.extra_keys(members)
