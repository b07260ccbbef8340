"""Command line: python -m geodata build [--force] | info | resolve FILE [-o OUT.csv]."""

import argparse
import json
import logging
import sys
from pathlib import Path

from . import cache as cache_store
from . import schema as S
from .levels import KIND_LABELS
from .reading import MemberFileError
from .reference import build


def _info() -> dict:
    manifest = build()
    folder = cache_store.cache_dir()
    layers = manifest["layers"]
    return {
        "regions": layers["regions"]["rows"],
        "departements": layers["departements"]["rows"],
        "epcis": layers["epcis"]["rows"],
        "communes": layers["communes"]["rows"],
        "vintage": manifest["vintage"],
        "source": f"{manifest['source']} {manifest['source_version']}",
        "schema_version": manifest["schema_version"],
        "built_at": manifest["built_at"],
        "cache_dir": str(folder),
        "file_sizes": {name: entry["bytes"] for name, entry in layers.items()},
        "total_bytes": sum(entry["bytes"] for entry in layers.values()),
        "attribution": manifest["attribution"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geodata", description=(
        "Géographie de référence (régions, départements, EPCI, communes) et listes d'adhérents."))
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build", help="construire le cache géographique")
    build_cmd.add_argument("--force", action="store_true", help="reconstruire même s'il est à jour")
    commands.add_parser("info", help="afficher le contenu du cache (JSON)")
    resolve_cmd = commands.add_parser(
        "resolve", help="rapprocher une liste d'adhérents des collectivités officielles")
    resolve_cmd.add_argument("file", type=Path, help="fichier CSV ou Excel (.xlsx)")
    resolve_cmd.add_argument("-o", "--output", type=Path,
                             help="CSV du résultat (défaut : <fichier>-resolu.csv)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)

    if args.command == "build":
        manifest = build(force=args.force)
        print(f"Cache prêt dans {cache_store.cache_dir()} "
              f"(construit le {manifest['built_at']} en {manifest['build_seconds']} s).")
    elif args.command == "info":
        print(json.dumps(_info(), indent=2, ensure_ascii=False))
    elif args.command == "resolve":
        return _resolve(args.file, args.output or Path(f"{args.file.stem}-resolu.csv"))
    return 0


def _resolve(path: Path, output: Path) -> int:
    from .members import resolve_members, summary

    try:
        resolved = resolve_members(path)
    except MemberFileError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    try:
        resolved.to_csv(output, index=False, encoding="utf-8")
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
