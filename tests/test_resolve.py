"""Resolving messy member rows to official collectivités, on the real reference geography."""

import pandas as pd
import pytest

from geodata import schema as S
from geodata.resolve import resolve_rows

FIELDS = ("input_name", "kind_hint", "code", "departement_hint", "region_hint", "lon", "lat",
          "seat_code")


def resolve(*rows: dict | str) -> pd.DataFrame:
    records = []
    for i, row in enumerate(rows):
        row = {"input_name": row} if isinstance(row, str) else row
        records.append({"row": i + 2, **{f: "" for f in FIELDS}, **row})
    return resolve_rows(pd.DataFrame(records))


def one(row: dict | str) -> pd.Series:
    return resolve(row).iloc[0]


@pytest.mark.parametrize("row, kind, code", [
    # explicit codes
    ({"input_name": "Lille", "code": "59350"}, "commune", "59350"),
    ({"input_name": "", "code": "200093201"}, "metropole", "200093201"),
    ({"input_name": "MEL", "code": "200 093 201"}, "metropole", "200093201"),
    ({"input_name": "Métropole Européenne de Lille", "code": "20009320100017"},
     "metropole", "200093201"),  # a SIRET
    ({"input_name": "Ain", "code": "1", "kind_hint": "département"}, "departement", "01"),
    ({"input_name": "Abergement", "code": "1001", "kind_hint": "commune"}, "commune", "01001"),
    ({"input_name": "Paris", "code": "75", "kind_hint": "Département"}, "departement", "75"),
    ({"input_name": "Gers", "code": "32", "kind_hint": "dept"}, "departement", "32"),
    ({"input_name": "Hauts-de-France", "code": "32", "kind_hint": "Région"}, "region", "32"),
    ({"input_name": "Conseil régional des Hauts-de-France", "code": "32"}, "region", "32"),
    ({"input_name": "Haute-Corse", "code": "2b"}, "departement", "2B"),
    # prefixes
    ("Ville de Lille", "commune", "59350"),
    ("Mairie de Senones", "commune", "88451"),
    ("Commune de Bergerac", "commune", "24037"),
    ("Conseil départemental du Pas-de-Calais", "departement", "62"),
    ("Conseil Général d'Indre et Loire", "departement", "37"),
    ("Département des Hauts-de-Seine", "departement", "92"),
    ("CD 35 Ille-et-Vilaine", "departement", "35"),
    ("Conseil régional de Bretagne", "region", "53"),
    ("Région Pays de Loire", "region", "52"),
    ("CA du Douaisis", "communaute_agglomeration", "200044618"),
    ("Agglo du Pays de Dreux", "communaute_agglomeration", "200040277"),
    ("CC Auberive Vingeanne Montsaugeonnais", "communaute_communes", "200027308"),
    ("Communauté urbaine du Grand Poitiers", "communaute_urbaine", "200069854"),
    ("Métropole de Lyon", "metropole", "200046977"),
    ("Nantes Métropole", "metropole", "244400404"),
    # abbreviations and aliases
    ("MEL", "metropole", "200093201"),
    ("Grand Lyon", "metropole", "200046977"),
    ("Grand Poitiers", "communaute_urbaine", "200069854"),
    ("Sicoval", "communaute_agglomeration", "243100633"),
    ("St-Étienne Métropole", "metropole", "244200770"),
    ("PACA", "region", "93"),
    # accents, case, hyphens, ligatures
    ("GRENOBLE ALPES METROPOLE", "metropole", "200040715"),
    ("departement du val de marne", "departement", "94"),
    ("Saint-Etienne", "commune", "42218"),
    ("Ste-Foy-lès-Lyon", "commune", "69202"),
    ("Œuilly", None, None),  # two communes: ambiguous, see below
    ("Île-de-France", "region", "11"),
    ("Ile de France", "region", "11"),
    # typos
    ("Grenobel", "commune", "38185"),
    ("Montpelier", "commune", "34172"),
    ("Conseil départemental de la Dordogn", "departement", "24"),
    # Corsica and overseas
    ("Ajaccio", "commune", "2A004"),
    ("Corse-du-Sud", "departement", "2A"),
    ("Collectivité de Corse", "region", "94"),
    ("Fort-de-France", "commune", "97209"),
    ("Mamoudzou", "commune", "97611"),
    ("Conseil régional de La Réunion", "region", "04"),
    ("Département de La Réunion", "departement", "974"),
    ("Guyane", None, None),  # région and département share the name
])
def test_rows_resolve_to_the_right_unit(row, kind, code):
    result = one(row)
    if code is None:
        assert result[S.STATUS] != S.MATCHED, result[S.NAME]
    else:
        assert (result[S.STATUS], result[S.KIND], result[S.CODE]) == (S.MATCHED, kind, code), \
            result[S.MESSAGE]


def test_homonym_without_hint_is_ambiguous_with_candidates():
    result = one("St-Denis")
    assert result[S.STATUS] == S.AMBIGUOUS
    assert {"93066", "97411"} <= set(S.candidate_codes(result[S.CANDIDATES]))
    assert "précisez le département" in result[S.MESSAGE]
    assert result[S.CODE] == ""


@pytest.mark.parametrize("hint, code", [({"departement_hint": "93"}, "93066"),
                                        ({"departement_hint": "Seine-Saint-Denis"}, "93066"),
                                        ({"departement_hint": "974"}, "97411"),
                                        ({"region_hint": "La Réunion"}, "97411"),
                                        ({"region_hint": "Île-de-France"}, "93066")])
