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
    return resolve_rows(table.rows, table.extra_columns)


def sample_members() -> pd.DataFrame:
    """The embedded sample, resolved."""
    return resolve_members(SAMPLE_PATH)


def summary(resolved: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Counts per status and, for the rows drawn on the map, per kind."""
    drawn = resolved[resolved[S.STATUS].isin(S.MAPPED_STATUSES)]
    return {"status": {s: int((resolved[S.STATUS] == s).sum()) for s in S.STATUSES},
            "kind": {k: int(n) for k, n in drawn[S.KIND].value_counts().reindex(KINDS).items()
                     if n > 0}}
