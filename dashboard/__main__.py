"""Command line: python -m dashboard export|publish [options].

Examples:
  python -m dashboard export --region "Hauts-de-France" --format pdf --size a4 -o hdf.pdf
  python -m dashboard export --members adherents.xlsx --types commune,metropole -o carte.png
  python -m dashboard export --all-regions cartes/ --format svg
  python -m dashboard export --atlas atlas.pdf --size a4-portrait --coverage
  python -m dashboard publish --members adherents.xlsx -o site/carte --columns "Élu référent"

Every refusal is a French message on stderr ("Erreur : …") and exit code 1. No file is
replaced without --force, and none is written half or empty.
"""

import argparse
import errno
import os
import sys
from datetime import date
from pathlib import Path

from geodata import schema as S
from geodata.columns import column_colouring, column_headers, listed_header
from geodata.coverage import UnknownRegionError, region_code
from geodata.kinds import KINDS
from geodata.members import resolve_members, sample_members
from geodata.names import kind_from_words, normalize
from geodata.reading import MemberFileError
from geodata.vintages import DEFAULT_VINTAGE, VINTAGE_ENV, UnknownVintageError, use_vintage

from .atlas import atlas_pdf, pages_said
from .export import (
    DEFAULT_DPI,
    FORMATS,
    SIZES,
    ExportError,
    canvas,
    check_dpi,
    export_map,
    max_dpi,
    require_chromium,
)
from .figures import map_figure
from .labels import DEFAULT_TITLE, selection_file_name
from .publish import (
    EMBEDS,
    INDEX,
    NO_URL,
    PublishError,
    check_url,
    embed_code,
    publication,
    write_folder,
)
from .selection import select
from .state import DEFAULT_MODE, MAP_MODES, FilterState

# A command in its messages: (what failed, what was interrupted).
WHAT = {"export": ("l'export", "export interrompu"),
        "publish": ("la publication", "publication interrompue")}


class UsageError(Exception):
    """A wrong option value; str() is the French message."""


class _Parser(argparse.ArgumentParser):
    """argparse refusing like the rest of the command: "Erreur : …" and exit code 1."""

    def error(self, message):
        self.exit(1, f"Erreur : ligne de commande incorrecte ({message}). "
                     f"Aide : {self.prog} --help\n")


def parse_region(text: str | None) -> str | None:
    """An INSEE région code from a code or a name ('32', 'Hauts-de-France', 'hauts de france')."""
    try:
        return region_code(text)
    except UnknownRegionError as exc:
        raise UsageError(str(exc)) from None


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
    if not kinds:
        raise UsageError(f"--types ne nomme aucun type. Types possibles : {', '.join(KINDS)}.")
    return tuple(k for k in KINDS if k in kinds)


def parse_choice(text: str, choices, option: str) -> str:
    if text.lower() not in choices:
        raise UsageError(f"{option} « {text} » : valeur inconnue. Valeurs possibles : "
                         f"{', '.join(choices)}.")
    return text.lower()


VALUES_SAID = 10   # values of a column a refusal names


def parse_colouring(members, header: str | None, values: list[str] | None) -> dict:
    """{colour_by, values} of a FilterState from --colour-by and --value, checked against the
    list: a column or a value it does not have is refused, naming those it has."""
    if not header:
        if values:
            raise UsageError("--value garde des valeurs d'une colonne : choisissez-la avec "
                             "--colour-by.")
        return {}
    headers = column_headers(members)
    colouring = column_colouring(members, listed_header(members, header) or header)
    if colouring is None:
        raise UsageError(f"la liste n'a pas de colonne « {header} » ; "
                         + (f"ses colonnes : {', '.join(headers)}." if headers else
                            "elle n'a pas de colonne à elle en plus du nom et du type."))
    # A value as the person types it: « oui » is « Oui ».
    labels = {normalize(label): label for label in colouring.labels}
    unknown = [value for value in values or () if normalize(value) not in labels]
    if unknown:
        said = ", ".join(colouring.labels[:VALUES_SAID])
        if len(colouring.labels) > VALUES_SAID:
            said += f"… ({len(colouring.labels)} valeurs)"
        raise UsageError(f"la colonne « {colouring.header} » n'a pas la valeur "
                         f"« {unknown[0]} » ; ses valeurs : {said}.")
    return {"colour_by": colouring.header,
            "values": tuple(labels[normalize(value)] for value in values or ())}


