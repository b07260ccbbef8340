"""Resolve each row of a member list to one official collectivité (level + code).

A wrong match is worse than a missing one: a rule gives a unit only when nothing in the row
speaks against it, and a row left in doubt gets its candidates for a person to choose.

The rules, in order; the one that decides is recorded in the `rule` column (schema.RULES):
 1. code: an official code (INSEE, SIREN, SIRET), checked against the name;
 2. alias: a usual name of geodata.aliases;
 3. name: the official name, also without articles or the words of an EPCI's kind;
 4. code_in_name: "CD 62", "Département 59";
 5. acronym: printed in the official name (CAPI), else of its significant words (CAPH);
 6. brand: "<ville> Agglo / Métropole / Communauté", "CA de <ville>" (the EPCI's main city);
 7. former_name: a commune déléguée or associée stands for the commune it was merged into;
 8. arrondissement: "Paris 11e" is placed at its town hall, with a note;
    successor: an EPCI of the previous vintage that is gone (by its code or its name) is
    placed on its successor, with a note; on the one with most of its population when its
    communes are shared, the others as candidates (geodata.successors); one renamed is
    found by its former name too;
 9. prefix: inside the département given, the only unit whose name begins with the name;
10. resemblance: a typo, close on every distinctive word, with a clear winner.
The type, département and région given in the row are constraints: no rule yields a unit
outside them, and a name found only elsewhere is reported with the places where it exists.
Every input row gives one output row, in input order.
"""

import math
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from . import schema as S
from .gazetteer import BRAND_WORDS, Gazetteer, Unit, gazetteer
from .kinds import (
    ANY_EPCI_WORDS,
    EPCI_KINDS,
    KIND_BY_ID,
    KIND_DEPARTEMENT,
    KIND_LABELS_SINGULAR,
    KIND_OTHER,
    SEATED_KINDS,
    level_of_kind,
)
from .levels import COMMUNE, DEPARTEMENT, EPCI, EPT, REGION, is_valid_code
from .names import (
    distinctive_words,
    epci_key,
    key,
    kind_from_words,
    normalize,
    split_prefix,
    written_acronym,
)

# Fuzzy matching: accepted at or above FUZZY_ACCEPT when the runner-up is FUZZY_MARGIN
# behind. A typo is likelier in the name of a big place than a match with a hamlet
# ("Grenobel" is Grenoble; "Bruxelles" is not Brutelles, pop. 150): the bar is lower for
# units of NOTABLE_POPULATION or more, and inside a département or région given as a hint.
# Names scoring FUZZY_SUGGEST or more are offered as candidates for a person to check.
FUZZY_ACCEPT = 92
FUZZY_ACCEPT_NOTABLE = 85
NOTABLE_POPULATION = 20_000
FUZZY_MARGIN = 4
FUZZY_SUGGEST = 75
FUZZY_MIN_LENGTH = 5
MAX_CANDIDATES = 3
# Seconds a list may spend on the search for names with typos (about 7 ms per unknown name
# on our machine, against 0.1 ms for the exact rules): beyond, rows are matched exactly only,
# with a message saying so. A list of 10,000 unknown names is answered in about 7 s.
RESEMBLANCE_SECONDS = 6.0
# Levels tried for a name with no type, in order of preference on equal evidence.
ALL_LEVELS = (COMMUNE, EPCI, EPT, DEPARTEMENT, REGION)
DERIVED_ACRONYM_MIN = 4   # "SQY", "CUD": hand-written aliases; three letters say too little
_DEPARTEMENT_PREFIX = f"(?:{'|'.join(KIND_BY_ID[KIND_DEPARTEMENT].prefixes)})"
# "CD 62", "CD59", "Département 62 Pas-de-Calais"; "Conseil départemental du Nord (59)".
_DEPARTEMENT_NUMBER = re.compile(
    rf"^{_DEPARTEMENT_PREFIX} ?(?:de |du |des |d )?(?P<code>\d{{1,3}}|2a|2b)(?: (?P<name>.+))?$")
_NAME_AND_NUMBER = re.compile(
    rf"^(?:{_DEPARTEMENT_PREFIX} )?(?P<name>.+) (?P<code>\d{{1,3}}|2a|2b)$")


@dataclass
class Outcome:
    status: str
    unit: Unit | None = None
    score: int = 0
    candidates: list[Unit] = field(default_factory=list)
    message: str = ""
    rule: str = ""
    # (lon, lat, département, région) of a row placed by coordinates or seat commune.
    place: tuple[float, float, str, str] | None = None
    kind: str = KIND_OTHER  # the kind of a placed row
    code: str = ""          # the code of a placed row, when it has one


@dataclass(frozen=True)
class Hints:
    """What the row says besides the name: its kind and where it is (constraints)."""

    kind: str | None = None
    departement: str | None = None
    region: str | None = None
    in_parentheses: bool = False   # the place was written after the name: "Vienne (Isère)"

    def allow(self, unit: Unit, gaz: Gazetteer) -> bool:
        """True when the unit lies in (or contains) the département and région given."""
        departements = gaz.departements_of(unit)
        if self.departement and self.departement not in departements:
            return False
        return not self.region or self.region == gaz.region_of(unit) or any(
            gaz.unit_row(Unit(DEPARTEMENT, d))["region"] == self.region for d in departements)

    def describe(self, gaz: Gazetteer) -> str:
        """'dans le Pas-de-Calais (62)', 'en région Bretagne'."""
        if self.departement:
            return _in_departement(self.departement, gaz)
        return f"en région {gaz.unit_row(Unit(REGION, self.region))['nom']}"


def _of(name: str) -> str:
    """'d'Annecy', 'du Mans', 'des Sables-d'Olonne', 'de Lille'."""
    if name.startswith("Le "):
        return "du " + name[3:]
    if name.startswith("Les "):
        return "des " + name[4:]
    return ("d'" if normalize(name[:1]) in tuple("aeiouyh") else "de ") + name


