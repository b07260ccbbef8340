"""Command line: python -m geodata [--vintage V] build [--force] | info
| resolve FILE [-o OUT] [--sheet SHEET] [--corrections FILE]
| import FILE.gpkg [FILE.gpkg ...] [--annee YEAR] [--force]
| coverage FILE [--region R] [--json] [--sheet SHEET]."""

import argparse
import json
import logging
import os
import re
import sys
from pathlib import Path

from . import schema as S
from .build import BuildError
from .cache import CACHE_ENV, CacheDirError, StaleCacheError
from .kinds import KIND_LABELS
from .reading import MemberFileError
from .reference import get_reference
from .source import SourceMissingError, YearTablesError
from .vintages import DEFAULT_VINTAGE, VINTAGE_ENV, UnknownVintageError, available, use_vintage


def _info() -> dict:
    ref = get_reference()
    manifest = ref.build()
    layers = manifest["layers"]
    return {
        "regions": layers["regions"]["rows"],
        "departements": layers["departements"]["rows"],
        "epcis": layers["epcis"]["rows"],
        "communes": layers["communes"]["rows"],
        "epts": layers["epts"]["rows"],
        "vintage": manifest["vintage"],
        "cog": manifest["cog"],
        "vintages_available": available(),
        "previous_vintage": ref.vintage.previous,
        "epcis_gone_or_renamed": ref.extra("epci-successors").former_code.nunique(),
        "source": f"{manifest['source']} {manifest['source_version']}",
        **({"tables": manifest["tables"]} if "tables" in manifest else {}),
        "checks": manifest.get("checks", {}),
        "schema_version": manifest["schema_version"],
        "built_at": manifest["built_at"],
        "cache_dir": str(ref.folder),
        "file_sizes": {name: entry["bytes"] for name, entry in layers.items()},
        "total_bytes": sum(entry["bytes"] for entry in layers.values()),
        "attribution": manifest["attribution"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geodata", description=(
        "Géographie de référence (régions, départements, EPCI, communes) et listes d'adhérents."))
    parser.add_argument("--vintage", default=None,
                        help=f"millésime de la géographie : {', '.join(available())} (défaut : "
                             f"${VINTAGE_ENV}, sinon {DEFAULT_VINTAGE}) ; pour import, le nom "
                             "du millésime importé (défaut : son année)")
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build", help="construire le cache géographique")
    build_cmd.add_argument("--force", action="store_true", help="reconstruire même s'il est à jour")
    commands.add_parser("info", help="afficher le contenu du cache (JSON)")
    resolve_cmd = commands.add_parser(
        "resolve", help="rapprocher une liste d'adhérents des collectivités officielles")
    resolve_cmd.add_argument("file", type=Path, help="fichier CSV ou Excel (.xlsx)")
    resolve_cmd.add_argument("-o", "--output", type=Path,
                             help="CSV du résultat (défaut : <fichier>-resolu.csv)")
    resolve_cmd.add_argument("--sheet", help="feuille du classeur à lire (défaut : la première "
                             "qui a une colonne de nom)")
    resolve_cmd.add_argument("--corrections", type=Path, metavar="FICHIER",
                             help="fichier de corrections téléchargé du tableau de bord (nom "
                                  "dans la liste -> collectivité, ou ignorée) : appliqué à la "
                                  "liste")
    coverage_cmd = commands.add_parser(
        "coverage", help="population qui vit sur le territoire d'au moins un adhérent, en "
                         "France et par région (ou par département d'une région)")
    coverage_cmd.add_argument("file", type=Path, help="liste d'adhérents (CSV, Excel, ODS)")
    coverage_cmd.add_argument("--region", help="code ou nom d'une région : ses départements")
    coverage_cmd.add_argument("--json", action="store_true", help="écrire du JSON")
    coverage_cmd.add_argument("--sheet", help="feuille du classeur à lire")
    import_cmd = commands.add_parser(
        "import", help="importer la géographie d'une année d'un ADMIN EXPRESS COG de l'IGN "
                       "(GeoPackage) en un nouveau millésime")
    import_cmd.add_argument("files", type=Path, nargs="*", metavar="FICHIER",
                            help="le GeoPackage France entière, ou ceux de chaque territoire")
    import_cmd.add_argument("--cartiflette", type=int, metavar="ANNEE",
                            help="en ligne seulement : la géographie de cette année donnée par "
                                 "cartiflette (le service de géographie du SSP Lab de l'INSEE ; "
                                 "pip install cartiflette==0.4.0), au lieu d'un fichier")
    import_cmd.add_argument("--annee", type=int, metavar="ANNEE",
                            help="année de la géographie (défaut : la date du nom du fichier)")
    import_cmd.add_argument("--vintage", default=argparse.SUPPRESS,
                            help="nom du millésime importé (défaut : son année)")
    import_cmd.add_argument("--force", action="store_true",
                            help="remplacer un millésime déjà importé sous ce nom")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    try:
        if args.command == "import":
            return _import(args)
        if args.vintage:
            use_vintage(args.vintage)
        return _run(args)
    except (UnknownVintageError, SourceMissingError, BuildError, YearTablesError,
            StaleCacheError, CacheDirError) as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1