def test_homonym_with_hint_is_matched(hint, code):
    result = one({"input_name": "Saint-Denis", **hint})
    assert (result[S.STATUS], result[S.CODE]) == (S.MATCHED, code)


def test_code_shared_by_departement_and_region_needs_the_type():
    result = one({"input_name": "", "code": "75"})
    assert result[S.STATUS] == S.AMBIGUOUS
    assert "type" in result[S.MESSAGE]


def test_code_of_another_collectivite_than_the_name_is_left_to_a_person():
    result = one({"input_name": "Ville de Lille", "code": "38185"})   # Grenoble's code
    assert result[S.STATUS] == S.AMBIGUOUS
    assert S.candidate_codes(result[S.CANDIDATES]) == ["38185", "59350"]
    assert "le nom « Ville de Lille » désigne une autre collectivité" in result[S.MESSAGE]


def test_code_with_a_name_that_is_no_collectivite_is_kept_with_a_warning():
    result = one({"input_name": "Maison de l'emploi", "code": "38185"})
    assert (result[S.STATUS], result[S.CODE]) == (S.MATCHED, "38185")
    assert "diffère du nom officiel" in result[S.MESSAGE]


def test_a_code_written_by_a_program_as_a_decimal_number():
    assert one({"input_name": "", "code": "1001.0"})[S.CODE] == "01001"


def test_unknown_code_falls_back_to_the_name_and_says_so():
    result = one({"input_name": "Ville de Lille", "code": "99999"})
    assert (result[S.STATUS], result[S.CODE]) == (S.MATCHED, "59350")
    assert "99999" in result[S.MESSAGE]


def test_former_region_is_reported_as_such():
    result = one("Région Nord-Pas-de-Calais")
    assert result[S.STATUS] == S.UNMATCHED
    assert "n'existe plus depuis 2016" in result[S.MESSAGE]
    assert "Hauts-de-France" in result[S.MESSAGE] and "(32)" in result[S.MESSAGE]


@pytest.mark.parametrize("name", ["CRESS Hauts-de-France", "Bruxelles", "Genève",
                                  "Association Les Amis de Lille", "Banque des Territoires",
                                  "Lile", "Pays de Morlaix"])
def test_non_collectivites_stay_unmatched(name):
    result = one(name)
    assert result[S.STATUS] == S.UNMATCHED, result[S.NAME]
    assert result[S.CODE] == ""
    assert result[S.MESSAGE]


def test_unmatched_typo_offers_close_candidates():
    result = one("Bruxelles")
    assert "Brutelles" in [candidate["name"] for candidate in result[S.CANDIDATES]]


def test_outdated_epci_kind_is_matched_with_a_note():
    result = one("Communauté urbaine de Nantes")
    assert (result[S.STATUS], result[S.CODE]) == (S.MATCHED, "244400404")
    assert "métropole" in result[S.MESSAGE]


def test_duplicates_point_to_the_first_row():
    out = resolve("Ville de Lille", "MEL", {"input_name": "Lille", "code": "59350"}, "Lille")
    assert out[S.STATUS].tolist() == [S.MATCHED, S.MATCHED, S.DUPLICATE, S.DUPLICATE]
    assert "ligne 2" in out[S.MESSAGE].iloc[2]
    assert out[S.CODE].iloc[3] == "59350"


def test_epts_are_units_and_other_structures_are_placed_by_seat_or_coordinates():
    out = resolve({"input_name": "EPT Est Ensemble", "kind_hint": "EPT", "seat_code": "93048"},
                  {"input_name": "Syndicat mixte du Bassin", "lon": "2,35", "lat": "48.85"},
                  {"input_name": "Plaine Commune"},
                  {"input_name": "Ailleurs", "kind_hint": "autre", "lon": "4.35", "lat": "50.85"},
                  {"input_name": "Syndicat des eaux", "kind_hint": "syndicat"})
    assert out[S.STATUS].tolist() == [S.MATCHED, S.PLACED, S.MATCHED, S.UNMATCHED, S.UNMATCHED]
    assert out[S.KIND].tolist()[:3] == ["autre", "autre", "autre"]
    assert out[S.LEVEL].tolist()[:3] == ["ept", "", "ept"]
    assert out[S.CODE].tolist()[:3] == ["200057875", "", "200057867"]
    assert (out[S.DEPARTEMENT].iloc[0], out[S.REGION].iloc[0]) == ("93", "11")
    assert (out[S.DEPARTEMENT].iloc[1], out[S.REGION].iloc[1]) == ("75", "11")
    assert out[S.RULE].tolist()[:3] == ["name", "coordinates", "name"]
    assert "commune siège" in out[S.MESSAGE].iloc[4]


def test_every_row_is_accounted_for_in_order():
    names = ["Ville de Lille", "???", "", "St-Denis", "Bruxelles", "MEL", "Lille"]
    out = resolve(*names)
    assert out[S.ROW].tolist() == list(range(2, 2 + len(names)))
    assert out[S.INPUT_NAME].tolist() == names
    assert out[S.STATUS].isin(S.STATUSES).all()
    assert out.columns.tolist()[:len(S.RESOLVED_COLUMNS)] == S.RESOLVED_COLUMNS


def test_matched_rows_carry_parents_and_population():
    result = one("Ville de Lille")
    assert (result[S.DEPARTEMENT], result[S.REGION]) == ("59", "32")
    assert result[S.POPULATION] > 200_000
    assert result[S.NAME] == "Lille"
