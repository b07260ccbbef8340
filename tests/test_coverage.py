"""Coverage: the population living in at least one member territory, each commune counted once,
checked against a count commune by commune that takes another road (the EPTs' shipped list of
communes rather than their perimeters)."""

import json
import random
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from members import brute_force, member_row, members_frame

from geodata import COMMUNE, DEPARTEMENT, REGION, get_reference
from geodata import schema as S
from geodata.coverage import (
    UnknownRegionError,
    coverage,
    coverage_groups,
    covered_in,
    covered_population,
    region_code,
    share_fr,
)

ROOT = Path(__file__).parent.parent


@pytest.mark.parametrize("which", ["sample", "two_thousand"])
def test_coverage_equals_a_count_commune_by_commune(which, request):
    members = request.getfixturevalue(which)
    assert len(members) > (1900 if which == "two_thousand" else 30)
    figures = coverage(members)
    expected = brute_force(members)
    covered = expected.population[expected.covered]
    assert figures.loc["France", "covered"] == covered.sum()
    assert figures.loc["France", "population"] == expected.population.sum()
    by_region = expected[expected.covered].groupby("region").population.sum()
    regions = figures[figures.scope == REGION]
    assert regions.covered.to_dict() == by_region.reindex(regions.index).fillna(0).to_dict()
    for region in ("32", "93", "75"):
        by_departement = expected[expected.covered & (expected.region == region)] \
            .groupby("departement").population.sum()
        inside = coverage(members, region)
        departements = inside[inside.scope == DEPARTEMENT]
        assert departements.covered.to_dict() == \
            by_departement.reindex(departements.index).fillna(0).to_dict()
        assert inside.loc[region, "covered"] == by_departement.sum()


