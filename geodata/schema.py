"""The columns of a resolved member list, with their types, shared by every module.

One row per input row, in input order. Extra columns of the member file (adhesion year,
elected representative, website...) follow these in their own namespace (`extra_key`): a list
may well have its own "population" or "status" column, which must neither replace ours nor be
lost. Their header is shown as written (`extra_header`).

`conform()` gives a frame these types (at every boundary: resolution, the browser store, test
fixtures); `to_rows()` / `from_rows()` carry it through JSON and back unchanged.
"""

import math
from dataclasses import dataclass

import pandas as pd

from .kinds import KIND_LABELS_SINGULAR

ROW = "row"                # line number in the file (the header is line 1)
INPUT_NAME = "input_name"  # the name as the user wrote it
STATUS = "status"          # one of STATUSES
LEVEL = "level"            # region / departement / epci / commune, "" if none
KIND = "kind"              # a kind id (geodata.kinds), "" if unknown
CODE = "code"              # official code (INSEE or SIREN), "" if none
NAME = "official_name"     # official name, or the input name for members placed by their seat
DEPARTEMENT = "departement"  # code of the parent département ("" for régions)
REGION = "region"          # code of the parent région
POPULATION = "population"
SCORE = "score"            # 0-100, confidence of the match
RULE = "rule"              # the rule that decided (one of RULE_LABELS), "" if none
CANDIDATES = "candidates"  # list of candidate units (see candidate_record), for a person to choose
MESSAGE = "message"        # French explanation for the user
LON = "lon"
LAT = "lat"
# What the row itself said besides its name, as written (a person's correction keyed by the name
# is applied only where it agrees with them: geodata.corrections).
KIND_GIVEN = "kind_given"
CODE_GIVEN = "code_given"
DEPARTEMENT_GIVEN = "departement_given"
REGION_GIVEN = "region_given"


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str   # pandas dtype; "list" for a column of lists


COLUMNS = (
    Column(ROW, "int64"), Column(INPUT_NAME, "str"), Column(STATUS, "str"),
    Column(LEVEL, "str"), Column(KIND, "str"), Column(CODE, "str"), Column(NAME, "str"),
    Column(DEPARTEMENT, "str"), Column(REGION, "str"), Column(POPULATION, "Int64"),
    Column(SCORE, "int64"), Column(RULE, "str"), Column(CANDIDATES, "list"),
    Column(MESSAGE, "str"),
    Column(LON, "float64"), Column(LAT, "float64"),
    Column(KIND_GIVEN, "str"), Column(CODE_GIVEN, "str"), Column(DEPARTEMENT_GIVEN, "str"),
    Column(REGION_GIVEN, "str"),
)
# The given columns, and the reading's names for them (geodata.reading's canonical columns).
GIVEN_COLUMNS = {KIND_GIVEN: "kind_hint", CODE_GIVEN: CODE, DEPARTEMENT_GIVEN: "departement_hint",
                 REGION_GIVEN: "region_hint"}
RESOLVED_COLUMNS = [column.name for column in COLUMNS]

MATCHED = "matched"
AMBIGUOUS = "ambiguous"
UNMATCHED = "unmatched"
DUPLICATE = "duplicate"
PLACED = "placed_by_coordinates"
IGNORED = "ignored"        # a person said the row is not a member (a total, a note, a test)
STATUSES = (MATCHED, AMBIGUOUS, UNMATCHED, DUPLICATE, PLACED, IGNORED)
# Rows drawn on the map.
MAPPED_STATUSES = (MATCHED, PLACED)

STATUS_LABELS = {
    MATCHED: "reconnue",
    AMBIGUOUS: "ambiguë",
    UNMATCHED: "non reconnue",
    DUPLICATE: "doublon",
    PLACED: "placée par coordonnées",
    IGNORED: "ignorée",
}


# The rules of geodata.resolve, as a person reads them in the report.
RULE_LABELS = {
    "code": "code officiel",
    "alias": "nom usuel",
    "name": "nom officiel",
    "code_in_name": "numéro du département",
    "acronym": "sigle",
    "brand": "nom d'usage (ville principale + Agglo, Métropole…)",
    "former_name": "ancien nom",
    "successor": "successeur d'un EPCI disparu",
    "arrondissement": "arrondissement municipal",
    "prefix": "début du nom, dans le département indiqué",
    "resemblance": "ressemblance",
    "seat": "commune siège",
    "coordinates": "coordonnées",
    "choice": "choisie par une personne",
    "correction": "correction enregistrée",
}
# Rules that say a person decided the row (in the app, or earlier in a corrections file).
PERSON_RULES = ("choice", "correction")


