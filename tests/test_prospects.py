"""Prospects: the collectivités of a région or département that are not members, checked against
a count commune by commune (members.brute_force): never a member, never a unit all of whose
communes members already cover, every other unit listed, ranked."""

from datetime import date

import pandas as pd
import pytest
from members import brute_force, member_row, members_frame, with_years

from dashboard.figures import PROSPECTS_GROUP, map_figure, prospect_legend_name
from dashboard.prospect_table import (
    file_name,
    frame,
    least_population,
    prospect_kinds,
    shown_prospects,
    summary,
)
from dashboard.selection import list_years, select
from dashboard.state import FilterState
from geodata import COMMUNE, DEPARTEMENT, EPCI, REGION, get_reference
from geodata import schema as S
from geodata.kinds import KIND_BY_ID
from geodata.levels import EPT
from geodata.prospects import prospects
from geodata.source import read_ept_membership

LEVEL_COLUMN = {REGION: "region", DEPARTEMENT: "departement", EPCI: "epci", COMMUNE: "code"}


def communes_of(level: str, code: str) -> pd.Series:
    """The codes of a unit's communes, from the tables (the EPTs' from their shipped list)."""
    if level == COMMUNE:
        return pd.Series([code])
    if level == EPT:
        epts = read_ept_membership()
        return epts[epts.ept_siren == code].commune_code
    return _communes_by(level).get(code, pd.Series([], dtype=str))


def _communes_by(level: str, kept={}) -> dict:   # noqa: B006 (a cache across the tests)
    if level not in kept:
        communes = get_reference().table(COMMUNE)
        if level == DEPARTEMENT:   # the Rhône's council does not govern the Métropole de Lyon
            communes = communes[communes.epci != LYON]
        kept[level] = dict(tuple(communes.code.groupby(communes[LEVEL_COLUMN[level]].values)))
    return kept[level]


LYON = "200046977"


def test_a_rhone_member_leaves_the_metropole_de_lyon_to_win():
    rhone = members_frame([member_row("departement", "69")])
    table = prospects(rhone, None, "69")
    lyon = table[table.code == LYON].iloc[0]
    # After the EPCIs across the Rhône's border (partly covered), the first of its neighbours.
    assert (lyon.partly_covered, lyon.touches) == (False, True)
    assert lyon["rank"] == table[~table.partly_covered]["rank"].min()
    assert "69123" in set(table.code)   # Lyon itself


@pytest.mark.parametrize("which", ["sample", "two_thousand"])
@pytest.mark.parametrize("region,departement", [("32", None), (None, "59"), ("11", None)])
def test_prospects_are_never_members_nor_inside_members(which, region, departement, request):
    members = request.getfixturevalue(which)
    table = prospects(members, region, departement)
    count = brute_force(members)
    covered = set(get_reference().table(COMMUNE).code[count.covered.values])
    units = set(zip(members[S.LEVEL], members[S.CODE], strict=True))
    assert not any((level, code) in units for level, code in zip(table.level, table.code,
                                                                  strict=True))
    for row in table.itertuples():
        inside = list(communes_of(row.level, row.code))
        share = sum(code in covered for code in inside) / len(inside)
        assert share < 1, f"{row.nom} lies inside members"
        assert row.partly_covered == (share > 0), row.nom
    # Every commune of the scope that members do not cover is a prospect, and no other.
    communes = get_reference().table(COMMUNE)
    scope = communes[(communes.departement == departement) if departement
                     else (communes.region == region)]
    # (Paris, a commune that is a whole département, is listed once: as the département.)
    assert set(table.code[table.level == COMMUNE]) == set(scope.code) - covered - {"75056"}
    assert set(table.code[table.level == EPCI]) == {
        code for code in set(scope.epci) - {""}
        if (EPCI, code) not in units and not all(c in covered for c in communes_of(EPCI, code))}


def test_hauts_de_france_ranks_the_partly_covered_then_the_neighbours_by_population(sample):
    table = prospects(sample, "32")
    # The sample has Pas-de-Calais and Lille: Nord holds Lille, the Somme touches the
    # Pas-de-Calais, the Aisne touches neither.
    by_code = table.set_index("code")
    assert (by_code.loc["59", "partly_covered"], by_code.loc["80", "touches"]) == (True, True)
    assert not by_code.loc["02", ["partly_covered", "touches"]].any()
    assert "62" not in by_code.index and "59350" not in by_code.index
    assert "62041" not in by_code.index   # Arras, inside the Pas-de-Calais
    assert by_code.loc["200093201", "kind"] == "metropole" and \
        by_code.loc["200093201", "partly_covered"]   # the MEL holds Lille
    group = table.partly_covered * 2 + table.touches
    assert group.is_monotonic_decreasing
    for _, same in table.groupby(group.values):
        assert same.population.is_monotonic_decreasing
    assert list(table["rank"]) == list(range(1, len(table) + 1))


def test_a_region_member_leaves_only_the_epcis_across_its_border():
    members = members_frame([member_row("region", "32")])
    table = prospects(members, "32")
    assert set(table.level) == {EPCI} and table.partly_covered.all()
    communes = get_reference().table(COMMUNE)
    for code in table.code:   # each has communes in Normandie too
        assert set(communes.region[communes.epci == code]) == {"28", "32"}
    assert prospects(members, None, "80").level.eq(EPCI).all()


