"""Read a member list (CSV, Excel or LibreOffice) as people really write it.

No geography here: a file becomes one row of strings per member, the columns we recognise
renamed to canonical names, every other column passed through under its own header. Each way a
file can be unreadable has its own exception whose message, in French, is meant for the person
who sent the file: it names the file (and the sheet, line or columns) and says what to do.
"""

import codecs
import csv
import io
import math
import os
import re
import unicodedata
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.cell import coordinate_from_string

from .schema import CODE, INPUT_NAME, LAT, LON, ROW, extra_key

# Limits, checked before anything is expanded: a list is read in bounded time and memory, and
# an accepted list always fits what the dashboard's later requests can carry.
MAX_BYTES = 5 * 1024 * 1024   # size of a member file
MAX_ROWS = 10_000             # member rows (a network has hundreds of members)
MAX_COLUMNS = 200             # columns of the table
MAX_CELL_CHARS = 10_000       # characters of one value
MAX_UNZIPPED_BYTES = 40 * 1024 * 1024      # all the parts of an .xlsx, decompressed
# openpyxl reads about 40,000 cells or texts a second on our machine: these two keep the
# reading of any workbook under 10 s (a list of 10,000 rows and 16 columns fits).
MAX_CELLS = 180_000           # cells of the sheet read (empty formatted ones included)
MAX_SHARED_STRINGS = 100_000  # texts of the workbook's shared table
MAX_XML_TOKEN_BYTES = 1024 * 1024   # one piece of XML that expat reads at once (a comment)
# Rows looked at, blank ones included, to find the header of a sheet.
MAX_HEAD_ROWS = 100
# The cells an .ods sheet spans up to its last value (the reader builds that whole rectangle).
MAX_ODS_ROWS = 10 * MAX_ROWS   # rows of an .ods kept, blank ones included, all sheets together
ACCEPTED_FORMATS = "Formats lus : CSV (.csv, .txt), Excel (.xlsx) et LibreOffice (.ods)."

# Canonical columns of a member list, before resolution (ROW, INPUT_NAME, CODE, LON and LAT are
# shared with schema).
KIND_HINT = "kind_hint"
DEPARTEMENT_HINT = "departement_hint"
REGION_HINT = "region_hint"
SEAT_CODE = "seat_code"
CANONICAL_COLUMNS = [INPUT_NAME, KIND_HINT, CODE, DEPARTEMENT_HINT, REGION_HINT, LON, LAT,
                     SEAT_CODE]
MEMBER_COLUMNS = [ROW, *CANONICAL_COLUMNS]

# Headers people write for each canonical column, compared after normalize_header().
# Our own column names are included so that an exported table can be read back.
HEADER_ALIASES = {
    INPUT_NAME: ("nom", "noms", "name", "collectivité", "collectivités",
                 "nom de la collectivité", "structure", "nom de la structure", "adhérent",
                 "adhérents", "adhérente", "membre", "membres", "organisation", "organization",
                 "libellé", "dénomination", "raison sociale", "input_name",
                 "nom dans la liste"),
    KIND_HINT: ("type", "nature", "catégorie", "category", "kind", "type de collectivité",
                "type de structure", "niveau", "kind_hint"),
    CODE: ("code", "siren", "insee", "code insee", "code siren", "code officiel", "siret",
           "n° siren", "numéro siren", "insee ou siren", "insee or siren", "code insee ou siren",
           "code officiel géographique", "cog"),
    DEPARTEMENT_HINT: ("département", "dept", "dpt", "dép", "code département", "n° département",
                       "department", "departement_hint"),
    REGION_HINT: ("région", "code région", "region_hint"),
    LON: ("lon", "lng", "long", "longitude", "x"),
    LAT: ("lat", "latitude", "y"),
    SEAT_CODE: ("siège", "commune siège", "commune du siège", "code commune siège", "code siège",
                "code insee siège", "seat", "seat code", "seat_code"),
}
# Shown to the user when the name column is missing.
NAME_HEADERS_SHOWN = ("nom", "name", "collectivité", "structure", "adhérent", "membre",
                      "organisation", "libellé")

SEPARATORS = ";,\t"  # in order of preference when counting gives a tie
SEPARATOR_NAMES = {";": "point-virgule", ",": "virgule", "\t": "tabulation"}
SEPARATOR_PLURALS = {";": "points-virgules", ",": "virgules", "\t": "tabulations"}

# How many non-blank rows may stand above the header (a title, a date...).
MAX_TITLE_ROWS = 10


# ---------------------------------------------------------------------------------------------
# Errors


class MemberFileError(Exception):
    """A member file that cannot be read. str(exc) is a French message for a non-developer:
    it names the file, the line or column when relevant, what is wrong and what to do."""

    def __init__(self, message: str, filename: str | None = None, *, line: int | None = None,
                 sheet: str | None = None):
        super().__init__(message)
        self.filename = filename
        self.line = line
        self.sheet = sheet


class UnreadableFileError(MemberFileError):
    """The path does not exist or cannot be opened."""

    def __init__(self, filename: str, path: Path):
        super().__init__(
            f"{_the_file(filename)} est introuvable ou ne peut pas être ouvert (chemin : {path}). "
            "Vérifiez le chemin et les droits d'accès au fichier, puis réessayez.", filename)


def too_large_message(the_file: str, size: str, limit: str) -> str:
    """The message of FileTooLargeError (see too_large_template for the browser's copy)."""
    return (f"{the_file} est trop volumineux : {size}, pour une limite de {limit}. Découpez la "
            f"liste en plusieurs fichiers de moins de {limit} (ou retirez les colonnes "
            "inutiles), puis envoyez-les un par un.")


def too_large_template(limit: int | None = None) -> str:
    """The same message for the browser, which refuses a big file before sending it: it
    replaces {filename} and {size} (in Mo, written as _size_fr writes it)."""
    return too_large_message(_the_file("{filename}"), "{size}", _size_fr(limit or MAX_BYTES))


class FileTooLargeError(MemberFileError):
    """The file is bigger than the size limit."""

    def __init__(self, filename: str | None, size: int, limit: int):
        super().__init__(too_large_message(_the_file(filename), _size_fr(size, limit),
                                           _size_fr(limit)), filename)
        self.size = size
        self.limit = limit


class EmptyFileError(MemberFileError):
    """Nothing to read: an empty file, or a header without any member row."""

    def __init__(self, filename: str | None, sheet: str | None = None,
                 header: list[str] | None = None):
        if header:
            message = (f"{_the_file(filename, sheet)} ne contient que la ligne d'en-tête "
                       f"({_quoted_list(header)}) et aucune ligne d'adhérent. Ajoutez une ligne "
                       "par collectivité sous l'en-tête, puis envoyez le fichier de nouveau.")
        else:
            message = (f"{_the_file(filename, sheet)} est vide : il ne contient aucune ligne "
                       "d'adhérent. Ajoutez une ligne d'en-tête (par exemple « nom ») puis une "
                       "ligne par collectivité.")
        super().__init__(message, filename, sheet=sheet)


class NotATableError(MemberFileError):
    """The content is not a table at all (an image, a PDF, a web page, another archive...)."""

    def __init__(self, filename: str | None, looks_like: str):
        super().__init__(
            f"{_the_file(filename)} n'est pas un tableau : il ressemble à {looks_like}. Envoyez "
            "la liste des adhérents au format CSV (valeurs séparées par des points-virgules, des "
            "virgules ou des tabulations), Excel (.xlsx) ou LibreOffice (.ods), avec une ligne "
            "d'en-tête puis une "
            "ligne par collectivité.", filename)


