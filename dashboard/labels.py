"""The words a person reads about a selection, the same in the dashboard, the exports and the
command line: map titles and subtitles, selection labels, file names, populations.

No Dash here: the export command uses it without the app.
"""

import re
import unicodedata
from datetime import date

from geodata import schema as S
from geodata.aliases import ALIASES, USUAL_NAMES
from geodata.columns import values_phrase
from geodata.coverage import share_fr
from geodata.kinds import KIND_BY_ID, KIND_LABELS, KINDS

from .names import departement_names, region_names
from .state import DEFAULT_MODE, MAP_MODES, FilterState

DEFAULT_TITLE = "Collectivités adhérentes"
NATIONAL_LABEL = "France"
NO_BREAK = "\u00a0"    # inside « » too: a line never ends on a lone «
THOUSANDS = NO_BREAK   # "236 710" never splits across lines


def format_population(value, unit: bool = True) -> str:
    """236710 -> '236 710 hab.' (or '236 710' without the unit); '' or 'non renseignée'."""
    if S.is_missing(value):
        return "non renseignée" if unit else ""
    number = f"{round(float(value)):,}".replace(",", THOUSANDS)
    return f"{number}{THOUSANDS}hab." if unit else number


def region_name(code: str) -> str:
    return region_names()[code]


def departement_name(code: str) -> str:
    return departement_names()[code]


def map_title(region: str | None = None, departement: str | None = None) -> str:
    """'Collectivités adhérentes en région Hauts-de-France', '… — Nord'."""
    if departement:
        return f"{DEFAULT_TITLE} — {departement_name(departement)}"
    if region:
        return f"{DEFAULT_TITLE} en région {region_name(region)}"
    return DEFAULT_TITLE


def state_title(state: FilterState) -> str:
    return map_title(state.region, state.departement)


def map_subtitle(count: int, kinds: tuple[str, ...], query: str = "",
                 year: int | None = None, column: str | None = None,
                 values: tuple[str, ...] = ()) -> str:
    """'12 collectivités adhérentes : communes et métropoles — recherche « lille »'; when most
    kinds are shown, those left out: '28 collectivités adhérentes, hors communes' (short
    enough to stay on one line); an empty selection says among what it is empty; year: the
    network at the end of that year (' — fin 2015'); values: those kept of the list's column
    (' — Élu référent : Oui')."""
    if count == 0:
        subtitle = "Aucune collectivité adhérente"
    elif count == 1:
        subtitle = "1 collectivité adhérente"
    else:
        subtitle = f"{count} collectivités adhérentes"
    chosen = [kind for kind in KINDS if kind in kinds]
    if len(chosen) != len(KINDS):
        left_out = [kind for kind in KINDS if kind not in chosen]
        if chosen and len(left_out) < len(chosen):
            subtitle += ", hors " + _listed(left_out)
        elif not chosen:
            subtitle += " : aucun type choisi"
        else:
            subtitle += (" parmi les " if count == 0 else " : ") + _listed(chosen)
    if query:
        subtitle += f" — recherche «{NO_BREAK}{query}{NO_BREAK}»"
    if year is not None:
        subtitle += f" — fin {year}"
    if column and values:
        subtitle += " — " + values_phrase(column, values)
    return subtitle


def coverage_phrase(covered: int, population: int) -> str:
    """'population couverte : 44,1 % (30 148 363 hab.)': of the people living in a view, those
    living in the territory of at least one member shown."""
    return (f"population couverte{NO_BREAK}: {share_fr(covered, population)} "
            f"({format_population(covered)})")


def _listed(kinds: list[str]) -> str:
    """'communes', 'métropoles et communes', 'régions, métropoles et communes'."""
    names = [KIND_LABELS[kind].lower() for kind in kinds]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " et " + names[-1]


FILE_NAME_VALUES = 3   # values of a column a file name says
FILE_NAME_PART = 30    # characters of a column's name or value in a file name


