"""Resolve each row of a member list to one official collectivité (level + code).

Order of the rules: an explicit code; then the name (aliases, exact normalised name, name
without articles or the words of an EPCI's kind), narrowed by the type and the département /
région hints; then fuzzy matching with a high threshold and a clear winner. A homonym left
without a hint is 'ambiguous' with its candidates, never guessed; a former région is reported.
Every input row gives one output row, in input order.
"""

from dataclasses import dataclass, field

import pandas as pd
import shapely
from rapidfuzz import fuzz, process

from . import schema as S
from .aliases import ALIASES, FORMER_REGIONS
from .kinds import (
    EPCI_KINDS,
    KIND_LABELS_SINGULAR,
    KIND_OTHER,
    SEATED_KINDS,
    kind_of_unit,
    level_of_kind,
)
from .levels import COMMUNE, DEPARTEMENT, EPCI, REGION, is_valid_code
from .names import EPCI_WORDS, epci_key, key, kind_from_words, normalize, split_prefix
from .reference import get_reference, memoized

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
MAX_CANDIDATES = 5
# Levels tried for a name with no type, in order of preference on equal evidence.
ALL_LEVELS = (COMMUNE, EPCI, DEPARTEMENT, REGION)


@dataclass(frozen=True)
class Unit:
    """One official unit: its level and its code."""

    level: str
    code: str


@dataclass
class Outcome:
    status: str
    unit: Unit | None = None
    score: int = 0
    candidates: list[Unit] = field(default_factory=list)
    message: str = ""
    # (lon, lat, département, région) of a row placed by coordinates or seat commune.
    place: tuple[float, float, str, str] | None = None
    kind: str = KIND_OTHER  # the kind of a placed row


class Gazetteer:
    """The official units with their normalised names, built once per reference geography."""

    def __init__(self):
        ref = get_reference()
        self.records: dict[str, dict[str, dict]] = {}   # level -> code -> attributes
        self.by_name: dict[str, dict[str, list[str]]] = {}
        self.by_key: dict[str, dict[str, list[str]]] = {}
        # level -> (keys, codes) for fuzzy matching, and the same per département or région
        self.fuzzy_keys: dict[str, tuple[list[str], list[str]]] = {}
        self.fuzzy_keys_in: dict[str, dict[str, tuple[list[str], list[str]]]] = {}
        for level in ALL_LEVELS:
            frame = ref.table(level)
            self.records[level] = _records(frame)
            self.by_name[level] = _group(frame.nom.map(normalize), frame.code)
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
                        self.fuzzy_keys_in[level][place] = (keys.iloc[rows].tolist(),
                                                            frame.code.iloc[rows].tolist())
        self.aliases = {normalize(alias): Unit(*unit) for alias, unit in ALIASES.items()}
        self.former_regions = {key(name): (name, code) for name, code in FORMER_REGIONS.items()}
        self.epci_departements = ref.epci_departements()
        self._departements = ref.layer(DEPARTEMENT)
        self._departement_tree = shapely.STRtree(self._departements.geometry.values)

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
        where = row.get("departement", "") if unit.level in (COMMUNE, EPCI) else ""
        return S.candidate_record(unit.level, unit.code, row["nom"], self.kind_of(unit), where)

    def departement_at(self, lon: float, lat: float) -> str | None:
        point = shapely.Point(lon, lat)
        hits = self._departement_tree.query(point, predicate="intersects")
        return self._departements.code.iloc[hits[0]] if len(hits) else None


def _records(frame: pd.DataFrame) -> dict[str, dict]:
    """code -> the unit's attributes (five times faster than DataFrame.to_dict("index"))."""
    columns = list(frame.columns)
    rows = zip(*(frame[column].tolist() for column in columns))
    return dict(zip(frame["code"].tolist(), (dict(zip(columns, row)) for row in rows)))


def _group(keys: pd.Series, codes: pd.Series) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k, code in zip(keys, codes):
        out.setdefault(k, []).append(code)
    return out


