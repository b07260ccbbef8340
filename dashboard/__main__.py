"""Command line: python -m dashboard export [options].

Examples:
  python -m dashboard export --region "Hauts-de-France" --format pdf --size a4 -o hdf.pdf
  python -m dashboard export --members adherents.xlsx --types commune,metropole -o carte.png
  python -m dashboard export --all-regions cartes/ --format svg
"""

import argparse
import sys
from datetime import date
from pathlib import Path

from geodata import schema as S
from geodata.kinds import KINDS
from geodata.members import resolve_members, sample_members
from geodata.names import key, kind_from_words
from geodata.reading import MemberFileError

from .export import DEFAULT_DPI, FORMATS, SIZES, ExportError, export_map, require_chromium
from .figures import map_figure
from .labels import selection_file_name
from .names import region_names
from .selection import select
from .state import FilterState


class UsageError(Exception):
    """A wrong option value; str() is the French message."""


def parse_region(text: str | None) -> str | None:
    """An INSEE région code from a code or a name ('32', 'Hauts-de-France', 'hauts de france')."""
    if not text or key(text) in ("france", "france entiere"):
        return None
    names = region_names()
    if text.strip() in names:
        return text.strip()
    by_key = {key(name): code for code, name in names.items()}
    if key(text) in by_key:
        return by_key[key(text)]
    choices = ", ".join(f"{name} ({code})" for code, name in sorted(names.items()))
    raise UsageError(f"région inconnue « {text} ». Régions possibles : {choices}.")


def parse_types(text: str | None) -> tuple[str, ...]:
    if not text:
        return KINDS
    kinds = []
    for word in filter(None, (w.strip() for w in text.split(","))):
        kind = word if word in KINDS else kind_from_words(word)
        if kind is None:
            choices = ", ".join(KINDS)
            raise UsageError(f"type inconnu « {word} ». Types possibles : {choices}.")
        kinds.append(kind)
    return tuple(k for k in KINDS if k in kinds)


def _write(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        raise UsageError(f"impossible d'écrire « {path} » ({exc.strerror}). "
                         "Choisissez un autre chemin avec -o.") from exc


def export_one(members, state: FilterState, fmt: str, size: str, dpi: int, table: bool,
               output: Path) -> Path:
    figure = map_figure(members, state)
    shown = select(members, state)
    data = export_map(figure, fmt, size, dpi, members=shown if table and fmt == "pdf" else None)
    _write(output, data)
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard",
                                     description="Cartes des adhérents, hors connexion.")
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="exporter la carte en PNG, SVG ou PDF")
    export.add_argument("--members", type=Path,
                        help="liste d'adhérents CSV ou Excel (défaut : l'échantillon embarqué)")
    export.add_argument("--region", help="code ou nom de la région (défaut : France entière)")
    export.add_argument("--types", help="types à montrer, séparés par des virgules "
                                        f"({', '.join(KINDS)})")
    export.add_argument("--format", choices=FORMATS, default=None,
                        help="png, svg ou pdf (défaut : d'après l'extension de -o, sinon png)")
    export.add_argument("--size", choices=list(SIZES), default="a4",
                        help="screen, a4 ou a3 (paysage ; défaut : a4)")
    export.add_argument("--dpi", type=int, default=DEFAULT_DPI,
                        help="résolution des PNG imprimables (défaut : 300)")
    export.add_argument("--table", action="store_true",
                        help="PDF : ajouter la liste des adhérents après la carte")
    export.add_argument("-o", "--output", type=Path, help="fichier à écrire")
    export.add_argument("--all-regions", type=Path, metavar="OUTDIR",
                        help="écrire la carte nationale et une carte par région ayant des "
                             "adhérents dans OUTDIR")
    args = parser.parse_args(argv)

    try:
        return _export(args)
    except (UsageError, ExportError, MemberFileError) as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1


def _export(args) -> int:
    region = parse_region(args.region)
    kinds = parse_types(args.types)
    fmt = args.format or (args.output.suffix.lstrip(".").lower() if args.output and
                          args.output.suffix.lstrip(".").lower() in FORMATS else "png")
    if not 30 <= args.dpi <= 1200:
        raise UsageError(f"résolution {args.dpi} dpi hors limites (30 à 1200).")
    require_chromium()
    members = resolve_members(args.members) if args.members else sample_members()
    today = date.today()

    if args.all_regions:
        mapped = members[members[S.STATUS].isin(S.MAPPED_STATUSES)]
        regions = [None] + sorted(set(mapped[mapped[S.KIND].isin(kinds)][S.REGION]) - {""})
        for code in regions:
            state = FilterState(region=code, kinds=kinds)
            path = args.all_regions / selection_file_name(state, fmt, today)
            export_one(members, state, fmt, args.size, args.dpi, args.table, path)
            print(f"écrit : {path}")
        print(f"{len(regions)} cartes écrites dans {args.all_regions}.")
        return 0

    state = FilterState(region=region, kinds=kinds)
    output = args.output or Path(selection_file_name(state, fmt, today))
    export_one(members, state, fmt, args.size, args.dpi, args.table, output)
    print(f"écrit : {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
