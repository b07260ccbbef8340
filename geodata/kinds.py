"""The kinds of members a network has, each described once: how it is named, written and drawn.

A kind is one `Kind` record in `KIND_RECORDS`, in the order of the network's legend. Every
module reads its labels, the words and prefixes people write for it, its level in the reference
geography and its symbol from here: adding a kind is one record (plus its tests).

    >>> kind("communaute_agglomeration").label
    "Communauté d'agglomération"
    >>> kind("commune").level
    'commune'
"""

import re
from dataclasses import dataclass

from .levels import COMMUNE, DEPARTEMENT, EPCI, EPT, REGION


@dataclass(frozen=True)
class Kind:
    """One kind of member."""

    id: str                     # the value in member frames, URLs and stores
    label: str                  # French singular: "Communauté urbaine"
    plural: str                 # French plural, as in the legend: "Communautés urbaines"
    level: str                  # the level of the reference geography its units are
    words: tuple[str, ...]      # what a "type" column says (normalised): "cu", "communaute urbaine"
    prefixes: tuple[str, ...]   # name prefixes saying the kind (normalised, regex, longest first)
    color: str                  # fill colour of the area or of the marker
    char: str                   # the symbol as a character, for HTML (filters, table, counts)
    symbol: str | None = None   # plotly marker symbol; None: drawn as an area
    size: int = 0               # marker diameter in px (0 for areas)
    epci_types: tuple[str, ...] = ()  # EPCI types of the official data ("ME", "CU"...)
    # A member of this kind that is no unit of its level (a syndicat, a PETR) is placed by its
    # seat commune or its coordinates.
    seated: bool = False
    abbreviation: str = ""      # what a map label writes for the kind's words: "CA"

    @property
    def is_area(self) -> bool:
        return self.symbol is None

    def legend_name(self, count: int) -> str:
        """The legend entry, with the number of members: "Communes (9)"."""
        return f"{self.plural} ({count})"

    def count_label(self, count: int) -> str:
        """'1 commune', '3 communes'."""
        return f"{count} {(self.plural if count > 1 else self.label).lower()}"


KIND_RECORDS: tuple[Kind, ...] = (
    Kind("region", "Région", "Régions", REGION,
         words=("region", "conseil regional", "reg", "cr"),
         prefixes=("conseil regional", "collectivite regionale", "region", "cr"),
         color="#3b7ddd", char="■"),
    Kind("departement", "Département", "Départements", DEPARTEMENT,
         words=("departement", "conseil departemental", "conseil general", "dept", "dep",
                "department", "cd", "cg"),
         prefixes=("conseil departemental", "conseil general", "departement", "dept", "dpt",
                   "dep", "cd", "cg"),
         color="#f6a23c", char="■"),
    Kind("metropole", "Métropole", "Métropoles", EPCI,
         words=("metropole", "metro", "me", "metropolis"),
         prefixes=("eurometropole", "metropole europeenne", "metropole"),
         color="#e8590c", char="●", symbol="circle", size=17, epci_types=("ME", "METRO", "MET69")),
    Kind("communaute_urbaine", "Communauté urbaine", "Communautés urbaines", EPCI,
         words=("communaute urbaine", "cu"),
         prefixes=("communaute urbaine", "cu"),
         color="#2f9e44", char="▲", symbol="triangle-up", size=15, epci_types=("CU",),
         abbreviation="CU"),
    Kind("communaute_agglomeration", "Communauté d'agglomération",
         "Communautés d'agglomération", EPCI,
         words=("communaute d agglomeration", "communaute agglomeration", "ca", "c a",
                "agglomeration", "agglo"),
         prefixes=("communaute d agglomeration", "communaute agglomeration",
                   "communaute d agglo", "agglomeration", "agglo", "ca", "c a"),
         color="#8b5a2b", char="●", symbol="circle", size=12, epci_types=("CA",),
         abbreviation="CA"),
    Kind("communaute_communes", "Communauté de communes", "Communautés de communes", EPCI,
         words=("communaute de communes", "cc"),
         prefixes=("communaute de communes", "communaute des communes", "communaute communes",
                   "com com", "comcom", "cdc", "cc", "c c"),
         color="#8a8a8a", char="●", symbol="circle", size=10, epci_types=("CC",),
         abbreviation="CC"),
    Kind("commune", "Commune", "Communes", COMMUNE,
         words=("commune", "ville", "municipalite", "city", "town", "mairie"),
         prefixes=("ville", "mairie", "commune", "municipalite"),
         color="#111111", char="●", symbol="circle", size=7),
    # The établissements publics territoriaux of the Grand Paris (units of the level EPT), and
    # structures with no territory in the reference geography (syndicats, PETR), placed at
    # their seat commune or by coordinates.
    Kind("autre", "Autre collectivité", "Autres collectivités", EPT,
         words=("autre", "other", "ept", "syndicat", "etablissement public territorial", "petr",
                "pays", "syndicat mixte"),
         prefixes=("ept", "etablissement public territorial", "syndicat mixte", "syndicat",
                   "petr"),
         color="#7b3fa0", char="◆", symbol="diamond", size=12, seated=True),
)

