"""Members frames for the figure tests, until the member-list resolution lands (temporary).

sample_members(): the 37 members of ../shared/data/rtes_members_evidence.csv that have an
official code, resolved with geodata.lookup. many_members(): a crowded région (every EPCI of
Hauts-de-France and its communes over 10,000 inhabitants).
"""

import csv
import os
from pathlib import Path

import pandas as pd

from geodata import load_layer, lookup, schema
from geodata.levels import COMMUNE, EPCI, KIND_OTHER, KINDS, level_of_kind

EVIDENCE_CSV = Path(os.environ.get("RTES_EVIDENCE_CSV",
                                   "/work/shared/data/rtes_members_evidence.csv"))
# 'autre' members have no official area: drawn at their seat commune.
OTHER_SEATS = {
    "200057875": "93048",  # EPT Est Ensemble: Montreuil
    "200057867": "93066",  # EPT Plaine Commune: Saint-Denis
}


def member_row(kind: str, code: str, input_name: str = "", line: int = 0, **extra) -> dict:
    """One resolved member (a row of a members frame), looked up in the reference geography."""
    input_name = input_name or code
    level = level_of_kind(kind)
    if level is None:   # 'autre': the name as given, the place of its seat commune
        seat = lookup(COMMUNE, OTHER_SEATS[code])
        unit = {"nom": input_name, "departement": seat["departement"],
                "region": seat["region"], "population": float("nan"),
                "lon": seat["lon"], "lat": seat["lat"]}
        status = schema.PLACED
    else:
        unit = lookup(level, code)
        status = schema.MATCHED
    return {
        schema.ROW: line, schema.INPUT_NAME: input_name, schema.STATUS: status,
        schema.LEVEL: level or "", schema.KIND: kind, schema.CODE: code,
        schema.NAME: unit["nom"],
        schema.DEPARTEMENT: unit.get("departement", "") if kind != "region" else "",
        schema.REGION: unit.get("region", code) if kind != "region" else code,
        schema.POPULATION: unit["population"], schema.SCORE: 100, schema.CANDIDATES: "",
        schema.MESSAGE: "", schema.LON: unit["lon"], schema.LAT: unit["lat"], **extra,
    }


def sample_members(path: Path = EVIDENCE_CSV) -> pd.DataFrame:
    """The members of the evidence file that have a code, as a resolved members frame."""
    rows = []
    with open(path, encoding="utf-8", newline="") as handle:
        for line, record in enumerate(csv.DictReader(handle), start=2):
            code = record["insee_or_siren"].strip()
            if not code:
                continue
            kind = KIND_OTHER if record["kind"] == "other" else record["kind"]
            if kind not in KINDS:
                raise ValueError(f"{path}, line {line}: unknown kind {record['kind']!r}")
            rows.append(member_row(kind, code, record["name"], line,
                                   source_url=record["source_url"]))
    return pd.DataFrame(rows)


def many_members(region: str = "32", min_population: int = 10_000) -> pd.DataFrame:
    """Every EPCI of a région plus its communes over min_population inhabitants."""
    epcis = load_layer(EPCI)
    communes = load_layer(COMMUNE)
    rows = []
    for code, kind in zip(epcis.loc[epcis["region"] == region, "code"],
                          epcis.loc[epcis["region"] == region, "kind"], strict=True):
        rows.append(member_row(kind, code, line=len(rows) + 2))
    big = communes[(communes["region"] == region) & (communes["population"] > min_population)]
    for code in big["code"]:
        rows.append(member_row("commune", code, line=len(rows) + 2))
    return pd.DataFrame(rows)
