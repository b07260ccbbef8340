"""Normalising the names of collectivités as people write them.

normalize("Conseil Départemental de l'Œise") -> "conseil departemental de l oeise"
split_prefix("Ville de St-Denis") -> ("commune", "saint denis")
"""

import functools
import re
import unicodedata

from .kinds import EPCI_KINDS, KIND_BY_ID, KIND_RECORDS

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
_COMBINING = re.compile("[\u0300-\u036f]")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
# Words that people add or drop freely: articles and "de".
STOPWORDS = {"de", "du", "des", "d", "l", "la", "le", "les", "et", "en", "a", "au", "aux"}


# The functions below are pure and called many times with the same names (every rule of the
# resolver looks at the name again): their results are kept. A cell may hold 10,000
# characters: such texts are kept only while their row is resolved (the last LONG_MEMORY),
# else the long texts of a few uploads would grow the server by gigabytes. Texts as long as a
# name (the longest official one has 83 characters) are kept longer: 300 MB at most (measured:
# 300,000 different texts of 120 characters); fewer would slow the resolution of long lists
# (34,875 communes: 2.5 s -> 3.6 s with 100,000).
MEMORY = 300_000
KEPT_CHARS = 120
LONG_MEMORY = 64


def _kept(function):
    """function, its results kept: the last MEMORY of texts up to KEPT_CHARS characters, the
    last LONG_MEMORY of longer ones."""
    short = functools.lru_cache(maxsize=MEMORY)(function)
    long = functools.lru_cache(maxsize=LONG_MEMORY)(function)

    @functools.wraps(function)
    def kept(text):
        return (short if len(str(text)) <= KEPT_CHARS else long)(text)
    return kept


@_kept
def normalize(text: str) -> str:
    """Lower case, no accents, ligatures spelled out, punctuation as spaces, St -> saint."""
    text = unicodedata.normalize("NFKD", str(text).translate(_LIGATURES))
    text = _COMBINING.sub("", text).lower()   # accents, as separate marks after NFKD
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)


# Number words written as digits, so that "Terre des 2 Caps" and "Terre des Deux Caps" agree
# ("un", "une" are articles as often as numbers: left alone).
NUMBER_WORDS = {"deux": "2", "trois": "3", "quatre": "4", "cinq": "5", "six": "6", "sept": "7",
                "huit": "8", "neuf": "9", "dix": "10", "onze": "11", "douze": "12"}


@_kept
def key(text: str) -> str:
    """normalize() without articles and 'de', numbers as digits: 'Pays de Loire' and 'Pays de
    la Loire' agree, and so do 'Sept Vallées' and '7 Vallées'."""
    return " ".join(NUMBER_WORDS.get(w, w) for w in normalize(text).split()
                    if w not in STOPWORDS)


# Words shared by so many names that they never tell two places apart: a resemblance must
# hold on the other words ("Villeneuve-sur-Plouf" is not "Villeneuve-sur-Lot").
GENERIC_WORDS = frozenset(
    "saint sainte saints saintes sur sous les lez villeneuve ville neuve neuf vieux vieille "
    "communaute communes commune agglomeration agglo metropole urbaine pays grand grande val "
    "vallee vallees mont monts bourg chateau pont port haut haute hautes bas basse nord sud est "
    "ouest terre terres coeur lac plaine plaines cote cotes pres bois foret ile iles riviere "
    "montagne plateau porte portes centre".split())


def distinctive_words(key_text: str) -> list[str]:
    """The words of a key that tell places apart (not generic, not one letter)."""
    return [w for w in key_text.split() if w not in GENERIC_WORDS and len(w) > 1]


def acronym(words: list[str]) -> str:
    """'communaute agglomeration porte hainaut' -> 'caph' (initials; numbers kept whole)."""
    return "".join(w if w.isdigit() else w[0] for w in words)


_ACRONYM = re.compile(r"^(?:[A-Z0-9]\.?){2,8}$|^(?:[A-Z0-9]\. ?){2,8}$")


def written_acronym(text: str) -> str | None:
    """The acronym a name is, as written ('CAPH', 'C.A.P.H.', 'SQY', 'C2A', 'CC VBA'),
    normalised ('caph'); None when it does not look like one (words in lower case are names)."""
    compact = "".join(str(text).split())
    if len(compact) > 12 or not _ACRONYM.match(compact) or sum(c.isalpha() for c in compact) < 2:
        return None
    return re.sub(r"[^a-z0-9]", "", normalize(compact))


# Prefixes that say the kind of collectivité (from the kind records), on normalised text.
_PREFIX_RE = [(record.id, re.compile(
    rf"^(?:{'|'.join(record.prefixes)})(?: (?:de|du|des|d|l|la|le|les))*(?: |$)"))
    for record in KIND_RECORDS if record.prefixes]


@_kept
def split_prefix(name: str) -> tuple[str | None, str]:
    """(kind said by a prefix or None, the rest of the normalised name)."""
    text = normalize(name)
    for kind, pattern in _PREFIX_RE:
        match = pattern.match(text)
        if match and match.end() < len(text):
            return kind, text[match.end():].strip()
    return None, text


# Words that only say "this is an EPCI" (the prefixes of the EPCI kinds, longest first):
# dropped to compare EPCI names.
_EPCI_WORDS = re.compile(r"\b(" + "|".join(sorted(
    {prefix for kind_id in EPCI_KINDS for prefix in KIND_BY_ID[kind_id].prefixes},
    key=len, reverse=True)) + r")\b")


@_kept
def epci_key(text: str) -> str:
    """key() of an EPCI name without the words of its kind: 'CA du Douaisis' -> 'douaisis'."""
    return key(_EPCI_WORDS.sub(" ", normalize(text)))


# Words in a type column, normalised -> kind id: the kind's words and its own labels.
KIND_WORDS = {word: record.id for record in KIND_RECORDS
              for word in (*record.words, normalize(record.label), normalize(record.plural))}


def kind_from_words(text: str) -> str | None:
    """The kind written in a type column ('CA', 'Communauté urbaine', 'communaute_communes')."""
    words = normalize(text)
    if not words:
        return None
    if words in KIND_WORDS:
        return KIND_WORDS[words]
    for record in KIND_RECORDS:
        if words == normalize(record.id) or words.replace(" ", "_") == record.id:
            return record.id
    return None