# Words of a "type" column that say "an EPCI" without saying which kind.
ANY_EPCI_WORDS = frozenset({"epci", "intercommunalite", "interco", "groupement"})

KIND_BY_ID: dict[str, Kind] = {record.id: record for record in KIND_RECORDS}
KINDS: tuple[str, ...] = tuple(KIND_BY_ID)   # ids, in legend order
KIND_LABELS = {record.id: record.plural for record in KIND_RECORDS}
KIND_LABELS_SINGULAR = {record.id: record.label for record in KIND_RECORDS}
EPCI_KINDS = tuple(record.id for record in KIND_RECORDS if record.level == EPCI)
AREA_KINDS = tuple(record.id for record in KIND_RECORDS if record.is_area)
MARKER_KINDS = tuple(record.id for record in KIND_RECORDS if not record.is_area)
# Kinds whose members may be placed by their seat or coordinates.
SEATED_KINDS = tuple(record.id for record in KIND_RECORDS if record.seated)
# Official EPCI type ("ME", "CA"; the DGCL writes "METRO", and "MET69" for Lyon) -> kind id.
EPCI_TYPE_TO_KIND = {epci_type: record.id for record in KIND_RECORDS
                     for epci_type in record.epci_types}

_WRITTEN_OUT = {r.abbreviation: r.label for r in KIND_RECORDS
                if r.level == EPCI and r.abbreviation}
_ABBREVIATED = re.compile(rf"^({'|'.join(_WRITTEN_OUT)}) ")


def written_out(epci_name: str) -> str:
    """An EPCI's name with its kind written out, where the DGCL's list abbreviates it:
    'CA du Val de Fensch' -> "Communauté d'agglomération du Val de Fensch"."""
    return _ABBREVIATED.sub(lambda found: _WRITTEN_OUT[found.group(1)] + " ", epci_name)


# Ids that code singles out (a région is drawn through its départements...).
KIND_REGION = "region"
KIND_DEPARTEMENT = "departement"
KIND_COMMUNE = "commune"
KIND_OTHER = "autre"   # the kind of a structure placed by its seat when the file says no more


def kind(kind_id: str) -> Kind:
    """The record of a kind id; ValueError naming the allowed ids."""
    try:
        return KIND_BY_ID[kind_id]
    except KeyError:
        raise ValueError(f"unknown kind {kind_id!r}; allowed: {list(KINDS)}") from None


def level_of_kind(kind_id: str) -> str:
    """The level of the reference geography whose units are of that kind."""
    return kind(kind_id).level


def kind_of_unit(level: str, layer_kind: str | None = None) -> str:
    """The kind of an official unit: its level's only kind, else the kind its layer gives."""
    matches = [record.id for record in KIND_RECORDS if record.level == level]
    if len(matches) == 1:
        return matches[0]
    if layer_kind in matches:
        return layer_kind
    raise ValueError(f"a unit of level {level!r} needs its kind, one of {matches}; "
                     f"got {layer_kind!r}")
