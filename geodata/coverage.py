"""How many people live in a member territory: the communes at least one member covers, whatever
its level, each counted once (a commune inside a member EPCI inside a member département is one
commune), nationally, per région and per département.

    >>> share = coverage(members)            # France, then each région
    >>> share.loc["France", "share"]

The dashboard answers its filters in the browser: `coverage_groups` sums the population of
the communes covered by département and by the set of members covering them, so that the
coverage of any choice of members (kinds ticked, a search) is a sum over the groups one of
them covers (`covered_in`, and its twin in assets/filters.js).
"""

import numpy as np
import pandas as pd
import shapely

from . import schema as S
from .levels import COMMUNE, DEPARTEMENT, DEPARTEMENT_EXCEPT_EPCI, EPCI, EPT, REGION
from .names import key
from .reference import get_reference, memoized

FRANCE = "France"
# The column of the communes table that says which unit of each level a commune is in.
COMMUNE_COLUMN = {COMMUNE: "code", EPCI: "epci", DEPARTEMENT: "departement", REGION: "region"}
COLUMNS = ("scope", "code", "nom", "population", "covered", "share", "members")


def share_fr(part: int, whole: int) -> str:
    """'44,1 %' (no-break space): one decimal, rounded half up in whole numbers (filters.js
    shareFr rounds the same way); never '0,0 %' for something nor '100,0 %' for less than all."""
    if whole <= 0:
        return "0\u00a0%"
    permille = (2000 * part + whole) // (2 * whole)
    if part and permille == 0:
        return "moins de 0,1\u00a0%"
    if part < whole and permille == 1000:
        return "plus de 99,9\u00a0%"
    if part == whole:
        return "100\u00a0%"
    return f"{permille // 10},{permille % 10}\u00a0%"


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


@memoized
def _commune_epts() -> np.ndarray:
    """The EPT of each commune ("" outside the Grand Paris), in the communes table's order.
    EPT perimeters are unions of whole communes: a commune's point inside is inside its EPT."""
    ref = get_reference()
    communes = ref.table(COMMUNE)
    epts = ref.layer(EPT)
    points = shapely.points(communes.lon.values, communes.lat.values)
    found = np.full(len(communes), "", dtype=object)
    for code, shape in zip(epts.code, epts.geometry.values, strict=True):
        found[shapely.contains(shape, points)] = code
    return found


def ept_communes(codes: set[str]) -> np.ndarray:
    """Whether each commune lies in one of these EPTs."""
    return np.isin(_commune_epts(), list(codes))


def _with_territory(members: pd.DataFrame) -> pd.DataFrame:
    """The members drawn on the map that have a territory: those placed by their seat (a
    syndicat) have none of their own and cover nothing."""
    return members[members[S.STATUS].isin(S.MAPPED_STATUSES)
                   & members[S.LEVEL].isin([*COMMUNE_COLUMN, EPT])]


def governed(level: str, codes) -> np.ndarray:
    """Which communes these units of a level govern (the communes table's order): a commune
    its commune, an EPCI its communes, an EPT those of its perimeter, a département its
    communes but those of a collectivité with its powers (the Métropole de Lyon's), a région
    its communes."""
    communes = get_reference().table(COMMUNE)
    codes = set(codes)
    if level == EPT:
        return ept_communes(codes)
    inside = np.array(communes[COMMUNE_COLUMN[level]].isin(codes), dtype=bool)
    if level == DEPARTEMENT:
        for departement, epci in DEPARTEMENT_EXCEPT_EPCI.items():
            if departement in codes:
                inside &= ~((communes.departement == departement)
                            & (communes.epci == epci)).values
    return inside


def covered_communes(members: pd.DataFrame) -> pd.Series:
    """Per commune (indexed by code), whether a member drawn on the map covers it."""
    communes = get_reference().table(COMMUNE)
    covered = np.zeros(len(communes), dtype=bool)
    for level, codes in _with_territory(members).groupby(S.LEVEL)[S.CODE]:
        covered |= governed(level, codes)
    return pd.Series(covered, index=communes.code.values, name="covered")


def coverage_groups(members: pd.DataFrame) -> pd.DataFrame:
    """The communes covered, grouped by département and by the members that cover them:
    columns departement, population (of the group's communes) and rows (the sorted tuple of
    the covering members' S.ROW). A commune covered by no member is in no group."""
    communes = get_reference().table(COMMUNE)
    pairs = []   # (commune position, member row)
    for level, group in _with_territory(members).groupby(S.LEVEL):
        if level in (EPT, DEPARTEMENT):   # few: unit by unit, each with its exceptions
            for code, row in zip(group[S.CODE], group[S.ROW], strict=True):
                inside = np.flatnonzero(governed(level, {code}))
                pairs.append(pd.DataFrame({"at": inside, "row": row}))
        else:
            rows = group.groupby(S.CODE)[S.ROW].apply(list)
            column = communes[COMMUNE_COLUMN[level]].reset_index(drop=True)
            found = column[column.isin(rows.index)]
            pairs.append(pd.DataFrame({"at": found.index, "row": found.map(rows).values})
                         .explode("row"))
    if not pairs:
        return pd.DataFrame({"departement": [], "population": [], "rows": []})
    pairs = pd.concat(pairs, ignore_index=True).astype({"at": "int64", "row": "int64"}) \
        .drop_duplicates().sort_values(["at", "row"])
    at, row = pairs["at"].to_numpy(), pairs["row"].to_numpy()
    starts = np.flatnonzero(np.r_[True, at[1:] != at[:-1]])   # each commune's first pair
    rows = [tuple(chunk.tolist()) for chunk in np.split(row, starts[1:])]
    table = pd.DataFrame({"departement": communes.departement.values[at[starts]],
                          "population": communes.population.values[at[starts]],
                          "rows": rows})
    return (table.groupby(["departement", "rows"], sort=True).population.sum()
            .astype("int64").reset_index()[["departement", "population", "rows"]])


def covered_in(groups: pd.DataFrame, rows, departements=None) -> int:
    """The population the members of these rows cover (in these départements: all if None),
    from coverage_groups: each group once, when one of its members is among the rows."""
    chosen = set(rows)
    kept = groups.rows.map(lambda covering: not chosen.isdisjoint(covering))
    if departements is not None:
        kept &= groups.departement.isin(set(departements))
    return int(groups.population[kept].sum())


def view_communes(region: str | None = None, departement: str | None = None) -> np.ndarray:
    """Which communes (in the communes table's order) are in the département, else the région,
    else France."""
    communes = get_reference().table(COMMUNE)
    if departement:
        return (communes.departement == departement).values
    if region:
        return (communes.region == region).values
    return np.ones(len(communes), dtype=bool)


def covered_population(members: pd.DataFrame, region: str | None = None,
                       departement: str | None = None) -> tuple[int, int]:
    """(inhabitants covered by these members, inhabitants) of France, a région or a
    département."""
    communes = get_reference().table(COMMUNE)
    inside = view_communes(region, departement)
    covered = covered_communes(members).values & inside
    return int(communes.population[covered].sum()), int(communes.population[inside].sum())


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
