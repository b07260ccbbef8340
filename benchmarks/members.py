"""The member lists the benchmarks draw: the sample, 2,000 members, a large network, every commune.

The 2,000-member list is `benchmarks.figures.many_members` (every région, département and EPCI,
then the biggest communes), written as the CSV a user would upload (name, type, official code)
and resolved like an upload: the figures, the store the HTTP requests carry and the browser's
upload all use that same resolved list.
"""

from functools import cache

import pandas as pd

from dashboard.member_store import to_store
from geodata import COMMUNE, EPCI, load_layer
from geodata import schema as S
from geodata.join import mapped_members
from geodata.kinds import KIND_COMMUNE
from geodata.members import resolve_members, sample_members

from .figures import many_members

UPLOAD_NAME = "reseau-2000.csv"
LARGE_NETWORK_MIN_POPULATION = 10_000
ADHESION = "Année d'adhésion"


@cache
def sample() -> pd.DataFrame:
    """The embedded sample, rows drawn on the map only (what build_map receives)."""
    return mapped_members(sample_members())


@cache
def two_thousand() -> pd.DataFrame:
    return many_members(2000)


def _attributes(level: str) -> pd.DataFrame:
    layer = load_layer(level, light=level != COMMUNE)
    return pd.DataFrame(layer.drop(columns="geometry")).rename(columns={"nom": S.NAME})


def _as_members(units: pd.DataFrame) -> pd.DataFrame:
    columns = [S.KIND, S.CODE, S.NAME, S.DEPARTEMENT, S.REGION, S.POPULATION, S.LON, S.LAT]
    return units[columns].reset_index(drop=True)


def large_network() -> pd.DataFrame:
    """Every EPCI and every commune over 10,000 inhabitants (about 2,200 members)."""
    communes = _attributes(COMMUNE)
    big = communes[communes[S.POPULATION] > LARGE_NETWORK_MIN_POPULATION]
    return _as_members(pd.concat([_attributes(EPCI), big.assign(kind=KIND_COMMUNE)]))


def every_commune() -> pd.DataFrame:
    """The stress case: the 34,875 communes of France."""
    return _as_members(_attributes(COMMUNE).assign(kind=KIND_COMMUNE))


def upload_csv(members: pd.DataFrame) -> bytes:
    """The list as a user's CSV: name, type and official code (so every row resolves)."""
    frame = pd.DataFrame({"nom": members[S.NAME], "type": members[S.KIND],
                          "code": members[S.CODE], ADHESION: members[S.extra_key(ADHESION)]})
    return frame.to_csv(sep=";", index=False).encode("utf-8")


@cache
def two_thousand_resolved() -> pd.DataFrame:
    """The 2,000 members resolved from their CSV, as an upload would be."""
    return resolve_members(upload_csv(two_thousand()), filename=UPLOAD_NAME)


def two_thousand_mapped() -> pd.DataFrame:
    """The rows of that upload drawn on the map (what the dashboard's figure receives)."""
    return mapped_members(two_thousand_resolved())


def two_thousand_store() -> dict:
    """The members-store data of a session that uploaded the 2,000-member CSV."""
    return to_store(two_thousand_resolved(), UPLOAD_NAME)