@memoized
def gazetteer() -> Gazetteer:
    return Gazetteer()


# ---------------------------------------------------------------- hints and codes

def _clean_code(raw: str) -> str:
    return "".join(ch for ch in str(raw).upper() if ch.isalnum())


def _departement_hint(raw: str, gaz: Gazetteer) -> str | None:
    text = _clean_code(raw)
    if text.isdigit() and len(text) == 1:
        text = "0" + text
    if gaz.exists(DEPARTEMENT, text):
        return text
    codes = gaz.by_key[DEPARTEMENT].get(key(split_prefix(raw)[1]), [])
    return codes[0] if len(codes) == 1 else None


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
    if kind is None:
        return ALL_LEVELS
    level = level_of_kind(kind)
    return (level,) if level else ()


def _match_code(raw: str, kind: str | None, name_levels: tuple[str, ...],
                gaz: Gazetteer) -> tuple[list[Unit], str]:
    """Units the code can designate, and a note when the code is not understood."""
    code = _clean_code(raw)
    if len(code) == 14 and code.isdigit():  # a SIRET: its first nine digits are the SIREN
        code = code[:9]
    if code.isdigit() and len(code) in (1, 4) and (
            kind is None or level_of_kind(kind) in (DEPARTEMENT, COMMUNE)):
        code = "0" + code  # a leading zero lost by a spreadsheet
    levels = [lvl for lvl in name_levels if is_valid_code(lvl, code) and gaz.exists(lvl, code)]
    if levels:
        return [Unit(lvl, code) for lvl in levels], ""
    return [], f"Le code « {raw} » ne correspond à aucune collectivité connue"


# ---------------------------------------------------------------- names

def _candidates_by_name(name: str, levels: tuple[str, ...], gaz: Gazetteer) -> list[Unit]:
    """Units whose official name matches exactly, at the strongest stage that finds any."""
    alias = gaz.aliases.get(normalize(name)) or gaz.aliases.get(split_prefix(name)[1])
    if alias and alias.level in levels:
        return [alias]
    full = normalize(name)
    rest = split_prefix(name)[1]
    stages = [
        lambda lvl: gaz.by_name[lvl].get(full, []),
        lambda lvl: gaz.by_name[lvl].get(rest, []),
        lambda lvl: gaz.by_key[lvl].get(epci_key(name) if lvl == EPCI else key(rest), []),
    ]
    for stage in stages:
        found = [Unit(lvl, code) for lvl in levels for code in stage(lvl)]
        if found:
            return found
    return []


def _narrow(units: list[Unit], kind: str | None, dep: str | None, reg: str | None,
            gaz: Gazetteer) -> list[Unit]:
    """Keep the units that agree with the hints, when some do."""
    def parents_of(unit):
        row = gaz.unit_row(unit)
        dep_code = row["code"] if unit.level == DEPARTEMENT else row.get("departement", "")
        reg_code = row["code"] if unit.level == REGION else row.get("region", "")
        return dep_code, reg_code

    if dep:
        units = [u for u in units if parents_of(u)[0] == dep or (
            u.level == EPCI and dep in gaz.epci_departements.get(u.code, ()))] or units
    if reg:
        units = [u for u in units if parents_of(u)[1] == reg] or units
    if kind in EPCI_KINDS:
        units = [u for u in units if u.level != EPCI or gaz.unit_row(u)["kind"] == kind] or units
    return units


def _notable(unit: Unit | None, gaz: Gazetteer) -> bool:
    """A unit a typo most likely refers to: any EPCI, département, région, or a big commune."""
    if unit is None:
        return False
    return unit.level != COMMUNE or gaz.unit_row(unit)["population"] >= NOTABLE_POPULATION