def _in_departement(code: str, gaz: Gazetteer) -> str:
    row = gaz.unit_row(Unit(DEPARTEMENT, code))
    article = {"2": "le ", "3": "la ", "4": "les ", "5": "l'"}.get(str(row.get("article")), "")
    return f"dans {article}{row['nom']} ({code})"


# ---------------------------------------------------------------- hints and codes

def _clean_code(raw: str) -> str:
    """'59 350', '2a004', '1001.0' (a number written by a program) -> '59350', '2A004',
    '1001'."""
    text = _DECIMAL_ZEROS.sub("", str(raw).strip())
    return "".join(ch for ch in text.upper() if ch.isalnum())


_DECIMAL_ZEROS = re.compile(r"(?<=\d)[.,]0+$")


def _departement_hint(raw: str, gaz: Gazetteer) -> str | None:
    """The département a hint names: '59', '9', 'Nord', '59 - Nord', 'Nord (59)'."""
    text = _clean_code(raw)
    if text.isdigit() and len(text) == 1:
        text = "0" + text
    if gaz.exists(DEPARTEMENT, text):
        return text
    codes = gaz.by_key[DEPARTEMENT].get(key(split_prefix(raw)[1]), [])
    if len(codes) == 1:
        return codes[0]
    both = _CODE_AND_NAME.match(normalize(raw))
    if both:   # the number and the name must agree
        code = (both["code"] or both["code2"]).upper().zfill(2)
        by_name = gaz.by_key[DEPARTEMENT].get(key(both["name"] or both["name2"] or ""), [])
        return code if gaz.exists(DEPARTEMENT, code) and by_name == [code] else None
    return None


def _region_hint(raw: str, gaz: Gazetteer) -> str | None:
    text = _clean_code(raw)
    if gaz.exists(REGION, text):
        return text
    name = split_prefix(raw)[1]
    alias = gaz.aliases.get(normalize(raw)) or gaz.aliases.get(name)
    if alias and alias.level == REGION:
        return alias.code
    codes = gaz.by_key[REGION].get(key(name), [])
    if len(codes) == 1:
        return codes[0]
    former = gaz.former_regions.get(key(name))
    return former[1] if former else None


def _wanted_levels(kind: str | None) -> tuple[str, ...]:
    return ALL_LEVELS if kind is None else (level_of_kind(kind),)


def _match_code(raw: str, kind: str | None, name_levels: tuple[str, ...],
                gaz: Gazetteer) -> tuple[list[Unit], str]:
    """Units the code can designate, and a note when the code is not understood."""
    units = [Unit(lvl, code) for code in _code_readings(_clean_code(raw), kind)
             for lvl in name_levels if is_valid_code(lvl, code) and gaz.exists(lvl, code)]
    if units:
        return units, ""
    return [], f"Le code « {raw} » ne correspond à aucune collectivité connue"


def units_of_code(raw: str, levels: tuple[str, ...] = ALL_LEVELS) -> list[Unit]:
    """The units a code as written may designate (INSEE, SIREN, SIRET, a lost leading zero,
    a Corsican code), among these levels: the resolver's reading, for the search and the
    corrections file alike."""
    return _match_code(raw, None, levels, gazetteer())[0]


def _code_readings(code: str, kind: str | None) -> list[str]:
    """The codes a written code may stand for: a SIRET's SIREN; a leading zero lost by a
    spreadsheet (1001 is 01001); a Corsican code without its letter (2004 may be 2A004 as
    well as 02004) or in its pre-1976 form (20004 is 2A004 or 2B004)."""
    if len(code) == 14 and code.isdigit():  # a SIRET: its first nine digits are the SIREN
        return [code[:9]]
    if not code.isdigit() or (kind is not None
                              and level_of_kind(kind) not in (DEPARTEMENT, COMMUNE)):
        return [code]
    if len(code) == 1:
        return ["0" + code]
    if len(code) == 4:
        corsican = [f"2{letter}{code[1:]}" for letter in "AB"] if code[0] == "2" else []
        return ["0" + code, *corsican]
    if len(code) == 5 and code.startswith("20"):
        return [code, *(f"2{letter}{code[2:]}" for letter in "AB")]
    return [code]


# ---------------------------------------------------------------- names: exact rules

def _anywhere(unit: Unit) -> bool:
    return True


def _by_alias(name: str, levels: tuple[str, ...], gaz: Gazetteer, allow=_anywhere) -> list[Unit]:
    alias = gaz.aliases.get(normalize(name)) or gaz.aliases.get(split_prefix(name)[1])
    return [alias] if alias and alias.level in levels and allow(alias) else []


def _by_name(name: str, levels: tuple[str, ...], gaz: Gazetteer, allow=_anywhere) -> list[Unit]:
    """Units whose official name matches, at the strongest stage that finds any allowed:
    the whole name, the name after its prefix ("Ville de"), its key (no articles, no words
    of an EPCI's kind), the name written without spaces ("LeCannet")."""
    full = normalize(name)
    rest = split_prefix(name)[1]
    stages = [
        lambda lvl: gaz.by_name[lvl].get(full, []),
        lambda lvl: gaz.by_name[lvl].get(rest, []),
        lambda lvl: gaz.by_key[lvl].get(epci_key(name) if lvl == EPCI else key(rest), []),
        lambda lvl: gaz.by_compact[lvl].get(full.replace(" ", ""), []),
    ]
    for stage in stages:
        found = [u for lvl in levels for u in (Unit(lvl, code) for code in stage(lvl))
                 if allow(u)]
        if found:
            return found
    return []


def _by_code_in_name(name: str, levels: tuple[str, ...], gaz: Gazetteer,
                     allow=_anywhere) -> list[Unit]:
    """'CD 62', 'CD59', 'Département 62', 'CD 35 Ille-et-Vilaine', 'Nord (59)': a
    département by its number, and its name when both are written (they must agree)."""
    text = normalize(name)
    match = _DEPARTEMENT_NUMBER.match(text) or (
        _NAME_AND_NUMBER.match(text) if split_prefix(name)[0] in (None, "departement") else None)
    if not match or DEPARTEMENT not in levels:
        return []
    code = match["code"].upper().zfill(2)
    if not gaz.exists(DEPARTEMENT, code):
        return []
    written, official = match["name"], gaz.unit_row(Unit(DEPARTEMENT, code))["nom"]
    if written and key(split_prefix(written)[1]) != key(official):
        return []
    if written and gaz.sole_commune.get(code) and split_prefix(name)[0] is None:
        return []   # "Paris (75)": the Ville de Paris, as "Paris" is (see _decide)
    return [u for u in [Unit(DEPARTEMENT, code)] if allow(u)]