class UnsupportedFormatError(MemberFileError):
    """A spreadsheet in a format we do not read (.xls, .xlsb, password-protected)."""

    FORMATS = {
        "xls": "au format Excel 97-2003 (.xls)",
        "xlsb": "au format Excel binaire (.xlsb)",
        "xml2003": "au format « Feuille de calcul XML 2003 »",
    }

    def __init__(self, filename: str | None, kind: str):
        if kind == "encrypted":
            message = (f"{_the_file(filename)} est protégé par un mot de passe et ne peut pas "
                       "être lu. Dans Excel, retirez le mot de passe (Fichier > Informations > "
                       "Protéger le classeur > Chiffrer avec mot de passe, puis videz le champ), "
                       "enregistrez, puis envoyez le fichier de nouveau.")
        elif kind == "encrypted_ods":
            message = (f"{_the_file(filename)} est protégé par un mot de passe et ne peut pas "
                       "être lu. Dans LibreOffice, choisissez Fichier > Enregistrer sous, "
                       "décochez « Enregistrer avec mot de passe », enregistrez, puis envoyez "
                       "le fichier de nouveau.")
        else:
            message = (f"{_the_file(filename)} est {self.FORMATS[kind]}, un format qui n'est pas "
                       "lu ici. Ouvrez-le dans Excel ou LibreOffice et enregistrez-le au format "
                       "Classeur Excel (.xlsx), Classeur LibreOffice (.ods) ou CSV, puis "
                       "envoyez ce nouveau fichier.")
        super().__init__(message, filename)
        self.kind = kind


class EncodingError(MemberFileError):
    """Text whose characters cannot be decoded with the encodings people actually use."""

    def __init__(self, filename: str | None, detail: str, line: int | None = None):
        where = f", ligne {line}," if line else ""
        super().__init__(
            f"{_the_file(filename)}{where} contient des caractères illisibles : {detail}. Dans "
            "Excel, utilisez « Enregistrer sous » et choisissez « CSV UTF-8 (délimité par des "
            "virgules) » ou « Classeur Excel (.xlsx) », puis envoyez ce nouveau fichier.",
            filename, line=line)


class MissingNameColumnError(MemberFileError):
    """No column holds the names of the members. We never guess which one does."""

    def __init__(self, filename: str | None, columns: list[str], sheet: str | None = None):
        accepted = ", ".join(NAME_HEADERS_SHOWN[1:])
        super().__init__(
            f"{_the_file(filename, sheet)} n'a pas de colonne de nom. Colonnes trouvées : "
            f"{_quoted_list(columns)}. Renommez la colonne qui contient les noms des "
            f"collectivités en « nom » (ou {accepted}). La première ligne du tableau doit "
            "contenir les titres des colonnes.", filename, sheet=sheet)
        self.columns = columns
        self.accepted = NAME_HEADERS_SHOWN


class TooBigError(MemberFileError):
    """More rows, columns or characters than a member list can have; or a spreadsheet that
    decompresses to much more than its size (a "zip bomb")."""


def too_many_rows(filename: str | None, rows: int | None, sheet: str | None = None
                  ) -> TooBigError:
    """rows: how many the file has (None: more than the limit, not counted to the end)."""
    counted = count_fr(rows) if rows is not None else f"plus de {count_fr(MAX_ROWS)}"
    return TooBigError(
        f"{_the_file(filename, sheet)} compte {counted} lignes, pour une limite de "
        f"{count_fr(MAX_ROWS)} adhérents. Vérifiez que c'est bien la liste des adhérents ; "
        "sinon découpez-la en plusieurs fichiers, envoyés un par un.", filename, sheet=sheet)


def too_many_columns(filename: str | None, columns: int, sheet: str | None = None
                     ) -> TooBigError:
    return TooBigError(
        f"{_the_file(filename, sheet)} a {count_fr(columns)} colonnes, pour une limite de "
        f"{MAX_COLUMNS}. Gardez les colonnes utiles (le nom, le type, le code...) dans un "
        "nouveau fichier, puis envoyez-le.", filename, sheet=sheet)


def too_long_value(filename: str | None, line: int, length: int,
                   sheet: str | None = None) -> TooBigError:
    return TooBigError(
        f"{_the_file(filename, sheet)}, ligne {line} : une valeur compte {count_fr(length)} "
        f"caractères, pour une limite de {count_fr(MAX_CELL_CHARS)}. Raccourcissez-la (ou "
        "retirez-la), puis envoyez le fichier de nouveau.", filename, line=line, sheet=sheet)


class UnknownSheetError(MemberFileError):
    """The sheet asked for is not in the workbook."""

    def __init__(self, filename: str | None, sheet: str, sheets: list[str]):
        super().__init__(
            f"{_the_file(filename)} n'a pas de feuille « {sheet} ». Feuilles du classeur : "
            f"{_quoted_list(sheets)}.", filename)


class BadRowError(MemberFileError):
    """One line of a CSV file cannot be split into the header's columns."""

    def __init__(self, filename: str | None, line: int, detail: str):
        super().__init__(f"{_the_file(filename)}, ligne {line} : {detail}", filename, line=line)


def _the_file(filename: str | None, sheet: str | None = None) -> str:
    subject = f"Le fichier « {filename} »" if filename else "Le fichier envoyé"
    return f"{subject} (feuille « {sheet} »)" if sheet else subject


def _quoted_list(values: list[str], limit: int = 12) -> str:
    shown = ", ".join(f"« {_shorten(value)} »" for value in values[:limit])
    return shown + (f" et {len(values) - limit} autres" if len(values) > limit else "")


