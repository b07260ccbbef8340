"""The membership map figure, built from the sample members (no browser needed)."""

import gzip
import json
import re

import pandas as pd
import plotly.io as pio
import pytest
from members import member_row, members_frame

from dashboard import basemap, offline
from dashboard.figures import (
    INSET_COLUMN,
    LEADERS,
    PARIS_LABEL,
    TERRITORY_FILL,
    TERRITORY_LEGEND,
    build_map,
    map_figure,
    source_line,
)
from dashboard.hover import hover_texts
from dashboard.labels import format_population
from dashboard.legend import MARKER_OUTLINE
from dashboard.selection import legend_counts, select
from dashboard.state import FilterState
from geodata import get_reference
from geodata import schema as S
from geodata.kinds import KIND_BY_ID, KINDS, MARKER_KINDS
from geodata.levels import OVERSEAS_REGIONS
from geodata.schema import extra_key

# The network's legend: kind -> (trace type, symbol, colour family).
EXPECTED_LOOK = {
    "region": ("choropleth", None, "blue"),
    "departement": ("choropleth", None, "orange"),
    "metropole": ("scattergeo", "circle", "orange"),
    "communaute_urbaine": ("scattergeo", "triangle-up", "green"),
    "communaute_agglomeration": ("scattergeo", "circle", "brown"),
    "communaute_communes": ("scattergeo", "circle", "grey"),
    "commune": ("scattergeo", "circle", "black"),
    "autre": ("scattergeo", "diamond", "purple"),
}
# Overseas members added to the sample for the inset tests, with their région.
OVERSEAS_MEMBERS = [
    ("commune", "97411", "04"),                    # Saint-Denis (La Réunion)
    ("commune", "97611", "06"),                    # Mamoudzou (Mayotte)
    ("departement", "971", "01"),                  # Guadeloupe
    ("region", "03", "03"),                        # Guyane
    ("communaute_agglomeration", "249720061", "02"),  # an agglomération of Martinique
]


def colour_family(hex_colour: str) -> str:
    red, green, blue = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    if max(red, green, blue) < 60:
        return "black"
    if max(red, green, blue) - min(red, green, blue) < 20:
        return "grey"
    if red > green and blue > green and abs(red - blue) < 60:
        return "purple"
    if blue > red and blue > green:
        return "blue"
    if green > red and green > blue:
        return "green"
    if red > blue and green > blue and red > 200:
        return "orange"
    if red > green > blue:
        return "brown"
    return "other"


@pytest.fixture(scope="module")
def members(sample):
    return sample


@pytest.fixture(scope="module")
def national(members):
    return build_map(members)


@pytest.fixture(scope="module")
def with_overseas(members):
    extra = members_frame([member_row(kind, code) for kind, code, _ in OVERSEAS_MEMBERS])
    return pd.concat([members, extra], ignore_index=True)


def legend_traces(fig):
    return [trace for trace in fig.data if trace.showlegend]


def member_traces(fig):
    """Traces that draw members (areas and markers), legend entry or not."""
    return [trace for trace in fig.data
            if trace.legendgroup in KINDS and trace.hovertemplate]


def mode(trace):
    return getattr(trace, "mode", None)


def hover_of(fig):
    return [text for trace in member_traces(fig) for text in trace.hovertext]


# -- the legend -----------------------------------------------------------------------------------

def test_each_kind_has_its_symbol_and_colour(national):
    traces = legend_traces(national)
    assert {trace.legendgroup for trace in traces} == set(KINDS)   # the sample has every kind
    for trace in traces:
        kind = trace.legendgroup
        trace_type, symbol, family = EXPECTED_LOOK[kind]
        assert trace.type == trace_type, kind
        if trace_type == "choropleth":
            colours = {colour for _, colour in trace.colorscale}
            assert len(colours) == 1, kind
            assert colour_family(colours.pop()) == family, kind
        else:
            assert trace.marker.symbol == symbol, kind
            assert colour_family(trace.marker.color) == family, kind
            # A thin dark outline: the symbol stands out on every area (see test_published_maps).
            assert trace.marker.line.color == MARKER_OUTLINE["color"], kind
            assert trace.marker.line.width <= 1.5, kind


def test_other_kind_has_a_symbol_of_its_own():
    symbols = [(style.symbol, style.color) for style in KIND_BY_ID.values() if style.symbol]
    assert len(set(symbols)) == len(symbols)
    assert KIND_BY_ID["autre"].symbol not in {s.symbol for k, s in KIND_BY_ID.items()
                                               if k != "autre"}


