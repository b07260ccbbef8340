"""The filter state. Its shareable form in the URL
(?region=32&types=commune,metropole&q=lille&annee=2015&couleur=Élu+référent&valeur=Oui) is
read and written in the browser (assets/filters.js: fromSearch, toSearch)."""

from dataclasses import dataclass, field

from geodata.kinds import KINDS

ALL_REGIONS = ""  # the "France entière" choice
# What the map shows: the members, or also the territory they cover (French names for the page).
MAP_MODES = {"adherents": "Adhérents", "territoire": "Territoire couvert",
             "prospects": "Non adhérentes"}
DEFAULT_MODE = "adherents"
# The non-member collectivités listed and drawn (the "Non adhérentes" map): at least this many
# inhabitants by default (below it, a région's small communes crowd in).
DEFAULT_PROSPECT_MIN = 10_000
MAX_QUERY = 100   # characters of a search kept
MAX_VALUES = 50   # values of a column kept (a link or a forged request may ask more)
LAST_YEAR = 2200  # a year filter past it reads as none (a forged value)


@dataclass(frozen=True)
class FilterState:
    region: str | None = None
    kinds: tuple[str, ...] = field(default=KINDS)
    departement: str | None = None
    query: str = ""
    # The network as it was at the end of this year: the members who had joined (the list's
    # membership years, geodata.growth); None, or the list's last year or later: every member.
    year: int | None = None
    labels: str | None = None   # names on the map (map_labels.LABEL_MODES); None: the view's
    coverage: bool = False      # an export's subtitle says the population covered
    mode: str = DEFAULT_MODE    # one of MAP_MODES
    prospect_kinds: tuple[str, ...] = field(default=KINDS)   # the non-members listed and drawn
    prospect_min: int = DEFAULT_PROSPECT_MIN                 # their least population
    # A column of the list (its header) colouring the members (geodata.columns), and the
    # values of it kept (none: every member).
    colour_by: str | None = None
    values: tuple[str, ...] = ()
