"""Member lists as networks write them: no wrong match, almost no miss, every decision said."""

from pathlib import Path

import pandas as pd
import pytest

from geodata import schema as S
from geodata.members import agreement, resolve_members
from geodata.resolve import resolve_rows

MESSY = Path(__file__).parent / "data" / "messy_members.csv"
FIELDS = ("input_name", "kind_hint", "code", "departement_hint", "region_hint", "lon", "lat",
          "seat_code")


@pytest.fixture(scope="module")
def messy():
    return resolve_members(MESSY)


def test_messy_list_has_no_wrong_match_and_almost_no_miss(messy):
    expected = S.extra_key("attendu")
    score = agreement(messy, messy[expected])
    assert score["rows"] >= 300 and score["expected"] >= 250
    wrong = messy[(messy[S.CODE] != messy[expected]) & messy[S.STATUS].isin(
        [S.MATCHED, S.PLACED, S.DUPLICATE])]
    assert score["precision"] >= 0.995, wrong[[S.INPUT_NAME, S.CODE, expected]]
    assert score["recall"] >= 0.95


def test_every_decision_names_its_rule(messy):
    decided = messy[messy[S.STATUS].isin([S.MATCHED, S.PLACED])]
    assert decided[S.RULE].isin(S.RULE_LABELS).all()
    doubtful = messy[messy[S.RULE].isin(["prefix", "resemblance", "former_name", "acronym",
                                         "brand", "arrondissement"])]
    assert (doubtful[S.MESSAGE] != "").all()   # each says what it did, for a person to check


def test_rows_left_to_a_person_get_candidates_or_a_reason(messy):
    left = messy[messy[S.STATUS].isin([S.UNMATCHED, S.AMBIGUOUS])]
    assert (left[S.MESSAGE] != "").all()
    unmatched = left[left[S.STATUS] == S.UNMATCHED]
    assert unmatched[S.CANDIDATES].map(len).le(3).all()   # the three best, not a list to read
    ambiguous = left[left[S.STATUS] == S.AMBIGUOUS]
    assert ambiguous[S.CANDIDATES].map(len).ge(2).all()    # the homonyms to choose from


def one(name: str, departement: str = "", region: str = "", kind: str = "") -> pd.Series:
    row = {"row": 2, **dict.fromkeys(FIELDS, ""), "input_name": name, "kind_hint": kind,
           "departement_hint": departement, "region_hint": region}
    return resolve_rows(pd.DataFrame([row])).iloc[0]


# The table of the issue "Member lists resolved as a network's staff write them".
@pytest.mark.parametrize("name, departement, code, rule", [
    ("Evry", "91", "91228", "prefix"),
    ("Bagnères", "65", "65059", "prefix"),
    ("Saint-Ouen", "93", "93070", "prefix"),
    ("Grand Paris Seine Ouest", "", "200057974", "name"),
    ("CD 62", "", "62", "code_in_name"),
    ("CD59", "", "59", "code_in_name"),
    ("Conseil départemental 62", "", "62", "code_in_name"),
    ("Département 62", "", "62", "code_in_name"),
    ("CG 59", "", "59", "code_in_name"),
    ("CAPI", "", "243800604", "acronym"),
    ("TCO", "", "249740101", "acronym"),
    ("CINOR", "", "249740119", "acronym"),
    ("CARENE", "", "244400644", "acronym"),
    ("COBAS", "", "243300563", "acronym"),
    ("CAPH", "", "200042190", "acronym"),
    ("CALL", "", "246200364", "acronym"),
    ("SQY", "", "200058782", "alias"),   # three letters: a hand-written alias
    ("Plaine Commune", "", "200057867", "name"),
    ("Est Ensemble", "", "200057875", "name"),
    ("Com com des Hauts de Flandre", "", "200040954", "name"),
    ("Terre des 2 Caps", "", "246200380", "name"),
    ("Sept Vallées", "", "200044030", "name"),
    ("Cherbourg-Octeville", "", "50129", "former_name"),
    ("Seynod", "", "74010", "former_name"),
    ("Paris", "", "75056", "name"),
    ("Douai Agglo", "", "200044618", "brand"),
])
def test_the_forms_networks_write_resolve_to_the_right_unit(name, departement, code, rule):
    result = one(name, departement)
    assert (result[S.STATUS], result[S.CODE], result[S.RULE]) == (S.MATCHED, code, rule), \
        result[S.MESSAGE]


