"""Reference geography of France and member lists, with no network and no Dash."""

from .kinds import KINDS
from .levels import COMMUNE, DEPARTEMENT, EPCI, LEVELS, REGION
from .reference import (
    Reference,
    build,
    clear_memory,
    get_reference,
    load_layer,
    lookup,
    memoized,
    parents,
)

__all__ = ["COMMUNE", "DEPARTEMENT", "EPCI", "KINDS", "LEVELS", "REGION", "Reference",
           "build", "clear_memory", "load_layer", "lookup", "memoized", "parents", "get_reference"]
