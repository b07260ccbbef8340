"""What the browser needs to answer the filters without the server (assets/filters.js).

A view (France, a région or a département, drawn for the size of the map in the page and the
names chosen) is built here once with every member of the view, all kinds and no search; the
browser hides the kinds unticked and leaves out the members a search does not find, then
rewrites the subtitle and the legend's counts. The table, the header counts and the URL follow
in the browser too. Only a change of view (région, département, size, names, list) asks the
server.

`words()` are the names and rules the browser writes with, sent once with the page: one place
for each fact, here in Python, whatever the language that uses it.
"""

from dataclasses import replace

import pandas as pd

from geodata import COMMUNE, get_reference, memoized
from geodata import schema as S
from geodata.columns import MAX_HEADER, column_colouring
from geodata.coverage import coverage_groups
from geodata.growth import FIRST_YEAR
from geodata.kinds import AREA_KINDS, KIND_BY_ID, KINDS

from .figures import COLOUR_GROUP, map_figure, source_line, subtitle_frame, view_texts
from .labels import DEFAULT_TITLE, SAMPLE_MARK
from .legend import contrast_ratio
from .map_labels import DEFAULT_WIDTH, WIDTHS
from .member_store import embedded_sample
from .names import departement_names, departements_of_region, region_names
from .selection import in_effect, list_years, search_key, select, select_members, years_of
from .state import ALL_REGIONS, LAST_YEAR, MAX_QUERY, MAX_VALUES, FilterState
from .table import extra_field

INKS = ("#1f1f1f", "#ffffff")   # the text on a value's colour in the table: the more legible


@memoized
def words() -> dict:
    """The words, names and tables of filters.js (JSON)."""
    return {
        "kinds": [{"id": kind, "label": KIND_BY_ID[kind].label,
                   "plural": KIND_BY_ID[kind].plural, "char": KIND_BY_ID[kind].char,
                   "color": KIND_BY_ID[kind].color} for kind in KINDS],
        "regions": region_names(),
        "departements": departement_names(),
        "departementsOfRegion": departements_of_region(),
        "allRegions": ALL_REGIONS,
        "maxQuery": MAX_QUERY,
        "maxHeader": MAX_HEADER,     # a column's name, and values of it, a link may carry
        "maxValues": MAX_VALUES,
        "colourGroup": COLOUR_GROUP,   # the legend group of a column's values
        "yearRange": [FIRST_YEAR, LAST_YEAR],   # a year filter outside reads as none
        "defaultTitle": DEFAULT_TITLE,
        "sampleMark": SAMPLE_MARK,
        "source": source_line(),
        "widths": WIDTHS,            # Arial advance widths, thousandths of an em
        "defaultWidth": DEFAULT_WIDTH,
        # inhabitants of each département: the population of a view, for its coverage
        "populations": {code: int(n) for code, n in get_reference().table(COMMUNE)
                        .groupby("departement").population.sum().items()},
    }


def years_dict(span: tuple[int, int] | None) -> dict | None:
    """{first, last} membership year of the list (selection.years_of; None: no years to
    slide through), for filters.js yearInEffect."""
    return {"first": span[0], "last": span[1]} if span else None


def colouring(members: pd.DataFrame, header: str | None) -> dict | None:
    """The classes of the list's column chosen, for the browser to keep the values chosen
    (filters.js columnFilter) and colour the table: labels, colours, the text colour on each
    and how many rows have each, the grid's field of the column, and row -> class for every
    row placed on the map; None: no such column."""
    classes = column_colouring(members, header)
    if classes is None:
        return None
    rows = select_members(members)[S.ROW]
    return {"header": classes.header, "field": extra_field(members, classes.header),
            "labels": list(classes.labels), "colors": list(classes.colors),
            "inks": [max(INKS, key=lambda ink, c=color: contrast_ratio(ink, c))
                     for color in classes.colors],
            "counts": classes.counts(),
            "of": {str(row): int(classes.classes[index]) for index, row in rows.items()}}


COVERAGE_KEY = [S.STATUS, S.LEVEL, S.CODE, S.ROW]   # what a list's coverage groups depend on


def coverage(members: pd.DataFrame) -> list:
    """The list's coverage groups for the browser ([département, inhabitants, [rows]]): the
    population covered by any members the filters keep is a sum over them (filters.js
    coveredIn, the twin of geodata.coverage.covered_in). Worked out once per list: every
    visitor's page asks for the sample's (0.1 s each)."""
    return _coverage_of(tuple(members[COVERAGE_KEY].itertuples(index=False, name=None)))


@memoized(maxsize=16)
def _coverage_of(key: tuple) -> list:
    groups = coverage_groups(pd.DataFrame(list(key), columns=COVERAGE_KEY))
    return [[departement, int(population), [int(row) for row in rows]]
            for departement, population, rows in groups.itertuples(index=False)]


SAMPLE_VIEWS = 128   # the sample's views kept built (France, régions, départements, sizes)


def view(members: pd.DataFrame, state: FilterState, canvas: tuple[int, int],
         sample: bool, title: str | None = None) -> dict:
    """A view for the browser: its figure (every member of the view: the state's région or
    département, names, map mode and prospects; all kinds, no search) and what filters.js needs
    to filter it (members' kinds and search keys, the subtitle's frame). A column of the list
    colours it (state.colour_by); the browser keeps the values chosen. title: in place of the
    view's own (a published page's)."""
    # The "Non adhérentes" map is drawn for its year (its non-members are those of the year);
    # other views hold every member, the browser keeps those of a year.
    state = replace(state, kinds=KINDS, query="", values=(),
                    year=state.year if state.mode == "prospects" else None)
    if sample and members is embedded_sample() and title is None:
        # Every visitor of a public page asks for the same views of the sample (0.05 to 0.2 s
        # of the server each): built once. The dict is shared: callers must not change it.
        return _sample_view(state, canvas)
    return _view(members, state, canvas, sample, title)


@memoized(maxsize=SAMPLE_VIEWS)
def _sample_view(state: FilterState, canvas: tuple[int, int]) -> dict:
    return _view(embedded_sample(), state, canvas, sample=True)


def _view(members: pd.DataFrame, state: FilterState, canvas: tuple[int, int],
          sample: bool, title: str | None = None) -> dict:
    shown = select(members, state)
    written = {"title": title} if title else None
    texts = view_texts(shown, state, written=written)
    figure = map_figure(members, state, sample=sample, canvas=canvas, linked=True,
                        written=written)
    areas = shown[shown[S.KIND].isin(AREA_KINDS)]
    return {
        "figure": figure,
        "colourBy": in_effect(members, state).colour_by,   # the column its colours say
        "title": texts.title,
        "sample": sample,
        "subtitle": subtitle_frame(canvas, texts.title),
        # row -> [kind, search key, membership year], for every member of the view
        "members": {str(row): [kind, key, None if pd.isna(year) else int(year)]
                    for row, kind, key, year in zip(
                        shown[S.ROW], shown[S.KIND], search_key(shown),
                        list_years(members)[shown.index], strict=True)},
        "years": years_dict(years_of(members)),
        # row -> [lon, lat] of the member areas: where the selection ring goes
        "areas": {str(row): [round(lon, 5), round(lat, 5)] for row, lon, lat in zip(
            areas[S.ROW], areas[S.LON], areas[S.LAT], strict=True) if pd.notna(lon)},
    }

