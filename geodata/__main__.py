"""Command line: python -m geodata [--vintage V] build [--force] | info
| resolve FILE [-o OUT] [--sheet SHEET]."""

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from . import schema as S
from .build import BuildError
from .cache import CacheDirError, StaleCacheError
from .kinds import KIND_LABELS
from .reading import MemberFileError
from .reference import get_reference
from .source import SourceMissingError
from .vintages import DEFAULT_VINTAGE, VINTAGE_ENV, VINTAGES, UnknownVintageError


def _info() -> dict:
    ref = get_reference()
    manifest = ref.build()
    layers = manifest["layers"]
    return {
        "regions": layers["regions"]["rows"],
        "departements": layers["departements"]["rows"],
        "epcis": layers["epcis"]["rows"],
        "communes": layers["communes"]["rows"],
        "vintage": manifest["vintage"],
        "cog": manifest["cog"],
        "vintages_available": list(VINTAGES),
        "source": f"{manifest['source']} {manifest['source_version']}",
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
    parser.add_argument("--vintage", choices=list(VINTAGES), default=None,
                        help=f"millésime de la géographie (défaut : ${VINTAGE_ENV}, "
                             f"sinon {DEFAULT_VINTAGE})")
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
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    if args.vintage:
        os.environ[VINTAGE_ENV] = args.vintage
    try:
        return _run(args)
    except (UnknownVintageError, SourceMissingError, BuildError) as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1


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
                        args.sheet)
    return 0


def _resolve(path: Path, output: Path, sheet: str | None) -> int:
    from .members import summary
    from .reading import read_members
    from .resolve import resolve_rows

    try:
        table = read_members(path, sheet=sheet)
    except MemberFileError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    for note in table.notes:   # what was read differently from the file
        print(f"Remarque : {note}")
    resolved = resolve_rows(table.rows)
    from .safe_tables import csv_bytes  # the dashboard's writer: no cell runs as a formula

    try:
        # The same table as the dashboard's "liste rapprochée": French, ';', UTF-8 with BOM.
        output.write_bytes(csv_bytes(S.report_frame(resolved)))
    except OSError as exc:
        print(f"Erreur : impossible d'écrire « {output} » ({exc.strerror}). "
              "Choisissez un autre fichier avec -o.", file=sys.stderr)
        return 1
    counts = summary(resolved)
    print(f"{len(resolved)} lignes lues dans « {path.name} » :")
    for status, n in counts["status"].items():
        print(f"  {S.STATUS_LABELS[status]:<24} {n}")
    print("Sur la carte, par type :")
    for kind, n in counts["kind"].items():
        print(f"  {KIND_LABELS[kind]:<28} {n}")
    print(f"Résultat complet : {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
