"""Import a year of the official geography into a new vintage of the cache (python -m geodata
import): IGN's ADMIN EXPRESS COG files, read by geodata.admin_express, built and checked like
a built-in vintage (geodata.build, geodata.checks), with the successors of the previous
vintage's EPCIs. The vintage is then chosen like any other ($GEODATA_VINTAGE, --vintage).
"""

import hashlib
import time
from pathlib import Path

import pandas as pd

from . import cache as cache_store
from . import reference, successors
from .admin_express import AdminExpressError, layer_names, read_layers, to_tables, year_of
from .build import build_from
from .levels import COMMUNE, DEPARTEMENT, EPCI, EPT, REGION
from .vintages import VINTAGES, Vintage, known_vintages

SOURCE = "IGN ADMIN EXPRESS COG"
PRODUCERS = "IGN ADMIN EXPRESS"


def _digest(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        with open(path, "rb") as stream:
            digest.update(hashlib.file_digest(stream, "sha256").digest())
    return digest.hexdigest()[:16]


def _previous(year: int, vintage_id: str) -> str:
    """The newest vintage before that year (built-in or imported), '' when none."""
    older = [v for v in known_vintages().values() if v.year < year and v.id != vintage_id]
    return max(older, key=lambda v: v.year).id if older else ""


def vintage_id_for(year: int, wanted: str | None) -> str:
    """The id of the vintage an import makes: wanted, else the year, else '<year>-ign' when
    a built-in vintage has that year already. A built-in vintage is never replaced."""
    vintage_id = wanted or (str(year) if str(year) not in VINTAGES else f"{year}-ign")
    if vintage_id in VINTAGES:
        raise AdminExpressError(
            f"Le millésime {vintage_id} est livré avec l'application et ne peut pas être "
            f"remplacé : choisissez un autre nom avec --vintage (par exemple {year}-ign).")
    if not vintage_id.replace("-", "").replace("_", "").isalnum():
        raise AdminExpressError(
            f"« {vintage_id} » ne peut pas nommer un millésime : lettres, chiffres et tirets "
            "seulement (par exemple 2027).")
    return vintage_id


def import_files(paths: list[Path], vintage_id: str | None = None, year: int | None = None,
                 force: bool = False) -> tuple[Vintage, dict]:
    """Build the vintage of these files into the cache; (its record, its manifest).

    AdminExpressError when the files cannot be read as ADMIN EXPRESS COG, or the vintage
    exists already (unless force); BuildError when the geography fails the checks.
    """
    for path in paths:
        if path.is_dir():
            raise AdminExpressError(f"« {path} » est un dossier : donnez le ou les fichiers "
                                    ".gpkg qu'il contient.")
        if not path.is_file():
            raise AdminExpressError(f"Le fichier « {path} » n'existe pas.")
        layer_names(path)   # a file that is no GeoPackage is said so first
    year = year or year_of(paths)
    if year is None:
        raise AdminExpressError(
            "L'année de cette géographie ne se lit pas dans le nom du fichier (comme "
            "« …_2027-01-01.gpkg ») : donnez-la avec --annee 2027.")
    return _import(lambda: read_layers(paths), year, vintage_id, force,
                   ", ".join(path.name for path in paths), _digest(paths))


def import_cartiflette(year: int, vintage_id: str | None = None,
                       force: bool = False) -> tuple[Vintage, dict]:
    """import_files() of the geography cartiflette gives for that year (online only)."""
    from .cartiflette_source import SOURCE_NAME, download

    return _import(lambda: download(year), year, vintage_id, force,
                   SOURCE_NAME.format(year=year), f"cartiflette-{year}")


def _import(read, year: int, vintage_id: str | None, force: bool, origin: str,
            digest: str) -> tuple[Vintage, dict]:
    """The import of the layers read() gives (geodata.admin_express's), once the cheap
    checks are passed."""
    vintage_id = vintage_id_for(year, vintage_id)
    if not force and vintage_id in cache_store.imported_vintages():
        raise AdminExpressError(
            f"Le millésime {vintage_id} a déjà été importé : ajoutez --force pour le "
            "remplacer, ou choisissez un autre nom avec --vintage.")
    if cache_store.use_writable_root():   # a temporary folder: the vintage would be lost
        raise AdminExpressError(
            f"Le dossier du cache géographique ne peut pas être écrit : un millésime importé "
            f"doit y être gardé. Choisissez-en un avec la variable {cache_store.CACHE_ENV}.")
    started = time.perf_counter()
    previous_id = _previous(year, vintage_id)
    before = reference.get_reference(previous_id) if previous_id else None
    tables = to_tables(read(), *_carried_over(before))
    _check_whole_france(tables, before)
    _name_unnamed_epcis(tables.epcis, before)
    vintage = Vintage(
        vintage_id, year, SOURCE, digest, counts={
            REGION: len(tables.regions), DEPARTEMENT: len(tables.departements),
            EPCI: len(tables.epcis), COMMUNE: len(tables.communes),
            EPT: tables.epts.ept_siren.nunique()},
        previous=previous_id, imported_from=origin, producers=PRODUCERS)
    previous = successors.membership_of_layers(before.table(COMMUNE), before.table(EPCI)) \
        if before else None
    layers, report = build_from(tables, vintage, previous)
    manifest = cache_store.write(layers, cache_store.vintage_dir(vintage), vintage,
                                 time.perf_counter() - started, report)
    reference.forget(vintage_id)   # a Reference of an earlier import of that id
    return vintage, manifest


def _check_whole_france(tables, before: "reference.Reference | None") -> None:
    """The files hold every département of the previous vintage (a territory's file alone,
    metropolitan France without the overseas départements, is not a geography of France)."""
    if before is None:
        return
    names = before.names(DEPARTEMENT)
    missing = sorted(set(names) - set(tables.communes.departement))
    if missing:
        listed = ", ".join(f"{code} {names[code]}" for code in missing[:6])
        raise AdminExpressError(
            f"Ces fichiers ne couvrent pas toute la France : {len(missing)} départements n'y "
            f"ont pas de communes ({listed}{' …' if len(missing) > 6 else ''}). Donnez le "
            "GeoPackage France entière, ou ceux de chaque territoire ensemble (la métropole et "
            "chaque département d'outre-mer).")


def _name_unnamed_epcis(epcis: pd.DataFrame, before: "reference.Reference | None") -> None:
    """A source that gives no EPCI names (cartiflette, some years) names them by their SIREN:
    the previous vintage's name of that SIREN, else 'EPCI <SIREN>'."""
    unnamed = epcis.nom.isin(["", *epcis.code])
    if unnamed.any():
        known = before.names(EPCI) if before else {}
        epcis.loc[unnamed, "nom"] = epcis.code[unnamed].map(
            lambda code: known.get(code, f"EPCI {code}"))


def _carried_over(before: "reference.Reference | None") -> tuple[dict, pd.DataFrame]:
    """What the IGN file has not and the previous vintage has: the INSEE articles of the
    départements and régions ('le Nord'), and the former communes when the file has not
    that layer."""
    if before is None:
        return {}, pd.DataFrame(columns=["code", "nom", "type", "parent", "point"])
    articles = {level: dict(zip(before.table(level).code, before.table(level).article))
                for level in (DEPARTEMENT, REGION)}
    former = before.extra("former-communes")
    return articles, pd.DataFrame({
        "code": former.code.values, "nom": former.nom.values, "type": former["type"].values,
        "parent": former.parent.values, "point": former.geometry.values})
