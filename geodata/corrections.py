"""A person's corrections of member lists, kept so that no fix has to be made twice.

A correction says what a name, as written in a list, stands for: one official unit (level and
code), or nothing (the row is to be ignored: a total, a note). Decided in the app or written
by hand, they are saved as a small table (the corrections file), and re-applied to every list
that has the same name again, whatever its case, accents or punctuation ("CD 62", "cd62" is
not the same; "Cd 62" is).

A name may be a homonym ("Saint-Denis"), so a correction is never forced on a row that says
otherwise: when its unit does not fit the type, département, région or code the row gives, or
when the resolver now places the row without a doubt elsewhere than it did when the person
decided (a correction remembers that unit: "Au lieu de"), the row is left to a person, with
both units. A wrong match is worse than a fix to redo.

The corrections file is a member list too (read by geodata.reading, with all its checks): its
name column is "Nom dans la liste", its level "Niveau", its code "Code officiel"; what makes it
a corrections file is its column "Correction" ("placer" or "ignorer").
"""

from dataclasses import dataclass

import pandas as pd

from . import schema as S
from .gazetteer import Unit, gazetteer
from .levels import COMMUNE, DEPARTEMENT, EPCI, EPT, LEVELS, REGION
from .names import normalize
from .reading import KIND_HINT, MAX_ROWS, MemberTable, normalize_header
from .resolve import Outcome, decide, fits_row, ignored, placed, units_of_code

CORRECTION_HEADER = "Correction"
PLACE, IGNORE = "placer", "ignorer"
LEVEL_LABELS = {REGION: "région", DEPARTEMENT: "département", EPCI: "intercommunalité",
                EPT: "territoire (EPT)", COMMUNE: "commune"}
REPLACES_HEADER = "Au lieu de"
FILE_HEADERS = ("Nom dans la liste", CORRECTION_HEADER, "Niveau", "Code officiel",
                "Nom officiel", REPLACES_HEADER)
FILE_NAME = "corrections-adherents.csv"


@dataclass(frozen=True)
class Correction:
    name: str          # as written in the list
    level: str = ""    # "" when the row is to be ignored
    code: str = ""
    replaces: str = ""   # "level:code" the resolver had found without a doubt, "" if none

    @property
    def is_ignored(self) -> bool:
        return not self.level

    @property
    def key(self) -> str:
        return name_key(self.name)


def name_key(name: str) -> str:
    """What two ways of writing a name must share for one correction to serve both."""
    return normalize(name)


def merged(*groups: list[Correction]) -> list[Correction]:
    """One correction per name: a later one replaces an earlier one. A name of punctuation
    alone ("-", "?") has no key, and no correction: it would stand for every such name."""
    by_key: dict[str, Correction] = {}
    for group in groups:
        for correction in group:
            if not correction.key:
                continue
            by_key.pop(correction.key, None)   # the latest decision goes last
            by_key[correction.key] = correction
    return list(by_key.values())


# -- in the resolved list ------------------------------------------------------------------------

def apply_corrections(resolved: pd.DataFrame, corrections: list[Correction],
                      keep_rows: frozenset[int] = frozenset()) -> tuple[pd.DataFrame, int]:
    """The list with every row whose name has a correction decided by it (but the rows of
    keep_rows: those a person just decided), and how many rows were. A correction is a
    person's word, unless the row says otherwise: the unit corrected does not fit its type,
    département, région or code, or the resolver now places it without a doubt elsewhere than
    it did when the person decided. Such a row is left to a person, with both units as
    candidates."""
    by_key = {c.key: c for c in corrections if c.key}
    decisions, applied = {}, 0
    columns = [S.ROW, S.INPUT_NAME, S.LEVEL, S.CODE, *S.GIVEN_COLUMNS]
    for record, sure in zip(resolved[columns].to_dict("records"), _confident(resolved),
                            strict=True):
        correction = by_key.get(name_key(record[S.INPUT_NAME]))
        if correction is None or int(record[S.ROW]) in keep_rows:
            continue
        found = Unit(record[S.LEVEL], record[S.CODE]) if sure else None
        corrected = None if correction.is_ignored else Unit(correction.level, correction.code)
        moved = found is not None and f"{found.level}:{found.code}" not in (
            correction.replaces, f"{correction.level}:{correction.code}")
        if moved or corrected is not None and not fits_row(record, corrected):
            decisions[int(record[S.ROW])] = _conflict(correction, found, corrected)
        else:
            decisions[int(record[S.ROW])] = _outcome(correction)
            applied += 1
    return (decide(resolved, decisions) if decisions else resolved), applied


