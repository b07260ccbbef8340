"""The filter state, and its shareable form in the URL.

Example: ?region=32&types=commune,metropole&q=lille
"""

from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode

from geodata.kinds import KINDS

ALL_REGIONS = ""  # the "France entière" choice
MAX_QUERY = 100   # characters of a search kept


@dataclass(frozen=True)
class FilterState:
    region: str | None = None
    kinds: tuple[str, ...] = field(default=KINDS)
    departement: str | None = None
    query: str = ""
    labels: str | None = None   # names on the map (map_labels.LABEL_MODES); None: the view's


def from_query_string(search: str | None, regions: set[str], departements: set[str]) -> FilterState:
    """The state a link describes; unknown values are ignored rather than failing."""
    params = parse_qs((search or "").lstrip("?"))

    def first(name):
        values = params.get(name)
        return values[0].strip() if values else ""

    region = first("region") if first("region") in regions else None
    departement = first("departement") if first("departement") in departements else None
    kinds = KINDS
    if "types" in params:
        wanted = {k.strip() for k in first("types").split(",")}
        kinds = tuple(k for k in KINDS if k in wanted)
    return FilterState(region, kinds, departement, first("q")[:MAX_QUERY])


def to_query_string(state: FilterState) -> str:
    """'?region=32&types=commune' with only what differs from the default view."""
    params = {}
    if state.region:
        params["region"] = state.region
    if set(state.kinds) != set(KINDS):
        params["types"] = ",".join(k for k in KINDS if k in state.kinds)
    if state.departement:
        params["departement"] = state.departement
    if state.query:
        params["q"] = state.query
    return "?" + urlencode(params, safe=",") if params else ""
