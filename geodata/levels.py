"""Levels of the reference geography and the shape of their official codes.

The kinds of members (and how each is drawn) are in `geodata.kinds`."""

import re

REGION = "region"
DEPARTEMENT = "departement"
EPCI = "epci"
COMMUNE = "commune"
EPT = "ept"   # établissement public territorial of the Grand Paris (not an EPCI)
LEVELS = (REGION, DEPARTEMENT, EPCI, COMMUNE, EPT)

CODE_PATTERNS = {
    REGION: re.compile(r"^\d{2}$"),
    DEPARTEMENT: re.compile(r"^(\d{2}|2A|2B|97\d)$"),
    EPCI: re.compile(r"^\d{9}$"),
    COMMUNE: re.compile(r"^(\d{5}|2A\d{3}|2B\d{3})$"),
    EPT: re.compile(r"^\d{9}$"),
}


def is_valid_code(level: str, code: str) -> bool:
    """True when code has the official shape of a code of that level."""
    return bool(CODE_PATTERNS[level].match(code))


# INSEE "type de nom en clair" (TNCC): the article that goes before a name.
ARTICLES = {"0": "", "1": "", "2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux ",
            "7": "Las ", "8": "Los "}

# Guadeloupe, Martinique, Guyane, La Réunion, Mayotte.
OVERSEAS_REGIONS = ("01", "02", "03", "04", "06")
# Départements whose council does not govern all their communes: the Métropole de Lyon (an
# EPCI in the data, a collectivité with the département's powers since 2015) governs its own.
DEPARTEMENT_EXCEPT_EPCI = {"69": "200046977"}