def _kind_note(unit: Unit, kind: str | None, gaz: Gazetteer) -> str:
    """A note when an EPCI found by name is of another kind than the file says."""
    if unit.level != EPCI or kind not in EPCI_KINDS:
        return ""
    actual = gaz.unit_row(unit)["kind"]
    if actual == kind:
        return ""
    return (f"Le fichier indique {KIND_LABELS_SINGULAR[kind].lower()} ; c'est aujourd'hui "
            f"une {KIND_LABELS_SINGULAR[actual].lower()} : « {gaz.unit_row(unit)['nom']} ».")


def _fuzzy(name: str, levels: tuple[str, ...], dep: str | None, reg: str | None,
           gaz: Gazetteer) -> list[tuple[Unit, float]]:
    """Best fuzzy matches (unit, score) of the name's key among the allowed levels."""
    rest = split_prefix(name)[1]
    results = []
    for level in levels:
        query = epci_key(name) if level == EPCI else key(rest)
        keys, codes = gaz.fuzzy_keys[level]
        if dep and level in (COMMUNE, EPCI):
            keys, codes = gaz.fuzzy_keys_in[level].get(dep, ([], []))
        elif reg and level != REGION:
            keys, codes = gaz.fuzzy_keys_in[level].get(reg, ([], []))
        if not query or not keys:
            continue
        hits = process.extract(query, keys, scorer=fuzz.ratio, limit=MAX_CANDIDATES,
                               score_cutoff=FUZZY_SUGGEST)
        results += [(Unit(level, codes[i]), score) for _, score, i in hits]
    return sorted(results, key=lambda r: -r[1])


def _match_name(name: str, kind: str | None, dep: str | None, reg: str | None,
                gaz: Gazetteer) -> Outcome:
    levels = _wanted_levels(kind)
    if not levels:
        return Outcome(S.UNMATCHED)
    units = _candidates_by_name(name, levels, gaz)
    if units:
        units = _narrow(units, kind, dep, reg, gaz)
        if len(units) == 1:
            return Outcome(S.MATCHED, units[0], 100, message=_kind_note(units[0], kind, gaz))
        return Outcome(S.AMBIGUOUS, candidates=units, message=(
            f"Plusieurs collectivités s'appellent « {name} » : précisez le département "
            "(colonne « département »), le type ou le code officiel."))

    if REGION in levels:
        former = gaz.former_regions.get(key(split_prefix(name)[1]))
        if former:
            new = Unit(REGION, former[1])
            return Outcome(S.UNMATCHED, candidates=[new], message=(
                f"La région {former[0]} n'existe plus depuis 2016 : elle fait partie de la "
                f"région {gaz.unit_row(new)['nom']} ({new.code}). Si c'est la région actuelle qui "
                "adhère, écrivez son nom ; sinon retirez la ligne."))

    hits = _fuzzy(name, levels, dep, reg, gaz)
    if kind in EPCI_KINDS and not hits:  # the kind may be outdated: try the other EPCIs
        hits = _fuzzy(name, (EPCI,), dep, reg, gaz)
    if hits:
        best, score = hits[0]
        second, runner_up = next(((u, s) for u, s in hits[1:] if u != best), (None, 0))
        notable = _notable(best, gaz)
        bar = FUZZY_ACCEPT_NOTABLE if notable or dep or reg else FUZZY_ACCEPT
        clear_winner = score - runner_up >= FUZZY_MARGIN or (
            notable and score > runner_up and not _notable(second, gaz))
        long_enough = len(key(split_prefix(name)[1])) >= FUZZY_MIN_LENGTH
        if score >= bar and clear_winner and long_enough:
            return Outcome(S.MATCHED, best, round(score), message=(
                f"Rapprochée par ressemblance ({round(score)} %) de "
                f"« {gaz.unit_row(best)['nom']} » : vérifiez."))
        units = list(dict.fromkeys(u for u, _ in hits))
        return Outcome(S.UNMATCHED, candidates=units, score=round(score), message=(
            f"« {name} » n'a pas été reconnu avec certitude. Noms proches : voir les "
            "candidats ; corrigez le nom ou ajoutez le code officiel."))
    return Outcome(S.UNMATCHED, message=(
        f"« {name} » ne correspond à aucune collectivité française connue (région, département, "
        "EPCI ou commune). Corrigez le nom, ajoutez le code officiel, ou donnez des "
        "coordonnées (lon, lat) s'il s'agit d'une autre structure."))