def choices_of(members: pd.DataFrame) -> list[pd.DataFrame]:
    """Members the dashboard's filters may keep: all, one kind, all but one, a search's few."""
    some = random.Random(17).sample(list(members.index), len(members) // 7)
    return [members, members[members[S.KIND] == "commune"],
            members[members[S.KIND] != "region"], members.loc[some], members.iloc[:0]]


@pytest.mark.parametrize("which", ["sample", "two_thousand"])
def test_the_groups_give_the_coverage_of_any_members_the_filters_keep(which, request):
    """The dashboard sends the groups once per list and sums them for each choice of kinds or
    search: the sums equal a count commune by commune of the members kept."""
    members = request.getfixturevalue(which)
    groups = coverage_groups(members)
    assert groups.population.sum() == brute_force(members).query("covered").population.sum()
    for chosen in choices_of(members):
        expected = brute_force(chosen)
        covered = expected[expected.covered]
        assert covered_in(groups, chosen[S.ROW]) == covered.population.sum()
        for departements in (["59"], ["75", "92", "93", "94"], ["13", "33", "974"]):
            assert covered_in(groups, chosen[S.ROW], departements) == \
                covered[covered.departement.isin(departements)].population.sum()


def test_the_population_covered_in_a_region_or_a_departement(two_thousand):
    expected = brute_force(two_thousand)
    for region, departement in ((None, None), ("32", None), ("84", None), (None, "2A"),
                                ("11", "93")):
        inside = expected[(expected.departement == departement) if departement else
                          (expected.region == region) if region else expected.population >= 0]
        assert covered_population(two_thousand, region, departement) == (
            inside.population[inside.covered].sum(), inside.population.sum())


@pytest.mark.parametrize("part,whole,text", [
    (30_148_363, 68_350_798, "44,1"), (1, 68_350_798, "moins de 0,1"), (0, 500, "0,0"),
    (499, 500, "99,8"), (99_999, 100_000, "plus de 99,9"), (500, 500, "100"),
    (1_225, 10_000, "12,3"), (1_235, 10_000, "12,4"), (5, 0, "0")])
def test_a_share_reads_in_french_and_never_rounds_to_none_or_all(part, whole, text):
    assert share_fr(part, whole) == text + "\u00a0%"


def test_a_commune_inside_members_of_every_level_counts_once():
    ref = get_reference()
    members = members_frame([member_row("commune", "59350"), member_row("metropole",
                                                                        "200093201"),
                             member_row("departement", "59"), member_row("region", "32")])
    figures = coverage(members)
    hauts_de_france = ref.lookup(REGION, "32")["population"]
    assert figures.loc["France", "covered"] == hauts_de_france
    assert figures.loc["32", "share"] == 1.0 and figures.loc["32", "members"] == 4
    assert figures.loc["France", "share"] == pytest.approx(
        hauts_de_france / ref.table(COMMUNE).population.sum())


def test_the_rhone_does_not_cover_the_metropole_de_lyon():
    """The Métropole de Lyon has the département's powers on its territory: a Rhône member
    covers the rest of the Rhône only."""
    communes = get_reference().table(COMMUNE)
    rhone = communes[communes.departement == "69"]
    outside_lyon = rhone.population[rhone.epci != "200046977"].sum()
    members = members_frame([member_row("departement", "69")])
    assert covered_population(members, None, "69") == (outside_lyon, rhone.population.sum())
    assert brute_force(members).query("covered").population.sum() == outside_lyon
    both = members_frame([member_row("departement", "69"), member_row("metropole", "200046977")])
    assert covered_population(both, None, "69")[0] == rhone.population.sum()


def test_a_member_placed_by_its_seat_covers_no_territory():
    seated = member_row("autre", "200057875", input_name="Syndicat mixte")   # placed, no unit
    members = members_frame([{**seated, S.STATUS: S.PLACED, S.LEVEL: ""}])
    assert coverage(members).loc["France", "covered"] == 0


def test_a_region_is_found_by_code_or_name_and_an_unknown_one_is_refused():
    assert [region_code(text) for text in ("32", "Hauts-de-France", "hauts de france",
                                           "France entière", None)] == ["32"] * 3 + [None] * 2
    with pytest.raises(UnknownRegionError, match="région inconnue « Picardie ». Régions "
                                                 "possibles : .*Hauts-de-France \\(32\\)"):
        region_code("Picardie")


def test_the_command_line_says_the_coverage_in_words_and_in_json(tmp_path):
    members = tmp_path / "liste.csv"
    members.write_text("nom;code\nVille de Lille;59350\nMétropole Européenne de Lille;\n"
                       "Département du Nord;\nCC inconnue de nulle part;\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "geodata", "coverage", str(members),
                          "--region", "Hauts-de-France"], capture_output=True, text=True,
                         cwd=ROOT)
    assert run.returncode == 0, run.stderr
    nord = get_reference().lookup(DEPARTEMENT, "59")["population"]
    region = get_reference().lookup(REGION, "32")["population"]
    def spaced(number):
        return f"{number:,}".replace(",", "\u202f")
    assert run.stdout.startswith(
        f"« liste.csv » (4 lignes, 3 adhérents sur la carte en région Hauts-de-France, COG "
        f"2026) : {spaced(nord)} habitants vivent sur le territoire d'au moins un adhérent, sur "
        f"{spaced(region)} (")
    assert "Par département :" in run.stdout and "Nord" in run.stdout and "100\u00a0%" in run.stdout
    assert "1 ligne de la liste n'est pas sur la carte et ne compte pas" in run.stdout

    run = subprocess.run([sys.executable, "-m", "geodata", "coverage", str(members), "--json"],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    figures = json.loads(run.stdout)
    assert (figures["rows"], figures["vintage"]) == (4, "2026")
    france = figures["scopes"][0]
    assert (france["code"], france["covered"], france["members"]) == ("France", nord, 3)

    run = subprocess.run([sys.executable, "-m", "geodata", "coverage", str(members), "--region",
                          "Picardie"], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 1 and run.stderr.startswith("Erreur : région inconnue « Picardie »")
