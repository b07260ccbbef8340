"""The members a filter state selects; the same selection feeds the map, table and counts."""

import pandas as pd

from geodata import DEPARTEMENT, lookup
from geodata import schema as S
from geodata.names import normalize

from .figures import select_members
from .state import FilterState


def select(members: pd.DataFrame, state: FilterState) -> pd.DataFrame:
    """Members drawn on the map that match the région, kinds, département and search."""
    chosen = select_members(members, state.region, state.kinds)
    if state.departement:
        # A région member contains the département: keep it, it is "there" too.
        chosen = chosen[(chosen[S.DEPARTEMENT] == state.departement) | (
            (chosen[S.KIND] == "region") & (chosen[S.REGION] == _region_of(state.departement)))]
    if state.query:
        needle = normalize(state.query)
        names = chosen[S.NAME].fillna("") + " " + chosen[S.INPUT_NAME].fillna("")
        haystack = names.map(normalize)
        chosen = chosen[haystack.str.contains(needle, regex=False)]
    return chosen


def _region_of(departement: str) -> str | None:
    try:
        return lookup(DEPARTEMENT, departement)["region"]
    except KeyError:
        return None