def _shorten(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def count_fr(number: int) -> str:
    """12345 -> '12 345', as a French reader writes it."""
    return f"{number:,}".replace(",", "\u202f")


def _size_fr(size: int, limit: int | None = None) -> str:
    """'512 octets', '12 Ko', '5,3 Mo'. limit: a limit that size exceeds; a size just over it
    is rounded up, with more decimals if need be, so as not to read as the limit ('5,1 Mo,
    pour une limite de 5 Mo', never '5 Mo, pour une limite de 5 Mo')."""
    if size < 1024:
        return f"{size} octets"
    unit, name, decimals = (1024, "Ko", 0) if size < 1024 * 1024 else (1024 * 1024, "Mo", 1)
    shown = _decimal_fr(size / unit, decimals) + " " + name
    for places in (1, 2, 3):
        if limit is None or size <= limit or shown != _size_fr(limit):
            break
        rounded_up = math.ceil(size / unit * 10 ** places) / 10 ** places
        shown = _decimal_fr(rounded_up, places) + " " + name
    return shown


def _decimal_fr(value: float, decimals: int) -> str:
    """5.0 -> '5', 5.25 -> '5,25' (at most `decimals` decimals)."""
    text = f"{value:.{decimals}f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text).replace(".", ",")


# ---------------------------------------------------------------------------------------------
# The result


@dataclass(frozen=True, eq=False)
class MemberTable:
    """A member list as read, before any resolution.

    rows: one row per non-blank data row, in input order, all str except `row` (int, the line
    number a spreadsheet user sees); MEMBER_COLUMNS first ("" when the file has no such column),
    then the other columns under schema.extra_key(header). columns_found maps canonical name ->
    original header. extra_columns are the other headers, as in the file (made unique with
    " (2)" if a header repeats).
    """

    rows: pd.DataFrame
    filename: str | None
    columns_found: dict[str, str] = field(default_factory=dict)
    extra_columns: list[str] = field(default_factory=list)
    sheet: str | None = None      # the sheet read, for Excel files
    encoding: str | None = None   # the text encoding, for CSV files
    separator: str | None = None  # the CSV separator
    # French notes on what was read differently from the file (filled merged cells, formulas
    # without a saved value), for the person who sent it.
    notes: list[str] = field(default_factory=list)
    # The sheets of a workbook that have a name column, the one read included: a person may
    # choose another one (read_members(..., sheet=...)).
    sheets: list[str] = field(default_factory=list)

    def extra(self, header: str) -> pd.Series:
        """The values of the file's own column of this header."""
        return self.rows[extra_key(header)]


def read_members(source: str | os.PathLike | bytes, filename: str | None = None,
                 max_bytes: int = MAX_BYTES, sheet: str | None = None) -> MemberTable:
    """Read a member list from a path or from the raw bytes of an upload (parsed in memory).

    filename names the file in messages (default: the path's name). The format comes from the
    content, not the extension: an .xlsx is a zip, anything else is read as CSV text. sheet:
    the sheet of a workbook to read (default: the first one with a name column).
    Raises a MemberFileError subclass, with a French message, when the file cannot be read.
    """
    data, filename = _load(source, filename, max_bytes)
    kind = _spreadsheet_kind(data, filename)
    if kind in ("xlsx", "ods"):
        workbook = (_read_xlsx if kind == "xlsx" else _read_ods)(data, filename, sheet)
        table = _build_table(workbook.grid, filename, sheet=workbook.sheet)
        return replace(table, notes=workbook.notes, sheets=workbook.sheets)
    text, encoding = _decode(data, filename)
    _reject_markup(text, filename)
    separator = _detect_separator(text)
    grid = _read_csv(text, separator, filename)
    return _build_table(grid, filename, encoding=encoding, separator=separator)


def _load(source, filename: str | None, max_bytes: int) -> tuple[bytes, str | None]:
    if isinstance(source, bytes | bytearray | memoryview):
        if len(source) > max_bytes:
            raise FileTooLargeError(filename, len(source), max_bytes)
        return bytes(source), filename
    if not isinstance(source, str | os.PathLike):
        raise TypeError(f"source must be a path or bytes, got {type(source).__name__}")
    path = Path(source)
    filename = filename or path.name
    try:
        # Check the size before reading, so that a huge file is never loaded.
        size = path.stat().st_size
        if size > max_bytes:
            raise FileTooLargeError(filename, size, max_bytes)
        return path.read_bytes(), filename
    except OSError as exc:
        raise UnreadableFileError(filename, path) from exc


# ---------------------------------------------------------------------------------------------
# What kind of file is it? (the content decides, the extension only breaks ties)

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and also encrypted .xlsx
BINARY_SIGNATURES = (
    (b"\x89PNG", "une image PNG"),
    (b"\xff\xd8\xff", "une image JPEG"),
    (b"GIF8", "une image GIF"),
    (b"%PDF", "un document PDF"),
    (b"\x1f\x8b", "une archive compressée (gzip)"),
    (b"Rar!", "une archive compressée (rar)"),
    (b"7z\xbc\xaf", "une archive compressée (7z)"),
)


def _spreadsheet_kind(data: bytes, filename: str | None) -> str:
    """'xlsx', 'ods' or 'text'; raises for binary content that is none of them."""
    if data.startswith(b"PK"):
        return _zip_kind(data, filename)
    if data.startswith(OLE2_MAGIC):
        # An encrypted .xlsx is wrapped in the same container as an old .xls.
        encrypted = Path(filename or "").suffix.lower() in (".xlsx", ".xlsm")
        raise UnsupportedFormatError(filename, "encrypted" if encrypted else "xls")
    for signature, looks_like in BINARY_SIGNATURES:
        if data.startswith(signature):
            raise NotATableError(filename, looks_like)
    return "text"


def _zip_kind(data: bytes, filename: str | None) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names:
                _check_workbook_size(archive, filename)
                return "xlsx"
            mimetype = archive.read("mimetype") if "mimetype" in names else b""
            if b"opendocument.spreadsheet" in mimetype:
                _check_ods(archive, filename)
                return "ods"
    # A part that is cut short, lies about its size or its compression fails.
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError,
            zlib.error) as exc:
        raise NotATableError(filename, "une archive zip abîmée ou incomplète") from exc
    if "xl/workbook.bin" in names:
        raise UnsupportedFormatError(filename, "xlsb")
    if any(name.startswith("word/") for name in names):
        raise NotATableError(filename, "un document Word")
    raise NotATableError(filename, "une archive zip")


def _check_workbook_size(archive: zipfile.ZipFile, filename: str | None) -> None:
    """A workbook of a few hundred Ko may hold gigabytes once decompressed, or millions of
    texts: refuse it before openpyxl expands it. The sizes are the archive's own (reading
    stops where they end, so a part cannot lie about its size). Every part that an XML parser
    can read is looked at, whatever its name: openpyxl finds the sheets and the table of texts
    through [Content_Types].xml and the relationships, which may call them anything."""
    parts = archive.infolist()
    total = sum(part.file_size for part in parts)
    if total > MAX_UNZIPPED_BYTES:
        raise TooBigError(
            f"{_the_file(filename)} est un classeur qui occupe "
            f"{_size_fr(total, MAX_UNZIPPED_BYTES)} une fois décompressé, pour une limite de "
            f"{_size_fr(MAX_UNZIPPED_BYTES)}. {_KEEP_THE_LIST}", filename)
    for part in parts:
        xml = _as_xml(archive.read(part))
        if xml is None:   # an image, say: no XML parser reads past its first byte
            continue
        texts = _shared_texts(xml)
        if texts > MAX_SHARED_STRINGS:
            raise TooBigError(
                f"{_the_file(filename)} contient {count_fr(texts)} textes, pour une "
                f"limite de {count_fr(MAX_SHARED_STRINGS)}. {_KEEP_THE_LIST}", filename)
        # expat (2.5) parses a token of n bytes in about n² time: a comment of 40 Mo would
        # hold the reader for minutes. No token of a real workbook comes near the limit.
        longest = _longest_token(xml)
        if longest > MAX_XML_TOKEN_BYTES:
            raise TooBigError(
                f"{_the_file(filename)} contient un bloc de {_size_fr(longest)} d'un seul "
                f"tenant (dans « {part.filename} »), ce qu'aucun tableau ne contient. "
                f"{_KEEP_THE_LIST}", filename)


# How an XML document starts (in UTF-8 or an 8-bit encoding): a byte order mark, blanks, '<'.
_XML_START = re.compile(rb"(?:\xef\xbb\xbf)?[ \t\r\n]*<")


def _as_xml(data: bytes) -> bytes | None:
    """The part as expat reads it, UTF-16 turned into UTF-8 (the markup is then in bytes we
    can look for); None when it cannot be XML: expat stops at once on a document that does
    not start with '<', after a byte order mark and blanks."""
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, b"<\0", b"\0<"):
        encoding = {b"<\0": "utf-16-le", b"\0<": "utf-16-be"}.get(data[:2], "utf-16")
        data = data.decode(encoding, errors="replace").encode()
    return data if _XML_START.match(data) else None


# A part is looked at one window at a time: the arrays of positions stay small (8 bytes per
# '<') even when a part of 40 Mo is nothing but '<'.
_XML_WINDOW = 1 << 20
# What expat reads in one piece although it may hold '<', and what ends it. The literals of a
# document type declaration may hold '<' and '>' alike: a declaration (no spreadsheet writer
# makes one) counts to the end of its part.
_ONE_PIECE = ((b"<!--", b"-->"), (b"<![CDATA[", b"]]>"), (b"<?", b"?>"), (b"<!DOCTYPE", b""))


