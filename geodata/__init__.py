"""Reference geography of France and member lists, with no network and no Dash."""

from .levels import COMMUNE, DEPARTEMENT, EPCI, KINDS, LEVELS, REGION
from .reference import build, clear_memory, load_layer, lookup, parents

__all__ = ["COMMUNE", "DEPARTEMENT", "EPCI", "KINDS", "LEVELS", "REGION",
           "build", "clear_memory", "load_layer", "lookup", "parents"]