def test_metropoles_are_bigger_than_communes(national):
    size = {trace.legendgroup: trace.marker.size for trace in legend_traces(national)
            if trace.type == "scattergeo"}
    assert size["metropole"] > size["communaute_agglomeration"] > size["commune"]


def test_legend_counts_equal_members_of_each_kind(members, national):
    expected = members["kind"].value_counts()
    names = {trace.legendgroup: trace.name for trace in legend_traces(national)}
    for kind, name in names.items():
        assert name == f"{KIND_BY_ID[kind].plural} ({expected[kind]})"
    assert names["commune"] == "Communes (9)"
    assert legend_counts(members) == {kind: int(expected[kind]) for kind in KINDS}


def test_legend_follows_the_network_order(national):
    ranked = sorted(legend_traces(national), key=lambda trace: trace.legendrank)
    assert [trace.legendgroup for trace in ranked] == list(KINDS)


def test_kinds_without_members_are_left_out(members):
    fig = build_map(members[members["kind"] != "communaute_urbaine"])
    kinds = [trace.legendgroup for trace in legend_traces(fig)]
    assert "communaute_urbaine" not in kinds
    assert not any(trace.legendgroup == "communaute_urbaine" for trace in fig.data)


def test_legend_sits_bottom_left(national):
    legend = national.layout.legend
    assert legend.x <= 0.05 and legend.y <= 0.05
    assert legend.xanchor == "left" and legend.yanchor == "bottom"
    assert legend.borderwidth and legend.bgcolor   # a box


# -- base map and layers --------------------------------------------------------------------------

def test_only_geo_traces_on_a_hidden_base_map(national):
    assert {trace.type for trace in national.data} == {"choropleth", "scattergeo"}
    geo = national.layout.geo
    assert geo.visible is False
    assert geo.projection.type == "conic conformal"
    assert list(geo.projection.parallels) == [44, 49]


def fill(trace) -> str:
    return trace.colorscale[0][1]


def outlines(fig, geo="geo"):
    return [trace for trace in fig.data if trace.geo == geo and trace.type == "choropleth"
            and fill(trace) == "rgba(0,0,0,0)"]


def test_base_map_draws_every_departement_once_under_the_member_areas(national):
    # The member areas cover the base map, so that the browser can hide a kind of area and
    # the base map shows through (no hole in the map).
    france = {"geo"} | {f"geo{i + 2}" for i in range(len(OVERSEAS_REGIONS))}   # not Paris
    base = [trace for trace in national.data if trace.type == "choropleth"
            and trace.geo in france and not trace.hovertemplate
            and fill(trace) != "rgba(0,0,0,0)"]
    drawn = [code for trace in base for code in trace.locations]
    assert sorted(drawn) == sorted(basemap.national_features())   # overseas in the insets
    assert {colour_family(fill(trace)) for trace in base} == {"grey"}
    indexes = {id(trace): i for i, trace in enumerate(national.data)}
    areas = [trace for trace in national.data if trace.geo == "geo"
             and trace.legendgroup in ("region", "departement")]
    assert areas and min(indexes[id(t)] for t in areas) > max(
        indexes[id(t)] for t in base if t.geo == "geo")


def test_areas_under_markers_regions_under_departements(national):
    order = [trace.legendgroup for trace in national.data if trace.geo == "geo"
             and trace.legendgroup in KINDS and trace.showlegend]
    assert order.index("region") < order.index("departement") < order.index("metropole")
    kinds = [trace.legendgroup for trace in national.data if trace.geo == "geo"
             and trace.legendgroup in KINDS and trace.type == "scattergeo"]
    # Big markers first, so that small ones stay on top.
    assert kinds.index("metropole") < kinds.index("commune")
    # Région borders over the areas (plotly draws every choropleth under every scattergeo).
    indexes = {id(trace): i for i, trace in enumerate(national.data)}
    areas = [indexes[id(trace)] for trace in national.data
             if trace.geo == "geo" and trace.legendgroup in ("region", "departement")]
    assert max(areas) < min(indexes[id(trace)] for trace in outlines(national))


def test_region_borders_are_stronger_than_departement_borders(national):
    [regions] = outlines(national)
    departements = [trace for trace in national.data if trace.geo == "geo"
                     and trace.type == "choropleth" and trace not in outlines(national)]
    assert len(regions.locations) == 13     # metropolitan régions
    for trace in departements:
        assert trace.marker.line.color == "white"
        assert regions.marker.line.width > trace.marker.line.width


