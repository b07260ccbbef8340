"""assets/filters.js, the filters answered in the browser, run in headless Chromium.

The browser must select, count and write exactly what the server does for the exports (the
Python functions stay the reference): the same members for a filter state, the same
subtitle, the same search. These tests load filters.js alone in a blank page, with the words
the page gets (dashboard.client.words), and compare.
"""

import json
from dataclasses import replace

import pytest
from browser import ROOT, make_driver, require_chromium
from members import REFERENT_HEADER, with_referents, with_years
from plotly.io.json import to_json_plotly

from dashboard import client
from dashboard.callbacks.filters import colour_asked
from dashboard.figures import _wrapped, map_figure
from dashboard.labels import SAMPLE_MARK, coverage_phrase, map_subtitle, map_title
from dashboard.selection import in_effect, select, view_coverage, year_in_effect, years_of
from dashboard.state import FilterState
from dashboard.table import grid_rows
from geodata import schema as S
from geodata.columns import UNKNOWN
from geodata.coverage import coverage, share_fr
from geodata.kinds import KIND_BY_ID, KINDS
from geodata.names import normalize

FILTERS_JS = (ROOT / "assets" / "filters.js").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def js():
    """call(name, *args): carteFilters[name](*args, words) in Chromium."""
    require_chromium()
    driver = make_driver(800, 600)
    driver.get("about:blank")
    driver.execute_script(FILTERS_JS)
    words = json.dumps(client.words())

    def call(name, *args, words_last=True):
        script = (f"const words = {words}; const args = JSON.parse(arguments[0]);"
                  f"return window.carteFilters[{json.dumps(name)}](...args"
                  f"{', words' if words_last else ''});")
        return driver.execute_script(script, to_json_plotly(list(args)))

    yield call
    driver.quit()


STATES = [FilterState(), FilterState(region="32"), FilterState(region="84", kinds=("commune",)),
          FilterState(departement="35"), FilterState(region="53", departement="35"),
          FilterState(query="métropole"), FilterState(query="ST DENIS"),
          FilterState(kinds=()), FilterState(region="11", query="paris")]


@pytest.mark.parametrize("state", STATES, ids=str)
def test_the_browser_selects_the_members_the_server_selects(js, sample, state):
    rows = grid_rows(select(sample, FilterState()))
    chosen = js("selectRows", rows, {"region": state.region, "kinds": list(state.kinds),
                                     "departement": state.departement, "query": state.query})
    expected = select(sample, state)
    assert sorted(int(r["row"]) for r in chosen) == sorted(expected[S.ROW].astype(int))


@pytest.mark.parametrize("text", ["Conseil Départemental de l'Œise", "St-Étienne-du-Rouvray",
                                  "  ÆRØ ß  ", "L'Haÿ-les-Roses", "Ste Marie / STS Pères",
                                  "Saint-Denis (974)", "Œuvre — « Ça » ; 1er"])
def test_a_search_is_normalized_as_on_the_server(js, text):
    assert js("normalize", text, words_last=False) == normalize(text)


@pytest.mark.parametrize("count,kinds,query,sample_list", [
    (37, KINDS, "", True), (1, ("commune",), "", False), (0, ("metropole", "commune"), "", False),
    (0, (), "lille", False), (12, KINDS, "saint denis", True),
    (28, tuple(k for k in KINDS if k != "commune"), "", True),
    (5, ("region", "departement", "metropole", "commune"), "", False)])
def test_the_subtitle_is_the_one_an_export_writes(js, count, kinds, query, sample_list):
    expected = map_subtitle(count, kinds, query) + (f" ({SAMPLE_MARK})" if sample_list else "")
    assert js("subtitle", count, list(kinds), query, sample_list, None, None) == expected


def test_titles_and_wrapping_as_on_the_server(js):
    assert js("mapTitle", "32", None) == map_title("32")
    assert js("mapTitle", "32", "59") == map_title("32", "59")
    text = ("37 collectivités adhérentes : communes, métropoles, communautés d'agglomération "
            "— recherche «\u00a0Œuvre\u00a0»")
    for width in (120, 300, 700):
        assert js("wrapped", text, width, 14) == _wrapped(text, width, 14)
    # A line never breaks inside « »: the searched words stay with their quotes.
    assert all(line.count("«") == line.count("»") for line in _wrapped(text, 120, 14))