def _confident(resolved: pd.DataFrame) -> pd.Series:
    """Rows the resolver placed on a unit without a doubt (not a person's decision; not with
    other candidates, as an EPCI whose communes are now shared: a duplicate of such a row has
    lost its note, not its doubt)."""
    return resolved[S.STATUS].isin([S.MATCHED, S.DUPLICATE]) & (resolved[S.LEVEL] != "") \
        & ~S.needs_person(resolved) & ~resolved[S.RULE].isin(S.PERSON_RULES) \
        & (resolved[S.CANDIDATES].map(len) == 0)


def _conflict(correction: Correction, found: Unit | None, corrected: Unit | None) -> Outcome:
    """The row left to a person, with the unit it designates now (if any) and the corrected
    one (unless the correction was to ignore it)."""
    gaz = gazetteer()
    said = (f"ignorent « {correction.name} »" if corrected is None else
            f"placent « {correction.name} » sur {S.candidate_label(gaz.candidate(corrected))}")
    but = (f"cette ligne désigne {S.candidate_label(gaz.candidate(found))}" if found else
           "cette ligne indique un autre type, un autre lieu ou un autre code")
    return Outcome(S.AMBIGUOUS, candidates=[u for u in (found, corrected) if u], message=(
        f"Vos corrections {said}, mais {but} : choisissez, ou corrigez la ligne."))


def _official(correction: Correction) -> str:
    """'Saint-Denis (commune, 93 ; code 93066)': which one, for a homonym."""
    gaz = gazetteer()
    return S.candidate_label(gaz.candidate(Unit(correction.level, correction.code)))


def _outcome(correction: Correction):
    if correction.is_ignored:
        return ignored("correction", f"Ignorée d'après vos corrections : « {correction.name} » "
                                     "n'est pas une collectivité adhérente.")
    return placed(correction.level, correction.code, "correction",
                  f"D'après vos corrections : « {correction.name} » est {_official(correction)}.")


def correction_of(before: pd.DataFrame, after: pd.DataFrame, row_number: int,
                  earlier: list[Correction]) -> Correction:
    """The correction a person's decision on a row amounts to (the list before and after it),
    with what the resolver had found without a doubt (kept from an earlier correction of the
    same name, when the row had already been decided by a person)."""
    was = before.loc[before[S.ROW] == row_number]
    row = after.loc[after[S.ROW] == row_number].iloc[0]
    if was[S.RULE].iloc[0] in S.PERSON_RULES:
        previous = {c.key: c for c in earlier}.get(name_key(row[S.INPUT_NAME]))
        replaces = previous.replaces if previous else ""
    else:
        replaces = (f"{was[S.LEVEL].iloc[0]}:{was[S.CODE].iloc[0]}"
                    if _confident(was).iloc[0] else "")
    if row[S.STATUS] == S.IGNORED:
        return Correction(row[S.INPUT_NAME], replaces=replaces)
    return Correction(row[S.INPUT_NAME], row[S.LEVEL], row[S.CODE], replaces)


# -- the corrections file -----------------------------------------------------------------------

def is_corrections_table(table: MemberTable) -> bool:
    """A column "Correction" whose values are all "placer" or "ignorer" (a list may have a
    column of notes of that name: it stays a list)."""
    decisions = [normalize(value) for value in _column(table, CORRECTION_HEADER) if value]
    return bool(decisions) and all(_decision(value) for value in decisions)


def _decision(normalized: str) -> str | None:
    return PLACE if normalized == PLACE else IGNORE if normalized.startswith("ignor") else None