def _longest_token(xml: bytes) -> int:
    """The longest piece of XML that expat reads in one go: a run of bytes between two '<' (a
    text, a tag), or a comment, CDATA section or processing instruction from its start to its
    end (or to the end of the part when nothing ends it), '<' inside included. Linear and
    vectorised: a part may weigh 40 Mo."""
    data = np.frombuffer(xml, dtype=np.uint8)
    longest = last_open = 0
    unclosed: dict[bytes, np.ndarray] = {}   # the starts of each kind no end closed yet
    for begin in range(0, len(data), _XML_WINDOW):
        window = data[begin:begin + _XML_WINDOW]
        opens = np.flatnonzero(window == ord("<")) + begin
        if len(opens):
            longest = max(longest, int(np.diff(opens, prepend=last_open).max()))
            last_open = int(opens[-1])
        # Only '<!' and '<?' may start such a piece, and only '->', ']>' and '?>' end one.
        marks = _followed_by(data, opens, b"!?")
        greater = np.flatnonzero(window == ord(">")) + begin
        closes = _followed_by(data, greater - 2, b"-]?") + 3   # just after those '>'
        for start, end in _ONE_PIECE:
            starts = _spelled_at(data, marks, start)
            if start in unclosed:
                starts = np.concatenate((unclosed.pop(start), starts))
            if not len(starts):
                continue
            ends = _spelled_at(data, closes - len(end), end) + len(end) if end else closes[:0]
            # An end closes the starts before it that no earlier end closed; the first of them
            # makes the longest piece (a start inside a comment counts too: an upper bound).
            closed = np.searchsorted(starts, ends - len(start) - len(end), side="right")
            first = np.concatenate(([0], closed[:-1]))
            closing = closed > first
            pieces = ends[closing] - starts[first[closing]]
            longest = max(longest, int(pieces.max(initial=0)))
            left = starts[closed[-1]:] if len(ends) else starts
            if len(left):
                # The first start left open makes the longest piece with the end to come,
                # which closes the others too, but for those in the last bytes of the window:
                # an end may overlap them (as '-->' overlaps the '<!--' of '<!-->').
                near_end = begin + len(window) - len(start) - len(end)
                unclosed[start] = np.concatenate((left[:1], left[1:][left[1:] > near_end]))
    return max(longest, len(data) - last_open,
               *(len(data) - int(left[0]) for left in unclosed.values()))


def _followed_by(data: np.ndarray, positions: np.ndarray, following: bytes) -> np.ndarray:
    """Those of the positions whose next byte is one of following."""
    positions = positions[(positions >= 0) & (positions + 1 < len(data))]
    return positions[np.isin(data[positions + 1], np.frombuffer(following, dtype=np.uint8))]


def _spelled_at(data: np.ndarray, positions: np.ndarray, word: bytes) -> np.ndarray:
    """Those of the positions at which data spells word."""
    for offset, byte in enumerate(word):
        positions = positions[(positions + offset >= 0) & (positions + offset < len(data))]
        positions = positions[data[positions + offset] == byte]
    return positions


_ENDS_A_NAME = np.zeros(256, dtype=bool)
_ENDS_A_NAME[list(b" \t\r\n/>")] = True
_IN_A_NAME = np.zeros(256, dtype=bool)   # the bytes of an XML name, ':' excepted
_IN_A_NAME[list(b"-._0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")] = True
_IN_A_NAME[0x80:] = True
# The namespace prefix of an element named si ('<x:si>') is looked for this far back: with
# longer ones, MAX_SHARED_STRINGS texts would not fit in MAX_UNZIPPED_BYTES.
_LONGEST_PREFIX = 1024


def _shared_texts(xml: bytes) -> int:
    """How many elements named si (a text of the shared table) the XML opens, with or without
    a namespace prefix: '<si>', '<si/>', '<x:si\\n>'... (vectorised, like _longest_token)."""
    data = np.frombuffer(xml, dtype=np.uint8)
    count = 0
    for begin in range(0, len(data), _XML_WINDOW):
        window = data[begin:begin + _XML_WINDOW]
        names = _spelled_at(data, np.flatnonzero(window == ord("s")) + begin, b"si")
        names = names[(names >= 1) & (names + 2 < len(data))]
        names = names[_ENDS_A_NAME[data[names + 2]]]
        before = data[names - 1]
        count += int(np.count_nonzero(before == ord("<")))
        colons = names[before == ord(":")] - 1
        if not len(colons):
            continue
        # '<x:si', not '</x:si' (its end) nor 'a:si' in a text: the prefix follows a '<'.
        low = max(begin - _LONGEST_PREFIX, 0)
        breaks = np.flatnonzero(~_IN_A_NAME[data[low:begin + len(window)]]) + low
        at = np.searchsorted(breaks, colons) - 1   # the last byte before the prefix
        count += int(np.count_nonzero(data[breaks[at[at >= 0]]] == ord("<")))
    return count


_KEEP_THE_LIST = ("Copiez la seule liste des adhérents (valeurs, sans mise en forme) dans un "
                  "nouveau classeur ou un fichier CSV, puis envoyez-le.")


def _reject_markup(text: str, filename: str | None) -> None:
    """Web pages and XML saved with a .xls or .csv name are common exports of old tools."""
    head = text.lstrip()[:2000].lower()
    if not head.startswith("<"):
        return
    if "urn:schemas-microsoft-com:office:spreadsheet" in head:
        raise UnsupportedFormatError(filename, "xml2003")
    raise NotATableError(filename, "une page web ou un document XML")


# ---------------------------------------------------------------------------------------------
# Text encodings

# Characters expected in a French list: Latin-1 letters, œ, and typographic punctuation.
# Mojibake from a wrong guess (Ž, ˆ, ™, ┘...) falls outside.
WESTERN_CHARS = frozenset(
    [chr(code) for code in range(0xC0, 0x100) if code not in (0xD7, 0xF7)]
    + list("œŒŸ’‘“”«»–—…€°·§ºª²³\xa0\u202f")
)
CONTROL_CHARS = frozenset(chr(code) for code in range(32) if chr(code) not in "\t\n\r")
# Tried in order when the text is not UTF-8: Excel in France (Windows), then "CSV Macintosh",
# then old DOS exports.
FALLBACK_ENCODINGS = ("cp1252", "mac_roman", "cp850")


