"""The member list of a browser session, kept in the browser (dcc.Store), never on disk.

The store holds the resolved rows (codes and attributes, no geometry); None means the
embedded sample, which is resolved once per process.
"""

from functools import cache

import pandas as pd

from geodata import schema as S
from geodata.members import SAMPLE_LABEL, SAMPLE_PATH, sample_members


def to_store(resolved: pd.DataFrame, filename: str) -> dict:
    records = resolved.astype(object).where(resolved.notna(), None)
    return {"filename": filename, "columns": list(resolved.columns),
            "rows": records.to_dict("records")}


@cache
def _sample() -> pd.DataFrame:
    return sample_members()


def from_store(data: dict | None) -> pd.DataFrame:
    """The session's resolved list (the sample when nothing was uploaded)."""
    if not data:
        return _sample()
    frame = pd.DataFrame(data["rows"], columns=data["columns"])
    frame[S.POPULATION] = pd.to_numeric(frame[S.POPULATION]).astype("Int64")
    for column in (S.LON, S.LAT, S.SCORE):
        frame[column] = pd.to_numeric(frame[column])
    for column in (S.LEVEL, S.KIND, S.CODE, S.NAME, S.DEPARTEMENT, S.REGION, S.CANDIDATES,
                   S.MESSAGE, S.INPUT_NAME):
        frame[column] = frame[column].fillna("").astype(str)
    return frame


def list_label(data: dict | None) -> str:
    if not data:
        return f"Liste affichée : échantillon embarqué ({SAMPLE_PATH.name}). {SAMPLE_LABEL}"
    return f"Liste affichée : « {data['filename']} » (fichier envoyé pendant cette session)."