def test_title_and_source_line(national, members):
    assert national.layout.title.text == "Collectivités adhérentes"
    assert national.layout.title.subtitle.text == f"{len(members)} collectivités adhérentes"
    assert source_line() in [annotation.text for annotation in national.layout.annotations]
    assert source_line().startswith("Sources : liste des adhérents ; fonds IGN ADMIN EXPRESS")
    assert source_line().endswith(get_reference().vintage.cog)   # the vintage in use, "COG 2025"
    assert build_map(members, title="Le réseau").layout.title.text == "Le réseau"


def test_uirevision_is_stable_per_view(members):
    assert build_map(members).layout.uirevision == build_map(members.head(3)).layout.uirevision
    assert build_map(members, "32").layout.uirevision != build_map(members).layout.uirevision


# -- overseas insets ------------------------------------------------------------------------------

def test_each_overseas_member_lands_in_its_inset(with_overseas):
    fig = build_map(with_overseas)
    names = {region: get_reference().names("region")[region] for region in OVERSEAS_REGIONS}
    labels = {annotation.text for annotation in fig.layout.annotations}
    assert set(names.values()) <= labels
    for kind, code, region in OVERSEAS_MEMBERS:
        geo = f"geo{OVERSEAS_REGIONS.index(region) + 2}"
        domain = fig.layout[geo].domain
        assert INSET_COLUMN[0] <= domain.x[0] < domain.x[1] <= INSET_COLUMN[1]
        [hover] = hover_texts(with_overseas[with_overseas["code"] == code])
        holders = {trace.geo for trace in member_traces(fig) if hover in trace.hovertext}
        assert holders == {geo}, (kind, code, holders)
    main = [text for trace in member_traces(fig) if trace.geo == "geo"
            for text in trace.hovertext]
    assert not any("Région : La Réunion" in text or "Région : Mayotte" in text for text in main)


def test_legend_entry_survives_when_all_members_of_a_kind_are_overseas():
    fig = build_map(pd.DataFrame([member_row("commune", "97411")]))
    [entry] = legend_traces(fig)
    assert entry.name == "Communes (1)" and entry.geo == "geo5"


def test_insets_are_at_a_readable_scale(national):
    for i in range(len(OVERSEAS_REGIONS)):
        domain = national.layout[f"geo{i + 2}"].domain
        assert domain.x[1] - domain.x[0] > 0.12 and domain.y[1] - domain.y[0] > 0.12


def test_paris_inset_when_members_crowd_the_petite_couronne(national, members):
    assert PARIS_LABEL in [annotation.text for annotation in national.layout.annotations]
    lone = build_map(members[members["region"] != "11"])
    assert PARIS_LABEL not in [annotation.text for annotation in lone.layout.annotations]


# -- région view ----------------------------------------------------------------------------------

def test_hauts_de_france_view_holds_only_its_members(members):
    fig = build_map(members, "32")
    hdf = members[members["region"] == "32"]
    assert sorted(hdf["official_name"]) == ["Lille", "Pas-de-Calais"]
    names = {text.split("</b>")[0].removeprefix("<b>") for text in hover_of(fig)}
    assert names == set(hdf["official_name"])
    assert [trace.name for trace in legend_traces(fig)] == ["Départements (1)", "Communes (1)"]
    assert "Hauts-de-France" in fig.layout.title.text
    for trace in fig.data:
        if mode(trace) == "markers":
            assert all(50.0 < lat < 51.2 for lat in trace.lat)


def test_region_view_is_zoomed_with_names_and_faded_surroundings(members):
    fig = build_map(members, "32")
    lon, lat = fig.layout.geo.lonaxis.range, fig.layout.geo.lataxis.range
    assert lon[1] - lon[0] < 6 and lat[1] - lat[0] < 4
    texts = {text for trace in fig.data if mode(trace) == "text" for text in trace.text}
    assert {"Nord", "Pas-de-Calais", "Somme", "Oise", "Aisne"} <= texts
    fills = {fill(trace) for trace in fig.data
             if trace.type == "choropleth" and not trace.hovertemplate
             and trace.legendgroup not in KINDS and fill(trace) != "rgba(0,0,0,0)"}
    assert len(fills) == 2     # the région's départements, and the faded ones around it


def test_epci_members_may_show_their_outline():
    crowded = pd.DataFrame([member_row("metropole", "200093201"),
                            member_row("commune", "59350")])
    fig = build_map(crowded, "32")
    [outline] = [trace for trace in fig.data
                 if mode(trace) == "lines" and trace.legendgroup == "metropole"
                 and trace.name != LEADERS]
    lons = [lon for lon in outline.lon if lon is not None]
    assert 2.7 < min(lons) and max(lons) < 3.4       # around Lille
    assert outline.line.color == KIND_BY_ID["metropole"].color
    fig = build_map(crowded, "32", show_epci_outlines=False)
    assert not any(mode(trace) == "lines" and trace.legendgroup == "metropole"
                   and trace.name != LEADERS for trace in fig.data)