def selection_label(state: FilterState) -> list[str]:
    """The parts that name a selection in a file name: région (or France), département, kinds
    when not all, search, year (a state whose year is in effect, see
    selection.in_effect), the map's mode when not the default, the column colouring the
    members and the values kept of it (the first few)."""
    parts = [region_name(state.region) if state.region else NATIONAL_LABEL]
    if state.departement:
        parts.append(departement_name(state.departement))
    if set(state.kinds) != set(KINDS):   # the fewer: those shown, or those left out
        left_out = [kind for kind in KINDS if kind not in state.kinds]
        parts.extend(["hors", *left_out] if state.kinds and len(left_out) < len(state.kinds)
                     else state.kinds)
    if state.query:
        parts.append(state.query)
    if state.year is not None:
        parts.append(f"fin {state.year}")
    if state.mode != DEFAULT_MODE:
        parts.append(MAP_MODES[state.mode])
    if state.colour_by:
        parts.extend(part[:FILE_NAME_PART] for part in
                     [state.colour_by, *state.values[:FILE_NAME_VALUES]])
        if len(state.values) > FILE_NAME_VALUES:
            parts.append(f"et {len(state.values) - FILE_NAME_VALUES} autres")
    return parts


# The words an official EPCI name starts with, which its label abbreviates ("CA du Niortais").
_KIND_WORDS = re.compile(r"^(communaut[ée] (?:d'agglom[ée]ration|de communes|urbaine))\s+", re.I)
# Words that already say the kind: the abbreviation would say it twice.
_SAYS_KIND = re.compile(r"agglo|m[ée]tropole|communaut[ée]|territoire", re.I)
LABEL_LINE = 22   # characters: a longer label is written on two lines


# Official code -> the short name people use ("200093201" -> "MEL").
_USUAL_NAME_OF = {ALIASES[name][1]: name for name in USUAL_NAMES}
# An acronym the official name carries at its end: "… du Nord de la Réunion (CINOR)".
_ACRONYM = re.compile(r"\(([A-Z][A-Z0-9'&-]{2,9})\)\s*$")


def usual_name(kind: str, code: str, official_name: str) -> str:
    """The name a map label writes: the one people use ('MEL', 'CINOR'), the commune's name,
    or the official name with its kind abbreviated ('CA du Niortais', 'Mulhouse Alsace
    Agglomération'), on two lines when long."""
    acronym = _ACRONYM.search(official_name)
    name = _USUAL_NAME_OF.get(code) or (acronym.group(1) if acronym else official_name)
    words = _KIND_WORDS.match(name)
    if words and kind in KIND_BY_ID:
        rest = name[words.end():]
        abbreviation = KIND_BY_ID[kind].abbreviation
        name = rest if _SAYS_KIND.search(rest) or not abbreviation else f"{abbreviation} {rest}"
    if len(name) > LABEL_LINE and " " in name:
        middle = len(name) / 2
        cut = min((i for i, char in enumerate(name) if char == " "),
                  key=lambda i: abs(i - middle))
        name = name[:cut] + "<br>" + name[cut + 1:]
    return name


def slug(text: str) -> str:
    """'Hauts-de-France' -> 'hauts-de-france' (safe in a file name)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "selection"


MAX_STEM = 150   # characters of a file name before its date


def file_name(stem_parts: list[str], extension: str, today: date | None = None) -> str:
    """'adherents-hauts-de-france-2026-11-28.csv'."""
    today = today or date.today()
    stems = [slug(p) for p in stem_parts if p and slug(p)]
    if stems and stems[0].startswith("adherents"):   # a list already named so: not twice
        stems[0] = stems[0].removeprefix("adherents").strip("-")
    stem = "-".join(["adherents"] + [stem for stem in stems if stem])
    # Short enough for any file system (255 bytes), whatever the words of a selection.
    return stem[:MAX_STEM].rstrip("-") + "-" + today.isoformat() + "." + extension


def selection_file_name(state: FilterState, extension: str, today: date | None = None,
                        size: str | None = None) -> str:
    """The file name of an export or download of a selection (dashboard and command line);
    the page size when it is not the screen's, so that an A4 and a screen PNG differ."""
    sized = [size] if size and size != "screen" else []
    return file_name(selection_label(state) + sized, extension, today)


# The longest title, subtitle, note or source a person may write for an export.
MAX_TEXT = 300

# On every map of the embedded sample (screen and exports): it is not the network's list.
SAMPLE_MARK = "échantillon — liste partielle"

# Said after every refused upload (by the server or, before sending, by the browser).
LIST_UNCHANGED = "La liste affichée n'a pas changé."