def test_a_departement_view_lists_no_region():
    table = prospects(members_frame([member_row("commune", "59350")]), None, "59")
    assert REGION not in set(table.level) and table.iloc[0].code == "59"


# -- in the dashboard ---------------------------------------------------------------------------

def test_the_panel_lists_the_kinds_and_least_population_chosen(sample):
    state = FilterState(region="32", prospect_kinds=("departement", "commune"),
                        prospect_min=50_000)
    shown = shown_prospects(sample, state)
    everything = prospects(sample, "32")
    expected = everything[everything.kind.isin(["departement", "commune"])
                          & (everything.population >= 50_000)]
    assert list(shown.code) == list(expected.code) and {"59", "80", "02", "60"} <= set(
        shown.code)
    table = frame(shown)
    assert list(table.columns) == ["Rang", "Collectivité", "Type", "Code officiel",
                                   "Département", "Région", "Population",
                                   "Lien avec le réseau"]
    somme = table[table["Code officiel"] == "80"].iloc[0]
    assert (somme.Type, somme["Lien avec le réseau"]) == ("Département",
                                                          "Touche le territoire d'un adhérent")
    assert "Hauts-de-France : " in summary(everything, shown, state)
    assert shown_prospects(sample, FilterState()) is None   # France entière: choose a région
    assert summary(None, None, FilterState()).startswith("Choisissez une région")
    assert file_name("32", None, "csv", date(2026, 11, 29)) == \
        "collectivites-non-adherentes-hauts-de-france-2026-11-29.csv"


def test_browser_values_for_the_filters_are_checked():
    assert prospect_kinds(["commune", "bogus", 3]) == ("commune",)
    assert prospect_kinds("commune") == ()
    assert [least_population(v) for v in (5000, 2.5e3, -1, True, "10", None, float("nan"),
                                          1e12)] == [5000, 2500, 0, 0, 0, 0, 0, 10_000_000]


def test_the_non_members_map_draws_them_as_hollow_symbols_of_their_kind(sample):
    state = FilterState(region="32", mode="prospects", prospect_kinds=("departement",
                                                                       "communaute_urbaine"),
                        prospect_min=0)
    figure = map_figure(sample, state)
    drawn = [t for t in figure["data"] if t.get("legendgroup") == PROSPECTS_GROUP]
    departements = [t for t in drawn if t["marker"]["symbol"] == "square-open"]
    [urban] = [t for t in drawn if t["marker"]["symbol"] == "triangle-up-open"]
    assert len(departements[0]["lon"]) == 4    # Aisne, Nord, Oise, Somme: not the Pas-de-Calais
    assert departements[0]["marker"]["color"] == KIND_BY_ID["departement"].color
    assert urban["marker"]["color"] == KIND_BY_ID["communaute_urbaine"].color
    assert "Somme" in " ".join(departements[0]["hovertext"])
    [entry] = [t for t in drawn if t.get("showlegend")]
    assert entry["name"] == prospect_legend_name(4 + len(urban["lon"]))
    assert not any(t.get("legendgroup") == PROSPECTS_GROUP
                   for t in map_figure(sample, FilterState(mode="prospects"))["data"])


def test_one_territory_is_one_collectivite_and_corsica_has_no_departements(sample):
    """Martinique (a région and a département), Paris (a commune and a département) are listed
    once; the Corsican départements are governed by the Collectivité de Corse."""
    nobody = members_frame([member_row("commune", "59350")])
    martinique = prospects(nobody, "02")
    assert list(martinique.code[martinique.level.isin([REGION, DEPARTEMENT])]) == ["02"]
    paris = prospects(nobody, None, "75")
    assert (paris.code == "75").sum() == 1 and "75056" not in set(paris.code)
    corse = prospects(nobody, "94")
    assert not {"2A", "2B"} & set(corse.code) and "94" in set(corse.code)
    mayotte = prospects(nobody, None, "976")
    assert mayotte.iloc[0].code == "976"   # its own view: the département, not the région


def test_a_departement_under_france_entiere_draws_its_non_members(sample):
    for departement, geo in (("59", "geo"), ("976", "geo6")):
        figure = map_figure(sample, FilterState(departement=departement, mode="prospects"))
        drawn = [t for t in figure["data"] if t.get("legendgroup") == PROSPECTS_GROUP]
        assert drawn and {t["geo"] for t in drawn} == {geo}
        points = sum(len(t["lon"]) for t in drawn if not t.get("showlegend"))
        assert points == len(shown_prospects(sample, FilterState(departement=departement)))


def test_the_non_members_of_a_year_are_those_not_yet_members(sample):
    dated = with_years(sample)
    later = select(dated, FilterState(region="32"))   # Pas-de-Calais and Lille
    years = list_years(dated)[later.index]
    early = int(years.min())
    then = shown_prospects(dated, FilterState(region="32", year=early, prospect_min=0))
    now = shown_prospects(dated, FilterState(region="32", prospect_min=0))
    joined_later = later[(years > early).values]
    assert set(joined_later[S.CODE]) <= set(then.code) and not set(joined_later[S.CODE]) & set(
        now.code)
