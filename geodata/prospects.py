"""Where the network could grow: the collectivités of a région or a département that are not
members, ranked, with their kind and population.

A unit is left out when it is a member or lies inside members (all its communes covered: a
commune of a member EPCI, an EPCI of a member département). The others come first when they
are partly covered (some of their communes are: the département around a member EPCI, an EPCI
across the border of a member département), then when they touch a member's territory, each
group by population.

    >>> table = prospects(members, region="32")
    >>> table[["nom", "kind", "population", "partly_covered", "touches"]].head()
"""

import numpy as np
import pandas as pd
import shapely

from .coverage import covered_communes, governed, view_communes
from .kinds import kind_of_unit
from .levels import COMMUNE, DEPARTEMENT, EPCI, EPT, REGION
from .reference import get_reference

COLUMNS = ("rank", "level", "code", "nom", "kind", "departement", "region", "population",
           "partly_covered", "touches", "lon", "lat")
# Units of the geography that are no collectivité of their own: the Collectivité de Corse
# governs both Corsican départements since 2018.
NO_COUNCIL = {(DEPARTEMENT, "2A"), (DEPARTEMENT, "2B")}
# How far (degrees, ~200 m) a commune may be from a member's territory and still touch it: the
# communes' shared borders are not always the same line in the source.
TOUCH_DISTANCE = 0.002


def _touching(covered: np.ndarray, scope: np.ndarray) -> np.ndarray:
    """Which communes of the scope, not covered, lie within TOUCH_DISTANCE of a covered one."""
    ref = get_reference()
    geometries = ref.layer(COMMUNE).geometry.values
    candidates = np.flatnonzero(scope & ~covered)
    covered_at = np.flatnonzero(covered)
    touching = np.zeros(len(covered), dtype=bool)
    if not len(candidates) or not len(covered_at):
        return touching
    tree = shapely.STRtree(geometries[covered_at])
    hits = tree.query(geometries[candidates], predicate="dwithin", distance=TOUCH_DISTANCE)
    touching[candidates[np.unique(hits[0])]] = True
    return touching


def _units(scope: np.ndarray, region: str | None, departement: str | None) -> pd.DataFrame:
    """Every collectivité with communes in the scope: (level, code, nom, kind, départment,
    région, population, lon, lat) and the positions of its communes (column "at")."""
    ref = get_reference()
    communes = ref.table(COMMUNE).reset_index(drop=True)
    inside = communes[scope]
    rows = []
    for level, column in ((REGION, "region"), (DEPARTEMENT, "departement"), (EPCI, "epci")):
        table = ref.table(level).set_index("code", drop=False)
        for code in sorted(set(inside[column]) - {""}):
            record = table.loc[code]
            at = np.flatnonzero(governed(level, {code}))
            rows.append((level, code, record["nom"], kind_of_unit(level, record.get("kind")),
                         code if level == DEPARTEMENT else record.get("departement", ""),
                         code if level == REGION else record["region"],
                         record["population"], record["lon"], record["lat"], at))
    epts = ref.table(EPT)
    for record in epts.to_dict("records"):
        at = np.flatnonzero(governed(EPT, {record["code"]}))
        if scope[at].any():
            rows.append((EPT, record["code"], record["nom"], kind_of_unit(EPT),
                         record["departement"],
                         record["region"], record["population"], record["lon"], record["lat"],
                         at))
    for position, record in zip(np.flatnonzero(scope), inside.to_dict("records"), strict=True):
        rows.append((COMMUNE, record["code"], record["nom"], kind_of_unit(COMMUNE),
                     record["departement"],
                     record["region"], record["population"], record["lon"], record["lat"],
                     np.array([position])))
    units = pd.DataFrame(rows, columns=["level", "code", "nom", "kind", "departement", "region",
                                        "population", "lon", "lat", "at"])
    councils = ~pd.Series(list(zip(units.level, units.code, strict=True))).isin(
        NO_COUNCIL).values
    # A département's view: not the région around it (it is not "in" the département).
    units = units[councils & ((units.level != REGION).values if departement else True)]
    # One collectivité for one territory: Martinique, Guyane and Mayotte are a région and a
    # département, Paris a commune and a département; the higher level is kept.
    return units[~units["at"].map(lambda at: at.tobytes()).duplicated().values]


def prospects(members: pd.DataFrame, region: str | None = None,
              departement: str | None = None) -> pd.DataFrame:
    """The collectivités of a région or a département that are not members nor inside members,
    ranked (COLUMNS: partly_covered and touches say whether some of their communes are
    covered by members, or lie against a member's territory)."""
    if not region and not departement:
        raise ValueError("prospects are listed for a région or a département")
    scope = view_communes(region, departement)
    covered = covered_communes(members).values
    touching = _touching(covered, scope)
    units = _units(scope, region, departement)
    share = units["at"].map(lambda at: covered[at].mean())
    # A member's own communes are all covered: members are left out with what lies inside them.
    kept = units[(share < 1).values].copy()
    kept["partly_covered"] = (share[kept.index] > 0).values
    kept["touches"] = kept["at"].map(lambda at: bool(touching[at].any())).values
    kept["population"] = kept.population.astype("int64")
    kept = kept.sort_values(["partly_covered", "touches", "population", "nom"],
                            ascending=[False, False, False, True], kind="stable")
    kept["rank"] = range(1, len(kept) + 1)
    return kept[list(COLUMNS)].reset_index(drop=True)