def test_the_map_in_words_and_the_header_counts(js, sample):
    rows = grid_rows(select(sample, FilterState(region="32")))
    state = {"region": "32", "departement": None, "kinds": list(KINDS), "query": ""}
    text = js("description", rows, state)
    assert text.startswith("Carte des collectivités adhérentes en région Hauts-de-France : ")
    assert text.endswith("2 adhérents, dont 1 département et 1 commune.")
    nothing = {**state, "region": None, "query": "zzz"}
    assert js("description", [], nothing).endswith(
        "(recherche « zzz ») : aucune collectivité adhérente dans cette sélection.")
    badges = js("headerCounts", rows)
    assert badges[0]["props"]["children"] == "2 adhérents"
    assert [b["props"]["title"] for b in badges[1:]] == ["Départements", "Communes"]


def test_a_shared_link_and_the_url_it_writes(js):
    state = js("fromSearch", "?region=32&types=commune,metropole&q=lille")
    assert state == {"region": "32", "kinds": ["metropole", "commune"], "departement": None,
                     "query": "lille", "year": None, "colourBy": None, "values": []}
    assert js("toSearch", state) == "?region=32&types=metropole,commune&q=lille"
    assert js("toSearch", {"region": None, "kinds": list(KINDS), "departement": None,
                           "query": "", "year": None}) == ""
    # Unknown values are ignored; a search is cut; a département of another région dropped.
    state = js("fromSearch", "?region=99&types=commune,bogus&departement=XX&q=" + "a" * 500)
    assert (state["region"], state["departement"], state["kinds"]) == (None, None, ["commune"])
    assert len(state["query"]) == 100
    assert js("fromSearch", "?region=84&departement=59")["departement"] is None
    round_trip = {"region": "32", "kinds": ["metropole", "commune"], "departement": "59",
                  "query": "saint denis & co", "year": 2015, "colourBy": None, "values": []}
    assert js("fromSearch", js("toSearch", round_trip)) == round_trip
    assert {o["value"] for o in js("departementOptions", "32")} == {"02", "59", "60", "62", "80"}


def test_a_search_draws_only_the_members_found(js, sample):
    view = client.view(sample, FilterState(), (1100, 700), sample=True)
    figure = js("figureFor", view, list(KINDS), "lyon", None, None, None)
    lyon = select(sample, FilterState(query="lyon"))
    drawn = {row for trace in figure["data"] if trace.get("legendgroup") in KINDS
             for row in trace.get("customdata") or () if row is not None}
    assert drawn == set(lyon[S.ROW].astype(int))
    legend = [t["name"] for t in figure["data"] if t.get("showlegend")]
    assert legend == [f"Métropoles ({len(lyon)})"]
    assert "recherche «\u00a0lyon\u00a0»" in figure["layout"]["title"]["subtitle"]["text"]


def test_a_list_other_than_the_sample_is_never_answered_with_the_samples_view(sample):
    """The sample's views are built once for every visitor; a list of fewer members drawn as
    the sample (a list with no file name) gets its own."""
    state, canvas = FilterState(region="32"), (1100, 700)
    first = client.view(sample, state, canvas, sample=True)
    assert client.view(sample, state, canvas, sample=True) == first
    fewer = sample[sample[S.KIND] != "commune"].copy()
    kept = client.view(fewer, state, canvas, sample=True)["members"]
    assert set(kept) == set(first["members"]) - {
        str(row) for row in sample[sample[S.KIND] == "commune"][S.ROW]}
    assert kept != first["members"]


def test_a_search_or_a_kind_unticked_hides_the_territory_of_the_members_it_leaves_out(js,
                                                                                      sample):
    view = client.view(sample, FilterState(region="84", mode="territoire"), (1100, 700),
                       sample=True)
    shade = [t for t in js("figureFor", view, list(KINDS), "grenoble", None, None, None)["data"]
             if t["type"] == "choropleth" and t.get("legendgroup") in ("metropole", "commune")]
    assert sorted(loc for t in shade for loc in t["locations"]) == [
        "commune:38185", "epci:200040715"]   # Grenoble and its métropole, not Lyon's
    unticked = js("figureFor", view, ["commune"], "", None, None, None)["data"]
    assert {t["legendgroup"]: t["opacity"] for t in unticked if t["type"] == "choropleth"
            and t.get("legendgroup") in ("metropole", "commune")} == {"metropole": 0,
                                                                     "commune": 1}


