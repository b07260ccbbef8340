"""What became of the EPCIs of the previous vintage: a list written a year ago still draws.

An EPCI of the previous vintage whose SIREN is gone has for successors the EPCIs its communes
belong to now, each with its share of the former population; one still there under another
name keeps its code and gets its former name. The table is built with the layers (the
`epci-successors` layer of the cache) and read by the resolver.
"""

import geopandas as gpd
import pandas as pd

from .names import normalize
from .source import SourceTables

COLUMNS = ("former_code", "former_nom", "code", "nom", "communes", "share")


def membership(tables: SourceTables) -> pd.DataFrame:
    """The communes of a vintage with their EPCI and its name: code, epci, epci_nom."""
    names = tables.epcis.set_index("code").nom
    communes = tables.communes[tables.communes.epci != ""]
    return pd.DataFrame({"code": communes.code.values, "epci": communes.epci.values,
                         "epci_nom": communes.epci.map(names).values})


def membership_of_layers(communes: pd.DataFrame, epcis: pd.DataFrame) -> pd.DataFrame:
    """membership() of a built vintage (its communes and EPCIs layers)."""
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
    before = before[before.code.isin(now.index)]
    gone = ~before.epci.isin(current.index)
    renamed = before.epci.isin(current.index) & (
        before.epci_nom.map(normalize) != before.epci.map(current).map(normalize))
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