# ---------------------------------------------------------------- one row

def _kind_hint(row: pd.Series) -> tuple[str | None, bool]:
    """(kind, any_epci) from the type column, else from the name's prefix."""
    written = str(row.get("kind_hint", "") or "")
    if normalize(written) in EPCI_WORDS:
        prefix = split_prefix(row.input_name)[0]
        return (prefix if prefix in EPCI_KINDS else None), True
    kind = kind_from_words(written)
    if kind:
        return kind, False
    return split_prefix(row.input_name)[0], False


def _placement(row: pd.Series, gaz: Gazetteer) -> tuple[float, float, str, str] | None:
    """(lon, lat, département, région) from a seat commune code or coordinates."""
    seat = _clean_code(row.get("seat_code", ""))
    if seat:
        if len(seat) == 4 and seat.isdigit():
            seat = "0" + seat
        if gaz.exists(COMMUNE, seat):
            commune = gaz.unit_row(Unit(COMMUNE, seat))
            return commune["lon"], commune["lat"], commune["departement"], commune["region"]
    try:
        lon = float(str(row.get("lon", "")).replace(",", "."))
        lat = float(str(row.get("lat", "")).replace(",", "."))
    except ValueError:
        return None
    dep = gaz.departement_at(lon, lat)
    if dep is None:
        return None
    return lon, lat, dep, gaz.unit_row(Unit(DEPARTEMENT, dep))["region"]


def resolve_row(row: pd.Series, gaz: Gazetteer) -> Outcome:
    kind, any_epci = _kind_hint(row)
    seated = kind in SEATED_KINDS   # no territory of its own: placed by its seat
    dep = _departement_hint(row.get("departement_hint", ""), gaz) \
        if str(row.get("departement_hint", "")).strip() else None
    reg = _region_hint(row.get("region_hint", ""), gaz) \
        if str(row.get("region_hint", "")).strip() else None
    levels = (EPCI,) if any_epci and kind is None else _wanted_levels(kind)
    name = str(row.get("input_name", "")).strip()
    note = ""

    if not seated and str(row.get("code", "")).strip():
        units, note = _match_code(row.code, kind, levels, gaz)
        if len(units) > 1 and name:
            by_name = _candidates_by_name(name, tuple(u.level for u in units), gaz)
            units = [u for u in units if u in by_name] or units
        if len(units) == 1:
            return _checked_against_name(units[0], name, gaz)
        if len(units) > 1:
            return Outcome(S.AMBIGUOUS, candidates=units, message=(
                f"Le code « {row.code} » désigne à la fois un département et une région : "
                "indiquez le type (colonne « type »)."))

    if not seated and name:
        outcome = _match_name(name, kind, dep, reg, gaz) if levels else Outcome(S.UNMATCHED)
        if outcome.status == S.MATCHED or outcome.status == S.AMBIGUOUS:
            if note:
                outcome.message = (note + ". " + outcome.message).strip()
            return outcome
    else:
        outcome = Outcome(S.UNMATCHED)

    place = _placement(row, gaz)
    if place:
        return Outcome(S.PLACED, score=100, place=place, kind=kind if seated else KIND_OTHER,
                       message=(
            "Placée par ses coordonnées ou sa commune siège."))
    if seated:
        outcome.message = (
            f"« {name} » n'est ni une commune, ni un EPCI, ni un département, ni une région : "
            "ajoutez sa commune siège (colonne « commune siège », code INSEE) ou ses "
            "coordonnées (colonnes lon et lat) pour la placer sur la carte.")
    elif not name:
        outcome.message = "Ligne sans nom de collectivité : ajoutez le nom ou le code officiel."
    if note and note not in outcome.message:
        outcome.message = (note + ". " + outcome.message).strip()
    return outcome


