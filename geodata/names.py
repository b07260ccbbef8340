"""Normalising the names of collectivités as people write them.

normalize("Conseil Départemental de l'Œise") -> "conseil departemental de l oeise"
split_prefix("Ville de St-Denis") -> ("commune", "saint denis")
"""

import re
import unicodedata

from .levels import (
    KIND_CA,
    KIND_CC,
    KIND_COMMUNE,
    KIND_CU,
    KIND_DEPARTEMENT,
    KIND_METROPOLE,
    KIND_OTHER,
    KIND_REGION,
)

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


# Prefixes that say the kind of collectivité, on normalised text, longest first.
_PREFIXES = [
    (KIND_DEPARTEMENT, r"conseil departemental|conseil general|departement|cd|cg"),
    (KIND_REGION, r"conseil regional|collectivite regionale|region|cr"),
    (KIND_COMMUNE, r"ville|mairie|commune|municipalite"),
    (KIND_CC, r"communaute de communes|communaute des communes|cc"),
    (KIND_CA, r"communaute d agglomeration|communaute agglomeration|agglomeration|agglo|ca"),
    (KIND_CU, r"communaute urbaine|cu"),
    (KIND_METROPOLE, r"eurometropole|metropole europeenne|metropole"),
    (KIND_OTHER, r"ept|etablissement public territorial|syndicat mixte|syndicat|petr"),
]
_PREFIX_RE = [(kind, re.compile(rf"^(?:{alts})(?: (?:de|du|des|d|l|la|le|les))*(?: |$)"))
              for kind, alts in _PREFIXES]


def split_prefix(name: str) -> tuple[str | None, str]:
    """(kind said by a prefix or None, the rest of the normalised name)."""
    text = normalize(name)
    for kind, pattern in _PREFIX_RE:
        match = pattern.match(text)
        if match and match.end() < len(text):
            return kind, text[match.end():].strip()
    return None, text


# Words that only say "this is an EPCI": dropped to compare EPCI names.
_EPCI_WORDS = re.compile(
    r"\b(communaute (?:de |des )?communes|communaute (?:d )?agglomeration|communaute urbaine|"
    r"eurometropole|metropole|agglomeration|agglo|cc|ca|cu)\b")


def epci_key(text: str) -> str:
    """key() of an EPCI name without the words of its kind: 'CA du Douaisis' -> 'douaisis'."""
    return key(_EPCI_WORDS.sub(" ", normalize(text)))


# Words in a type column, normalised -> kind.
KIND_WORDS = {
    "region": KIND_REGION, "conseil regional": KIND_REGION, "reg": KIND_REGION,
    "departement": KIND_DEPARTEMENT, "conseil departemental": KIND_DEPARTEMENT,
    "dept": KIND_DEPARTEMENT, "dep": KIND_DEPARTEMENT, "department": KIND_DEPARTEMENT,
    "metropole": KIND_METROPOLE, "metro": KIND_METROPOLE, "me": KIND_METROPOLE,
    "metropolis": KIND_METROPOLE,
    "communaute urbaine": KIND_CU, "cu": KIND_CU,
    "communaute d agglomeration": KIND_CA, "communaute agglomeration": KIND_CA, "ca": KIND_CA,
    "agglomeration": KIND_CA, "agglo": KIND_CA,
    "communaute de communes": KIND_CC, "cc": KIND_CC,
    "commune": KIND_COMMUNE, "ville": KIND_COMMUNE, "municipalite": KIND_COMMUNE,
    "city": KIND_COMMUNE, "town": KIND_COMMUNE, "mairie": KIND_COMMUNE,
    "autre": KIND_OTHER, "other": KIND_OTHER, "ept": KIND_OTHER, "syndicat": KIND_OTHER,
    "etablissement public territorial": KIND_OTHER, "petr": KIND_OTHER, "pays": KIND_OTHER,
    "syndicat mixte": KIND_OTHER,
}
# "EPCI" says an EPCI of any kind.
EPCI_WORDS = {"epci", "intercommunalite", "interco", "groupement"}


def kind_from_words(text: str) -> str | None:
    """The kind written in a type column ('CA', 'Communauté urbaine', 'communaute_communes')."""
    words = normalize(text)
    if not words:
        return None
    if words in KIND_WORDS:
        return KIND_WORDS[words]
    for kind in (KIND_REGION, KIND_DEPARTEMENT, KIND_METROPOLE, KIND_CU, KIND_CA, KIND_CC,
                 KIND_COMMUNE, KIND_OTHER):
        if words == normalize(kind) or words.replace(" ", "_") == kind:
            return kind
    return None
