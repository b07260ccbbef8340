"""A person's corrections of member lists, kept so that no fix has to be made twice.

A correction says what a name, as written in a list, stands for: one official unit (level and
code), or nothing (the row is to be ignored: a total, a note). Decided in the app or written
by hand, they are saved as a small table (the corrections file), and re-applied to every list
that has the same name again, whatever its case, accents or punctuation ("CD 62", "cd62" is
not the same; "Cd 62" is).

The corrections file is a member list too (read by geodata.reading, with all its checks): its
name column is "Nom dans la liste", its level "Niveau", its code "Code officiel"; what makes it
a corrections file is its column "Correction" ("placer" or "ignorer").
"""

from dataclasses import dataclass

import pandas as pd

from . import schema as S
from .gazetteer import Unit, gazetteer
from .levels import COMMUNE, DEPARTEMENT, EPCI, EPT, REGION, is_valid_code
from .names import normalize
from .reading import MAX_ROWS, MemberTable, normalize_header
from .resolve import decide, ignored, placed

CORRECTION_HEADER = "Correction"
PLACE, IGNORE = "placer", "ignorer"
LEVEL_LABELS = {REGION: "région", DEPARTEMENT: "département", EPCI: "intercommunalité",
                EPT: "territoire (EPT)", COMMUNE: "commune"}
FILE_HEADERS = ("Nom dans la liste", CORRECTION_HEADER, "Niveau", "Code officiel",
                "Nom officiel")
FILE_NAME = "corrections-adherents.csv"


@dataclass(frozen=True)
class Correction:
    name: str          # as written in the list
    level: str = ""    # "" when the row is to be ignored
    code: str = ""

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
    """One correction per name: a later one replaces an earlier one."""
    by_key: dict[str, Correction] = {}
    for group in groups:
        for correction in group:
            by_key.pop(correction.key, None)   # the latest decision goes last
            by_key[correction.key] = correction
    return list(by_key.values())


# -- in the resolved list ------------------------------------------------------------------------

def apply_corrections(resolved: pd.DataFrame, corrections: list[Correction]
                      ) -> tuple[pd.DataFrame, int]:
    """The list with every row whose name has a correction decided by it, and how many rows
    that was. A correction is a person's word: it goes before what the resolver found."""
    by_key = {c.key: c for c in corrections}
    decisions = {}
    for number, name in zip(resolved[S.ROW], resolved[S.INPUT_NAME], strict=True):
        correction = by_key.get(name_key(name)) if name else None
        if correction is not None:
            decisions[int(number)] = _outcome(correction)
    return (decide(resolved, decisions) if decisions else resolved), len(decisions)


def _outcome(correction: Correction):
    if correction.is_ignored:
        return ignored("correction", f"Ignorée d'après vos corrections : « {correction.name} » "
                                     "n'est pas une collectivité adhérente.")
    official = gazetteer().unit_row(Unit(correction.level, correction.code))["nom"]
    return placed(correction.level, correction.code, "correction",
                  f"D'après vos corrections : « {correction.name} » est {official}.")


def correction_of(resolved: pd.DataFrame, row_number: int) -> Correction:
    """The correction a person's decision on a row of the list amounts to."""
    row = resolved.loc[resolved[S.ROW] == row_number].iloc[0]
    if row[S.STATUS] == S.IGNORED:
        return Correction(row[S.INPUT_NAME])
    return Correction(row[S.INPUT_NAME], row[S.LEVEL], row[S.CODE])


# -- the corrections file -----------------------------------------------------------------------

def is_corrections_table(table: MemberTable) -> bool:
    return any(normalize_header(header) == normalize_header(CORRECTION_HEADER)
               for header in table.extra_columns)


def corrections_frame(corrections: list[Correction]) -> pd.DataFrame:
    gaz = gazetteer()
    rows = [(c.name, IGNORE if c.is_ignored else PLACE, LEVEL_LABELS.get(c.level, ""), c.code,
             "" if c.is_ignored else gaz.unit_row(Unit(c.level, c.code))["nom"])
            for c in corrections]
    return pd.DataFrame(rows, columns=list(FILE_HEADERS))


def read_corrections(table: MemberTable) -> tuple[list[Correction], list[str]]:
    """The corrections of a corrections file, and a French note for each line left out."""
    decisions = table.extra(next(h for h in table.extra_columns if normalize_header(h)
                                 == normalize_header(CORRECTION_HEADER)))
    corrections, problems = [], []
    for (number, name, level_text, code), decision in zip(
            table.rows[[S.ROW, S.INPUT_NAME, "kind_hint", S.CODE]].itertuples(index=False),
            decisions, strict=True):
        if not name:
            continue
        if normalize(decision).startswith("ignor"):
            corrections.append(Correction(name))
            continue
        unit = _unit(level_text, code)
        if unit is None:
            problems.append(f"ligne {number} (« {name} » : code « {code} »)")
        else:
            corrections.append(Correction(name, unit.level, unit.code))
    notes = []
    if problems:
        shown = ", ".join(problems[:5]) + (f" et {len(problems) - 5} autres"
                                           if len(problems) > 5 else "")
        notes.append(f"Corrections non reprises, faute d'un code officiel qui existe : {shown}. "
                     "Corrigez le code dans le fichier de corrections, ou refaites ces choix "
                     "dans le rapport.")
    return merged(corrections[:MAX_ROWS]), notes


_LEVEL_OF_LABEL = {normalize(label): level for level, label in LEVEL_LABELS.items()}
# A code's shape says its level, but for the few shapes two levels share (9 digits: EPCI or
# EPT; 2 digits: département or région), where the Niveau column decides.
_LEVELS_BY_SHAPE = (COMMUNE, EPCI, EPT, DEPARTEMENT, REGION)


def _unit(level_text: str, code: str) -> Unit | None:
    """The unit a line of a corrections file names, or None when the code exists nowhere."""
    code = code.strip().upper().removesuffix(".0")
    if code.isdigit() and len(code) == 4:   # a commune code whose leading zero a spreadsheet ate
        code = code.zfill(5)
    stated = _LEVEL_OF_LABEL.get(normalize(level_text))
    gaz = gazetteer()
    levels = [stated] if stated else list(_LEVELS_BY_SHAPE)
    return next((Unit(level, code) for level in levels
                 if is_valid_code(level, code) and gaz.exists(level, code)), None)


# -- in the browser's store ----------------------------------------------------------------------

def to_json(corrections: list[Correction]) -> list[list[str]]:
    return [[c.name, c.level, c.code] for c in corrections]


def from_json(data) -> list[Correction]:
    """The corrections a browser store holds; anything that is not one we wrote is left out."""
    if not isinstance(data, list):
        return []
    gaz = gazetteer()
    corrections = []
    for item in data[:MAX_ROWS]:
        if not (isinstance(item, list) and len(item) == 3 and all(isinstance(v, str)
                                                                   for v in item)):
            continue
        name, level, code = item
        if name and (not level and not code or level in LEVEL_LABELS and gaz.exists(level, code)):
            corrections.append(Correction(name, level, code))
    return merged(corrections)