def _decode(data: bytes, filename: str | None) -> tuple[str, str]:
    """The text of a CSV file and the encoding used."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return _decode_strict(data, encoding, filename), encoding
    if b"\x00" in data:
        if _looks_utf16(data):
            raise EncodingError(filename, "il semble enregistré en UTF-16 sans indication "
                                "d'encodage")
        raise NotATableError(filename, "un fichier binaire (image, document, logiciel...)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        _reject_mixed_utf8(data, exc, filename)
    plausible = []
    for encoding in FALLBACK_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _is_plausible(text):
            plausible.append((text, encoding))
    if not plausible:
        raise EncodingError(filename, "son encodage n'a pas pu être reconnu")
    # Several may read as Western text (cp850's "é" is mac_roman's "Ç"). The one with the
    # most accented letters inside words wins (the first in FALLBACK_ENCODINGS on a tie):
    # wrong guesses give capitals there ("SÚnÚ", "CafÇ") or small letters inside capitals.
    # Windows (by far the commonest) is kept unless another gives clearly more: read as
    # another, its symbols become letters (cp1252's "€" and "“" are cp850's "Ç" and "ô").
    first = plausible[0]
    best = max(plausible, key=lambda decoded: _french_letters(decoded[0]))
    if first[1] == FALLBACK_ENCODINGS[0] \
            and _french_letters(best[0]) <= 2 * _french_letters(first[0]) + 1:
        return first
    return best


FRENCH_LETTERS = "éèêëàâçîïôûùüœ"
FRENCH_CAPITALS = "ÉÈÊËÀÂÇÎÏÔÛÙÜŒ"
_LETTER_IN_WORD = re.compile(
    f"(?<=[a-z])[{FRENCH_LETTERS}]|[{FRENCH_LETTERS}](?=[a-z])"
    f"|(?<=[A-Z])[{FRENCH_CAPITALS}](?![a-z])|(?<![a-z])[{FRENCH_CAPITALS}](?=[A-Z])")


def _french_letters(text: str) -> int:
    """Accented letters inside words, as French words have them: a small one next to a small
    letter ("café"), a capital next to a capital and no small letter ("RÉGION")."""
    return len(_LETTER_IN_WORD.findall(text))


def _decode_strict(data: bytes, encoding: str, filename: str | None) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise EncodingError(filename, f"ce texte n'est pas valide en {encoding.upper()}",
                            line) from exc


def _looks_utf16(data: bytes) -> bool:
    """Mostly-ASCII UTF-16 has a NUL in every other byte."""
    sample = data[:2000]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    return max(even, odd) > len(sample) // 4 and min(even, odd) < len(sample) // 40


def _reject_mixed_utf8(data: bytes, error: UnicodeDecodeError, filename: str | None) -> None:
    """Valid accented UTF-8 before the first bad byte: the file mixes two encodings
    (often lines pasted from another file). Decoding it all as cp1252 would garble the rest."""
    if any(byte >= 0x80 for byte in data[:error.start]):
        line = data.count(b"\n", 0, error.start) + 1
        raise EncodingError(filename, "cette ligne n'est pas encodée comme le reste du fichier "
                            "(UTF-8)", line)


def _is_plausible(text: str) -> bool:
    """Could this be a French list? Rejects binary content and wrong guesses of encoding."""
    controls = sum(1 for char in text if char in CONTROL_CHARS)
    non_ascii = [char for char in text if ord(char) >= 0x80]
    odd = sum(1 for char in non_ascii if char not in WESTERN_CHARS)
    return controls <= max(2, len(text) // 100) and odd <= len(non_ascii) // 10


# ---------------------------------------------------------------------------------------------
# CSV


def _detect_separator(text: str) -> str:
    """';', ',' or tab. The sniffer looks at consistency across lines; its answer must appear
    on the first line (the header, or a title row padded with separators by Excel)."""
    lines = [line for line in text[:100_000].splitlines()[:50] if line.strip()]
    if not lines:
        return SEPARATORS[0]
    # The separator that shows a name column in the header is the one ("Collectivité;Type;
    # Nom, prénom de l'élu" is split by ';', though its lines have as many commas as not).
    naming = [separator for separator in SEPARATORS if any(
        _has_name_column(next(csv.reader([line], delimiter=separator)))
        for line in lines[:MAX_TITLE_ROWS + 1])]
    if len(naming) == 1:
        return naming[0]
    try:
        sniffed = csv.Sniffer().sniff("\n".join(lines), delimiters=SEPARATORS).delimiter
    except csv.Error:
        sniffed = None
    if sniffed and sniffed in lines[0]:
        return sniffed
    counts = {separator: lines[0].count(separator) for separator in SEPARATORS}
    return max(SEPARATORS, key=lambda separator: counts[separator])  # ';' when all are 0


def _read_csv(text: str, separator: str, filename: str | None) -> list[list[str]]:
    """The cells of each record; a record is one spreadsheet row (even across line breaks)."""
    # csv refuses fields over 128 Ko; the whole file is smaller than this limit.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_BYTES * 2))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator,
                        skipinitialspace=True)
    grid: list[list[str]] = []
    non_blank = 0
    try:
        for record in reader:
            # A record far wider than a table is refused before its cells are cleaned.
            if len(record) > MAX_COLUMNS and any(cell.strip() for cell in record[MAX_COLUMNS:]):
                raise too_many_columns(filename, len(_trimmed([c.strip() for c in record])))
            cells = [_clean_text(cell) for cell in record]
            blank = not any(cells)
            grid.append(_BLANK_ROW if blank else cells)   # a file of blank lines: one list
            non_blank += not blank
            if non_blank > MAX_ROWS + MAX_TITLE_ROWS + 1:
                # Count the rest without keeping it, for the message.
                more = sum(1 for record in reader if any(cell.strip() for cell in record))
                raise too_many_rows(filename, non_blank - 1 + more)
    except csv.Error as exc:
        raise BadRowError(filename, len(grid) + 1, _UNCLOSED_QUOTE) from exc
    # An unclosed quote swallows the rest of the file into one cell of the last record.
    if text.count('"') % 2 and grid and any("\n" in cell for cell in grid[-1]):
        raise BadRowError(filename, len(grid), _UNCLOSED_QUOTE)
    _check_header_separators(grid, separator, filename, text)
    return grid


def _check_header_separators(grid: list[list[str]], separator: str, filename: str | None,
                             text: str) -> None:
    """'nom,type;code': a header written with two separators would hide a column. A cell
    written between quotes ('"Région, département";nom') holds the other one on purpose.
    text: the file's text, where the quotes are seen."""
    # The rows where the header may be are compared with our headers cell by cell: a row far
    # wider than a table is refused first, on its width (2.6 million cells took 15 s).
    looked_at = 0
    for cells in grid:
        if not any(cells):
            continue
        width = len(_trimmed(cells))
        if width > MAX_COLUMNS:
            raise too_many_columns(filename, width)
        looked_at += 1
        if looked_at == MAX_TITLE_ROWS or sum(1 for cell in cells if cell) > 1:
            break   # as far as _find_header looks
    header_at = _find_header(grid)
    if header_at is None:
        return
    header = grid[header_at]
    present = {_CANONICAL_OF.get(normalize_header(cell)) for cell in header}
    raw_header = None
    for cell in header:
        for other in (s for s in SEPARATORS if s != separator and s in cell):
            hidden = {_CANONICAL_OF.get(normalize_header(part)) for part in cell.split(other)}
            if not hidden - present - {None}:   # "Nom, prénom de l'élu" hides nothing
                continue
            if raw_header is None:
                raw_header = _raw_record(text, separator, header_at)
            # (a cell longer than a value may be is refused as such by _build_table)
            if len(cell) <= MAX_CELL_CHARS and not _quoted_in(raw_header, cell):
                raise BadRowError(filename, header_at + 1, (
                    f"la ligne d'en-tête mélange deux séparateurs (« {separator} » et "
                    f"« {other} », dans « {_shorten(cell)} »), si bien que des colonnes ne "
                    "seraient pas lues. Séparez toutes les colonnes par des "
                    f"{SEPARATOR_PLURALS[separator]}, puis envoyez le fichier de nouveau."))


def _raw_record(text: str, separator: str, index: int) -> str:
    """The text of the record at this index of _read_csv's grid, as written (a quoted value
    may run over several lines)."""
    lines: list[str] = []

    def kept_lines():
        for line in io.StringIO(text, newline=""):
            lines.append(line)
            yield line

    reader = csv.reader(kept_lines(), delimiter=separator, skipinitialspace=True)
    for _ in range(index):
        next(reader)
        lines.clear()
    next(reader)
    return "".join(lines)


def _quoted_in(raw: str, cell: str) -> bool:
    """Whether the raw text holds the cell between quotes (its own quotes doubled, blanks
    allowed inside the quotes)."""
    written = re.escape(cell.replace('"', '""'))
    return re.search(f'"[ \t]*{written}[ \t]*"', raw) is not None


_UNCLOSED_QUOTE = ("un guillemet (\") ouvert sur cette ligne n'est jamais refermé, si bien que "
                   "la suite du fichier est lue comme une seule valeur. Refermez le guillemet, ou "
                   "retirez-le, puis envoyez le fichier de nouveau.")


def _too_many_cells(cells: list[str], header: list[str], separator: str) -> str:
    first = next((cell for cell in cells if cell), "")
    columns = f"{len(header)} colonne" + ("s" if len(header) > 1 else "")
    return (f"{len(cells)} valeurs (ligne commençant par « {_shorten(first)} ») alors que "
            f"l'en-tête n'a que {columns} ({_quoted_list(header)}). Si une valeur contient une "
            f"{SEPARATOR_NAMES[separator]}, mettez cette valeur entre guillemets (\"...\") ; "
            "sinon, ajoutez le titre de la colonne manquante dans la ligne d'en-tête.")


# ---------------------------------------------------------------------------------------------
# Excel

ZERO_PADDED = re.compile(r"^0+$")  # a number format like "00000" shows 1001 as 01001


@dataclass(frozen=True)
class _Workbook:
    grid: list[list[str]]   # the cells of the sheet read, one list per row ([] when blank)
    sheet: str
    sheets: list[str]       # the sheets with a name column
    notes: list[str]


