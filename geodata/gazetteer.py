"""The official units and every name they go by, indexed once per reference geography.

The names come from the official data, not typed by hand: the official name (also without its
articles and, for an EPCI, without the words of its kind), the acronyms printed in it
("… Porte de l'Isère (CAPI)"), the acronym of its significant words (CAPH for "Communauté
d'agglomération de la Porte du Hainaut"), the brand forms "<ville> Agglo / Métropole" keyed on
an EPCI's main city, the names of the communes merged into another (communes déléguées and
associées), and the arrondissements of Paris, Lyon and Marseille. `geodata.aliases` holds the
few usual names that no rule derives.
"""

import re
from dataclasses import dataclass

import pandas as pd
import shapely

from . import schema as S
from .aliases import ALIASES, FORMER_REGIONS, NOT_COLLECTIVITE_ACRONYMS, SEVERAL_DEPARTEMENTS
from .kinds import kind_of_unit
from .levels import COMMUNE, DEPARTEMENT, EPCI, EPT, REGION
from .names import acronym, epci_key, key, normalize, written_acronym
from .reference import get_reference, memoized

# Levels whose units are found by name, in order of preference on equal evidence.
NAME_LEVELS = (COMMUNE, EPCI, EPT, DEPARTEMENT, REGION)
ACRONYM_LENGTH = (3, 8)
# How far off a département's shape a point may lie and still be in it (about 5 km).
COAST_DEGREES = 0.05
# Words that make "<ville> Agglo" a brand name, and the kinds of EPCI each may stand for.
BRAND_WORDS = {"agglo": ("communaute_agglomeration", "communaute_urbaine", "metropole"),
               "agglomeration": ("communaute_agglomeration", "communaute_urbaine"),
               "metropole": ("metropole",),
               "communaute": ("communaute_communes", "communaute_agglomeration")}
ARRONDISSEMENT_CITIES = ("paris", "lyon", "marseille")
_ARRONDISSEMENT = re.compile(
    r"^(?:mairie (?:du |de )?)?(?:(?P<before>paris|lyon|marseille) )?(?P<n>\d{1,2}) ?"
    r"(?P<suffix>e|er|eme|ere|em)?(?P<word> arrondissement)?"
    r"(?: (?:de )?(?P<after>paris|lyon|marseille))?$")


@dataclass(frozen=True)
class Unit:
    """One official unit: its level and its code."""

    level: str
    code: str