def _checked_against_name(unit: Unit, name: str, gaz: Gazetteer) -> Outcome:
    """A unit found by its code; warn when the name given says something else."""
    if not name:
        return Outcome(S.MATCHED, unit, 100)
    official = gaz.unit_row(unit)["nom"]
    keyer = epci_key if unit.level == EPCI else key
    given = keyer(name) if unit.level == EPCI else key(split_prefix(name)[1])
    similarity = fuzz.token_set_ratio(given, keyer(official))
    by_name = _candidates_by_name(name, (unit.level,), gaz)
    if unit in by_name or similarity >= 60:
        return Outcome(S.MATCHED, unit, 100)
    return Outcome(S.MATCHED, unit, 80, message=(
        f"Reconnue par son code ; le nom « {name} » diffère du nom officiel « {official} » : "
        "vérifiez le code."))


# ---------------------------------------------------------------- the whole list

def resolve_rows(rows: pd.DataFrame, extra_columns: list[str] | None = None) -> pd.DataFrame:
    """One resolved row per input row (schema.RESOLVED_COLUMNS, then the extra columns)."""
    gaz = gazetteer()
    records = []
    first_row_of: dict[Unit, int] = {}
    for _, row in rows.iterrows():
        outcome = resolve_row(row, gaz)
        if outcome.unit is not None and outcome.status == S.MATCHED:
            if outcome.unit in first_row_of:
                outcome = Outcome(S.DUPLICATE, outcome.unit, outcome.score, message=(
                    f"Même collectivité que la ligne {first_row_of[outcome.unit]} : "
                    "cette ligne n'est comptée qu'une fois."))
            else:
                first_row_of[outcome.unit] = int(row["row"])
        records.append(_record(row, outcome, gaz))
    frame = S.conform(pd.DataFrame(records, columns=S.RESOLVED_COLUMNS))
    for column in extra_columns or []:
        frame[column] = rows[column].values if column in rows else ""
    return frame


def _record(row: pd.Series, outcome: Outcome, gaz: Gazetteer) -> dict:
    record = {S.ROW: int(row["row"]), S.INPUT_NAME: row.get("input_name", ""),
              S.STATUS: outcome.status, S.LEVEL: "", S.KIND: "", S.CODE: "", S.NAME: "",
              S.DEPARTEMENT: "", S.REGION: "", S.POPULATION: None, S.SCORE: outcome.score,
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
        record.update({S.KIND: outcome.kind,
                       S.CODE: _clean_code(row.get("code", "")), S.NAME: row.input_name,
                       S.DEPARTEMENT: dep, S.REGION: reg, S.LON: lon, S.LAT: lat})
    return record


# ---------------------------------------------------------------- a person's choice

def choose(resolved: pd.DataFrame, row_number: int, level: str, code: str) -> pd.DataFrame:
    """The list with one row resolved to the unit a person chose among its candidates."""
    gaz = gazetteer()
    unit = Unit(level, code)
    if not gaz.exists(level, code):
        raise ValueError(f"no {level} has code {code!r}")
    out = resolved.copy()
    index = out.index[out[S.ROW] == row_number][0]
    others = out[(out[S.CODE] == code) & (out[S.LEVEL] == level) & (out[S.STATUS] == S.MATCHED)]
    if len(others):
        outcome = Outcome(S.DUPLICATE, unit, 100, message=(
            f"Même collectivité que la ligne {int(others[S.ROW].iloc[0])} : "
            "cette ligne n'est comptée qu'une fois."))
    else:
        outcome = Outcome(S.MATCHED, unit, 100, message="Choisie parmi les candidats.")
    record = _record(out.loc[index], outcome, gaz)
    record[S.CANDIDATES] = out.at[index, S.CANDIDATES]
    for column, value in record.items():
        out.at[index, column] = value
    return out