def _read_xlsx(data: bytes, filename: str | None, wanted: str | None = None) -> _Workbook:
    """The cells of the sheet asked for, else of the first sheet that has a name column."""
    # openpyxl warns, in English and on stderr, of what it leaves out ("Data Validation
    # extension is not supported", "Workbook contains no default style"): nothing the person
    # who sent the file can act on. (The filters are the process's: a list read at the same
    # time in another thread may see them too, which does no harm.)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        return _read_workbook(data, filename, wanted)


def _read_workbook(data: bytes, filename: str | None, wanted: str | None) -> _Workbook:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise NotATableError(filename, "un classeur Excel abîmé ou incomplet") from exc
    try:
        titles = [sheet.title for sheet in workbook.worksheets]
        if wanted is not None and wanted not in titles:
            raise UnknownSheetError(filename, wanted, titles)
        # The head of each sheet is enough to see whether it has a name column. Visible
        # sheets come first: a hidden one is often an archive or a lookup table.
        sheets = sorted(workbook.worksheets,
                        key=lambda sheet: getattr(sheet, "sheet_state", "visible") != "visible")
        heads = {sheet.title: _sheet_grid(sheet, filename, head=True) for sheet in sheets}
        chosen, named = _chosen_sheet(heads, wanted, filename)
        sheet = workbook[chosen]
        grid = _sheet_grid(sheet, filename)
        extras = _sheet_extras(_sheet_xml(workbook, sheet))
        notes = _merged_cells(grid, extras.merged) + _formulas_note(
            extras.formulas_without_value)
    except Exception as exc:
        if isinstance(exc, MemberFileError):
            raise
        raise NotATableError(filename, "un classeur Excel abîmé ou incomplet") from exc
    finally:
        workbook.close()
    return _Workbook(grid, chosen, named, _other_sheets_note(named, chosen) + notes)


def _chosen_sheet(heads: dict[str, list[list[str]]], wanted: str | None,
                  filename: str | None) -> tuple[str, list[str]]:
    """(the sheet to read, the sheets with a name column), from the head of each sheet in
    order: the sheet asked for, else the first with a name column, else the first used."""
    named = [title for title in heads if _has_name_column(_header_of(heads[title]))]
    used = [title for title in heads if _find_header(heads[title]) is not None]
    chosen = wanted or next(iter(named or used), None)
    if chosen is None:
        raise EmptyFileError(filename)
    return chosen, named


def _other_sheets_note(named: list[str], chosen: str) -> list[str]:
    others = [title for title in named if title != chosen]
    if not others:
        return []
    return [f"Le classeur a d'autres feuilles avec une colonne de nom ({_quoted_list(others)}) "
            f": seule la feuille « {chosen} » est lue. Si ce n'est pas la bonne, choisissez la "
            "feuille à lire (dans le rapport, ou avec --sheet en ligne de commande)."]


def _header_of(grid: list[list[str]]) -> list[str]:
    at = _find_header(grid)
    return grid[at] if at is not None else []


def _sheet_grid(sheet, filename: str | None, head: bool = False) -> list[list[str]]:
    """The cells of a sheet, bounded: at most MAX_COLUMNS columns and MAX_ROWS member rows
    (with room for a title above the header), trailing blank cells dropped. head: only the
    rows where a header may be (MAX_TITLE_ROWS + 1 non-blank rows in MAX_HEAD_ROWS)."""
    # Some writers store a wrong sheet size; without this, read-only mode would miss cells.
    sheet.reset_dimensions()
    grid: list[list[str]] = []
    non_blank = cells_read = 0
    # Without max_col, a row ends at its last cell and a missing row is empty: a sheet that
    # says it spans a million rows or 16,384 columns costs only what it holds.
    for row in sheet.iter_rows():
        # A row far wider than a table (a value in column XFD) is refused on its last cell,
        # which is the only one beyond MAX_COLUMNS we look at.
        if len(row) > MAX_COLUMNS and _cell_text(row[-1]):
            raise too_many_columns(filename, len(row), sheet.title)
        cells_read += len(row)
        if cells_read > MAX_CELLS:
            raise TooBigError(
                f"{_the_file(filename, sheet.title)} compte plus de {count_fr(MAX_CELLS)} "
                f"cellules. {_KEEP_THE_LIST}", filename, sheet=sheet.title)
        cells = _trimmed([_cell_text(cell) for cell in row[:MAX_COLUMNS]])
        grid.append(cells or _BLANK_ROW)
        non_blank += bool(cells)
        if head and (non_blank > MAX_TITLE_ROWS or len(grid) >= MAX_HEAD_ROWS):
            break
        if non_blank > MAX_ROWS + MAX_TITLE_ROWS + 1:
            raise too_many_rows(filename, None, sheet.title)   # the rest is not read
    return grid


_BLANK_ROW: list[str] = []   # shared by every blank row: a sheet may have a million


def _trimmed(cells: list[str]) -> list[str]:
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end]


def _sheet_xml(workbook, sheet) -> bytes:
    """The XML of a sheet, as stored (its size is bounded by _check_workbook_size)."""
    with workbook._archive.open(sheet._worksheet_path) as source:   # openpyxl keeps no copy
        return source.read()


@dataclass
class _SheetExtras:
    """What read-only openpyxl does not give: merged ranges, formula cells with no value."""

    merged: list[tuple[str, str]] = field(default_factory=list)   # ("A2", "A5")
    formulas_without_value: list[str] = field(default_factory=list)   # cell references


def _sheet_extras(xml: bytes) -> _SheetExtras:
    """One linear pass of an XML parser over the sheet (after _check_workbook_size, no token
    of it is large enough to make expat slow), only when the sheet has either."""
    extras = _SheetExtras()
    if b"mergeCell" not in xml and b"<f" not in xml and b":f" not in xml:
        return extras
    for _, element in ElementTree.iterparse(io.BytesIO(xml)):
        tag = element.tag.rpartition("}")[2]
        if tag == "mergeCell" and ":" in element.get("ref", ""):
            first, last = element.get("ref").split(":", 1)
            extras.merged.append((first, last))
        elif tag == "c":
            children = {child.tag.rpartition("}")[2]: child for child in element}
            if "f" in children and not (children.get("v") is not None
                                        and children["v"].text):
                extras.formulas_without_value.append(element.get("r", "?"))
            element.clear()
        elif tag == "row":
            element.clear()   # the cells are read by openpyxl: keep no copy
    return extras


def _merged_cells(grid: list[list[str]], ranges: list[tuple[str, str]]) -> list[str]:
    """Give every row a merged range covers the value shown in it (Excel keeps it in the first
    row only): "59" merged over three rows is the département of each. A merge across columns
    (a title over the table) is left as it is. A note says how many ranges were filled."""
    last_row = max((index for index, cells in enumerate(grid) if cells), default=-1)
    filled = cells_filled = 0
    for first, last in ranges:
        try:
            (column, first_row), (_, end_row) = (coordinate_from_string(first),
                                                 coordinate_from_string(last))
        except ValueError:
            continue
        column = column_index_from_string(column) - 1
        rows = range(first_row - 1, min(end_row, last_row + 1))
        if len(rows) < 2 or column >= MAX_COLUMNS or column >= len(grid[rows.start]) \
                or not grid[rows.start][column]:
            continue
        cells_filled += len(rows)
        if cells_filled > MAX_CELLS:
            raise TooBigError(f"Le classeur fusionne plus de {count_fr(MAX_CELLS)} cellules. "
                              f"{_KEEP_THE_LIST}")
        value = grid[rows.start][column]
        for index in rows[1:]:
            cells = grid[index] = list(grid[index])
            cells.extend([""] * (column + 1 - len(cells)))
            cells[column] = value
        filled += 1
    if not filled:
        return []
    return [f"{filled} groupe{'s' if filled > 1 else ''} de cellules fusionnées sur plusieurs "
            "lignes : la valeur est reprise dans chaque ligne du groupe."]