def _by_acronym(name: str, levels: tuple[str, ...], gaz: Gazetteer,
                allow=_anywhere) -> list[Unit]:
    """An acronym printed in official names first ("CAPI"), then one made of their
    significant words ("CAPH"): four letters at least, and never an acronym in common use
    for other bodies (CCAS, CMA, HLM... see aliases.NOT_COLLECTIVITE_ACRONYMS)."""
    written = written_acronym(name)
    if not written or written in gaz.not_collectivite_acronyms:
        return []
    found = [u for u in gaz.printed_acronyms.get(written, []) if u.level in levels and allow(u)]
    if found or len(written) < DERIVED_ACRONYM_MIN:
        return found
    return [u for u in gaz.acronyms.get(written, []) if u.level in levels and allow(u)]


def _by_brand(name: str, levels: tuple[str, ...], gaz: Gazetteer,
              allow=_anywhere) -> list[Unit]:
    """'Douai Agglo', 'Lille Métropole', 'Communauté d'agglomération de Lens': the EPCI whose
    main city it names."""
    if EPCI not in levels:
        return []
    kind, rest = split_prefix(name)
    if kind in EPCI_KINDS:
        return [u for u in gaz.brand(rest, (kind,)) if allow(u)]
    words = key(name).split()
    if len(words) > 1 and words[-1] in BRAND_WORDS:
        return [u for u in gaz.brand(" ".join(words[:-1]), BRAND_WORDS[words[-1]]) if allow(u)]
    return []


NAME_RULES = (("alias", _by_alias), ("name", _by_name), ("code_in_name", _by_code_in_name),
              ("acronym", _by_acronym), ("brand", _by_brand))


def _former_names(name: str, levels: tuple[str, ...], gaz: Gazetteer) -> list[tuple[Unit, str]]:
    """(current commune, former name) of the communes merged into another under that name."""
    if COMMUNE not in levels:
        return []
    records = gaz.former.get(key(split_prefix(name)[1]), [])
    return [(Unit(COMMUNE, r["parent"]), r["nom"]) for r in records
            if gaz.exists(COMMUNE, r["parent"])]


# ---------------------------------------------------------------- names: decisions

def _decide(units: list[Unit], rule: str, name: str, hints: Hints, gaz: Gazetteer,
            note: str = "") -> Outcome:
    """MATCHED when one unit is left, else AMBIGUOUS with the units as candidates."""
    units = list(dict.fromkeys(units))
    if hints.kind in EPCI_KINDS:   # an EPCI may have changed kind since the list was written
        units = [u for u in units if gaz.unit_row(u).get("kind") == hints.kind] or units
    if len(units) == 2:
        units = _commune_over_its_departement(units, gaz) or units
    if len(units) == 1:
        unit = units[0]
        message = " ".join(filter(None, (note, _kind_note(unit, hints.kind, gaz),
                                         _paris_note(unit, name, gaz))))
        return Outcome(S.MATCHED, unit, 100, message=message, rule=rule)
    return Outcome(S.AMBIGUOUS, candidates=units, rule=rule, message=(
        f"Plusieurs collectivités s'appellent « {name} » : précisez le département "
        "(colonne « département »), le type ou le code officiel."))


def _commune_over_its_departement(units: list[Unit], gaz: Gazetteer) -> list[Unit]:
    """Paris: the commune, not the département made of it alone (the Ville de Paris is both)."""
    communes = [u for u in units if u.level == COMMUNE]
    deps = [u for u in units if u.level == DEPARTEMENT]
    if len(communes) == 1 and len(deps) == 1 and \
            gaz.sole_commune.get(deps[0].code) == communes[0].code:
        return communes
    return []


def _paris_note(unit: Unit, name: str, gaz: Gazetteer) -> str:
    row = gaz.unit_row(unit)
    if unit.level != COMMUNE or gaz.sole_commune.get(row["departement"]) != unit.code:
        return ""
    return (f"« {name} » est à la fois une commune et un département : la commune est placée "
            f"({row['nom']}, {unit.code}). Pour le département, indiquez le type « département ».")


def _kind_note(unit: Unit, kind: str | None, gaz: Gazetteer) -> str:
    """A note when an EPCI found by name is of another kind than the file says."""
    if unit.level != EPCI or kind not in EPCI_KINDS:
        return ""
    actual = gaz.unit_row(unit)["kind"]
    if actual == kind:
        return ""
    return (f"Le fichier indique {KIND_LABELS_SINGULAR[kind].lower()} ; c'est aujourd'hui "
            f"une {KIND_LABELS_SINGULAR[actual].lower()} : « {gaz.unit_row(unit)['nom']} ».")


RULE_NOTES = {
    "acronym": "Reconnue par son sigle : « {name} » désigne « {official} ».",
    "brand": "Reconnue d'après sa ville principale : « {name} » désigne « {official} ».",
}


def _several_departements(name: str, gaz: Gazetteer) -> Outcome | None:
    """The Collectivité européenne d'Alsace: left to a person, with its départements."""
    found = gaz.several_departements.get(normalize(name))
    if not found:
        return None
    official, codes = found
    units = [Unit(DEPARTEMENT, code) for code in codes]
    names = " et ".join(f"{gaz.unit_row(u)['nom']} ({u.code})" for u in units)
    return Outcome(S.UNMATCHED, candidates=units, message=(
        f"La {official} réunit les départements {names} : la carte la montre comme ces "
        "départements. Choisissez-en un ici et ajoutez une ligne pour chacun des autres "
        "(avec leur code)."))


