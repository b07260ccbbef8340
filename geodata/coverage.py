"""How many people live in a member territory: the communes at least one member covers, whatever
its level, each counted once (a commune inside a member EPCI inside a member département is one
commune), nationally, per région and per département.

    >>> share = coverage(members)            # France, then each région
    >>> share.loc["France", "share"]
"""

import numpy as np
import pandas as pd
import shapely

from . import schema as S
from .levels import COMMUNE, DEPARTEMENT, EPCI, EPT, REGION
from .names import key
from .reference import get_reference

FRANCE = "France"
# The column of the communes table that says which unit of each level a commune is in.
COMMUNE_COLUMN = {COMMUNE: "code", EPCI: "epci", DEPARTEMENT: "departement", REGION: "region"}
COLUMNS = ("scope", "code", "nom", "population", "covered", "share", "members")


class UnknownRegionError(ValueError):
    """No région has that code or name (French message listing them)."""


def region_code(text: str | None) -> str | None:
    """The INSEE code of a région written as a code or a name ('32', 'Hauts-de-France',
    'hauts de france'); None for France entière; UnknownRegionError otherwise."""
    if not text or key(text) in ("france", "france entiere"):
        return None
    names = get_reference().names(REGION)
    if text.strip() in names:
        return text.strip()
    by_key = {key(name): code for code, name in names.items()}
    if key(text) in by_key:
        return by_key[key(text)]
    choices = ", ".join(f"{name} ({code})" for code, name in sorted(names.items()))
    raise UnknownRegionError(f"région inconnue « {text} ». Régions possibles : {choices}.")


def _ept_communes(codes: set[str]) -> np.ndarray:
    """Whether each commune lies in one of these EPTs (their perimeters are unions of whole
    communes: a commune's point inside is inside its EPT)."""
    ref = get_reference()
    communes = ref.table(COMMUNE)
    epts = ref.layer(EPT)
    shapes = epts[epts.code.isin(codes)].geometry.values
    if not len(shapes):
        return np.zeros(len(communes), dtype=bool)
    points = shapely.points(communes.lon.values, communes.lat.values)
    return shapely.contains(shapely.union_all(shapes), points)


def covered_communes(members: pd.DataFrame) -> pd.Series:
    """Per commune (indexed by code), whether a member drawn on the map covers it. Members
    placed by their seat (a syndicat) have no territory of their own and cover none."""
    communes = get_reference().table(COMMUNE)
    drawn = members[members[S.STATUS].isin(S.MAPPED_STATUSES) & (members[S.LEVEL] != "")]
    covered = np.zeros(len(communes), dtype=bool)
    for level, codes in drawn.groupby(S.LEVEL)[S.CODE]:
        if level == EPT:
            covered |= _ept_communes(set(codes))
        elif level in COMMUNE_COLUMN:
            covered |= communes[COMMUNE_COLUMN[level]].isin(set(codes)).values
    return pd.Series(covered, index=communes.code.values, name="covered")


def _rows(scope: str, names: dict[str, str], communes: pd.DataFrame,
          covered: pd.Series, members: pd.Series) -> pd.DataFrame:
    key_column = communes[scope]
    total = communes.population.groupby(key_column).sum()
    inside = communes.population.where(covered.values, 0).groupby(key_column).sum()
    codes = list(names)
    return pd.DataFrame({
        "scope": scope, "code": codes, "nom": [names[c] for c in codes],
        "population": total.reindex(codes).fillna(0).astype("int64").values,
        "covered": inside.reindex(codes).fillna(0).astype("int64").values,
        "members": members.reindex(codes).fillna(0).astype("int64").values})


def coverage(members: pd.DataFrame, region: str | None = None) -> pd.DataFrame:
    """The population covered (COLUMNS: population, covered, share in 0-1, members drawn),
    for France then each région; with a région, for it then each of its départements.
    Indexed by "France" or the région's or département's code."""
    ref = get_reference()
    communes = ref.table(COMMUNE)
    covered = covered_communes(members)
    drawn = members[members[S.STATUS].isin(S.MAPPED_STATUSES)]
    if region is None:
        head = pd.DataFrame([{
            "scope": FRANCE, "code": FRANCE, "nom": FRANCE,
            "population": int(communes.population.sum()),
            "covered": int(communes.population[covered.values].sum()),
            "members": len(drawn)}])
        rows = _rows(REGION, ref.names(REGION), communes, covered,
                     drawn.groupby(S.REGION).size())
    else:
        inside = (communes.region == region).values
        head = _rows(REGION, {region: ref.names(REGION)[region]}, communes, covered,
                     drawn.groupby(S.REGION).size())
        departements = ref.departements_by_region()[region]
        rows = _rows(DEPARTEMENT, {c: ref.names(DEPARTEMENT)[c] for c in departements},
                     communes[inside], covered[inside], drawn.groupby(S.DEPARTEMENT).size())
    table = pd.concat([head, rows], ignore_index=True)
    table["share"] = (table.covered / table.population.where(table.population > 0)).fillna(0.0)
    return table[list(COLUMNS)].set_index("code", drop=False)
