"""The members coloured by a column of their own list (« Élu référent », « Année d'adhésion »…)
and kept by its values: the classes of the column, their colours and legend, the same for the
map, the table, the link and every export.

A column of words gives one class per value as people write it (« Oui », « oui » and « OUI »
are one, written as most rows write it), the most frequent first; a column of numbers (or the
list's membership years, read as geodata.growth reads them) gives its values in order, or
ranges of them when there are many. An empty cell is « Non renseigné », always last.

    colouring = column_colouring(members, "Élu référent")   # None: no such column
    colouring.labels          # ('Oui', 'Non', 'Non renseigné')
    colouring.kept(("Oui",))  # the rows to keep, a boolean Series on members.index
"""

import re
from dataclasses import dataclass

import pandas as pd

from . import schema as S
from .growth import membership_year_column, membership_years
from .names import normalize
from .reference import memoized

UNKNOWN = "Non renseigné"
OTHERS = "Autres valeurs"
# Okabe and Ito's colours, told apart by colour-blind readers; the values past them share
# OTHERS_COLOR under one legend entry (the filter still tells them apart).
CATEGORY_COLORS = ("#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7")
OTHERS_COLOR = "#8c8c8c"
UNKNOWN_COLOR = "#ffffff"   # a white symbol, its dark outline round it
# A graduated scale, light to dark (ColorBrewer YlGnBu, without its palest step, which a
# white « Non renseigné » would be mistaken for): numbers in order.
GRADUATED_COLORS = ("#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494")
MAX_CLASSES = len(GRADUATED_COLORS)   # numbers: ranges of them past this many values
NUMERIC_SHARE = 0.8   # share of the filled cells that must read as numbers
MAX_HEADER = 200      # characters of a column name a link may carry
NO_BREAK = "\u00a0"   # '12 345', 'Élu référent : Oui': never split across lines
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


@dataclass(frozen=True)
class Colouring:
    """The classes of one column of the list, for the rows placed on the map."""

    header: str                   # the column as the list names it
    labels: tuple[str, ...]       # every class, in legend order (UNKNOWN last)
    colors: tuple[str, ...]       # the colour of each class
    classes: pd.Series            # members' index -> the position of its class in labels
    graduated: bool = False       # numbers in order (a scale), not words

    def label_of(self, index) -> str:
        return self.labels[self.classes[index]]

    def color_of(self, index) -> str:
        return self.colors[self.classes[index]]

    def legend(self) -> list[tuple[str, str, list[str]]]:
        """(label, colour, values it stands for) of each legend entry: the values with a
        colour of their own, then one entry for the values sharing OTHERS_COLOR, then
        UNKNOWN."""
        entries: list[tuple[str, str, list[str]]] = []
        others: list[str] = []
        for label, color in zip(self.labels, self.colors, strict=True):
            if color == OTHERS_COLOR and not self.graduated:
                if not others:
                    entries.append((OTHERS, OTHERS_COLOR, others))
                others.append(label)
            else:
                entries.append((label, color, [label]))
        return entries

    def chosen(self, values) -> tuple[str, ...]:
        """The values of the column among these, in legend order (others are no filter: an
        old link, a forged value)."""
        asked = set(values) if isinstance(values, list | tuple) else set()
        return tuple(label for label in self.labels if label in asked)

    def kept(self, values) -> pd.Series:
        """The rows whose class is one of these values (all rows when none is the column's)."""
        chosen = {self.labels.index(v) for v in self.chosen(values)}
        if not chosen:
            return pd.Series(True, index=self.classes.index)
        return self.classes.isin(chosen)

    def counts(self) -> list[int]:
        """How many rows each class has."""
        counts = self.classes.value_counts()
        return [int(counts.get(i, 0)) for i in range(len(self.labels))]


def column_headers(members: pd.DataFrame) -> list[str]:
    """The list's own columns that can colour the map, as the list names them."""
    return [S.extra_header(key) for key in S.extra_keys(members)]


def listed_header(members: pd.DataFrame, typed: str) -> str | None:
    """The list's own column a person means, typed loosely (« élu referent » is « Élu
    référent »); None: the list has none of that name."""
    return {normalize(header): header for header in column_headers(members)}.get(
        normalize(typed))


def column_colouring(members: pd.DataFrame, header) -> Colouring | None:
    """The classes of the list's column of this name for its rows placed on the map; None
    for no column, or one the list does not have (an old link, a forged value)."""
    if not isinstance(header, str) or not header:
        return None
    key = S.extra_key(header)
    if key not in members.columns:
        return None
    placed = members[members[S.STATUS].isin(S.MAPPED_STATUSES)] if S.STATUS in members \
        else members
    if key == membership_year_column(placed):   # as the year slider reads them
        years = membership_years(placed, key)
        return _classes(header, tuple(placed.index), None,
                        tuple(None if pd.isna(y) else int(y) for y in years))
    cells = placed[key].fillna("").astype(str).str.strip()
    return _classes(header, tuple(placed.index), tuple(cells), None)