def parse_dpi(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise UsageError(f"résolution « {text} » : un nombre entier de dpi est attendu "
                         "(par exemple --dpi 300).") from None


def parse_format(text: str | None, output: Path | None) -> str:
    """The format asked for, else the one of -o's extension, else png; it must agree with -o."""
    if output and output.is_dir():
        raise UsageError(f"« {output} » est un dossier : indiquez un nom de fichier, par exemple "
                         f"-o {output / 'carte.png'}.")
    extension = output.suffix.lstrip(".").lower() if output else ""
    fmt = parse_choice(text, FORMATS, "--format") if text else None
    fmt = fmt or (extension if extension in FORMATS else "png")
    if output and extension != fmt:
        # Never PNG bytes in a .pdf: the file would not open, or open in the wrong program.
        fix = f"nommez-le « {output.with_suffix('.' + fmt)} »"
        fix += (f" ou demandez --format {extension}" if extension in FORMATS
                else f" (formats possibles : {', '.join(FORMATS)})")
        raise UsageError(f"le fichier « {output} » n'a pas l'extension .{fmt} d'un export "
                         f"{fmt.upper()} : {fix}.")
    return fmt


# The reasons people understand, for the errors a chosen path most often meets.
_WRITE_ERRORS = {
    errno.EACCES: "droits insuffisants",
    errno.EPERM: "droits insuffisants",
    errno.EROFS: "support en lecture seule",
    errno.ENOSPC: "disque plein",
    errno.ENOENT: "dossier introuvable",
    errno.EISDIR: "c'est un dossier",
    errno.ENOTDIR: "un élément du chemin est un fichier, pas un dossier",
    errno.EEXIST: "un élément du chemin est un fichier, pas un dossier",
}


def _cannot_write(path: Path, exc: OSError, hint: str) -> UsageError:
    reason = _WRITE_ERRORS.get(exc.errno, exc.strerror or str(exc))
    return UsageError(f"impossible d'écrire « {path} » ({reason}) : {hint}")


def check_outputs(paths: list[Path], force: bool, hint: str) -> None:
    """Before any rendering: refuse to replace files without --force, make their folder."""
    existing = [p for p in paths if p.exists()]
    if existing and not force:
        names = ", ".join(f"« {p} »" for p in existing[:5]) + (" …" if len(existing) > 5 else "")
        if len(existing) == 1:
            said = f"le fichier {names} existe déjà"
        else:
            said = f"{len(existing)} fichiers existent déjà : {names}"
        raise UsageError(f"{said}. Ajoutez --force pour remplacer, ou {hint}")
    for path in paths:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _cannot_write(path, exc, hint) from exc


def _write(path: Path, data: bytes, force: bool, hint: str) -> None:
    """Write through a temporary file moved into place: a failed write leaves no half file."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        if path.exists() and not force:  # appeared while rendering
            raise UsageError(f"le fichier « {path} » existe déjà. Ajoutez --force pour "
                             f"remplacer, ou {hint}")
        with open(temporary, "xb") as file:
            file.write(data)
        os.replace(temporary, path)
    except OSError as exc:
        raise _cannot_write(path, exc, hint) from exc
    finally:
        temporary.unlink(missing_ok=True)


def export_one(members, state: FilterState, fmt: str, size: str, dpi: int, table: bool,
               output: Path, force: bool = False,
               hint: str = "choisissez un autre nom avec -o.", sample: bool = False) -> Path:
    figure = map_figure(members, state, sample=sample, canvas=canvas(size))
    shown = select(members, state)
    # export_map checks the bytes (signature, size) before anything is written.
    data = export_map(figure, fmt, size, dpi, members=shown if table and fmt == "pdf" else None)
    _write(output, data, force, hint)
    return output


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m dashboard",
                     description="Cartes des adhérents, hors connexion.")
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="exporter la carte en PNG, SVG ou PDF")
    export.add_argument("--region", help="code ou nom de la région (défaut : France entière)")
    export.add_argument("--types", help="types à montrer, séparés par des virgules "
                                        f"({', '.join(KINDS)})")
    # format, size and dpi are checked by _export, to refuse in French.
    export.add_argument("--format", default=None,
                        help="png, svg ou pdf (défaut : d'après l'extension de -o, sinon png)")
    export.add_argument("--size", default="a4",
                        help=f"{', '.join(SIZES)} (défaut : a4, paysage)")
    export.add_argument("--dpi", default=str(DEFAULT_DPI),
                        help=f"résolution des PNG imprimables (défaut : {DEFAULT_DPI} ; au plus "
                             f"{max_dpi('a4')} en A4, {max_dpi('a3')} en A3)")
    export.add_argument("--table", action="store_true",
                        help="PDF : ajouter la liste des adhérents après la carte")
    export.add_argument("--mode", default=DEFAULT_MODE,
                        help=f"ce que montre la carte : {', '.join(MAP_MODES)} (défaut : "
                             f"{DEFAULT_MODE} ; territoire : le territoire des "
                             "intercommunalités et communes adhérentes ombré)")
    export.add_argument("--coverage", action="store_true",
                        help="dire dans le sous-titre la population couverte (habitants dans le "
                             "territoire d'au moins un adhérent montré)")
    export.add_argument("--colour-by", metavar="COLONNE",
                        help="colorier les adhérents selon une colonne de la liste (ex. « Élu "
                             "référent », « Année d'adhésion ») ; les types gardent leur forme")
    export.add_argument("--value", action="append", metavar="VALEUR",
                        help="avec --colour-by : ne garder que les adhérents de cette valeur "
                             "(à répéter pour plusieurs valeurs)")
    export.add_argument("-o", "--output", type=Path, help="fichier à écrire")
    export.add_argument("--all-regions", type=Path, metavar="OUTDIR",
                        help="écrire la carte nationale et une carte par région ayant des "
                             "adhérents dans OUTDIR")
    export.add_argument("--atlas", type=Path, metavar="FICHIER.pdf",
                        help="écrire un seul PDF : la carte nationale puis une page par région "
                             "ayant des adhérents")
    export.add_argument("--force", action="store_true",
                        help="remplacer les fichiers qui existent déjà")
    publish = commands.add_parser(
        "publish", help="publier la carte en pages web autonomes (un dossier à copier sur un "
                        "site, ou à ouvrir depuis le disque)")
    publish.add_argument("-o", "--output", type=Path, required=True, metavar="DOSSIER",
                         help="dossier où écrire les pages (créé s'il n'existe pas)")
    publish.add_argument("--title", default=DEFAULT_TITLE,
                         help=f"titre des pages (défaut : « {DEFAULT_TITLE} » ; par exemple "
                              "« Les collectivités adhérentes au RTES »)")
    publish.add_argument("--columns", action="append", metavar="COLONNE",
                         help="colonne de la liste à montrer dans le tableau et les "
                              "infobulles (à répéter ; aucune par défaut : les autres colonnes "
                              "ne sont pas publiées)")
    publish.add_argument("--url", default="",
                         help="adresse où le dossier sera en ligne (ex. https://www.rtes.fr/"
                              "carte/), pour le code d'intégration")
    publish.add_argument("--force", action="store_true",
                         help="remplacer les pages qui existent déjà dans le dossier")
    for command in (export, publish):
        command.add_argument("--members", type=Path, help="liste d'adhérents CSV ou Excel "
                                                          "(défaut : l'échantillon embarqué)")
        command.add_argument("--vintage", help=f"millésime de la géographie (défaut : "
                                               f"${VINTAGE_ENV}, sinon {DEFAULT_VINTAGE})")
    args = parser.parse_args(argv)

    try:
        if args.vintage:
            use_vintage(args.vintage)
        return _publish(args) if args.command == "publish" else _export(args)
    except (UsageError, ExportError, MemberFileError, UnknownVintageError,
            PublishError) as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
    except KeyboardInterrupt:
        print(f"Erreur : {WHAT[args.command][1]}.", file=sys.stderr)
    except Exception as exc:  # kaleido, Chromium, the system: words, never a traceback
        print(f"Erreur : {WHAT[args.command][0]} a échoué ({type(exc).__name__} : {exc}).",
              file=sys.stderr)
    return 1


def _export(args) -> int:
    # Every cheap check first: nothing is rendered for a command that will be refused.
    if args.all_regions and args.output:
        raise UsageError("-o et --all-regions s'excluent : --all-regions écrit une carte par "
                         "région dans son dossier, nommée d'après la région.")
    if args.atlas:
        return _atlas(args)
    region = parse_region(args.region)
    kinds = parse_types(args.types)
    mode = parse_choice(args.mode, list(MAP_MODES), "--mode")
    size = parse_choice(args.size, list(SIZES), "--size")
    fmt = parse_format(args.format, args.output)
    dpi = parse_dpi(args.dpi)
    check_dpi(dpi, size if fmt == "png" else None)
    require_chromium()
    members = resolve_members(args.members) if args.members else sample_members()
    colouring = parse_colouring(members, args.colour_by, args.value)
    today = date.today()

    if args.all_regions:
        # The régions with members the filters keep (kinds, values of a column).
        kept = select(members, FilterState(kinds=kinds, **colouring))
        regions = [None] + sorted(set(kept[S.REGION]) - {""})
        states = [FilterState(region=code, kinds=kinds, coverage=args.coverage, mode=mode,
                              **colouring) for code in regions]
        paths = [args.all_regions / selection_file_name(state, fmt, today, size)
                 for state in states]
        hint = "choisissez un autre dossier."
    else:
        states = [FilterState(region=region, kinds=kinds, coverage=args.coverage, mode=mode,
                              **colouring)]
        paths = [args.output or Path(selection_file_name(states[0], fmt, today, size))]
        hint = "choisissez un autre nom avec -o."
    check_outputs(paths, args.force, hint)

    for state, path in zip(states, paths):
        export_one(members, state, fmt, size, dpi, args.table, path, args.force, hint,
                   sample=not args.members)
        print(f"écrit : {path}")
    if args.all_regions:
        print(f"{len(paths)} cartes écrites dans {args.all_regions}.")
    return 0


def _atlas(args) -> int:
    """--atlas FILE.pdf: the national map and a page per région with members, in one PDF."""
    if args.output or args.all_regions or args.region or args.table:
        raise UsageError("--atlas couvre la France et ses régions, en cartes seulement : il ne "
                         "se combine pas avec -o, --all-regions, --region ni --table.")
    if args.format and args.format.lower() != "pdf":
        raise UsageError(f"l'atlas est un PDF : retirez --format {args.format}.")
    if args.atlas.suffix.lower() != ".pdf":
        raise UsageError(f"l'atlas est un PDF : nommez le fichier « "
                         f"{args.atlas.with_suffix('.pdf')} ».")
    kinds = parse_types(args.types)
    mode = parse_choice(args.mode, list(MAP_MODES), "--mode")
    size = parse_choice(args.size, list(SIZES), "--size")
    hint = "choisissez un autre nom de fichier."
    check_outputs([args.atlas], args.force, hint)
    require_chromium()
    members = resolve_members(args.members) if args.members else sample_members()
    state = FilterState(kinds=kinds, coverage=args.coverage, mode=mode,
                        **parse_colouring(members, args.colour_by, args.value))
    data, pages = atlas_pdf(members, state, size, sample=not args.members)
    _write(args.atlas, data, args.force, hint)
    print(f"écrit : {args.atlas} ({pages_said(pages)})")
    return 0


def _publish(args) -> int:
    """publish -o DIR: the national page and one per région with members, the embed codes."""
    url = check_url(args.url)
    if args.output.exists() and not args.output.is_dir():
        raise UsageError(f"« {args.output} » est un fichier : indiquez un dossier avec -o.")
    members = resolve_members(args.members) if args.members else sample_members()
    published = publication(members, sample=not args.members, title=args.title,
                            columns=args.columns, url=url)
    hint = "choisissez un autre dossier avec -o."
    check_outputs([args.output / name for name in published.files], args.force, hint)
    removed = write_folder(published.files, args.output,
                           lambda path, body: _write(path, body, force=True, hint=hint))
    print(f"Publié dans {args.output} : {published.said()}")
    if removed:
        print(f"{len(removed)} fichiers de la publication précédente retirés (pages et fonds "
              "qui n'en font plus partie).")
    print(f"Ouvrez {args.output / INDEX} dans un navigateur. Code d'intégration de chaque "
          f"page : {args.output / EMBEDS}. Celui de la carte nationale :")
    print(embed_code(published.pages[0], url))
    if not url:
        print(NO_URL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