def _match_name(name: str, hints: Hints, levels: tuple[str, ...], gaz: Gazetteer,
                resemblance: bool = True) -> Outcome:
    several = _several_departements(name, gaz) if DEPARTEMENT in levels else None
    if several:
        return several
    if written_acronym(name) in gaz.not_collectivite_acronyms:   # "SEM" is not Sem (Ariège)
        return Outcome(S.UNMATCHED, message=(
            f"« {name} » est le sigle courant d'un organisme qui n'est pas une collectivité : "
            "si c'est bien une collectivité, écrivez son nom ou son code officiel."))
    elsewhere: list[Unit] = []   # units the name designates, outside the hints
    for rule, finder in NAME_RULES:
        inside = finder(name, levels, gaz, lambda u: hints.allow(u, gaz))
        if inside:
            note = RULE_NOTES.get(rule, "").format(
                name=name, official=gaz.unit_row(inside[0])["nom"]) if len(inside) == 1 else ""
            return _decide(inside, rule, name, hints, gaz, note)
        elsewhere += finder(name, levels, gaz)

    if REGION in levels:
        former = gaz.former_regions.get(key(split_prefix(name)[1]))
        if former:
            new = Unit(REGION, former[1])
            return Outcome(S.UNMATCHED, candidates=[new], rule="former_name", message=(
                f"La région {former[0]} n'existe plus depuis 2016 : elle fait partie de la "
                f"région {gaz.unit_row(new)['nom']} ({new.code}). Si c'est la région actuelle "
                "qui adhère, écrivez son nom ; sinon retirez la ligne."))

    if EPCI in levels:
        outcome = _successor(_former_epci(name, gaz), gaz, hints, name)
        if outcome:
            return outcome

    merged = _former_names(name, levels, gaz)
    inside = [(u, former) for u, former in merged if hints.allow(u, gaz)]
    if inside:
        current = gaz.unit_row(inside[0][0])["nom"]
        return _decide([u for u, _ in inside], "former_name", name, hints, gaz, note=(
            f"« {inside[0][1]} » a fusionné dans la commune {_of(current)} "
            f"({inside[0][0].code}) : c'est la commune actuelle qui est placée.")
            if len({u for u, _ in inside}) == 1 else "")
    elsewhere += [u for u, _ in merged]

    if hints.departement:
        outcome = _prefix_in_departement(name, hints, levels, gaz)
        if outcome:
            return outcome
    if elsewhere:
        return _exists_elsewhere(name, elsewhere, hints, gaz)
    if not resemblance:
        return Outcome(S.UNMATCHED, message=(
            f"« {name} » ne correspond exactement à aucune collectivité. La liste étant très "
            "longue, les noms ressemblants n'ont pas été cherchés pour cette ligne : vérifiez "
            "l'orthographe ou ajoutez le code officiel, ou envoyez la liste en plusieurs "
            "fichiers plus courts."))
    return _resemblance(name, hints, levels, gaz)


def _former_epci(name: str, gaz: Gazetteer) -> str | None:
    """The code of the previous vintage's EPCI of that name, if one only."""
    for name_key in (epci_key(name), key(name)):
        codes = gaz.former_epcis.get(name_key, [])
        if len(codes) == 1:
            return codes[0]
    return None


def _percent(share: float) -> str:
    return f"{round(share * 100)} %" if share >= 0.01 else "moins de 1 %"


def _successor(former_code: str | None, gaz: Gazetteer, hints: Hints | None = None,
               name: str = "") -> Outcome | None:
    """The outcome of an EPCI of the previous vintage (geodata.successors). Renamed, it is the
    same collectivité: placed without a remark. Gone, it is placed on its successor with a
    note; its communes shared, on the one the row's name designates, else on the one with
    most of its population, the others as candidates for a person. A successor the row's
    hints exclude is never chosen."""
    former_code = former_code or ""
    if gaz.exists(EPCI, former_code):   # renamed: its SIREN is still there
        unit = Unit(EPCI, former_code)
        if hints and not hints.allow(unit, gaz):
            return None
        return Outcome(S.MATCHED, unit, 100, rule="former_name")
    records = [r for r in gaz.epci_successors.get(former_code, []) if gaz.exists(EPCI, r["code"])]
    allowed = [r for r in records if not hints or hints.allow(Unit(EPCI, r["code"]), gaz)]
    if not allowed:
        return None
    named = {u.code for u in _by_name(name, (EPCI,), gaz)} if name and len(allowed) > 1 \
        else set()
    chosen = next((r for r in allowed if r["code"] in named), allowed[0])
    others = [r for r in allowed if r is not chosen]
    former = (f"l'EPCI « {chosen['former_nom']} » ({former_code}) n'existe plus en "
              f"{gaz.year}")
    placed_on = f"Placé sur « {chosen['nom']} » ({chosen['code']})"
    if not others:
        where = "ses communes en font partie" if len(records) == 1 else \
            f"{_percent(chosen['share'])} de sa population y vit"
        message = f"{placed_on} : {former}, {where}."
    else:
        why = "que nomme la liste" if chosen["code"] in named else \
            f"qui a reçu la plus grande part de sa population ({_percent(chosen['share'])})"
        rest = " et ".join(f"« {r['nom']} » ({r['code']}, {_percent(r['share'])})"
                           for r in others)
        message = (f"{placed_on}, {why} : {former}, ses autres communes sont dans {rest}. "
                   f"Vérifiez, ou choisissez {'celui-là' if len(others) == 1 else 'un autre'}.")
    units = [Unit(EPCI, r["code"]) for r in (chosen, *others)]
    return Outcome(S.MATCHED, units[0], 100 if not others else round(chosen["share"] * 100),
                   candidates=units if others else [], rule="successor", message=message)