@memoized(maxsize=16)
def _classes(header: str, index: tuple, cells: tuple | None, years: tuple | None) -> Colouring:
    """The classes of a column's cells (or of its membership years): a list's views and
    exports ask for the same ones again and again, by their values."""
    index = pd.Index(index)
    if years is not None:
        return _graduated(header, pd.Series(years, index=index, dtype="Float64"), years=True)
    cells = pd.Series(cells, index=index, dtype=object)
    numbers = cells.map(_number)
    filled = cells != ""
    if filled.sum() >= 2 and numbers[filled].notna().mean() >= NUMERIC_SHARE \
            and not _codes(cells[filled & numbers.notna()]):
        graduated = _graduated(header, numbers.astype("Float64"), years=False,
                               words=filled & numbers.isna())
        return graduated
    return _categories(header, cells)


def _number(text: str) -> float | None:
    """'1 234,5' -> 1234.5, as French lists write numbers (a unit after: '12 %', '15 k€' no)."""
    plain = re.sub(r"[\s\u00a0\u202f]", "", text).rstrip("%€").strip()
    return float(plain.replace(",", ".")) if _NUMBER.match(plain) else None


def _codes(cells: pd.Series) -> bool:
    """Numbers that are codes, not quantities: a leading zero (a phone number, « 01000 »), or
    all as many digits, five or more (postcodes, SIREN): told apart, not put in order."""
    digits = cells.str.replace(r"[\s\u00a0\u202f]", "", regex=True)
    if digits.str.match(r"^0\d").any():
        return True
    return digits.str.fullmatch(r"\d{5,}").all() and digits.str.len().nunique() == 1


def _categories(header: str, cells: pd.Series) -> Colouring:
    keys = cells.map(normalize)
    # A cell that says it has no value has none.
    filled = (keys != "") & (keys != normalize(UNKNOWN))
    # Each value as most rows write it; the most frequent values first, then by name.
    spellings = pd.DataFrame({"key": keys[filled], "cell": cells[filled]}).value_counts()
    spelled = spellings.reset_index().drop_duplicates("key").set_index("key")["cell"]
    counts = spellings.groupby(level="key").sum()
    order = sorted(spelled.index, key=lambda k: (-counts[k], spelled[k].casefold()))
    labels = [spelled[k] for k in order]
    colors = [CATEGORY_COLORS[i] if i < len(CATEGORY_COLORS) else OTHERS_COLOR
              for i in range(len(labels))]
    position = {k: i for i, k in enumerate(order)}
    classes = keys.map(lambda k: position.get(k, len(labels))).where(filled, len(labels))
    return _with_unknown(header, labels, colors, classes, graduated=False)


def _graduated(header: str, numbers: pd.Series, years: bool,
               words: pd.Series | None = None) -> Colouring:
    """Numbers in order: each value, or ranges of them when there are many; words: the rows
    whose cell is words among numbers (« en cours »), in a class of their own."""
    known = numbers.dropna().astype(float)
    write = (lambda n: str(int(n))) if years else _written
    if known.nunique() <= MAX_CLASSES:
        bins = [(v, v) for v in sorted(known.unique())]
    else:   # ranges holding about as many rows each, named by their first and last value
        groups = pd.qcut(known, MAX_CLASSES, duplicates="drop")
        bins = [(known[groups == g].min(), known[groups == g].max())
                for g in groups.cat.categories if (groups == g).any()]
    named: list[tuple[str, float]] = []   # (label, highest value) of each class
    for low, high in bins:
        label = write(low) if write(low) == write(high) else f"{write(low)} – {write(high)}"
        if named and named[-1][0] == label:   # as written, the same: one class
            named[-1] = (label, high)
        else:
            named.append((label, high))
    labels = [label for label, _ in named]
    colors = _spread(GRADUATED_COLORS, len(labels))
    highs = [high for _, high in named]
    classes = numbers.map(lambda n: len(labels) if pd.isna(n) else next(
        i for i, high in enumerate(highs) if n <= high)).astype(int)
    if words is not None and words.any():
        classes = classes.where(~words, len(labels))
        labels, colors = labels + [OTHERS], colors + [OTHERS_COLOR]
        classes = classes.where(~(numbers.isna() & ~words), len(labels))
    return _with_unknown(header, labels, colors, classes, graduated=True)


def _with_unknown(header: str, labels: list, colors: list, classes: pd.Series,
                  graduated: bool) -> Colouring:
    if (classes == len(labels)).any():
        labels, colors = labels + [UNKNOWN], colors + [UNKNOWN_COLOR]
    return Colouring(header, tuple(labels), tuple(colors), classes.astype(int), graduated)


def _spread(scale: tuple[str, ...], count: int) -> list[str]:
    """count colours of a scale, from its first to its last."""
    if count <= 1:
        return list(scale[-1:])
    return [scale[round(i * (len(scale) - 1) / (count - 1))] for i in range(count)]


def _written(number: float) -> str:
    """A number as French writes it: '236 710', '12,5' (two decimals at most)."""
    rounded = round(float(number), 2)
    if rounded.is_integer():
        return f"{int(rounded):,}".replace(",", NO_BREAK)
    return f"{rounded:,.2f}".rstrip("0").rstrip(".").replace(",", NO_BREAK).replace(".", ",")


PHRASE_VALUES = 3   # values a subtitle names; past them, how many others


def values_phrase(header: str, values) -> str:
    """What a subtitle says of the values kept: 'Élu référent : Oui, Non', 'Groupe : A, B, C et
    4 autres' (filters.js valuesPhrase)."""
    named = ", ".join(values[:PHRASE_VALUES])
    others = len(values) - PHRASE_VALUES
    return f"{header}{NO_BREAK}: {named}" + (f" et {others} autres" if others > 0 else "")
