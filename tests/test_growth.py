"""Growth: the list's membership years found as people write them, the network at the end of a
year, and the chart of members and coverage per year, checked against the list itself."""

from datetime import datetime

import pandas as pd
import pytest
from members import YEAR_HEADER, brute_force, with_years

from dashboard.growth_chart import file_name, growth_figure, growth_table
from dashboard.selection import select, year_in_effect, years_of
from dashboard.state import FilterState
from dashboard.views import year_slider
from geodata import COMMUNE, get_reference
from geodata import schema as S
from geodata.growth import membership_year_column, membership_years, year_of


@pytest.mark.parametrize("cell,year", [
    (2015, 2015), (2015.0, 2015), ("2015", 2015), ("depuis 2015", 2015), ("03/2015", 2015),
    ("01/03/2015", 2015), ("mars 2015", 2015), (datetime(2015, 3, 1), 2015),
    (pd.Timestamp("2015-03-01"), 2015), (42005, 2015),            # an Excel date number
    ("2015-2016", None), ("", None), (None, None), ("NC", None), (1850, None), (True, None),
    (2015.5, None), ("12", None)])
def test_a_cell_says_a_year_as_people_write_it(cell, year):
    assert year_of(cell) == year


@pytest.mark.parametrize("header,found", [
    ("Année d'adhésion", True), ("Date d'adhésion", True), ("ANNEE ADHESION RTES", True),
    ("Adhérent depuis", True), ("Membre depuis", True), ("Depuis", True), ("Année", True),
    ("Adhésion", True), ("date de la preuve", False), ("Population", False),
    ("Élu référent", False), ("Date de fin d'adhésion", False), ("Montant adhésion (€)", False),
    ("Cotisation d'adhésion 2024", False)])
def test_the_column_of_years_is_found_by_its_header(sample, header, found):
    members = sample.assign(**{S.extra_key(header): ["2012"] * len(sample)})
    assert (membership_year_column(members) == S.extra_key(header)) is found


def test_a_column_named_so_but_holding_no_years_is_not_taken(sample):
    members = sample.assign(**{S.extra_key("Adhésion"): ["oui"] * len(sample)})
    assert membership_year_column(members) is None
    assert years_of(members) is None and growth_figure(members, FilterState()) is None
    assert year_slider(members, None)[3] is None     # no slider value: it is hidden
    assert year_slider(members, None, asked=2010)[3] == 2010   # kept for the next list


def test_the_embedded_sample_has_no_years(sample):
    assert membership_year_column(sample) is None   # its "date de la preuve" is not one


@pytest.fixture(scope="module")
def dated(sample):
    return with_years(sample)


@pytest.fixture(scope="module")
def dated_many(two_thousand):
    return with_years(two_thousand, 1995, 2025, seed=9)


def test_the_network_at_the_end_of_a_year_is_the_members_who_had_joined(dated):
    years = membership_years(dated)
    assert years.isna().sum() == 4 and (S.extra_key(YEAR_HEADER) ==
                                         membership_year_column(dated))
    for year in (2001, 2010, 2023):
        chosen = select(dated, FilterState(year=year))
        assert set(chosen[S.ROW]) == set(dated[S.ROW][(years <= year).fillna(False)])
    # The last year (the slider's "toutes"), later or none: every member, year or not.
    for year in (2024, 2030, None):
        assert len(select(dated, FilterState(year=year))) == len(dated)
    assert year_in_effect(dated, 2012) == 2012 and year_in_effect(dated, 2024) is None
    first, last, marks, value, hint = year_slider(dated, years_of(dated), asked=2012)
    assert (first, last, value, marks[last]) == (2001, 2024, 2012, "toutes")
    assert "« Année d'adhésion »" in hint and "4 adhérents sans année n'apparaissent" in hint


@pytest.mark.parametrize("which", ["dated", "dated_many"])
@pytest.mark.parametrize("state", [FilterState(), FilterState(region="32"),
                                   FilterState(region="84", departement="69")], ids=str)
def test_the_chart_agrees_with_the_list(which, state, request):
    members = request.getfixturevalue(which)
    table = growth_table(members, state)
    first, last = years_of(members)
    assert list(table.index) == list(range(first, last + 1))
    shown = select(members, state)
    years = membership_years(shown)
    communes = get_reference().table(COMMUNE)
    inside = (communes.departement == state.departement).values if state.departement else \
        (communes.region == state.region).values if state.region else None
    for year in (first, (first + last) // 2, last):
        for kind, count in table.loc[year].drop(["covered", "share"]).items():
            assert count == ((shown[S.KIND] == kind) & (years <= year)).sum()
        joined = members[(membership_years(members) <= year).fillna(False).values]
        count = brute_force(joined)
        covered = count.covered.values & (inside if inside is not None else True)
        assert table.loc[year, "covered"] == count.population[covered].sum()
    # At the last year, the members who gave a year: all but those who did not.
    assert table.loc[last].drop(["covered", "share"]).sum() == years.notna().sum()


def test_the_chart_is_drawn_and_named_for_its_view(dated):
    figure = growth_figure(dated, FilterState(region="84"))
    assert figure["layout"]["title"]["text"] == "Croissance du réseau en région " \
                                                "Auvergne-Rhône-Alpes"
    names = [trace["name"] for trace in figure["data"]]
    assert names[-1] == "Population couverte" and "Métropoles" in names
    assert all(t["type"] == "scatter" for t in figure["data"])   # the page draws no bars
    assert "sans année" in growth_figure(dated, FilterState())["layout"]["title"]["subtitle"][
        "text"]
    assert file_name(FilterState(region="84"), "png").startswith(
        "adherents-auvergne-rhone-alpes-croissance-")


def test_the_column_is_read_once_for_the_whole_list(sample):
    """A région whose cells mostly say no year ("en cours") still reads the column the whole
    list has: its one dated member is there at the end of its year, in every output."""
    cells = ["en cours" if region == "84" else "2010" for region in sample[S.REGION]]
    lyon = sample.index[sample[S.CODE] == "200046977"][0]
    cells[sample.index.get_loc(lyon)] = "2013"
    cells[0] = "2020"   # the list's last year (Nantes Métropole): 2017 keeps some out
    members = sample.assign(**{S.extra_key(YEAR_HEADER): cells})
    state = FilterState(region="84", year=2017)
    assert list(select(members, state)[S.CODE]) == ["200046977"]
    assert growth_table(members, FilterState(region="84")).loc[2013, "metropole"] == 1


def test_a_list_whose_members_all_joined_the_same_year_has_no_slider(sample):
    members = sample.assign(**{S.extra_key(YEAR_HEADER): "2015"})
    assert years_of(members) is None and growth_figure(members, FilterState()) is None