def test_ept_members_are_symbols_with_their_territory_outlined(members):
    fig = build_map(members, "11")
    epts = sorted(members.loc[members["level"] == "ept", "code"])
    [outline] = [trace for trace in fig.data
                 if mode(trace) == "lines" and trace.legendgroup == "autre"
                 and trace.name != LEADERS]
    assert list(outline.lon).count(None) >= len(epts)       # one ring (at least) each
    [markers] = [trace for trace in fig.data
                 if mode(trace) == "markers" and trace.legendgroup == "autre"]
    assert markers.marker.symbol == "diamond" and len(markers.lon) == len(epts) == 2


def test_the_covered_territory_map_shades_the_members_drawn_as_symbols(sample):
    """"Territoire couvert": each EPCI, EPT and commune member's territory filled under the
    régions and départements, hidden with its kind, with one legend entry of its own."""
    def shades(figure):
        return {t["legendgroup"]: t for t in figure["data"]
                if t["type"] == "choropleth" and t.get("legendgroup") in MARKER_KINDS}
    state = FilterState(region="84", mode="territoire")
    figure = map_figure(sample, state)
    shaded = shades(figure)
    assert set(shaded) == {"metropole", "commune"}
    shown = select(sample, state)
    for kind, trace in shaded.items():
        members = shown[shown[S.KIND] == kind]
        assert trace["locations"] == [f"{level}:{code}" for level, code in
                                      zip(members[S.LEVEL], members[S.CODE], strict=True)]
        assert trace["customdata"] == members[S.ROW].astype(int).tolist()  # a search hides it
        assert trace["colorscale"][0][1] == TERRITORY_FILL
        [lyon] = [f for f in trace["geojson"]["features"] if f["id"] == "epci:200046977"] \
            if kind == "metropole" else [None]
        if lyon:
            lons = [x for ring in lyon["geometry"]["coordinates"] for x, _ in ring]
            assert 4.6 < min(lons) and max(lons) < 5.1    # around Lyon, its own outline
    areas = [i for i, t in enumerate(figure["data"]) if t["type"] == "choropleth"]
    assert [t["name"] for t in figure["data"] if t.get("showlegend")][-1] == TERRITORY_LEGEND
    # The network's areas over the shade, the base map under it.
    national = map_figure(sample, FilterState(mode="territoire"))
    order = [t.get("legendgroup") for t in national["data"] if t["type"] == "choropleth"
             and t["geo"] == "geo"]
    assert order.index("region") > max(order.index(k) for k in shades(national)
                                       if k in order)
    assert areas and not shades(map_figure(sample, FilterState(region="84")))


# -- hover, filters, empty lists ------------------------------------------------------------------

def test_hover_shows_official_data_and_extra_columns(members):
    extended = members.assign(**{extra_key("Année d'adhésion"): 2001,
                                 extra_key("Élu référent"): "Mme Dupont"})
    fig = build_map(extended)
    texts = hover_of(fig)
    assert len(texts) >= len(members)
    for text in texts:
        assert "Année d'adhésion : 2001" in text
        assert "Élu référent : Mme Dupont" in text
        assert "source : " in text   # the sample's own column
    [lille] = [text for text in texts if text.startswith("<b>Lille</b>")]
    assert "Commune" in lille
    assert "Département : Nord (59)" in lille
    assert "Région : Hauts-de-France" in lille
    assert re.search(r"Population : \d{3}\u00a0\d{3}\u00a0hab\.", lille)


def test_population_is_formatted_the_french_way():
    assert format_population(236710) == "236\u00a0710\u00a0hab."
    assert format_population(1234567.0) == "1\u00a0234\u00a0567\u00a0hab."
    assert format_population(float("nan")) == "non renseignée"


def test_kinds_filter(members):
    fig = build_map(members, kinds=["commune", "metropole"])
    assert {trace.legendgroup for trace in legend_traces(fig)} == {"commune", "metropole"}
    assert not any(trace.legendgroup in ("region", "departement") for trace in fig.data)
    assert "communes" in fig.layout.title.subtitle.text


def test_empty_member_list_still_draws_france(members):
    fig = build_map(members.iloc[0:0])
    assert not legend_traces(fig)
    assert fig.layout.showlegend is False
    assert any(trace.type == "choropleth" and len(trace.locations) > 90 for trace in fig.data)
    assert fig.layout.title.subtitle.text == "Aucune collectivité adhérente"
    build_map(members.iloc[0:0], "32")   # no error either


