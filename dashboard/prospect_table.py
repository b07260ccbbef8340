"""The collectivités a région or département view could still win (geodata.prospects), as the
dashboard shows them: filtered by kind and population, in French columns, for the grid, the
downloads and the map's "Non adhérentes" mode.

    table = view_prospects(members, "32", None)      # every prospect of the view, ranked
    shown = kept(table, state)                       # the kinds and least population chosen
"""

from datetime import date

import pandas as pd

from geodata import memoized
from geodata import schema as S
from geodata.kinds import KIND_LABELS_SINGULAR, KINDS
from geodata.prospects import prospects

from .labels import departement_name, format_population, region_name, slug
from .selection import select, year_in_effect
from .state import FilterState

MAX_MIN_POPULATION = 10_000_000
RELATION = {(True, True): "Territoire en partie couvert",
            (True, False): "Territoire en partie couvert",
            (False, True): "Touche le territoire d'un adhérent", (False, False): ""}
# id, French header, relative width, numeric
COLUMNS = (("rang", "Rang", 0.6, True), ("nom", "Collectivité", 3, False),
           ("type", "Type", 2, False), ("code", "Code officiel", 1.2, False),
           ("departement", "Département", 1.5, False), ("population", "Population", 1.1, True),
           ("lien", "Lien avec le réseau", 2.2, False))


@memoized(maxsize=32)
def _prospects_of(units: tuple, region: str | None, departement: str | None) -> pd.DataFrame:
    members = pd.DataFrame(list(units), columns=[S.LEVEL, S.CODE]).assign(
        **{S.STATUS: S.MATCHED})
    return prospects(members, region, departement)


def view_prospects(members: pd.DataFrame, region: str | None,
                   departement: str | None) -> pd.DataFrame | None:
    """The prospects of a région or département view, ranked (None for France entière: they
    are listed for a région or a département). Kept for the last lists and views asked."""
    if not region and not departement:
        return None
    drawn = members[members[S.STATUS].isin(S.MAPPED_STATUSES) & (members[S.LEVEL] != "")]
    units = tuple(sorted(set(zip(drawn[S.LEVEL], drawn[S.CODE], strict=True))))
    return _prospects_of(units, region, departement)


def prospect_kinds(value) -> tuple[str, ...]:
    """The kinds ticked in the prospects' filter (a value from the browser: anything else reads
    as none)."""
    return tuple(k for k in KINDS if isinstance(value, list | tuple) and k in value)


def least_population(value) -> int:
    """The least population asked for (a value from the browser: anything else reads as no
    minimum)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value == value:
        return int(min(max(value, 0), MAX_MIN_POPULATION))   # NaN and below 0: no minimum
    return 0


def kept(table: pd.DataFrame, state: FilterState) -> pd.DataFrame:
    """The prospects of the kinds and least population of a filter state."""
    return table[table.kind.isin(state.prospect_kinds)
                 & (table.population >= state.prospect_min)]


def state_prospects(members: pd.DataFrame, state: FilterState) -> pd.DataFrame | None:
    """Every prospect of a filter state's view (None for France entière): with a year, those
    not yet members at the end of it."""
    year = year_in_effect(members, state.year)
    if year is not None:
        members = select(members, FilterState(year=year))
    return view_prospects(members, state.region, state.departement)


def shown_prospects(members: pd.DataFrame, state: FilterState) -> pd.DataFrame | None:
    """The prospects a filter state lists and draws: its kinds and least population."""
    table = state_prospects(members, state)
    return None if table is None else kept(table, state)


def frame(table: pd.DataFrame) -> pd.DataFrame:
    """The table under its French headers, raw values (the downloads)."""
    return pd.DataFrame({
        "Rang": table["rank"].values,
        "Collectivité": table.nom.values,
        "Type": table.kind.map(KIND_LABELS_SINGULAR).values,
        "Code officiel": table.code.values,
        "Département": [departement_name(d) if d else "" for d in table.departement],
        "Région": [region_name(r) if r else "" for r in table.region],
        "Population": table.population.values,
        "Lien avec le réseau": [RELATION[pair] for pair in zip(
            table.partly_covered, table.touches, strict=True)],
    })


def grid_rows(table: pd.DataFrame) -> list[dict]:
    return [{"rang": int(row.rank), "nom": row.nom, "kind": row.kind,
             "type": KIND_LABELS_SINGULAR[row.kind], "code": row.code,
             "departement": departement_name(row.departement) if row.departement else "",
             "population": int(row.population),
             "population_texte": format_population(row.population, unit=False),
             "lien": RELATION[(bool(row.partly_covered), bool(row.touches))]}
            for row in table.itertuples()]


def grid_columns() -> list[dict]:
    definitions = []
    for field, header, width, numeric in COLUMNS:
        definition = {"field": field, "headerName": header, "flex": width,
                      "minWidth": max(70, round(60 * width))}
        if numeric:
            definition.update({"type": "numericColumn", "filter": "agNumberColumnFilter"})
        if field == "population":
            definition["valueFormatter"] = {"function": "params.data.population_texte"}
        definitions.append(definition)
    return definitions


def summary(table: pd.DataFrame | None, shown: pd.DataFrame | None,
            state: FilterState) -> str:
    """What the panel says above the table."""
    region, departement, min_population = state.region, state.departement, state.prospect_min
    if table is None:
        return ("Choisissez une région ou un département : les collectivités non adhérentes "
                "s'y listent, des plus proches du réseau aux plus éloignées.")
    where = departement_name(departement) if departement else region_name(region)
    if table.empty:
        return f"{where} : toutes les collectivités sont adhérentes ou dans un adhérent."
    counted = (f"{format_population(len(shown), unit=False)} sur "
               f"{format_population(len(table), unit=False)}")
    least = f", d'au moins {format_population(min_population)}" if min_population else ""
    return (f"{where} : collectivités ni adhérentes ni situées dans un adhérent, {counted} "
            f"retenues (types cochés{least}). Les plus proches du réseau d'abord : territoire en "
            "partie couvert par des adhérents, puis touchant celui d'un adhérent, chaque groupe "
            "par population.")


def file_name(region: str | None, departement: str | None, extension: str,
              today: date | None = None) -> str:
    """'collectivites-non-adherentes-hauts-de-france-2026-11-29.csv'."""
    where = departement_name(departement) if departement else region_name(region)
    today = today or date.today()
    return f"collectivites-non-adherentes-{slug(where)}-{today.isoformat()}.{extension}"