def _formulas_note(missing: list[str]) -> list[str]:
    """A note naming the formula cells that have no saved value (a workbook written by a
    program and never opened in a spreadsheet): they read as empty."""
    if not missing:
        return []
    cells = ", ".join(missing[:10]) + (f" et {len(missing) - 10} autres" if len(missing) > 10
                                       else "")
    return [f"Des cellules contiennent une formule sans valeur enregistrée ({cells}) : elles "
            "sont lues vides. Ouvrez le classeur dans Excel ou LibreOffice, enregistrez-le, "
            "puis envoyez-le de nouveau."]


def _cell_text(cell) -> str:
    """A cell as the user sees it in Excel, without the '.0' of integers stored as floats."""
    return _value_text(cell.value, getattr(cell, "number_format", None))


def _value_text(value, number_format: str | None = None) -> str:
    """A spreadsheet value as the user sees it (a date as 31/12/2025, 1001.0 as 1001)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, int | float):
        return _number_text(value, number_format)
    if isinstance(value, datetime):
        pattern = "%d/%m/%Y" if value.time() == time() else "%d/%m/%Y %H:%M"
        return value.strftime(pattern)
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, timedelta):   # a duration of LibreOffice: as hours and minutes
        minutes = int(value.total_seconds() // 60)
        return f"{minutes // 60}:{minutes % 60:02d}"
    return _clean_text(str(value))


def _number_text(value: int | float, number_format: str | None) -> str:
    if isinstance(value, float):
        if not value.is_integer():
            return repr(value)  # the shortest text that reads back as the same number
        value = int(value)
    text = str(value)
    if number_format and ZERO_PADDED.match(number_format):
        text = text.zfill(len(number_format))
    return text


# ---------------------------------------------------------------------------------------------
# LibreOffice (.ods), read in one bounded pass over its content.xml
#
# A sheet says "this row, a million times" and "this cell, 16,384 times" (LibreOffice does, for
# the empty rest of every sheet). Readers that expand the whole workbook before anyone can look
# at it (calamine, pandas' odf engine) are thus open to files of a few Ko that take gigabytes:
# here, blank rows and cells are only counted, and what is kept is bounded as it is read.

ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
ODS_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
ODS_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
# The value of a cell without displayed text, by its type.
ODS_VALUES = {"float": "value", "percentage": "value", "currency": "value",
              "date": "date-value", "time": "time-value", "boolean": "boolean-value"}


def _check_ods(archive: zipfile.ZipFile, filename: str | None) -> None:
    """An .ods is read once its archive's size is known to be bounded (as for an .xlsx)."""
    if b"encryption-data" in (archive.read("META-INF/manifest.xml")
                              if "META-INF/manifest.xml" in archive.namelist() else b""):
        raise UnsupportedFormatError(filename, "encrypted_ods")
    _check_workbook_size(archive, filename)


@dataclass
class _OdsSheet:
    grid: list[list[str]] = field(default_factory=list)
    merged: list[tuple[str, str]] = field(default_factory=list)   # ("B3", "B5")
    blank_rows: int = 0         # blank rows read and not yet kept (kept when a row follows)
    non_blank: int = 0
    too_big: MemberFileError | None = None   # raised if this sheet is the one to read
    hidden: bool = False