def test_rows_not_placed_on_the_map_are_left_to_the_report(members):
    unresolved = {column: "" for column in members.columns} | {
        "status": "unmatched", "input_name": "Ville inconnue", "lon": float("nan"),
        "lat": float("nan"), "population": float("nan")}
    fig = build_map(pd.concat([members, pd.DataFrame([unresolved])], ignore_index=True))
    assert legend_counts(members) == {trace.legendgroup: int(trace.name.split("(")[1][:-1])
                                      for trace in legend_traces(fig)}


@pytest.mark.parametrize(("args", "message"), [
    ({"region": "99"}, "'99'"),
    ({"kinds": ["villes"]}, "'villes'"),
])
def test_bad_options_are_named(members, args, message):
    with pytest.raises(ValueError, match=message):
        build_map(members, **args)


def test_missing_columns_are_named(members):
    with pytest.raises(ValueError, match="lon"):
        build_map(members.drop(columns=["lon"]))


# -- size and speed -------------------------------------------------------------------------------

@pytest.mark.parametrize("region", [None, "32"])
def test_figure_is_small(members, region):
    """Size only: speed is measured by `python -m benchmarks`, not asserted in tests."""
    fig = build_map(members, region)
    payload = fig.to_json()
    assert len(gzip.compress(payload.encode())) < 500_000
    coordinates = json.dumps([[trace.lon, trace.lat] if trace.type == "scattergeo"
                              else trace.geojson for trace in fig.data])
    assert not re.findall(r"\d\.\d{6,}", coordinates)     # rounded to 5 decimals at most


# -- offline --------------------------------------------------------------------------------------

def test_topojson_files_plotly_asks_for_are_served(national):
    config = offline.configure_offline()
    assert config == {"topojsonURL": "/assets/topojson/"}
    assert pio.defaults.topojson.startswith("file:///") and pio.defaults.topojson.endswith("/")
    geo = national.layout.geo
    scope, resolution = geo.scope or "world", geo.resolution or 110
    assert f"{scope}_{resolution}m" in offline.TOPOJSON_NAMES
    for name in offline.TOPOJSON_NAMES:
        topology = json.loads((offline.TOPOJSON_DIR / f"{name}.json").read_text())
        assert topology == offline.empty_topology()


@pytest.mark.parametrize("count, kinds, query, expected", [
    (0, ("commune",), "", "Aucune collectivité adhérente parmi les communes"),
    (3, ("metropole", "commune"), "lille",
     "3 collectivités adhérentes : métropoles et communes — recherche «\u00a0lille\u00a0»"),
    (1, KINDS, "", "1 collectivité adhérente"),
    (28, tuple(k for k in KINDS if k != "commune"), "",
     "28 collectivités adhérentes, hors communes"),
    (0, (), "", "Aucune collectivité adhérente : aucun type choisi"),
])
def test_the_subtitle_says_what_the_selection_is(count, kinds, query, expected):
    from dashboard.labels import map_subtitle
    assert map_subtitle(count, kinds, query) == expected


def test_a_screen_and_an_a4_export_get_different_names():
    from datetime import date

    from dashboard.labels import selection_file_name
    from dashboard.state import FilterState
    day = date(2026, 11, 29)
    state = FilterState(region="32")
    names = {selection_file_name(state, "png", day, size) for size in ("screen", "a4", "a3")}
    assert names == {"adherents-hauts-de-france-2026-11-29.png",
                     "adherents-hauts-de-france-a4-2026-11-29.png",
                     "adherents-hauts-de-france-a3-2026-11-29.png"}


def test_a_file_name_names_the_fewer_of_the_kinds_shown_or_left_out():
    from datetime import date

    from dashboard.labels import selection_file_name
    from dashboard.state import FilterState
    day = date(2026, 11, 29)
    most = FilterState(kinds=tuple(k for k in KINDS if k != "commune"))
    assert selection_file_name(most, "png", day) == "adherents-france-hors-commune-2026-11-29.png"
    few = FilterState(kinds=("metropole", "commune"))
    assert selection_file_name(few, "png", day) == \
        "adherents-france-metropole-commune-2026-11-29.png"


def test_a_map_of_the_embedded_sample_says_it_is_a_partial_sample(sample):
    from dashboard.figures import map_figure
    from dashboard.state import FilterState
    marked = map_figure(sample, FilterState(), sample=True)["layout"]["title"]["subtitle"]["text"]
    assert marked.endswith("(échantillon — liste partielle)")
    plain = map_figure(sample, FilterState())["layout"]["title"]["subtitle"]["text"]
    assert "échantillon" not in plain