def corrections_frame(corrections: list[Correction]) -> pd.DataFrame:
    gaz = gazetteer()
    rows = [(c.name, IGNORE if c.is_ignored else PLACE, LEVEL_LABELS.get(c.level, ""), c.code,
             "" if c.is_ignored else gaz.unit_row(Unit(c.level, c.code))["nom"],
             _replaced_text(c.replaces)) for c in corrections]
    return pd.DataFrame(rows, columns=list(FILE_HEADERS))


def read_corrections(table: MemberTable) -> tuple[list[Correction], list[str]]:
    """The corrections of a corrections file, and a French note for each line left out."""
    decisions = _column(table, CORRECTION_HEADER)
    replaced = _column(table, REPLACES_HEADER)
    corrections, problems = [], []
    for (number, name, level_text, code), decision, was in zip(
            table.rows[[S.ROW, S.INPUT_NAME, KIND_HINT, S.CODE]].itertuples(index=False),
            decisions, replaced, strict=True):
        decision = _decision(normalize(decision))
        if not name or decision is None:
            continue
        found = _replaced_unit(was)
        replaces = f"{found.level}:{found.code}" if found else ""
        if decision == IGNORE:
            corrections.append(Correction(name, replaces=replaces))
            continue
        unit = _unit(level_text, code)
        if unit is None:
            problems.append(f"ligne {number} (« {name} » : code « {code} »)" if code
                            else f"ligne {number} (« {name} », sans code)")
        else:
            corrections.append(Correction(name, unit.level, unit.code, replaces))
    notes = []
    if problems:
        shown = ", ".join(problems[:5]) + (f" et {len(problems) - 5} autres"
                                           if len(problems) > 5 else "")
        notes.append(f"Corrections non reprises, faute d'un code officiel qui existe : {shown}. "
                     "Corrigez le code dans le fichier de corrections, ou refaites ces choix "
                     "dans le rapport.")
    return merged(corrections[:MAX_ROWS]), notes


def _replaced_text(replaces: str) -> str:
    """'32 (région)': the code the resolver had found, and its level (a code may be two)."""
    level, _, code = replaces.partition(":")
    return f"{code} ({LEVEL_LABELS[level]})" if replaces else ""


def _replaced_unit(text: str) -> Unit | None:
    code, _, level = text.strip().partition(" ")
    return _unit(level.strip("() "), code) if code else None


def _column(table: MemberTable, header: str) -> list[str]:
    """A column of the corrections file by its header (any case or accents), or empty."""
    found = next((h for h in table.extra_columns
                  if normalize_header(h) == normalize_header(header)), None)
    return table.extra(found).tolist() if found else [""] * len(table.rows)


_LEVEL_OF_LABEL = {normalize(label): level for level, label in LEVEL_LABELS.items()}


def _unit(level_text: str, code: str) -> Unit | None:
    """The unit a line of a corrections file names (its code read as the resolver reads one:
    a leading zero eaten by a spreadsheet comes back), or None when it exists nowhere. Where
    a code is two units (32: a département and a région), the Niveau column decides."""
    stated = _LEVEL_OF_LABEL.get(normalize(level_text))
    units = units_of_code(code, (stated,)) if stated else units_of_code(code)
    return units[0] if units else None


# -- in the browser's store ----------------------------------------------------------------------

def to_json(corrections: list[Correction]) -> list[list[str]]:
    return [[c.name, c.level, c.code, c.replaces] for c in corrections]


def from_json(data) -> list[Correction]:
    """The corrections a browser store holds; anything that is not one we wrote is left out."""
    if not isinstance(data, list):
        return []
    corrections = []
    for item in data[:MAX_ROWS]:
        if not (isinstance(item, list) and len(item) == 4 and all(isinstance(v, str)
                                                                   for v in item)):
            continue
        name, level, code, replaces = item
        if replaces and not _exists(*replaces.partition(":")[::2]):
            replaces = ""
        if name and (not level and not code or _exists(level, code)):
            corrections.append(Correction(name, level, code, replaces))
    return merged(corrections)


def _exists(level: str, code: str) -> bool:
    return level in LEVELS and gazetteer().exists(level, code)
