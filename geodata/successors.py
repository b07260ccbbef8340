"""What became of the EPCIs of the previous vintage: a list written a year ago still draws.

An EPCI of the previous vintage whose SIREN is gone has for successors the EPCIs its communes
belong to now, each with its share of the former population; one still there under another
name keeps its code and gets its former name. The table is built with the layers (the
`epci-successors` layer of the cache) and read by the resolver.
"""

import geopandas as gpd
import pandas as pd
from rapidfuzz import fuzz

from .names import epci_key
from .source import SourceTables

COLUMNS = ("former_code", "former_nom", "code", "nom", "communes", "share")


def membership(tables: SourceTables) -> pd.DataFrame:
    """The communes of a vintage with their EPCI and its name: code, epci, epci_nom."""
    return membership_of_layers(tables.communes, tables.epcis)


def membership_of_layers(communes: pd.DataFrame, epcis: pd.DataFrame) -> pd.DataFrame:
    """membership() of the communes and EPCIs of a vintage (tables or built layers)."""
    names = epcis.set_index("code").nom
    members = communes[communes.epci != ""]
    return pd.DataFrame({"code": members.code.values, "epci": members.epci.values,
                         "epci_nom": members.epci.map(names).values})


def epci_successors(previous: pd.DataFrame | None, communes: pd.DataFrame,
                    epcis: pd.DataFrame, former: pd.DataFrame | None = None) -> gpd.GeoDataFrame:
    """One row per (former EPCI, successor): the EPCIs of the previous vintage that are gone
    or renamed, with the current EPCIs that hold their communes (COLUMNS; share: of the
    former EPCI's population, today's figures). previous: membership() of the previous
    vintage, None when there is none. former: the current former communes (code, parent), for
    communes merged since."""
    empty = gpd.GeoDataFrame({column: pd.Series(dtype="int64" if column == "communes" else
                                                "float64" if column == "share" else "str")
                              for column in COLUMNS}, geometry=gpd.GeoSeries(crs="EPSG:4326"))
    if previous is None or previous.empty:
        return empty
    current = epcis.set_index("code").nom
    merged_into = dict(zip(former.code, former.parent)) if former is not None else {}
    now = communes.set_index("code")
    before = previous.assign(code=previous.code.map(lambda c: c if c in now.index
                                                    else merged_into.get(c, c)))
    # Communes merged since map to one commune: count it (and its population) once.
    before = before[before.code.isin(now.index)].drop_duplicates(["epci", "code"])
    gone = ~before.epci.isin(current.index)
    # Renamed: the words of one name are not all in the other (two lists may spell a name
    # differently: "Saint-Flour Communauté", "CC de Saint-Flour").
    renamed = before.epci.isin(current.index) & pd.Series([
        fuzz.token_set_ratio(epci_key(old), epci_key(new)) < 100
        for old, new in zip(before.epci_nom.fillna(""), before.epci.map(current).fillna(""))],
        index=before.index, dtype=bool)
    changed = before[gone | renamed].assign(
        successor=lambda f: f.code.map(now.epci), population=lambda f: f.code.map(now.population))
    changed = changed[changed.successor != ""]
    if changed.empty:
        return empty
    grouped = changed.groupby(["epci", "epci_nom", "successor"], as_index=False).agg(
        communes=("code", "size"), population=("population", "sum"))
    totals = grouped.groupby("epci").population.transform("sum").clip(lower=1)
    table = pd.DataFrame({
        "former_code": grouped.epci, "former_nom": grouped.epci_nom, "code": grouped.successor,
        "nom": grouped.successor.map(current), "communes": grouped.communes.astype("int64"),
        "share": (grouped.population / totals).round(4)})
    table = table.sort_values(["former_code", "share"], ascending=[True, False])
    return gpd.GeoDataFrame(table.reset_index(drop=True),
                            geometry=gpd.GeoSeries([None] * len(table), crs="EPSG:4326"))
