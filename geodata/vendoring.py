"""Development tool: turn the JSON of the npm package `@etalab/decoupage-administratif` into the
small official tables a vintage ships in geodata/data/<year>/ (read at build time, never
fetched at run time).

    npm pack @etalab/decoupage-administratif@6.0.0 && tar xzf etalab-*.tgz
    python -m geodata.vendoring package/ 2026

The package holds INSEE's COG (communes, départements, régions, with their legal population)
and the DGCL's list of EPCIs with their member communes, under Licence Ouverte 2.0. Only the
communes of France (métropole and DROM) are kept: the map has no collectivités d'outre-mer.
"""

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from .source import SHIPPED, YEAR_TABLES

FRANCE_ZONES = ("metro", "drom")


def _read(package: Path, name: str) -> list[dict]:
    return json.loads((package / "data" / f"{name}.json").read_text(encoding="utf-8"))


def year_tables(package: Path) -> dict[str, pd.DataFrame]:
    """The tables of geodata.source.YEAR_TABLES, from the package's JSON files."""
    communes = pd.DataFrame([c for c in _read(package, "communes")
                             if c["type"] == "commune-actuelle" and c["zone"] in FRANCE_ZONES])
    epcis = _read(package, "epci")
    epci_of = {member["code"]: epci["code"] for epci in epcis for member in epci["membres"]}
    departements = pd.DataFrame([d for d in _read(package, "departements")
                                 if d["zone"] in FRANCE_ZONES])
    regions = pd.DataFrame([r for r in _read(package, "regions") if r["zone"] in FRANCE_ZONES])
    return {
        "communes": pd.DataFrame({
            "code": communes.code, "nom": communes.nom, "departement": communes.departement,
            "epci": communes.code.map(epci_of).fillna(""),
            "population": communes.population.fillna(0).astype("int64")}),
        "epcis": pd.DataFrame([{"code": e["code"], "nom": e["nom"], "type": e["type"]}
                               for e in epcis]),
        "departements": pd.DataFrame({
            "code": departements.code, "nom": departements.nom,
            "region": departements.region, "chef_lieu": departements.chefLieu,
            "tncc": departements.typeLiaison.astype("int64")}),
        "regions": pd.DataFrame({
            "code": regions.code, "nom": regions.nom, "chef_lieu": regions.chefLieu,
            "tncc": regions.typeLiaison.astype("int64")}),
    }


def write_year_tables(package: Path, year: str, root: Path = SHIPPED) -> list[Path]:
    folder = root / year
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in year_tables(package).items():
        assert list(table.columns) == list(YEAR_TABLES[name]), name
        path = folder / f"{name}.csv"
        table.sort_values("code").to_csv(path, index=False, lineterminator="\n")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geodata.vendoring", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("package", type=Path, help="folder of the unpacked npm package")
    parser.add_argument("year", help="the vintage the tables are for (2026)")
    parser.add_argument("--into", type=Path, default=SHIPPED,
                        help=f"folder of the years' folders (default: {SHIPPED.name}/)")
    args = parser.parse_args(argv)
    for path in write_year_tables(args.package, args.year, args.into):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