def _import(args) -> int:
    from .admin_express import AdminExpressError
    from .importing import import_cartiflette, import_files

    if bool(args.files) == bool(args.cartiflette):
        print("Erreur : donnez le ou les fichiers ADMIN EXPRESS COG à importer, ou "
              "--cartiflette ANNEE (en ligne), l'un ou l'autre.", file=sys.stderr)
        return 1
    try:
        if args.cartiflette:
            vintage, manifest = import_cartiflette(args.cartiflette, args.vintage, args.force)
        else:
            vintage, manifest = import_files(args.files, args.vintage, args.annee, args.force)
    except (AdminExpressError, StaleCacheError, CacheDirError) as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    counts = ", ".join(f"{manifest['layers'][name]['rows']} {label}" for name, label in (
        ("regions", "régions"), ("departements", "départements"), ("epcis", "EPCI"),
        ("communes", "communes")))
    print(f"Millésime {vintage.id} ({vintage.cog}) importé de {vintage.imported_from} en "
          f"{manifest['build_seconds']} s : {counts}.")
    cache = f"{CACHE_ENV}={os.environ[CACHE_ENV]} " if os.environ.get(CACHE_ENV) else ""
    print(f"Pour l'utiliser : {cache}{VINTAGE_ENV}={vintage.id} make run, ou --vintage "
          f"{vintage.id} sur les commandes.")
    return 0


def _run(args) -> int:
    if args.command in ("build", "info"):
        try:
            if args.command == "build":
                manifest = get_reference().build(force=args.force)
                print(f"Cache {manifest['cog']} prêt dans {get_reference().folder} (construit "
                      f"le {manifest['built_at']} en {manifest['build_seconds']} s).")
            else:
                print(json.dumps(_info(), indent=2, ensure_ascii=False))
        except (StaleCacheError, CacheDirError) as exc:   # French messages saying what to do
            print(f"Erreur : {exc}", file=sys.stderr)
            return 1
    elif args.command == "resolve":
        return _resolve(args.file, args.output or Path(f"{args.file.stem}-resolu.csv"),
                        args.sheet, args.corrections)
    elif args.command == "coverage":
        return _coverage(args.file, args.region, args.json, args.sheet)
    return 0