def _read_ods(data: bytes, filename: str | None, wanted: str | None = None) -> _Workbook:
    """The cells of the sheet asked for, else of the first sheet with a name column (as for
    an .xlsx: visible sheets first). A sheet too big to read is refused only if it is the one
    to read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            content = archive.read("content.xml")   # its size is bounded by _ods_kind
        sheets = _ods_sheets(content, filename)
    except MemberFileError:
        raise
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, ValueError) as exc:
        raise NotATableError(filename, "un classeur LibreOffice abîmé ou incomplet") from exc
    if wanted is not None and wanted not in sheets:
        raise UnknownSheetError(filename, wanted, list(sheets))
    try:
        in_order = sorted(sheets.items(), key=lambda item: item[1].hidden)
        chosen, named = _chosen_sheet({title: sheet.grid for title, sheet in in_order},
                                      wanted, filename)
    except EmptyFileError:   # nothing readable: say why, if a sheet was too big to read
        raise next((sheet.too_big for sheet in sheets.values() if sheet.too_big), None) \
            or EmptyFileError(filename) from None
    sheet = sheets[chosen]
    if sheet.too_big is not None:
        raise sheet.too_big
    notes = _other_sheets_note(named, chosen) + _merged_cells(sheet.grid, sheet.merged)
    return _Workbook(sheet.grid, chosen, named, notes)


def _ods_sheets(content: bytes, filename: str | None) -> dict[str, _OdsSheet]:
    """Every sheet's cells, as _sheet_grid gives an .xlsx's; a table inside a cell is not a
    sheet and is not read."""
    sheets: dict[str, _OdsSheet] = {}
    hidden_styles: set[str] = set()   # the styles of hidden sheets (written before the sheets)
    style: str | None = None
    sheet, depth, kept_rows, kept_cells = _OdsSheet(), 0, 0, 0
    cells: list[str] = []
    blank_cells = column = row_repeat = 0
    for event, element in ElementTree.iterparse(io.BytesIO(content), events=("start", "end")):
        tag = element.tag
        if tag == ODS_STYLE + "style" and event == "start":
            style = element.get(ODS_STYLE + "name")
        elif tag == ODS_STYLE + "table-properties" and event == "end" \
                and element.get(ODS_TABLE + "display") == "false":
            hidden_styles.add(style)
        if tag == ODS_TABLE + "table":
            depth += 1 if event == "start" else -1
            if event == "start" and depth == 1:
                name = element.get(ODS_TABLE + "name") or f"Feuille {len(sheets) + 1}"
                sheet = sheets[_unique(name, sheets)] = _OdsSheet(
                    hidden=element.get(ODS_TABLE + "style-name") in hidden_styles)
            continue
        if depth != 1:
            continue
        if tag == ODS_TABLE + "table-row" and event == "start":
            cells, blank_cells, column = [], 0, 0
            row_repeat = _repeat(element, "number-rows-repeated")
        elif tag == ODS_TABLE + "table-row":
            if cells and sheet.too_big is None:
                kept_rows += sheet.blank_rows + row_repeat
                kept_cells += len(cells) * row_repeat
                sheet.too_big = _ods_too_big(sheet, row_repeat, kept_rows, kept_cells, filename,
                                             name)
            if cells and sheet.too_big is None:
                sheet.grid.extend([_BLANK_ROW] * sheet.blank_rows + [cells] * row_repeat)
                sheet.blank_rows, sheet.non_blank = 0, sheet.non_blank + row_repeat
            elif not cells:
                sheet.blank_rows += row_repeat
            element.clear()
        elif tag in (ODS_TABLE + "table-cell", ODS_TABLE + "covered-table-cell") \
                and event == "end":
            repeat = _repeat(element, "number-columns-repeated")
            text = _ods_cell_text(element) if tag == ODS_TABLE + "table-cell" else ""
            if text and sheet.too_big is None:
                if column + repeat > MAX_COLUMNS:
                    sheet.too_big = too_many_columns(filename, column + repeat, name)
                else:
                    cells.extend([""] * blank_cells + [text] * repeat)
                    blank_cells = 0
                    spanned = _repeat(element, "number-rows-spanned")
                    if spanned > 1:   # a merged cell: its value shows in every row it covers
                        first = len(sheet.grid) + sheet.blank_rows + 1
                        letter = get_column_letter(column + 1)
                        sheet.merged.append((f"{letter}{first}", f"{letter}{first + spanned - 1}"))
            elif not text:
                blank_cells += repeat
            column += repeat
            element.clear()
    return sheets


def _ods_too_big(sheet: _OdsSheet, rows: int, kept_rows: int, kept_cells: int,
                 filename: str | None, name: str) -> MemberFileError | None:
    """Why a sheet cannot be read whole (its head is kept, to tell which sheet has a list)."""
    if sheet.non_blank + rows > MAX_ROWS + MAX_TITLE_ROWS + 1 or kept_rows > MAX_ODS_ROWS:
        return too_many_rows(filename, None, name)
    if kept_cells > MAX_CELLS:
        return TooBigError(f"{_the_file(filename, name)} compte plus de {count_fr(MAX_CELLS)} "
                           f"cellules. {_KEEP_THE_LIST}", filename, sheet=name)
    return None


def _repeat(element, attribute: str) -> int:
    try:
        return max(1, int(element.get(ODS_TABLE + attribute, "1")))
    except ValueError:
        return 1


def _ods_cell_text(cell) -> str:
    """A cell as LibreOffice shows it: its paragraphs (spaces, tabs and line breaks spelled
    out), else its value; bounded (a cell longer than MAX_CELL_CHARS is refused later)."""
    paragraphs = [child for child in cell if child.tag in (ODS_TEXT + "p", ODS_TEXT + "h")]
    if paragraphs:
        text = "\n".join(_ods_paragraph(p) for p in paragraphs)
        # Too long: kept over the limit (not stripped), for the refusal to name its line.
        return text[:MAX_CELL_CHARS + 1] if len(text) > MAX_CELL_CHARS else _clean_text(text)
    kind = cell.get(ODS_OFFICE + "value-type")
    value = cell.get(ODS_OFFICE + ODS_VALUES[kind], "") if kind in ODS_VALUES else ""
    if kind == "float":
        try:
            return _number_text(float(value), None)
        except ValueError:
            pass
    return _clean_text(value[:MAX_CELL_CHARS + 1])


def _ods_paragraph(element) -> str:
    parts, length = [element.text or ""], len(element.text or "")
    for child in element:
        if length > MAX_CELL_CHARS:
            break
        tag = child.tag
        if tag == ODS_TEXT + "s":   # "<text:s text:c="3"/>": three spaces
            parts.append(" " * min(MAX_CELL_CHARS + 1, _count(child)))
        elif tag == ODS_TEXT + "tab":
            parts.append("\t")
        elif tag == ODS_TEXT + "line-break":
            parts.append("\n")
        elif tag != ODS_TABLE + "table":
            parts.append(_ods_paragraph(child))
        parts.append(child.tail or "")
        length += len(parts[-1]) + len(parts[-2])
    return "".join(parts)


def _count(element) -> int:
    try:
        return max(1, int(element.get(ODS_TEXT + "c", "1")))
    except ValueError:
        return 1


# ---------------------------------------------------------------------------------------------
# From cells to a table

EXCEL_TEXT_FORMULA = re.compile(r'^="(.*)"$', re.DOTALL)  # ="01001", a trick to keep zeros


def _clean_text(value: str) -> str:
    value = value.strip().strip("\ufeff\u200b").strip()
    match = EXCEL_TEXT_FORMULA.match(value)
    return match.group(1).strip() if match else value


def normalize_header(header: str) -> str:
    """'Nom de la Collectivité', 'NOM_COLLECTIVITE' -> 'nomcollectivite': no accents, case,
    punctuation, articles or parenthesised notes such as '(WGS84)'."""
    header = re.sub(r"\(.*?\)|\[.*?\]", " ", header)
    header = unicodedata.normalize("NFKD", header)
    header = "".join(char for char in header if not unicodedata.combining(char)).lower()
    words = re.findall(r"[^\W_]+", header)
    return "".join(word for word in words if word not in _FILLER_WORDS)


_FILLER_WORDS = frozenset({"de", "du", "des", "d", "la", "le", "les", "l", "of", "the"})
_CANONICAL_OF = {normalize_header(alias): canonical
                 for canonical, aliases in HEADER_ALIASES.items() for alias in aliases}


def _has_name_column(cells: list[str]) -> bool:
    return any(_CANONICAL_OF.get(normalize_header(cell)) == INPUT_NAME for cell in cells)


def _find_header(grid: list[list[str]]) -> int | None:
    """Index of the header row: the first non-blank one, unless it is a title (one cell) above
    a row that names the name column. None when every row is blank."""
    non_blank = [index for index, cells in enumerate(grid) if any(cells)]
    for index in non_blank[:MAX_TITLE_ROWS]:
        if _has_name_column(grid[index]):
            return index
        if sum(1 for cell in grid[index] if cell) > 1:
            break
    return non_blank[0] if non_blank else None


def _build_table(grid: list[list[str]], filename: str | None, *, sheet: str | None = None,
                 encoding: str | None = None, separator: str | None = None) -> MemberTable:
    header_at = _find_header(grid)
    if header_at is None:
        raise EmptyFileError(filename, sheet)
    header = grid[header_at]
    # Row numbers count from 1 and include blank rows, as in a spreadsheet.
    body = [(number, cells) for number, cells in enumerate(grid[header_at + 1:], header_at + 2)
            if any(cells)]
    if len(body) > MAX_ROWS:
        raise too_many_rows(filename, len(body), sheet)
    if separator is not None:
        _check_widths(body, header, filename, separator)
    header = _trimmed(header)
    body = [(number, _trimmed(cells)) for number, cells in body]
    width = max(len(cells) for cells in [header] + [cells for _, cells in body])
    if width > MAX_COLUMNS:
        raise too_many_columns(filename, width, sheet)
    for number, cells in [(header_at + 1, header), *body]:
        longest = max(map(len, cells), default=0)
        if longest > MAX_CELL_CHARS:
            raise too_long_value(filename, number, longest, sheet)
    header = header + [""] * (width - len(header))
    cells_by_row = [cells + [""] * (width - len(cells)) for _, cells in body]

    columns = _columns(header, cells_by_row)
    found = _recognise(columns)
    if INPUT_NAME not in found:
        raise MissingNameColumnError(filename, [label for _, label in columns], sheet)
    if not body:
        raise EmptyFileError(filename, sheet, header=[label for _, label in columns])

    data: dict[str, list] = {ROW: [number for number, _ in body]}
    for canonical in CANONICAL_COLUMNS:
        index = found[canonical][0] if canonical in found else None
        data[canonical] = [cells[index] if index is not None else "" for cells in cells_by_row]
    used = {index for index, _ in found.values()}
    extra_columns: list[str] = []
    for index, label in columns:
        if index not in used:
            label = _unique(label, extra_columns)
            extra_columns.append(label)
            data[extra_key(label)] = [cells[index] for cells in cells_by_row]

    return MemberTable(
        rows=pd.DataFrame(data), filename=filename,
        columns_found={canonical: label for canonical, (_, label) in found.items()},
        extra_columns=extra_columns, sheet=sheet, encoding=encoding, separator=separator)


def _check_widths(body: list[tuple[int, list[str]]], header: list[str], filename: str | None,
                  separator: str) -> None:
    """More cells than the header is tolerated only when the extra ones are empty (Excel
    pads lines with separators)."""
    for number, cells in body:
        if any(cells[len(header):]):
            raise BadRowError(filename, number, _too_many_cells(cells, header, separator))


def _columns(header: list[str], cells_by_row: list[list[str]]) -> list[tuple[int, str]]:
    """(index, label) of the columns to keep: a column without header is kept, as
    'colonne E', only when it holds something."""
    return [(index, header[index] or f"colonne {get_column_letter(index + 1)}")
            for index in range(len(header))
            if header[index] or any(cells[index] for cells in cells_by_row)]


def _recognise(columns: list[tuple[int, str]]) -> dict[str, tuple[int, str]]:
    """canonical -> (index, label); when two columns mean the same, the first one wins and the
    other is passed through as an extra column."""
    found: dict[str, tuple[int, str]] = {}
    for index, label in columns:
        canonical = _CANONICAL_OF.get(normalize_header(label))
        if canonical and canonical not in found:
            found[canonical] = (index, label)
    return found


def _unique(label: str, taken) -> str:
    candidate, number = label, 2
    while candidate in taken:
        candidate, number = f"{label} ({number})", number + 1
    return candidate
