"""Join resolved members to the reference geometry, one GeoDataFrame per level.

Each member keeps its attributes (and the extra columns of its file); its département and
région come from the geography, so 'members in Hauts-de-France' includes its EPCIs and
communes. Members placed by their seat or coordinates come as points, under 'autre'.
"""

import geopandas as gpd
import pandas as pd
import shapely

from . import schema as S
from .levels import LEVELS
from .reference import load_layer

OTHER_LEVEL = "autre"


def mapped_members(resolved: pd.DataFrame) -> pd.DataFrame:
    """The rows drawn on the map: matched or placed by coordinates (no duplicates)."""
    return resolved[resolved[S.STATUS].isin(S.MAPPED_STATUSES)].reset_index(drop=True)


def members_by_level(resolved: pd.DataFrame, light: bool = False) -> dict[str, gpd.GeoDataFrame]:
    """{level: members of that level with the unit's polygon}; 'autre': points."""
    members = mapped_members(resolved)
    out = {}
    for level in LEVELS:
        subset = members[members[S.LEVEL] == level]
        shapes = load_layer(level, light=light).set_index("code").geometry
        out[level] = gpd.GeoDataFrame(
            subset, geometry=shapes.reindex(subset[S.CODE]).values, crs="EPSG:4326")
    others = members[members[S.LEVEL] == ""]
    out[OTHER_LEVEL] = gpd.GeoDataFrame(
        others, geometry=shapely.points(others[S.LON].astype(float), others[S.LAT].astype(float)),
        crs="EPSG:4326")
    return out


def in_region(members: pd.DataFrame, region: str) -> pd.DataFrame:
    """The members whose territory lies in (or is) that région."""
    return members[members[S.REGION] == region]