def test_a_hint_is_a_constraint_and_the_message_says_where_the_name_exists():
    lille = one("Lille", departement="62")
    assert lille[S.STATUS] == S.UNMATCHED and lille[S.CODE] == ""
    assert "Lille » existe dans le Nord (59), pas dans le Pas-de-Calais (62)" in lille[S.MESSAGE]
    assert S.candidate_codes(lille[S.CANDIDATES]) == ["59350"]
    assert one("Nantes", region="Bretagne")[S.STATUS] == S.UNMATCHED
    assert one("Roubaix", departement="Somme")[S.STATUS] == S.UNMATCHED


@pytest.mark.parametrize("name", ["Villeneuve-sur-Plouf", "Anères-de-Bigorre",
                                  "Saint-Trucmuche-les-Bains", "Bordeau"])
def test_resemblance_never_rests_on_generic_words_or_a_tie(name):
    result = one(name)
    assert result[S.STATUS] == S.UNMATCHED and result[S.CODE] == ""
    assert len(result[S.CANDIDATES]) <= 3


def test_a_typo_is_still_recognised_and_said():
    result = one("Sant-Denis", departement="93")
    assert (result[S.STATUS], result[S.CODE], result[S.RULE]) == (S.MATCHED, "93066",
                                                                  "resemblance")
    assert "ressemblance" in result[S.MESSAGE]


def test_paris_is_the_ville_de_paris_with_a_note():
    result = one("Paris")
    assert result[S.KIND] == "commune" and "à la fois une commune et un département" in \
        result[S.MESSAGE]
    assert one("Paris", kind="département")[S.CODE] == "75"


def test_arrondissements_are_placed_and_said_to_be_arrondissements():
    result = one("Mairie du 11e arrondissement de Paris")
    assert (result[S.STATUS], result[S.CODE], result[S.RULE]) == (
        S.PLACED, "75111", "arrondissement")
    assert (result[S.DEPARTEMENT], result[S.REGION]) == ("75", "11")
    assert "arrondissement" in result[S.MESSAGE] and "ce n'est pas la commune" in \
        result[S.MESSAGE]


def test_hand_written_aliases_still_name_existing_units():
    from geodata.aliases import ALIASES
    from geodata.gazetteer import gazetteer

    gaz = gazetteer()
    for alias, (level, code) in ALIASES.items():
        assert gaz.exists(level, code), alias


def test_councils_of_particular_status():
    assert one("Collectivité territoriale de Martinique")[S.CODE] == "02"
    assert one("CTG")[S.CODE] == "03"
    assert one("Collectivité de Corse")[S.CODE] == "94"
    alsace = one("Collectivité européenne d'Alsace")
    assert alsace[S.STATUS] == S.UNMATCHED
    assert S.candidate_codes(alsace[S.CANDIDATES]) == ["67", "68"]
    assert "ajoutez une ligne" in alsace[S.MESSAGE]
    assert one("Métropole du Grand Paris")[S.CODE] == "200054781"


@pytest.mark.parametrize("name, code", [
    ("Vienne (Isère)", "38544"), ("Valence (Drôme)", "26362"), ("Saint-Denis (Réunion)", "97411"),
    ("Paris (75)", "75056"), ("Métropole Européenne de Lille (MEL)", "200093201"),
    ("Bourg (Ain)", ""), ("Chambry (Savoie)", ""), ("Savoie Mont Blanc Tourisme (Savoie)", ""),
    ("Chambre de métiers et de l'artisanat (CMA)", ""), ("CA de Saint-Denis", ""),
])
def test_a_place_in_parentheses_is_a_hint_not_a_member(name, code):
    result = one(name)
    assert result[S.CODE] == code, result[S.MESSAGE]


@pytest.mark.parametrize("acronym", ["CMA", "HLM", "SAS", "PSA", "ARC", "CCAS", "SEM"])
def test_acronyms_of_other_bodies_are_no_epci(acronym):
    assert one(acronym)[S.CODE] == ""
    assert one(acronym, departement="74")[S.CODE] == ""


def test_a_hint_that_cannot_be_read_is_said():
    result = one("Lille", departement="62 - Nord")
    assert "Indication non comprise" in result[S.MESSAGE]
    assert one("Lille", departement="Nord (59)")[S.CODE] == "59350"


def test_a_code_whose_name_says_another_place_is_flagged():
    row = {"row": 2, **dict.fromkeys(FIELDS, ""), "input_name": "Saint-André", "code": "93066"}
    result = resolve_rows(pd.DataFrame([row])).iloc[0]
    assert result[S.STATUS] == S.AMBIGUOUS
    assert S.candidate_codes(result[S.CANDIDATES])[0] == "93066"
    assert "désigne une autre collectivité" in result[S.MESSAGE]
