"""Find any official collectivité as a person types: by name (the words' beginnings, in any
order, then resemblance), by usual name or acronym, or by its official code (INSEE, SIREN,
SIRET). Used by the app to fix a row of a list that the resolver left to a person."""

import re

import pandas as pd
from rapidfuzz import fuzz, process

from .gazetteer import NAME_LEVELS, Unit, gazetteer
from .names import normalize, split_prefix
from .reference import memoized
from .resolve import resolve_row, units_of_code

MAX_RESULTS = 12
MIN_RESEMBLANCE = 80
_CODE = re.compile(r"^(?:\d[\d\s.]*|2[AB](?:\d{3})?)$", re.IGNORECASE)


@memoized
def _index() -> tuple[pd.Series, list[Unit]]:
    """Every unit's normalized name (with a space before, so that " w" finds a word beginning
    with w), biggest population first: the likeliest meant."""
    gaz = gazetteer()
    entries = sorted(((normalize(record["nom"]), Unit(level, code), record["population"])
                      for level in NAME_LEVELS
                      for code, record in gaz.records[level].items()),
                     key=lambda entry: -(entry[2] or 0))
    return (pd.Series([" " + name for name, _, _ in entries]),
            [unit for _, unit, _ in entries])


def search_units(text: str, limit: int = MAX_RESULTS) -> list[dict]:
    """The units a text may name, best first, as candidates (schema.candidate_record)."""
    text = str(text or "").strip()[:100]
    if not text:
        return []
    gaz = gazetteer()
    units = units_of_code(text, NAME_LEVELS) if _CODE.match(text) else []
    if _CODE.match(text) and not units:   # the SIREN of an EPCI gone since: its successors
        by_code = resolve_row({"row": 0, "input_name": "", "code": text}, gaz,
                              resemblance=False)
        units += ([by_code.unit] if by_code.unit else []) + by_code.candidates
    # What the resolver makes of it ("CD 62", "CAPI", "Lille Métropole"), then its candidates.
    outcome = resolve_row({"row": 0, "input_name": text}, gaz, resemblance=False)
    # (Not its matches by name, which _by_words ranks, for a name still being typed.)
    if outcome.rule != "name":
        units += ([outcome.unit] if outcome.unit else []) + outcome.candidates
    query = normalize(text)
    kind, rest = split_prefix(text)
    if kind and rest:   # "CC du Briançonnais": the words after the kind, among that kind
        units += [unit for unit in _by_words(normalize(rest), 4 * limit)
                  if gaz.kind_of(unit) == kind][:limit]
    if query:
        units += _by_words(query, limit)
        if not units and len(query) >= 4:   # a typo: "Grenobel"
            names, all_units = _index()
            units += [all_units[index] for _, _, index in process.extract(
                " " + query, names.tolist(), scorer=fuzz.ratio, limit=limit,
                score_cutoff=MIN_RESEMBLANCE)]
    return [gaz.candidate(unit) for unit in dict.fromkeys(units)][:limit]


def _by_words(query: str, limit: int) -> list[Unit]:
    """Names equal to the query, then beginning with it, then with every word of the query
    beginning one of their words; the biggest first within each (vectorised: 38,000 names)."""
    names, units = _index()
    exact = names == " " + query
    starting = names.str.startswith(" " + query) & ~exact
    every_word = pd.Series(True, index=names.index)
    for word in query.split():
        every_word &= names.str.contains(" " + word, regex=False)
    found = [*names.index[exact], *names.index[starting], *names.index[every_word & ~exact
                                                                        & ~starting]]
    return [units[index] for index in found[:limit]]