def _prefix_in_departement(name: str, hints: Hints, levels: tuple[str, ...],
                           gaz: Gazetteer) -> Outcome | None:
    """'Evry' in the Essonne is Évry-Courcouronnes, its only commune so named."""
    found = []
    for level in (lvl for lvl in levels if lvl in (COMMUNE, EPCI, EPT)):
        query = epci_key(name) if level == EPCI else key(split_prefix(name)[1])
        if len(query) < 3:
            continue
        keys, codes = gaz.fuzzy_keys_in[level].get((DEPARTEMENT, hints.departement), ([], []))
        found += [Unit(level, code) for k, code in zip(keys, codes)
                  if k.startswith(query + " ") and hints.allow(Unit(level, code), gaz)]
    if len(found) != 1:
        return None
    official = gaz.unit_row(found[0])["nom"]
    where = _in_departement(hints.departement, gaz)
    return Outcome(S.MATCHED, found[0], 90, rule="prefix", message=(
        f"Rapprochée de « {official} », seule collectivité {where} dont le nom commence par "
        f"« {name} » : vérifiez."))


def _exists_elsewhere(name: str, units: list[Unit], hints: Hints, gaz: Gazetteer) -> Outcome:
    units = list(dict.fromkeys(units))[:MAX_CANDIDATES]
    places = " et ".join(
        f"en région {gaz.unit_row(u)['nom']}" if u.level == REGION else _in_departement(
            u.code if u.level == DEPARTEMENT else gaz.unit_row(u)["departement"], gaz)
        for u in units)
    return Outcome(S.UNMATCHED, candidates=units, rule="", message=(
        f"« {name} » existe {places}, pas {hints.describe(gaz)} : vérifiez le département ou la "
        "région indiqués, ou choisissez parmi les candidats."))


# ---------------------------------------------------------------- names: resemblance

def _fuzzy(name: str, levels: tuple[str, ...], hints: Hints,
           gaz: Gazetteer) -> list[tuple[Unit, float]]:
    """Best fuzzy matches (unit, score) of the name's key among the allowed levels."""
    rest = split_prefix(name)[1]
    results = []
    for level in levels:
        query = epci_key(name) if level == EPCI else key(rest)
        keys, codes = gaz.fuzzy_keys[level]
        if hints.departement and level in (COMMUNE, EPCI, EPT):
            keys, codes = gaz.fuzzy_keys_in[level].get((DEPARTEMENT, hints.departement),
                                                       ([], []))
        elif hints.region and level != REGION:
            keys, codes = gaz.fuzzy_keys_in[level].get((REGION, hints.region), ([], []))
        if not query or not keys:
            continue
        hits = process.extract(query, keys, scorer=fuzz.ratio, limit=5,
                               score_cutoff=FUZZY_SUGGEST)
        results += [(Unit(level, codes[i]), score) for _, score, i in hits
                    if hints.allow(Unit(level, codes[i]), gaz)]
    return sorted(results, key=lambda r: -r[1])


def _notable(unit: Unit | None, gaz: Gazetteer) -> bool:
    """A unit a typo most likely refers to: any EPCI, département, région, or a big commune."""
    if unit is None:
        return False
    return unit.level != COMMUNE or gaz.unit_row(unit)["population"] >= NOTABLE_POPULATION


def _typo_of(written: str, official: str) -> bool:
    """True when the written key is the official one with typos: word for word, the same
    first letter and one edit (two in words of eight letters or more), and the official name
    has a distinctive word (generic words never carry a match alone: "Villeneuve-sur-Plouf"
    is not "Villeneuve-sur-Lot", "Bagnères" is not "Anères")."""
    mine, theirs = written.split(), official.split()
    if len(mine) != len(theirs) or not distinctive_words(official):
        return False
    return all(a == b or (a[0] == b[0] and OSA.distance(a, b) <= (
        2 if min(len(a), len(b)) >= 8 else 1)) for a, b in zip(mine, theirs))


def _resemblance(name: str, hints: Hints, levels: tuple[str, ...], gaz: Gazetteer) -> Outcome:
    hits = _fuzzy(name, levels, hints, gaz)
    if not hits:
        return Outcome(S.UNMATCHED, message=(
            f"« {name} » ne correspond à aucune collectivité française connue (région, "
            "département, EPCI ou commune). Corrigez le nom, ajoutez le code officiel, ou "
            "donnez des coordonnées (lon, lat) s'il s'agit d'une autre structure."))
    best, score = hits[0]
    second, runner_up = next(((u, s) for u, s in hits[1:] if u != best), (None, 0))
    top = [u for u, s in hits if s == score]
    communes = [u for u in top if u.level == COMMUNE]
    if hints.kind is None and len(communes) == 1 and len(top) > 1:
        # "Strasbourgg": the commune, not the Eurométropole de Strasbourg that bears its
        # name, as "Strasbourg" is the commune (an EPCI is named with its kind's words)
        best = communes[0]
        second, runner_up = next(((u, s) for u, s in hits if u not in top), (None, 0))
    notable = _notable(best, gaz)
    bar = FUZZY_ACCEPT_NOTABLE if notable or hints.departement or hints.region else FUZZY_ACCEPT
    clear_winner = score - runner_up >= FUZZY_MARGIN or (
        notable and score > runner_up and not _notable(second, gaz))
    query = epci_key(name) if best.level == EPCI else key(split_prefix(name)[1])
    official = gaz.unit_row(best)["nom"]
    official_key = epci_key(official) if best.level == EPCI else key(official)
    if score >= bar and clear_winner and len(query) >= FUZZY_MIN_LENGTH \
            and _typo_of(query, official_key):
        return Outcome(S.MATCHED, best, round(score), rule="resemblance", message=(
            f"Rapprochée par ressemblance ({round(score)} %) de « {official} » : vérifiez."))
    units = list(dict.fromkeys(u for u, _ in hits))[:MAX_CANDIDATES]
    return Outcome(S.UNMATCHED, candidates=units, score=round(score), message=(
        f"« {name} » n'a pas été reconnue avec certitude. Noms proches : voir les "
        "candidats ; corrigez le nom ou ajoutez le code officiel."))


# ---------------------------------------------------------------- one row

def _kind_hint(row: Mapping) -> tuple[str | None, bool]:
    """(kind, any_epci) from the type column, else from the name's prefix."""
    written = str(row.get("kind_hint", "") or "")
    if normalize(written) in ANY_EPCI_WORDS:
        prefix = split_prefix(str(row.get("input_name", "")))[0]
        return (prefix if prefix in EPCI_KINDS else None), True
    kind = kind_from_words(written)
    if kind:
        return kind, False
    return split_prefix(str(row.get("input_name", "")))[0], False