class Gazetteer:
    """The official units with every name they go by."""

    def __init__(self):
        ref = get_reference()
        self.records: dict[str, dict[str, dict]] = {}     # level -> code -> attributes
        self.by_name: dict[str, dict[str, list[str]]] = {}
        self.by_key: dict[str, dict[str, list[str]]] = {}
        self.by_compact: dict[str, dict[str, list[str]]] = {}   # name without spaces
        # level -> (keys, codes) for fuzzy matching, and the same per département or région:
        # fuzzy_keys_in[level][("departement", "93")] (a département and a région may share
        # a code: 93 is the Seine-Saint-Denis and Provence-Alpes-Côte d'Azur)
        self.fuzzy_keys: dict[str, tuple[list[str], list[str]]] = {}
        self.fuzzy_keys_in: dict[str, dict[tuple[str, str], tuple[list[str], list[str]]]] = {}
        for level in NAME_LEVELS:
            self._index_level(level, ref.table(level))
        self.printed_acronyms, self.acronyms = self._acronyms()
        self.brands = self._brands(ref.table(COMMUNE))
        former = ref.extra("former-communes").drop(columns="geometry")
        self.former = _group(former.nom.map(key), former.to_dict("records"))
        # What became of the previous vintage's EPCIs: former code -> its successors (largest
        # share first), and their former names -> former codes.
        successors = ref.extra("epci-successors").drop(columns="geometry")
        self.epci_successors = _group(successors.former_code, successors.to_dict("records"))
        self.former_epcis: dict[str, list[str]] = {}
        for code, name in zip(successors.former_code, successors.former_nom):
            for name_key in (epci_key(name), key(name)):
                _add(self.former_epcis, name_key, code)
        self.year = ref.vintage.year
        self.arrondissements = {
            _arrondissement_of(normalize(row["nom"])): row
            for row in ref.extra("arrondissements").drop(columns="geometry").to_dict("records")}
        counts = ref.table(COMMUNE).groupby("departement").size()
        self.sole_commune = {dep: ref.table(COMMUNE).code[ref.table(COMMUNE).departement == dep]
                             .iloc[0] for dep in counts.index[counts == 1]}
        # (A geography imported for another year may lack a unit an alias names.)
        self.aliases = {normalize(alias): Unit(*unit) for alias, unit in ALIASES.items()
                        if unit[1] in self.records[unit[0]]}
        self.not_collectivite_acronyms = {normalize(a) for a in NOT_COLLECTIVITE_ACRONYMS}
        self.former_regions = {key(name): (name, code) for name, code in FORMER_REGIONS.items()}
        self.several_departements = {normalize(name): (name, codes)
                                     for name, codes in SEVERAL_DEPARTEMENTS.items()}
        self.epci_departements = ref.epci_departements()
        self._departements = ref.layer(DEPARTEMENT)
        self._departement_tree = shapely.STRtree(self._departements.geometry.values)

    # -- building ---------------------------------------------------------------------------

    def _index_level(self, level: str, frame: pd.DataFrame) -> None:
        self.records[level] = _records(frame)
        normalized = frame.nom.map(normalize)
        self.by_name[level] = _group(normalized, frame.code)
        self.by_compact[level] = _group(normalized.str.replace(" ", ""), frame.code)
        keyer = epci_key if level == EPCI else key
        keys = frame.nom.map(keyer)
        self.by_key[level] = _group(keys, frame.code)
        if level == EPCI:  # the plain key too: "Nantes Métropole" -> "nantes metropole"
            for k, codes in _group(frame.nom.map(key), frame.code).items():
                self.by_key[level].setdefault(k, []).extend(
                    c for c in codes if c not in self.by_key[level].get(k, []))
        self.fuzzy_keys[level] = (keys.tolist(), frame.code.tolist())
        self.fuzzy_keys_in[level] = {}
        for column in ("departement", "region"):
            if column in frame:
                for place, rows in frame.groupby(column).indices.items():
                    self.fuzzy_keys_in[level][column, place] = (keys.iloc[rows].tolist(),
                                                                frame.code.iloc[rows].tolist())

    def _acronyms(self) -> tuple[dict[str, list[Unit]], dict[str, list[Unit]]]:
        """(acronyms printed in official names, acronyms of their significant words)."""
        printed: dict[str, list[Unit]] = {}
        derived: dict[str, list[Unit]] = {}
        for level in (EPCI, EPT):
            for code, record in self.records[level].items():
                unit = Unit(level, code)
                name = record["nom"]
                for inside in re.findall(r"\(([^)]*)\)|«\s*([^»]*?)\s*»", name):
                    inside = "".join(inside)
                    written = written_acronym(inside)
                    if written:
                        _add(printed, written, unit)
                    else:   # another name: "(Cap Atlantique)", "«Agglopolys»"
                        _add(self.by_key[level], key(inside), code)
                bare = re.sub(r"\([^)]*\)|«[^»]*»", " ", name)
                for bare_key in (key(bare), epci_key(bare)):   # "Grand Avignon" without "(COGA)"
                    _add(self.by_key[level], bare_key, code)
                for words in (key(bare).split(), epci_key(bare).split()):
                    letters = acronym(words)
                    if ACRONYM_LENGTH[0] <= len(letters) <= ACRONYM_LENGTH[1]:
                        _add(derived, letters, unit)
        return printed, derived

    def _brands(self, communes: pd.DataFrame) -> dict[tuple[str, str], list[str]]:
        """(kind, key of its main city) -> EPCI codes: the main city is the most populous."""
        members = communes[communes.epci != ""]
        main = members.sort_values("population", ascending=False).drop_duplicates("epci")
        brands: dict[tuple[str, str], list[str]] = {}
        for epci, city in zip(main.epci, main.nom):
            kind = self.records[EPCI][epci]["kind"] if epci in self.records[EPCI] else None
            if kind:
                _add(brands, (kind, key(city)), epci)
        return brands

    # -- look-ups ---------------------------------------------------------------------------

    def unit_row(self, unit: Unit) -> dict:
        """The attributes of a unit (nom, population, departement, region, lon, lat...)."""
        return self.records[unit.level][unit.code]

    def exists(self, level: str, code: str) -> bool:
        return code in self.records[level]

    def kind_of(self, unit: Unit) -> str:
        return kind_of_unit(unit.level, self.unit_row(unit).get("kind"))

    def candidate(self, unit: Unit) -> dict:
        """The unit as a candidate a person can choose (schema.candidate_record)."""
        row = self.unit_row(unit)
        where = row.get("departement", "") if unit.level in (COMMUNE, EPCI, EPT) else ""
        return S.candidate_record(unit.level, unit.code, row["nom"], self.kind_of(unit), where)

    def departements_of(self, unit: Unit) -> set[str]:
        """The départements a unit lies in (all of a région's; several for a few EPCIs)."""
        row = self.unit_row(unit)
        if unit.level == REGION:
            return set(get_reference().departements_by_region().get(unit.code, ()))
        if unit.level == DEPARTEMENT:
            return {unit.code}
        if unit.level == EPCI:
            return set(self.epci_departements.get(unit.code, ())) | {row["departement"]}
        return {row["departement"]}

    def region_of(self, unit: Unit) -> str:
        return unit.code if unit.level == REGION else self.unit_row(unit)["region"]

    def brand(self, city: str, kinds: tuple[str, ...]) -> list[Unit]:
        """The EPCIs of these kinds (in this order of preference) whose main city it is; none
        when several communes bear that name ("CA de Saint-Denis" says not which)."""
        if len(self.by_key[COMMUNE].get(key(city), [])) != 1:
            return []
        for kind in kinds:
            codes = self.brands.get((kind, key(city)), [])
            if codes:
                return [Unit(EPCI, code) for code in codes]
        return []

    def arrondissement(self, text: str) -> dict | None:
        """The arrondissement a name designates ('Paris 11e', 'Mairie du 7e arrondissement de
        Lyon'), or None."""
        found = _arrondissement_of(normalize(text))
        return self.arrondissements.get(found) if found else None

    def departement_at(self, lon: float, lat: float) -> str | None:
        """The département of a point; a point just off the coast (a harbour town hall, the
        coarse coastline of our shapes) is in the nearest one, within COAST_DEGREES."""
        point = shapely.Point(lon, lat)
        hits = self._departement_tree.query(point, predicate="intersects")
        if not len(hits):
            hits = self._departement_tree.query_nearest(point, max_distance=COAST_DEGREES)
        return self._departements.code.iloc[hits[0]] if len(hits) else None


def _arrondissement_of(text: str) -> tuple[str, int] | None:
    """('paris', 11) for 'paris 11e arrondissement', 'mairie du 11e arrondissement de paris'."""
    match = _ARRONDISSEMENT.match(text)
    if not match:
        return None
    city = match["before"] or match["after"]
    if not city or not (match["suffix"] or match["word"]):
        return None
    return city, int(match["n"])


def _records(frame: pd.DataFrame) -> dict[str, dict]:
    """code -> the unit's attributes (five times faster than DataFrame.to_dict("index"))."""
    columns = list(frame.columns)
    rows = zip(*(frame[column].tolist() for column in columns))
    return dict(zip(frame["code"].tolist(), (dict(zip(columns, row)) for row in rows)))


def _group(keys, values) -> dict:
    out: dict = {}
    for k, value in zip(keys, values):
        out.setdefault(k, []).append(value)
    return out


def _add(index: dict, name, value) -> None:
    values = index.setdefault(name, [])
    if value not in values:
        values.append(value)


@memoized
def gazetteer() -> Gazetteer:
    return Gazetteer()