def test_unticked_kinds_are_transparent_and_their_names_with_them(js, sample):
    view = client.view(sample, FilterState(region="84"), (1100, 700), sample=True)
    figure = js("figureFor", view, ["metropole"], "", None, None, None)
    for trace in figure["data"]:
        if trace.get("legendgroup") in KINDS:
            assert trace["opacity"] == (1 if trace["legendgroup"] == "metropole" else 0)
    names = [t for t in figure["data"] if t.get("mode") == "text" and t.get("legendgroup")]
    assert {t["legendgroup"] for t in names} >= {"metropole", "commune"}   # hidden, not lost


def test_the_selected_member_is_ringed_where_it_is_drawn(js, sample):
    view = client.view(sample, FilterState(region="32"), (1100, 700), sample=True)
    lille = int(sample[sample[S.CODE] == "59350"][S.ROW].iloc[0])
    figure = js("figureFor", view, list(KINDS), "", lille, None, None)
    [ring] = [t for t in figure["data"] if t.get("name") == "sélection"]
    server = map_figure(sample, FilterState(region="32"), selected_row=lille, canvas=(1100, 700))
    [expected] = [t for t in server["data"] if t.get("name") == "sélection"]
    assert (ring["lon"], ring["lat"]) == (expected["lon"], expected["lat"])


@pytest.mark.parametrize("state", STATES, ids=str)
def test_the_population_covered_is_the_one_an_export_says(js, sample, state):
    """The header's figure and the export's subtitle agree, whatever the filters."""
    covering = {"rows": grid_rows(select(sample, FilterState())),
                "coverage": client.coverage(sample)}
    figures = js("viewCoverage", covering, {"region": state.region, "kinds": list(state.kinds),
                                            "departement": state.departement,
                                            "query": state.query})
    covered, population = view_coverage(sample, state)
    assert (figures["covered"], figures["population"]) == (covered, population)
    assert js("coveragePhrase", covered, population, words_last=False) == \
        coverage_phrase(covered, population)


def test_each_part_of_a_view_is_covered_as_the_command_line_says(js, sample):
    covering = {"rows": grid_rows(select(sample, FilterState())),
                "coverage": client.coverage(sample)}
    everything = {"kinds": list(KINDS), "query": "", "departement": None}
    for region in (None, "32", "84", "11"):
        figures = js("viewCoverage", covering, {**everything, "region": region})
        expected = coverage(sample, region)
        parts = {p["code"]: (p["covered"], p["population"]) for p in figures["parts"]}
        assert parts == {code: (row.covered, row.population)
                         for code, row in expected.iloc[1:].iterrows()}
        assert figures["covered"] == expected.iloc[0].covered
        # By name, as the région menu lists them.
        names = [p["name"] for p in figures["parts"]]
        assert names == sorted(names, key=normalize)


@pytest.mark.parametrize("part,whole", [(30_148_363, 68_350_798), (1, 68_350_798), (0, 9),
                                        (99_999, 100_000), (7, 7), (1_225, 10_000), (3, 0)])
def test_a_share_is_written_as_on_the_server(js, part, whole):
    assert js("shareFr", part, whole, words_last=False) == share_fr(part, whole)


@pytest.fixture(scope="module")
def dated(sample):
    return with_years(sample)


@pytest.mark.parametrize("year", [2004, 2012, 2023, 2024, None])
@pytest.mark.parametrize("state", [FilterState(), FilterState(region="84"),
                                   FilterState(kinds=("commune", "metropole"), query="e")],
                         ids=str)
def test_the_network_at_the_end_of_a_year_as_the_server_draws_it(js, dated, state, year):
    """The year slider: the same members, counts, coverage and subtitle in the browser."""
    state = replace(state, year=year)
    first, last = years_of(dated)
    assert (first, last) == (2001, 2024)   # the years with_years writes
    covering = {"rows": grid_rows(select(dated, FilterState())),
                "coverage": client.coverage(dated), "years": {"first": first, "last": last}}
    in_effect = js("yearInEffect", year, covering["years"], words_last=False)
    assert in_effect == year_in_effect(dated, year)
    chosen = js("selectRows", covering["rows"], {
        "region": state.region, "kinds": list(state.kinds), "departement": None,
        "query": state.query, "year": in_effect})
    expected = select(dated, state)
    assert sorted(int(r["row"]) for r in chosen) == sorted(expected[S.ROW].astype(int))
    if year is not None and year < last:
        assert len(expected) < len(select(dated, replace(state, year=None)))
    figures = js("viewCoverage", covering, {"region": state.region, "kinds": list(state.kinds),
                                            "departement": None, "query": state.query,
                                            "year": in_effect})
    assert (figures["covered"], figures["population"]) == view_coverage(dated, state)
    assert js("subtitle", len(expected), list(state.kinds), state.query, False, in_effect,
              None) == \
        map_subtitle(len(expected), state.kinds, state.query, in_effect)