def _placement(row: Mapping, gaz: Gazetteer) -> tuple[tuple | None, str]:
    """((lon, lat, département, région), rule) from a seat commune code or coordinates;
    (None, why) when neither places the row ("" when none was given)."""
    seat = _clean_code(row.get("seat_code", ""))
    if seat:
        if len(seat) == 4 and seat.isdigit():
            seat = "0" + seat
        if gaz.exists(COMMUNE, seat):
            commune = gaz.unit_row(Unit(COMMUNE, seat))
            return ((commune["lon"], commune["lat"], commune["departement"], commune["region"]),
                    "seat")
    written = [str(row.get(axis, "")).strip() for axis in ("lon", "lat")]
    if not any(written):
        return None, ""
    try:
        lon, lat = (float(text.replace(",", ".")) for text in written)
    except ValueError:
        lon = lat = math.nan
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180
            and -90 <= lat <= 90):
        return None, (f"Les coordonnées données (lon « {written[0]} », lat « {written[1]} ») "
                      "ne sont pas des degrés valides : écrivez-les en degrés décimaux, par "
                      "exemple lon 3,06 et lat 50,63 pour Lille.")
    dep = gaz.departement_at(lon, lat)
    if dep is None:
        return None, (f"Les coordonnées données (lon {lon}, lat {lat}) ne tombent dans aucun "
                      "département français : vérifiez-les (longitude et latitude ne sont-"
                      "elles pas inversées ?).")
    return (lon, lat, dep, gaz.unit_row(Unit(DEPARTEMENT, dep))["region"]), "coordinates"


def _arrondissement(name: str, hints: Hints, gaz: Gazetteer) -> Outcome | None:
    """'Paris 11e': placed at its town hall, said to be an arrondissement, not the commune."""
    found = gaz.arrondissement(name)
    if not found or not hints.allow(Unit(COMMUNE, found["parent"]), gaz):
        return None
    city = gaz.unit_row(Unit(COMMUNE, found["parent"]))["nom"]
    return Outcome(S.PLACED, score=100, rule="arrondissement", code=found["code"],
                   place=(found["lon"], found["lat"], found["departement"], found["region"]),
                   message=(f"« {name} » est un arrondissement {_of(city)} ({found['nom']}), "
                            f"placé à sa mairie ; ce n'est pas la commune {_of(city)}."))


_CODE_AND_NAME = re.compile(r"^(?:(?P<code>\d{1,3}|2a|2b) (?P<name>.+)|(?P<name2>.+) "
                            r"(?P<code2>\d{1,3}|2a|2b))$")
_PARENTHESES = re.compile(r"^(?P<outside>.*?)\s*\((?P<inside>[^()]+)\)\s*$")


def _place_in_parentheses(name: str, gaz: Gazetteer) -> tuple[str | None, str | None]:
    """(département, région) written in parentheses after a name: "Roubaix (59)",
    "Vienne (Isère)", "Saint-Denis (Réunion)"; (None, None) for anything else ("(MEL)")."""
    written = _PARENTHESES.match(name)
    if not written or not written["outside"]:
        return None, None
    inside = written["inside"]
    departement = _departement_hint(inside, gaz)
    if departement:
        return departement, None
    return None, _region_hint(inside, gaz)


def _hints(row: Mapping, kind: str | None, gaz: Gazetteer) -> tuple[Hints, str]:
    """The row's hints, and a note naming those that could not be understood."""
    dep_text = str(row.get("departement_hint", "")).strip()
    reg_text = str(row.get("region_hint", "")).strip()
    departement = _departement_hint(dep_text, gaz) if dep_text else None
    region = _region_hint(reg_text, gaz) if reg_text else None
    unread = [f"département « {dep_text} »"] if dep_text and not departement else []
    unread += [f"région « {reg_text} »"] if reg_text and not region else []
    note = (f"Indication non comprise, qui n'a pas servi ({', '.join(unread)}) : vérifiez que "
            "c'est bien cette collectivité." if unread else "")
    in_name = _place_in_parentheses(str(row.get("input_name", "")), gaz)
    return Hints(kind, departement or in_name[0], region or in_name[1], any(in_name)), note


def _match_written(name: str, hints: Hints, levels: tuple[str, ...], gaz: Gazetteer,
                   resemblance: bool = True) -> Outcome:
    """The name as written; else the name before its parentheses: "Vienne (Isère)" (the
    place inside is a hint, see _hints), "Métropole Européenne de Lille (MEL)". The part in
    parentheses alone counts only when it names the same unit, or when the name before it
    finds nothing at all."""
    outcome = _match_name(name, hints, levels, gaz, resemblance)
    written = _PARENTHESES.match(name)
    if outcome.status != S.UNMATCHED or not written or not written["outside"]:
        return outcome
    outside = _match_name(written["outside"], hints, levels, gaz, resemblance)
    if hints.in_parentheses:
        return outside
    inside = _match_name(written["inside"], hints, levels, gaz, resemblance)
    if outside.status != S.UNMATCHED:
        if inside.status == S.MATCHED and outside.unit not in (None, inside.unit):
            return Outcome(S.AMBIGUOUS, candidates=[outside.unit, inside.unit], message=(
                f"« {name} » désigne deux collectivités (le nom et ce qui est entre "
                "parenthèses) : choisissez la bonne."))
        return outside
    if inside.status == S.MATCHED and not outside.candidates:
        return inside
    return outcome


