"""Normalising the names of collectivités as people write them.

normalize("Conseil Départemental de l'Œise") -> "conseil departemental de l oeise"
split_prefix("Ville de St-Denis") -> ("commune", "saint denis")
"""

import re
import unicodedata

from .kinds import ANY_EPCI_WORDS, EPCI_KINDS, KIND_BY_ID, KIND_RECORDS

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
# Words that people add or drop freely: articles and "de".
STOPWORDS = {"de", "du", "des", "d", "l", "la", "le", "les", "et", "en", "a", "au", "aux"}


def normalize(text: str) -> str:
    """Lower case, no accents, ligatures spelled out, punctuation as spaces, St -> saint."""
    text = unicodedata.normalize("NFKD", str(text).translate(_LIGATURES))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)


def key(text: str) -> str:
    """normalize() without articles and 'de': 'Pays de Loire' and 'Pays de la Loire' agree."""
    return " ".join(w for w in normalize(text).split() if w not in STOPWORDS)


# Prefixes that say the kind of collectivité (from the kind records), on normalised text.
_PREFIX_RE = [(record.id, re.compile(
    rf"^(?:{'|'.join(record.prefixes)})(?: (?:de|du|des|d|l|la|le|les))*(?: |$)"))
    for record in KIND_RECORDS if record.prefixes]


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


def epci_key(text: str) -> str:
    """key() of an EPCI name without the words of its kind: 'CA du Douaisis' -> 'douaisis'."""
    return key(_EPCI_WORDS.sub(" ", normalize(text)))


# Words in a type column, normalised -> kind id: the kind's words and its own labels.
KIND_WORDS = {word: record.id for record in KIND_RECORDS
              for word in (*record.words, normalize(record.label), normalize(record.plural))}
# Words that say "an EPCI" of any kind.
EPCI_WORDS = ANY_EPCI_WORDS


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
