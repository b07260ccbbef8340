"""A member file, end to end: read it, resolve every row, and the embedded sample."""

from pathlib import Path

import pandas as pd

from . import schema as S
from .kinds import KINDS
from .reading import read_members
from .resolve import resolve_rows

# A partial list of RTES members built from public RTES pages (2009-2025), not the network's
# official list: see geodata/samples/README.md.
SAMPLE_PATH = Path(__file__).parent / "samples" / "rtes_adherents.csv"
SAMPLE_LABEL = ("Liste partielle construite à partir de pages publiques du RTES (2009-2025) ; "
                "ce n'est pas la liste officielle des adhérents du réseau.")


def resolve_members(source, filename: str | None = None) -> pd.DataFrame:
    """Read a member file (path or bytes) and resolve each row; raises MemberFileError."""
    table = read_members(source, filename=filename)
    return resolve_rows(table.rows)


def sample_members() -> pd.DataFrame:
    """The embedded sample, resolved."""
    return resolve_members(SAMPLE_PATH)


def summary(resolved: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Counts per status and, for the rows drawn on the map, per kind."""
    drawn = resolved[resolved[S.STATUS].isin(S.MAPPED_STATUSES)]
    return {"status": {s: int((resolved[S.STATUS] == s).sum()) for s in S.STATUSES},
            "kind": {k: int(n) for k, n in drawn[S.KIND].value_counts().reindex(KINDS).items()
                     if n > 0}}


def agreement(resolved: pd.DataFrame, expected: pd.Series) -> dict:
    """How a resolved list agrees with the codes a person expects (one per row, "" for a row
    that must be left to a person): true and false matches, misses, precision and recall.

    A row counts as matched when it is placed on the map (or a duplicate of a placed row).
    """
    placed = resolved[S.STATUS].isin([*S.MAPPED_STATUSES, S.DUPLICATE])
    got = resolved[S.CODE].where(placed, "").fillna("").astype(str).values
    want = expected.fillna("").astype(str).values
    right = int(((got != "") & (got == want)).sum())
    wrong = int(((got != "") & (got != want)).sum())
    expected_count = int((want != "").sum())
    return {"rows": len(resolved), "expected": expected_count, "right": right, "wrong": wrong,
            "missed": expected_count - right,
            "precision": right / (right + wrong) if right + wrong else 1.0,
            "recall": right / expected_count if expected_count else 1.0}