def resolve_row(row: Mapping, gaz: Gazetteer, resemblance: bool = True) -> Outcome:
    """The outcome of one row; resemblance=False skips the search for names with typos,
    the costly rule (see RESEMBLANCE_SECONDS)."""
    kind, any_epci = _kind_hint(row)
    hints, unread = _hints(row, kind, gaz)
    levels = (EPCI,) if any_epci and kind is None else _wanted_levels(kind)
    name = str(row.get("input_name", "")).strip()
    note = ""

    if str(row.get("code", "")).strip():
        code = str(row["code"])
        units, note = _match_code(code, kind, levels, gaz)
        if len(units) > 1 and name:
            by_name = _by_name(name, tuple(u.level for u in units), gaz)
            units = [u for u in units if u in by_name] or units
        if not units and EPCI in levels:
            outcome = _successor(next((c for c in _code_readings(_clean_code(code), kind)
                                       if c in gaz.epci_successors), None), gaz, hints, name)
            if outcome:
                return outcome
        if len(units) == 1:
            return _checked_against_name(units[0], name, levels, gaz)
        if len(units) > 1:
            return Outcome(S.AMBIGUOUS, candidates=units, rule="code", message=(
                f"Le code « {code} » peut désigner plusieurs collectivités (voir les "
                "candidats) : écrivez le code complet (2A004, 01001...), le nom ou le type."))

    outcome = Outcome(S.UNMATCHED)
    if name:
        outcome = _arrondissement(name, hints, gaz) or _match_written(name, hints, levels, gaz,
                                                                       resemblance)
        if outcome.status != S.UNMATCHED:
            outcome.message = " ".join(filter(None, (note + "." if note else "", unread,
                                                     outcome.message)))
            return outcome

    place, rule_or_problem = _placement(row, gaz)
    if place:
        return Outcome(S.PLACED, score=100, place=place, rule=rule_or_problem,
                       kind=kind if kind in SEATED_KINDS else KIND_OTHER,
                       code=_clean_code(row.get("code", "")),
                       message="Placée par ses coordonnées ou sa commune siège.")
    if rule_or_problem and not outcome.candidates:
        outcome.message = rule_or_problem
    elif kind in SEATED_KINDS and not outcome.candidates:
        outcome.message = (
            f"« {name} » n'est ni une commune, ni un EPCI, ni un EPT, ni un département, ni une "
            "région : ajoutez sa commune siège (colonne « commune siège », code INSEE) ou ses "
            "coordonnées (colonnes lon et lat) pour la placer sur la carte.")
    elif not name:
        outcome.message = "Ligne sans nom de collectivité : ajoutez le nom ou le code officiel."
    if note and note not in outcome.message:
        outcome.message = (note + ". " + outcome.message).strip()
    return outcome


def _checked_against_name(unit: Unit, name: str, levels: tuple[str, ...],
                          gaz: Gazetteer) -> Outcome:
    """A unit found by its code; warn when the name given says something else, and leave the
    row to a person when the name is, word for word, another collectivité (a code typed on the
    wrong line: "Lille" with Marseille's code)."""
    if not name:
        return Outcome(S.MATCHED, unit, 100, rule="code")
    official = gaz.unit_row(unit)["nom"]
    keyer = epci_key if unit.level == EPCI else key
    given = keyer(name) if unit.level == EPCI else key(split_prefix(name)[1])
    mine, theirs = distinctive_words(given), distinctive_words(keyer(official))
    similarity = fuzz.token_set_ratio(" ".join(mine), " ".join(theirs)) if mine and theirs \
        else fuzz.token_set_ratio(given, keyer(official))   # "Saint-André" is not Saint-Denis
    known = any(unit in finder(name, (unit.level,), gaz) for _, finder in NAME_RULES)
    if known or similarity >= 60:
        return Outcome(S.MATCHED, unit, 100, rule="code")
    named = next((found for _, finder in NAME_RULES if (found := finder(name, levels, gaz))),
                 [])
    if named:
        # The unit of the code first, then those of the name inside it (Saint-Denis, 974).
        inside = [u for u in named if unit.level in (DEPARTEMENT, REGION)
                  and unit.code in (gaz.departements_of(u) if unit.level == DEPARTEMENT
                                    else {gaz.region_of(u)})]
        others = list(dict.fromkeys([*inside, *named]))[:MAX_CANDIDATES - 1]
        return Outcome(S.AMBIGUOUS, candidates=[unit, *others], rule="code", message=(
            f"Le code désigne « {official} », mais le nom « {name} » désigne une autre "
            "collectivité : choisissez la bonne, ou corrigez le code ou le nom."))
    return Outcome(S.MATCHED, unit, 80, rule="code", message=(
        f"Reconnue par son code ; le nom « {name} » diffère du nom officiel « {official} » : "
        "vérifiez le code."))


# ---------------------------------------------------------------- the whole list

def resolve_rows(rows: pd.DataFrame, resemblance_seconds: float = math.inf) -> pd.DataFrame:
    """One resolved row per input row (schema.RESOLVED_COLUMNS, then the file's own columns).

    Names with typos are searched for during resemblance_seconds at most (the dashboard gives
    RESEMBLANCE_SECONDS; the command line takes its time); the rows after that are matched
    exactly only, and say so: a long list of unknown names (a wrong column, a hostile file) is
    answered in bounded time.
    """
    gaz = gazetteer()
    deadline = time.monotonic() + resemblance_seconds
    records = [_record(row, resolve_row(row, gaz, resemblance=time.monotonic() < deadline), gaz)
               for row in rows.to_dict("records")]   # dicts: ten times faster than iterrows
    frame = _with_duplicates(S.conform(pd.DataFrame(records, columns=S.RESOLVED_COLUMNS)))
    for given, read in S.GIVEN_COLUMNS.items():
        if read in rows:
            frame[given] = rows[read].fillna("").astype(str).values
    for column in S.extra_keys(rows):
        frame[column] = rows[column].values
    return frame


def _duplicate_note(first_row: int) -> str:
    return f"Même collectivité que la ligne {first_row} : cette ligne n'est comptée qu'une fois."


