"""Member frames for the tests, built from what the repository ships (no file outside it).

member_row(): one resolved member, looked up in the reference geography. many_members(): a
crowded région (every EPCI of Hauts-de-France and its communes over 10,000 inhabitants).
two_thousand_members(): members of every level all over France. brute_force(): which communes
members cover, asked commune by commune. The embedded sample is the `sample` fixture of
conftest.py.
"""

import random

import pandas as pd

from geodata import DEPARTEMENT, REGION, get_reference, load_layer, lookup, schema
from geodata import schema as S
from geodata.kinds import level_of_kind
from geodata.levels import COMMUNE, EPCI, EPT
from geodata.source import read_ept_membership

# Structures with no territory of their own: drawn at their seat commune.
OTHER_SEATS = {
    "200057875": "93048",  # EPT Est Ensemble: Montreuil
    "200057867": "93066",  # EPT Plaine Commune: Saint-Denis
}


def member_row(kind_id: str, code: str, input_name: str = "", line: int = 0, **extra) -> dict:
    """One resolved member (a row of a members frame), looked up in the reference geography."""
    input_name = input_name or code
    level = level_of_kind(kind_id)
    if level is None:   # the name as given, the place of its seat commune
        seat = lookup(COMMUNE, OTHER_SEATS[code])
        unit = {"nom": input_name, "departement": seat["departement"],
                "region": seat["region"], "population": None,
                "lon": seat["lon"], "lat": seat["lat"]}
        status = schema.PLACED
    else:
        unit = lookup(level, code)
        status = schema.MATCHED
    return {
        schema.ROW: line, schema.INPUT_NAME: input_name, schema.STATUS: status,
        schema.LEVEL: level or "", schema.KIND: kind_id, schema.CODE: code,
        schema.NAME: unit["nom"],
        schema.DEPARTEMENT: unit.get("departement", "") if kind_id != "region" else "",
        schema.REGION: unit.get("region", code) if kind_id != "region" else code,
        schema.POPULATION: unit["population"], schema.SCORE: 100, schema.CANDIDATES: [],
        schema.MESSAGE: "", schema.LON: unit["lon"], schema.LAT: unit["lat"], **extra,
    }


def members_frame(rows: list[dict]) -> pd.DataFrame:
    return schema.conform(pd.DataFrame(rows))


def many_members(region: str = "32", min_population: int = 10_000) -> pd.DataFrame:
    """Every EPCI of a région plus its communes over min_population inhabitants."""
    epcis = load_layer(EPCI)
    communes = load_layer(COMMUNE)
    rows = []
    in_region = epcis[epcis["region"] == region]
    for code, kind_id in zip(in_region["code"], in_region["kind"], strict=True):
        rows.append(member_row(kind_id, code, line=len(rows) + 2))
    big = communes[(communes["region"] == region) & (communes["population"] > min_population)]
    for code in big["code"]:
        rows.append(member_row("commune", code, line=len(rows) + 2))
    return members_frame(rows)


def report_rows(component) -> dict[int, str]:
    """Row number -> group ("to-fix", "decided", "sure") of the rows of an upload report."""
    found = {}

    def walk(node):
        if isinstance(node, list | tuple):
            for child in node:
                walk(child)
            return
        if getattr(node, "_type", None) == "Tr" and getattr(node, "className", None):
            found[int(node.children[0].children)] = node.className
        walk(getattr(node, "children", None) or [])

    walk(component)
    return found


def brute_force(members: pd.DataFrame) -> pd.DataFrame:
    """Per commune, whether a member covers it, asked commune by commune."""
    drawn = members[members[S.STATUS].isin(S.MAPPED_STATUSES)]
    of_level = {level: set(group[S.CODE]) for level, group in drawn.groupby(S.LEVEL)}
    epts = read_ept_membership()
    in_ept = set(epts[epts.ept_siren.isin(of_level.get(EPT, set()))].commune_code)
    rows = []
    for commune in get_reference().table(COMMUNE).to_dict("records"):
        lyon = commune["departement"] == "69" and commune["epci"] == "200046977"
        covered = (commune["code"] in of_level.get(COMMUNE, ())
                   or commune["epci"] in of_level.get(EPCI, ())
                   # the Rhône's council does not govern the Métropole de Lyon
                   or commune["departement"] in of_level.get(DEPARTEMENT, ()) and not lyon
                   or commune["region"] in of_level.get(REGION, ())
                   or commune["code"] in in_ept)
        rows.append({"region": commune["region"], "departement": commune["departement"],
                     "population": commune["population"], "covered": covered})
    return pd.DataFrame(rows)


def two_thousand_members() -> pd.DataFrame:
    """2,000-odd members of every level: every commune over 7,000 inhabitants, every EPCI of
    three régions, two départements, a région and two EPTs (overlapping on purpose)."""
    ref = get_reference()
    communes, epcis = ref.table(COMMUNE), ref.table(EPCI)
    rows = [member_row("commune", code) for code in communes.code[communes.population > 7_000]]
    rows += [member_row(kind, code) for code, kind in
             zip(*epcis[epcis.region.isin(["32", "44", "84"])][["code", "kind"]].T.values)]
    rows += [member_row("departement", code) for code in ("13", "33")]
    rows += [member_row("region", "53")]
    rows += [member_row("autre", code) for code in ("200057867", "200057875")]
    frame = members_frame([{**row, S.LEVEL: EPT if row[S.KIND] == "autre" else row[S.LEVEL],
                            S.STATUS: S.MATCHED} for row in rows])
    frame[S.ROW] = range(2, len(frame) + 2)
    return frame


YEAR_HEADER = "Année d'adhésion"


def with_years(members: pd.DataFrame, first: int = 2001, last: int = 2024,
               seed: int = 5) -> pd.DataFrame:
    """The members with a column of membership years as people write them (2015, "depuis
    2015", "03/2015"), every tenth row without one."""
    rng = random.Random(seed)
    written = []
    for i in range(len(members)):
        year = rng.randint(first, last)
        written.append("" if i % 10 == 3 else
                       [str(year), f"depuis {year}", f"03/{year}", year][i % 4])
    members = members.copy()
    members[schema.extra_key(YEAR_HEADER)] = written
    return members


REFERENT_HEADER = "Élu référent"
# As a network writes who its contact is: one person spelled several ways, some rows empty.
REFERENTS = ("Mme Petit", "mme petit ", "M. Durand", "", "MME PETIT", "M. Durand", "Mme Martin")


def with_referents(members: pd.DataFrame) -> pd.DataFrame:
    """The members with a column « Élu référent » as people write it (REFERENTS in turn)."""
    members = members.copy()
    members[schema.extra_key(REFERENT_HEADER)] = [
        REFERENTS[i % len(REFERENTS)] for i in range(len(members))]
    return members
