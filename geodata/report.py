"""The resolved list as a person reads it: one row per row of the member list, with the decision
taken and its reason. The same table in the app ("liste rapprochée") and on the command line
(`python -m geodata resolve -o`)."""

import pandas as pd

from . import schema as S
from .kinds import KIND_LABELS_SINGULAR
from .levels import DEPARTEMENT, REGION
from .reference import get_reference

_DEPARTEMENT_NAME, _REGION_NAME = "departement_name", "region_name"
# The columns, in order; names for kinds, départements and régions, with their codes beside.
REPORT_HEADERS = {S.ROW: "Ligne", S.INPUT_NAME: "Nom dans la liste", S.STATUS: "Décision",
                  S.RULE: "Raison", S.NAME: "Nom officiel", S.KIND: "Type",
                  S.CODE: "Code officiel", _DEPARTEMENT_NAME: "Département",
                  S.DEPARTEMENT: "Code département", _REGION_NAME: "Région",
                  S.REGION: "Code région", S.POPULATION: "Population", S.SCORE: "Score",
                  S.CANDIDATES: "Candidats", S.LON: "Longitude", S.LAT: "Latitude",
                  # What the row said besides its name, as written: to see what was wrong.
                  S.KIND_GIVEN: "Type indiqué", S.CODE_GIVEN: "Code indiqué",
                  S.DEPARTEMENT_GIVEN: "Département indiqué", S.REGION_GIVEN: "Région indiquée"}
# A person's decision reads as such.
PERSON_DECISIONS = {S.MATCHED: "Corrigée", S.DUPLICATE: "Corrigée (doublon)",
                    S.IGNORED: "Ignorée"}


def report_frame(resolved: pd.DataFrame) -> pd.DataFrame:
    """French headers; the decision in words and its reason (the rule, then the remark);
    candidates as text. The file's own columns follow under their header as written (even
    one that is also ours: "Population")."""
    ref = get_reference()
    rules = resolved[S.RULE].map(S.RULE_LABELS).fillna("")
    reasons = [f"{rule[0].upper()}{rule[1:]}. {message}".strip() if rule else message
               for rule, message in zip(rules, resolved[S.MESSAGE], strict=True)]
    by_person = resolved[S.STATUS].map(PERSON_DECISIONS).where(
        resolved[S.RULE].isin(S.PERSON_RULES))
    frame = S.flat(resolved).assign(**{
        S.STATUS: by_person.fillna(resolved[S.STATUS].map(S.STATUS_LABELS).str.capitalize()),
        S.RULE: reasons,
        S.KIND: resolved[S.KIND].map(KIND_LABELS_SINGULAR).fillna(""),
        _DEPARTEMENT_NAME: resolved[S.DEPARTEMENT].map(ref.names(DEPARTEMENT)).fillna(""),
        _REGION_NAME: resolved[S.REGION].map(ref.names(REGION)).fillna("")})
    frame = frame[list(REPORT_HEADERS) + S.extra_keys(resolved)]
    return frame.rename(columns=lambda c: REPORT_HEADERS.get(c, S.extra_header(c)))