def _record(row: Mapping, outcome: Outcome, gaz: Gazetteer) -> dict:
    record = {S.ROW: int(row["row"]), S.INPUT_NAME: row.get("input_name", ""),
              S.STATUS: outcome.status, S.LEVEL: "", S.KIND: "", S.CODE: "", S.NAME: "",
              S.DEPARTEMENT: "", S.REGION: "", S.POPULATION: None, S.SCORE: outcome.score,
              S.RULE: outcome.rule,
              S.CANDIDATES: [gaz.candidate(u) for u in outcome.candidates],
              S.MESSAGE: outcome.message, S.LON: None, S.LAT: None}
    if outcome.unit is not None:
        unit = gaz.unit_row(outcome.unit)
        record.update({
            S.LEVEL: outcome.unit.level,
            S.KIND: gaz.kind_of(outcome.unit),
            S.CODE: outcome.unit.code, S.NAME: unit["nom"],
            S.DEPARTEMENT: unit["code"] if outcome.unit.level == DEPARTEMENT
            else unit.get("departement", ""),
            S.REGION: unit["code"] if outcome.unit.level == REGION else unit["region"],
            S.POPULATION: int(unit["population"]), S.LON: unit["lon"], S.LAT: unit["lat"]})
    elif outcome.status == S.PLACED:
        lon, lat, dep, reg = outcome.place
        record.update({S.KIND: outcome.kind, S.CODE: outcome.code,
                       S.NAME: row.get("input_name", ""), S.DEPARTEMENT: dep, S.REGION: reg,
                       S.LON: lon, S.LAT: lat})
    return record


# ---------------------------------------------------------------- a person's decision

def _given_row(resolved_row: Mapping) -> dict:
    """A resolved row as the row of the list it was (its name and what it said besides)."""
    return {"row": resolved_row[S.ROW], "input_name": resolved_row[S.INPUT_NAME],
            **{read: resolved_row[given] for given, read in S.GIVEN_COLUMNS.items()}}


def fits_row(resolved_row: Mapping, unit: Unit) -> bool:
    """Whether a unit agrees with what a resolved row says besides its name: its type, its
    département or région (given, or in parentheses after the name) and its code."""
    gaz = gazetteer()
    row = _given_row(resolved_row)
    kind, any_epci = _kind_hint(row)
    levels = (EPCI,) if any_epci and kind is None else _wanted_levels(kind)
    if None not in levels and unit.level not in levels:
        return False
    hints, _ = _hints(row, kind, gaz)
    if not hints.allow(unit, gaz):
        return False
    code = str(row[S.CODE]).strip()
    units = _match_code(code, kind, ALL_LEVELS, gaz)[0] if code else []
    return not units or unit in units


def choose(resolved: pd.DataFrame, row_number: int, level: str, code: str,
           rule: str = "choice", message: str = "") -> pd.DataFrame:
    """The list with one row resolved to the unit a person chose (among its candidates, by a
    search or by its code)."""
    return decide(resolved, {row_number: placed(level, code, rule, message)})


def ignore(resolved: pd.DataFrame, row_number: int) -> pd.DataFrame:
    """The list with one row set aside by a person (a total, a note, a test line)."""
    return decide(resolved, {row_number: ignored()})


def placed(level: str, code: str, rule: str = "choice", message: str = "") -> Outcome:
    """A person's decision that a row is this unit (the rule says so: no message needed)."""
    if not gazetteer().exists(level, code):
        raise ValueError(f"no {level} has code {code!r}")
    return Outcome(S.MATCHED, Unit(level, code), 100, rule=rule, message=message)


def ignored(rule: str = "choice",
            message: str = "Ce n'est pas une collectivité adhérente.") -> Outcome:
    """A person's decision that a row is not a member: never drawn."""
    return Outcome(S.IGNORED, rule=rule, message=message)


def decide(resolved: pd.DataFrame, decisions: dict[int, Outcome]) -> pd.DataFrame:
    """The list with these rows (by row number) given these outcomes at once, and each unit
    still drawn once (see _with_duplicates). A row keeps its candidates (to change one's mind)
    unless the outcome brings its own."""
    gaz = gazetteer()
    out = resolved.copy()
    index_of = dict(zip(out[S.ROW], out.index, strict=True))
    indices = [index_of[row_number] for row_number in decisions]
    records = []
    for row, outcome in zip(out.loc[indices].to_dict("records"), decisions.values(),
                            strict=True):
        record = _record(row, outcome, gaz)
        record[S.CANDIDATES] = record[S.CANDIDATES] or row[S.CANDIDATES]
        records.append(record)
    # Column by column: a list of 10,000 rows decided at once by a corrections file.
    new = S.conform(pd.DataFrame(records, index=indices, columns=S.RESOLVED_COLUMNS))
    for column in S.RESOLVED_COLUMNS:
        if column not in S.GIVEN_COLUMNS:   # what the row said stays as it was
            out.loc[indices, column] = new[column]
    return _with_duplicates(out)


def _with_duplicates(resolved: pd.DataFrame) -> pd.DataFrame:
    """Each unit drawn once: its first row in the list is the member, the others are
    duplicates (a decision may create a duplicate, or undo the row another one duplicated)."""
    out = resolved
    first_row_of: dict[tuple[str, str], int] = {}
    for index, (number, status, level, code) in zip(
            out.index, out[[S.ROW, S.STATUS, S.LEVEL, S.CODE]].itertuples(index=False),
            strict=True):
        if status not in (S.MATCHED, S.DUPLICATE) or not code:
            continue
        first = first_row_of.setdefault((level, code), number)
        if first != number and status == S.MATCHED:
            out.at[index, S.STATUS] = S.DUPLICATE
            out.at[index, S.MESSAGE] = _duplicate_note(first)
        elif first == number and status == S.DUPLICATE:
            out.at[index, S.STATUS] = S.MATCHED
            out.at[index, S.MESSAGE] = _remark(out.loc[index])
    return out


def _remark(record: Mapping) -> str:
    """The remark of a row that is a member again (it was another's duplicate): the
    resolver's, which its duplicate's note had replaced ("par ressemblance : vérifiez")."""
    if record[S.RULE] in S.PERSON_RULES:
        return ""
    outcome = resolve_row(_given_row(record), gazetteer())
    return outcome.message if outcome.unit == Unit(record[S.LEVEL], record[S.CODE]) else ""


__all__ = ["Gazetteer", "Outcome", "Unit", "choose", "decide", "fits_row", "gazetteer", "ignore",
           "ignored", "placed", "resolve_row", "resolve_rows", "units_of_code"]