def needs_person(resolved: pd.DataFrame) -> pd.Series:
    """Rows a person should look at: left in doubt or unknown, or placed with a remark (a
    resemblance, an outdated kind, a code that disagrees with the name, an arrondissement),
    unless a person already decided them."""
    remark = (resolved[STATUS] == MATCHED) & ((resolved[MESSAGE] != "")
                                              | (resolved[RULE] == "arrondissement"))
    return (resolved[STATUS].isin([AMBIGUOUS, UNMATCHED]) | remark) \
        & ~resolved[RULE].isin(PERSON_RULES)


# -- the member file's own columns ------------------------------------------------------------

EXTRA_PREFIX = "extra:"


def extra_key(header: str) -> str:
    """The frame column holding the member file's column of this header."""
    return EXTRA_PREFIX + header


def extra_header(key: str) -> str:
    """The header of a member file's column, as written in the file."""
    return key.removeprefix(EXTRA_PREFIX)


def is_extra(column) -> bool:
    return isinstance(column, str) and column.startswith(EXTRA_PREFIX)


def extra_keys(frame: pd.DataFrame) -> list[str]:
    """The member file's own columns of a frame, in the file's order."""
    return [column for column in frame.columns if is_extra(column)]


def is_missing(value) -> bool:
    """None, pd.NA or NaN: a cell with no value."""
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def conform(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with the schema's types: text never NaN, population nullable, candidates lists.

    Columns of the schema that are missing are added empty; the member file's own columns
    (extra_keys) are kept as text; any other column is dropped.
    """
    frame = frame.copy()
    for column in COLUMNS:
        values = frame[column.name] if column.name in frame else pd.Series(
            [None] * len(frame), index=frame.index, dtype=object)
        if column.dtype == "str":
            frame[column.name] = values.map(lambda v: "" if is_missing(v) else str(v)).astype("str")
        elif column.dtype == "list":
            frame[column.name] = values.map(lambda v: [] if is_missing(v) else list(v))
        elif column.dtype == "Int64":
            frame[column.name] = pd.to_numeric(values).round().astype("Int64")
        elif column.dtype == "int64":
            frame[column.name] = pd.to_numeric(values).fillna(0).astype("int64")
        else:
            frame[column.name] = pd.to_numeric(values).astype(column.dtype)
    extras = extra_keys(frame)
    if extras:   # vectorised: a list may have 10,000 rows and 100 columns of its own
        frame[extras] = frame[extras].astype(object).where(frame[extras].notna(), "").astype(str)
    return frame[RESOLVED_COLUMNS + extras]


def to_rows(frame: pd.DataFrame) -> list[list]:
    """JSON-ready rows, one list of values per row in the frame's column order (no NaN: None).
    Lists, not dicts: the column names are not repeated on every row of the browser store."""
    return [[None if not isinstance(value, list) and is_missing(value) else value
             for value in row] for row in frame.to_dict("split", index=False)["data"]]


def from_rows(rows: list[list], columns: list[str]) -> pd.DataFrame:
    """The frame that to_rows() was given, with the schema's types."""
    return conform(pd.DataFrame(rows, columns=columns))


# -- candidates ---------------------------------------------------------------------------------

def candidate_record(level: str, code: str, name: str, kind: str, departement: str) -> dict:
    """One candidate unit of a row, as stored in the CANDIDATES column."""
    return {"level": level, "code": code, "name": name, "kind": kind,
            "departement": departement}


def candidate_codes(candidates: list[dict]) -> list[str]:
    return [candidate["code"] for candidate in candidates]


def candidate_label(candidate: dict) -> str:
    """'Saint-Denis (commune, 93 ; code 93066)', as a person reads a candidate."""
    label = KIND_LABELS_SINGULAR.get(candidate["kind"], candidate["kind"]).lower()
    where = f", {candidate['departement']}" if candidate.get("departement") else ""
    return f"{candidate['name']} ({label}{where} ; code {candidate['code']})"


def flat(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame for a flat file (CSV, Excel): candidates written out as text."""
    return frame.assign(**{CANDIDATES: frame[CANDIDATES].map(
        lambda candidates: " | ".join(candidate_label(c) for c in candidates))})