def _coverage(path: Path, region_text: str | None, as_json: bool, sheet: str | None) -> int:
    from .coverage import UnknownRegionError, coverage, region_code, share_fr
    from .reading import count_fr, read_members
    from .resolve import resolve_rows

    try:
        region = region_code(region_text)
        table = read_members(path, sheet=sheet)
    except (UnknownRegionError, MemberFileError) as exc:
        print(f"Erreur : {printable(str(exc))}", file=sys.stderr)
        return 1
    resolved = resolve_rows(table.rows)
    figures = coverage(resolved, region)
    vintage = get_reference().vintage
    if as_json:
        print(json.dumps({"list": path.name, "rows": len(resolved), "cog": vintage.cog,
                          "vintage": vintage.id, "scopes": figures.to_dict("records")},
                         indent=2, ensure_ascii=False))
        return 0
    head = figures.iloc[0]
    where = "en France" if region is None else f"en région {head.nom}"
    print(f"« {path.name} » ({len(resolved)} lignes, {head.members} adhérents sur la carte "
          f"{where}, {vintage.cog}) : {count_fr(head.covered)} habitants vivent sur le "
          f"territoire d'au moins un adhérent, sur {count_fr(head.population)} "
          f"({share_fr(head.covered, head.population)}).")
    print("Par région :" if region is None else "Par département :")
    width = max(len(name) for name in figures.nom.iloc[1:])
    for row in figures.iloc[1:].itertuples():
        print(f"  {row.nom:<{width}}  {count_fr(row.covered):>12} / "
              f"{count_fr(row.population):>12}  {share_fr(row.covered, row.population):>7}  "
              f"({row.members} adhérent{'s' if row.members > 1 else ''})")
    unplaced = int((~resolved[S.STATUS].isin(S.MAPPED_STATUSES)).sum())
    if unplaced:
        said = ("1 ligne de la liste n'est pas sur la carte et ne compte pas" if unplaced == 1
                else f"{unplaced} lignes de la liste ne sont pas sur la carte et ne comptent pas")
        print(f"{said} : python -m geodata resolve dit lesquelles.")
    return 0


def _resolve(path: Path, output: Path, sheet: str | None, corrections_path: Path | None) -> int:
    from .corrections import apply_corrections, is_corrections_table, read_corrections
    from .members import summary
    from .reading import read_members
    from .report import report_frame
    from .resolve import resolve_rows

    try:
        table = read_members(path, sheet=sheet)
    except MemberFileError as exc:
        print(f"Erreur : {printable(str(exc))}", file=sys.stderr)
        return 1
    for note in table.notes:   # what was read differently from the file
        print(f"Remarque : {printable(note)}")
    corrections = []
    if corrections_path is not None:
        try:
            sent = read_members(corrections_path)
        except MemberFileError as exc:
            print(f"Erreur : {printable(str(exc))}", file=sys.stderr)
            return 1
        if not is_corrections_table(sent):
            print(f"Erreur : « {corrections_path.name} » n'est pas un fichier de corrections "
                  "(il n'a pas de colonne « Correction ») : donnez celui que le tableau de bord "
                  "télécharge (« Télécharger mes corrections »).", file=sys.stderr)
            return 1
        corrections, notes = read_corrections(sent)
        for note in notes:
            print(f"Remarque : {printable(note)}")
    resolved = resolve_rows(table.rows)
    resolved, corrected = apply_corrections(resolved, corrections)
    from .safe_tables import csv_bytes  # the dashboard's writer: no cell runs as a formula

    try:
        # The same table as the dashboard's "liste rapprochée": French, ';', UTF-8 with BOM.
        output.write_bytes(csv_bytes(report_frame(resolved)))
    except OSError as exc:
        print(f"Erreur : impossible d'écrire « {output} » ({exc.strerror}). "
              "Choisissez un autre fichier avec -o.", file=sys.stderr)
        return 1
    counts = summary(resolved)
    print(f"{len(resolved)} lignes lues dans « {path.name} » :")
    if corrections_path is not None:
        print(f"  corrigées d'après « {corrections_path.name} » : {corrected}")
    for status, n in counts["status"].items():
        print(f"  {S.STATUS_LABELS[status]:<24} {n}")
    print(f"  à traiter par une personne : {int(S.needs_person(resolved).sum())}")
    print("Sur la carte, par type :")
    for kind, n in counts["kind"].items():
        print(f"  {KIND_LABELS[kind]:<28} {n}")
    print(f"Résultat complet : {output}")
    return 0


# What a file may hold that a terminal would obey rather than show: control characters (an
# escape sequence may clear the screen or set the window's title) and the marks that turn
# the direction of the text.
_HIDDEN = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Text taken from a file (a note, a message quoting its cells) as it may be printed to a
    terminal: what it would obey, line breaks excepted, written as an escape ('\\x1b')."""
    return _HIDDEN.sub(lambda hidden: hidden.group().encode("unicode_escape").decode(), text)


if __name__ == "__main__":
    sys.exit(main())
