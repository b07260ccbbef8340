"""The member list of a browser session, kept in the browser (dcc.Store), never on disk.

The store holds the resolved rows (codes and attributes, no geometry) in the schema's JSON
form; None means the embedded sample, which is resolved once per reference geography.
"""

import pandas as pd

from geodata import memoized
from geodata import schema as S
from geodata.members import SAMPLE_LABEL, SAMPLE_PATH, sample_members


def to_store(resolved: pd.DataFrame, filename: str) -> dict:
    return {"filename": filename, "columns": list(resolved.columns),
            "rows": S.to_records(resolved)}


@memoized
def _sample() -> pd.DataFrame:
    return sample_members()


def from_store(data: dict | None) -> pd.DataFrame:
    """The session's resolved list (the sample when nothing was uploaded)."""
    if not data:
        return _sample()
    return S.from_records(data["rows"], data["columns"])


def list_label(data: dict | None) -> str:
    if not data:
        return f"Liste affichée : échantillon embarqué ({SAMPLE_PATH.name}). {SAMPLE_LABEL}"
    return f"Liste affichée : « {data['filename']} » (fichier envoyé pendant cette session)."
