"""The member list of a browser session, kept in the browser (dcc.Store), never on disk.

The store holds the resolved rows (codes and attributes, no geometry) in the schema's JSON
form; None means the embedded sample, which is resolved once per reference geography.

The store comes back from the browser with every request, so it is untrusted: a store that
is not one we wrote (a forged request, a store of an older version of the app kept by the
browser) is never read as a list; the sample is shown instead and list_label says why.
"""

from dataclasses import asdict, dataclass, field

import orjson
import pandas as pd

from geodata import memoized
from geodata import schema as S
from geodata.corrections import Correction, from_json, to_json
from geodata.kinds import KIND_BY_ID
from geodata.members import SAMPLE_LABEL, SAMPLE_PATH, sample_members

STORE_VERSION = 3   # 2: rows as lists, the file's own columns under schema.extra_key;
#                     3: what each row said besides its name (schema.GIVEN_COLUMNS)
# Browsers send the store with every callback (under the server's request limit of 8 Mo) and
# keep it in sessionStorage, whose quota is about 5 million characters (Firefox, and Chrome
# once a character is not Latin-1): 4.5 Mo leaves room for both.
MAX_STORE_BYTES = 4_500_000
STORE_BYTES_PER_ROW = 200   # our columns of a resolved row, in JSON (about 250 measured)
UNREADABLE_STORE = ("La liste gardée par ce navigateur n'a pas pu être relue (elle date "
                    "peut-être d'une version précédente de l'application) : l'échantillon "
                    "embarqué est affiché. Envoyez de nouveau votre fichier.")


@dataclass(frozen=True)
class Source:
    """Where a stored list comes from, as the report tells it."""

    filename: str
    sheet: str | None = None          # the sheet read, for a workbook
    sheets: list[str] = field(default_factory=list)   # its sheets with a name column
    notes: list[str] = field(default_factory=list)    # what the reader did differently


def to_store(resolved: pd.DataFrame, source: Source | str) -> dict:
    source = Source(source) if isinstance(source, str) else source
    return {"version": STORE_VERSION, "source": asdict(source),
            "columns": list(resolved.columns), "rows": S.to_rows(resolved)}


def store_bytes(data: dict) -> int:
    """The size of a store as the browser sends it back (JSON)."""
    return len(orjson.dumps(data, option=orjson.OPT_SERIALIZE_NUMPY))


@memoized
def embedded_sample() -> pd.DataFrame:
    """The embedded sample, resolved once (the same frame for every session)."""
    return sample_members()


def read_store(data) -> pd.DataFrame | None:
    """The list a store holds (None: the sample); raises ValueError when it is not a store
    this version wrote."""
    if not data:
        return None
    _check_envelope(data)
    columns, rows = data["columns"], data["rows"]
    if not isinstance(columns, list) or columns[:len(S.RESOLVED_COLUMNS)] != S.RESOLVED_COLUMNS \
            or not all(S.is_extra(c) for c in columns[len(S.RESOLVED_COLUMNS):]) \
            or len(set(columns)) != len(columns) or not isinstance(rows, list) \
            or not all(isinstance(row, list) and len(row) == len(columns) for row in rows):
        raise ValueError("not a member store")
    try:
        members = S.from_rows(rows, columns)
    except (TypeError, ValueError, OverflowError) as exc:   # a value of the wrong type
        raise ValueError("not a member store") from exc
    if not members[S.ROW].is_unique or not members[S.CANDIDATES].map(_are_candidates).all() \
            or not members[S.STATUS].isin(S.STATUSES).all() \
            or not members[S.KIND].isin([*KIND_BY_ID, ""]).all():
        raise ValueError("not a member store")
    return members


def _check_envelope(data) -> None:
    if not isinstance(data, dict) or data.get("version") != STORE_VERSION \
            or not isinstance(data.get("columns"), list) or not isinstance(data.get("rows"), list):
        raise ValueError("not a member store")
    _source(data.get("source"))


def _are_candidates(candidates: list) -> bool:
    return all(isinstance(c, dict) and all(isinstance(c.get(key), str) for key in
                                           ("level", "code", "name", "kind", "departement"))
               for c in candidates)


def _source(raw) -> Source:
    """The Source of a store; raises ValueError when it is not one we wrote."""
    try:
        source = Source(**raw)
    except TypeError as exc:   # not a dict, or other keys
        raise ValueError("not a member store") from exc
    texts = [source.filename, *([source.sheet] if source.sheet is not None else [])]
    if not all(isinstance(text, str) for text in texts) or not all(
            isinstance(values, list) and all(isinstance(v, str) for v in values)
            for values in (source.sheets, source.notes)):
        raise ValueError("not a member store")
    return source


def is_readable(data) -> bool:
    """The store is one this version wrote (its envelope: version, source, columns); its rows
    are checked when from_store reads them, once per callback."""
    try:
        _check_envelope(data)
    except ValueError:
        return False
    return True


def from_store(data) -> pd.DataFrame:
    """The session's resolved list (the sample when nothing was uploaded, or when the store
    cannot be read)."""
    try:
        members = read_store(data)
    except ValueError:
        members = None
    return embedded_sample() if members is None else members


def source_of(data) -> Source | None:
    """Where the session's list comes from (None: the sample, or a store we cannot read)."""
    return _source(data["source"]) if data and is_readable(data) else None


def filename_of(data) -> str | None:
    """The name of the file the session's list came from (None: the sample)."""
    source = source_of(data)
    return source.filename if source else None


def list_label(data) -> str:
    if data and not is_readable(data):
        return UNREADABLE_STORE
    if not data:
        return f"Liste affichée : échantillon embarqué ({SAMPLE_PATH.name}). {SAMPLE_LABEL}"
    return (f"Liste affichée : « {filename_of(data)} », envoyée depuis ce navigateur "
            "(elle n'est gardée que dans ce navigateur).")


# -- a person's corrections, kept beside the list (geodata.corrections) -------------------------

CORRECTIONS_VERSION = 1


def corrections_store(corrections: list[Correction]) -> dict | None:
    """The store of a browser session's corrections (None: no correction)."""
    return {"version": CORRECTIONS_VERSION, "corrections": to_json(corrections)} \
        if corrections else None


def corrections_in(data) -> list[Correction]:
    """The corrections a store holds; none when it is not one this version wrote."""
    if not isinstance(data, dict) or data.get("version") != CORRECTIONS_VERSION:
        return []
    return from_json(data.get("corrections"))