def test_a_year_hides_on_the_map_the_members_who_joined_later(js, dated):
    view = client.view(dated, FilterState(region="84"), (1100, 700), sample=False)
    figure = js("figureFor", view, list(KINDS), "", None, 2012, None)
    drawn = {row for trace in figure["data"] if trace.get("legendgroup") in KINDS
             for row in trace.get("customdata") or () if row is not None}
    assert drawn == set(select(dated, FilterState(region="84", year=2012))[S.ROW].astype(int))
    assert figure["layout"]["title"]["subtitle"]["text"].endswith("— fin 2012")


# -- a column of the list colouring the members, and the values of it kept ---------------------

@pytest.fixture(scope="module")
def referents(sample):
    return with_referents(sample)


@pytest.mark.parametrize("values", [("M. Durand",), ("Mme Petit", UNKNOWN), ("Personne",), ()],
                         ids=str)
@pytest.mark.parametrize("state", [FilterState(), FilterState(region="11"),
                                   FilterState(kinds=("departement", "commune"), query="e")],
                         ids=str)
def test_the_browser_keeps_the_values_the_server_keeps(js, referents, state, values):
    """The table, the counts, the coverage and the subtitle of a column's values kept."""
    state = replace(state, colour_by=REFERENT_HEADER, values=values)
    column = js("columnFilter", client.colouring(referents, REFERENT_HEADER), list(values),
                words_last=False)
    covering = {"rows": grid_rows(select(referents, FilterState())),
                "coverage": client.coverage(referents)}
    browser_state = {"region": state.region, "kinds": list(state.kinds), "departement": None,
                     "query": state.query, "column": column}
    chosen = js("selectRows", covering["rows"], browser_state)
    expected = select(referents, state)
    assert sorted(int(r["row"]) for r in chosen) == sorted(expected[S.ROW].astype(int))
    figures = js("viewCoverage", covering, browser_state)
    assert (figures["covered"], figures["population"]) == view_coverage(referents, state)
    said = in_effect(referents, state)
    assert js("subtitle", len(expected), list(state.kinds), state.query, False, None, column) \
        == map_subtitle(len(expected), state.kinds, state.query, None, said.colour_by,
                        said.values)


@pytest.mark.parametrize("values", [["M. Durand"], ["Mme Petit", "Mme Martin"]], ids=str)
@pytest.mark.parametrize("query", ["", "e"])
def test_the_map_shows_the_members_of_the_values_kept(js, referents, values, query):
    """The members of the other values stay in the figure, hidden (opacity 0) as an unticked
    kind's, so that keeping other values changes the map without drawing it."""
    view = client.view(referents, FilterState(colour_by=REFERENT_HEADER), (1200, 1000),
                       sample=False)
    column = js("columnFilter", client.colouring(referents, REFERENT_HEADER), values,
                words_last=False)
    figure = js("figureFor", view, list(KINDS), query, None, None, column)
    shown = {row for trace in figure["data"] if trace.get("legendgroup") in KINDS
             and trace.get("opacity") != 0 for row in trace.get("customdata") or ()}
    state = FilterState(colour_by=REFERENT_HEADER, values=tuple(values), query=query)
    expected = select(referents, state)
    assert shown == set(expected[S.ROW].astype(int))
    counts = expected[S.KIND].value_counts()
    names = [t["name"] for t in figure["data"] if t.get("showlegend")]
    assert names[:len(counts)] == [KIND_BY_ID[k].legend_name(counts[k]) for k in KINDS
                                   if k in counts]
    assert figure["layout"]["title"]["subtitle"]["text"].replace("<br>", " ").endswith(
        "Élu référent\u00a0: " + ", ".join(in_effect(referents, state).values))


def test_a_link_carries_the_column_and_its_values(js):
    state = {"region": None, "kinds": list(KINDS), "departement": None, "query": "",
             "year": None, "colourBy": "Élu référent", "values": ["Mme Petit", "Dupont, Jean"]}
    search = js("toSearch", state)
    assert search == ("?couleur=%C3%89lu+r%C3%A9f%C3%A9rent&valeur=Mme+Petit"
                      "&valeur=Dupont,+Jean")
    assert js("fromSearch", search) == state
    assert colour_asked(search) == "Élu référent"   # as the server reads it for a new list
    # Values without a column mean nothing.
    assert js("fromSearch", "?valeur=Oui")["values"] == []
