"""The members coloured and filtered by a column of their own list (geodata.columns): the
values a person reads, the members a value keeps, the map, its words and its PNG export."""

from dataclasses import replace

import pandas as pd
import pytest
from images import read_png
from members import (
    REFERENT_HEADER,
    YEAR_HEADER,
    two_thousand_members,
    with_referents,
    with_years,
)

from dashboard.export import export_map, find_chromium
from dashboard.figures import map_figure
from dashboard.labels import selection_file_name
from dashboard.selection import in_effect, list_years, select
from dashboard.state import FilterState
from geodata import schema as S
from geodata.columns import (
    CATEGORY_COLORS,
    OTHERS,
    OTHERS_COLOR,
    UNKNOWN,
    UNKNOWN_COLOR,
    column_colouring,
)
from geodata.kinds import KIND_BY_ID, KINDS
from geodata.names import normalize

REFERENT = S.extra_key(REFERENT_HEADER)


@pytest.fixture(scope="module")
def listed(sample):
    """The sample with an « Élu référent » and an « Année d'adhésion » column."""
    return with_years(with_referents(sample))


def test_a_value_written_several_ways_is_one_value_most_frequent_first(listed):
    colouring = column_colouring(listed, REFERENT_HEADER)
    # « Mme Petit », « mme petit » and « MME PETIT » are one person, written as most rows do.
    assert colouring.labels == ("Mme Petit", "M. Durand", "Mme Martin", UNKNOWN)
    assert colouring.colors == (*CATEGORY_COLORS[:3], UNKNOWN_COLOR)
    for index, written in listed[REFERENT].items():
        label = colouring.label_of(index)
        assert normalize(label) == normalize(written) if written.strip() else label == UNKNOWN
    by_hand = listed[REFERENT].map(normalize).value_counts()
    assert colouring.counts() == [by_hand["mme petit"], by_hand["m durand"],
                                  by_hand["mme martin"], by_hand[""]]


def test_past_seven_values_one_colour_and_one_legend_entry_stand_for_the_others(sample):
    colouring = column_colouring(sample, "source")   # 21 different sources
    assert len(colouring.labels) > len(CATEGORY_COLORS) + 1
    legend = colouring.legend()
    assert [label for label, _, _ in legend] == [*colouring.labels[:7], OTHERS]
    assert legend[-1][1:] == (OTHERS_COLOR, list(colouring.labels[7:]))
    # The filter still tells them apart.
    one_of_them = colouring.labels[9]
    kept = select(sample, FilterState(colour_by="source", values=(one_of_them,)))
    assert set(kept[S.extra_key("source")].str.strip()) == {one_of_them}


def test_numbers_as_lists_write_them_are_a_scale_in_order(sample):
    budgets = ["12 500", "1 234,5", "8000 €", "", "250 000", "45000", "3,5 %"]
    members = sample.assign(**{S.extra_key("Budget ESS"): [
        budgets[i % len(budgets)] for i in range(len(sample))]})
    colouring = column_colouring(members, "Budget ESS")
    assert colouring.graduated
    # Six different numbers: ranges of them, written as French writes numbers.
    assert len(colouring.labels) <= 6 and colouring.labels[-1] == UNKNOWN
    assert colouring.labels[0].startswith("3,5") and colouring.labels[-2].endswith(
        "250\u00a0000")
    numbers = {"12 500": 12500, "1 234,5": 1234.5, "8000 €": 8000, "250 000": 250000,
               "45000": 45000, "3,5 %": 3.5}
    written = members[S.extra_key("Budget ESS")]
    ordered = sorted((numbers[w], colouring.classes[i]) for i, w in written.items() if w)
    assert [c for _, c in ordered] == sorted(c for _, c in ordered)   # a scale, in order
    assert {colouring.label_of(i) for i, w in written.items() if not w} == {UNKNOWN}


def test_membership_years_colour_by_ranges_holding_each_members_year():
    members = with_years(two_thousand_members())
    colouring = column_colouring(members, YEAR_HEADER)
    years = list_years(members)
    assert colouring.graduated and colouring.labels[-1] == UNKNOWN
    assert len(colouring.labels) == 6   # five ranges, then the members without a year
    for index, year in years.items():
        label = colouring.label_of(index)
        if pd.isna(year):
            assert label == UNKNOWN
        else:
            first, last = (int(y) for y in label.split(" – "))
            assert first <= year <= last
    # Ranges of about as many members each (with_years draws years evenly).
    assert max(colouring.counts()[:-1]) < 2 * min(colouring.counts()[:-1])


def test_the_values_kept_select_the_members_of_those_values(listed):
    state = FilterState(colour_by=REFERENT_HEADER, values=("M. Durand", UNKNOWN))
    kept = select(listed, state)
    expected = listed[listed[REFERENT].map(normalize).isin(["m durand", ""])]
    assert sorted(kept[S.ROW]) == sorted(expected[S.ROW]) and 0 < len(kept) < len(listed)
    in_hdf = select(listed, replace(state, region="32"))
    assert set(in_hdf[S.ROW]) == set(kept[kept[S.REGION] == "32"][S.ROW])


@pytest.mark.parametrize("state", [
    FilterState(colour_by="Pas une colonne", values=("Oui",)),
    FilterState(colour_by=REFERENT_HEADER, values=("Quelqu'un d'autre",)),
    FilterState(colour_by=None, values=("Mme Petit",))], ids=str)
def test_a_column_or_value_the_list_does_not_have_keeps_every_member(listed, state):
    """An old link, or a forged request: nothing is left out, no word says otherwise."""
    assert len(select(listed, state)) == len(select(listed, FilterState()))
    assert in_effect(listed, state).values == ()
    assert "—" not in map_figure(listed, state)["layout"]["title"]["subtitle"]["text"]


def _drawn(figure) -> dict[int, tuple[str, str, str]]:
    """Row -> (kind, colour, symbol) of each member drawn (areas: symbol None)."""
    drawn = {}
    for trace in figure["data"]:
        if trace.get("legendgroup") not in KINDS or not trace.get("customdata"):
            continue
        if trace["type"] == "choropleth":
            color, symbol = trace["colorscale"][0][1], None
        elif trace.get("mode") == "markers":
            color, symbol = trace["marker"]["color"], trace["marker"]["symbol"]
        else:
            continue
        for row in trace["customdata"]:
            drawn[row] = (trace["legendgroup"], color, symbol)
    return drawn


def test_the_map_draws_each_member_in_its_value_colour_and_its_kind_shape(listed):
    colouring = column_colouring(listed, REFERENT_HEADER)
    figure = map_figure(listed, FilterState(colour_by=REFERENT_HEADER))
    drawn = _drawn(figure)
    shown = select(listed, FilterState())
    assert set(drawn) == set(shown[S.ROW])
    for index, row, kind in zip(shown.index, shown[S.ROW], shown[S.KIND], strict=True):
        assert drawn[row] == (kind, colouring.color_of(index), KIND_BY_ID[kind].symbol)
    legend = [t["name"] for t in figure["data"] if t.get("showlegend")]
    counts = shown[S.KIND].value_counts()
    assert legend == [KIND_BY_ID[k].legend_name(counts[k]) for k in KINDS if k in counts] + [
        f"<b>{REFERENT_HEADER}</b>", *colouring.labels]


def test_values_kept_leave_the_others_out_of_the_map_its_words_and_file_name(listed):
    state = FilterState(region="11", colour_by=REFERENT_HEADER, values=("M. Durand",))
    figure = map_figure(listed, state)
    expected = select(listed, state)
    assert set(_drawn(figure)) == set(expected[S.ROW])
    assert figure["layout"]["title"]["subtitle"]["text"].endswith(
        "— Élu référent\u00a0: M. Durand")
    values = [t["name"] for t in figure["data"]
              if t.get("showlegend") and t.get("legendgroup") == "couleur"]
    assert values == ["<b>Élu référent</b>", "M. Durand"]
    assert "elu-referent-m-durand" in selection_file_name(in_effect(listed, state), "png")


def _pixels_of(png: bytes, color: str) -> int:
    rgb = tuple(int(color[i:i + 2], 16) for i in (1, 3, 5))
    return sum(pixel == rgb for pixel in read_png(png)[2])


@pytest.mark.kaleido
def test_a_png_export_is_coloured_by_the_years(listed):
    if find_chromium() is None:
        pytest.skip("no Chromium: apt-get install chromium")
    plain = export_map(map_figure(listed, FilterState()), "png", "screen")
    coloured = export_map(map_figure(listed, FilterState(colour_by=YEAR_HEADER)), "png",
                          "screen")
    colouring = column_colouring(listed, YEAR_HEADER)
    metropole = KIND_BY_ID["metropole"].color
    assert _pixels_of(plain, metropole) > 100
    assert _pixels_of(coloured, metropole) == 0   # the kinds' colours give way to the years'
    for color in colouring.colors[:-1]:           # every range, on the map and in the legend
        assert _pixels_of(coloured, color) > 100, color


def _column(sample, cells: list[str], header: str = "Colonne") -> "pd.DataFrame":
    return sample.assign(**{S.extra_key(header): [cells[i % len(cells)]
                                                  for i in range(len(sample))]})


def test_a_cell_saying_it_has_no_value_has_none(sample):
    members = _column(sample, ["Oui", "Non renseigné", "", "non renseigne"])
    colouring = column_colouring(members, "Colonne")
    assert colouring.labels == ("Oui", UNKNOWN)
    kept = select(members, FilterState(colour_by="Colonne", values=(UNKNOWN,)))
    assert len(kept) == sum(1 for i in range(len(sample)) if i % 4)


def test_words_among_numbers_are_no_number_and_codes_are_no_scale(sample):
    written = ["1 000", "2 500", "12 000", "30 000", "en cours", ""]
    amounts = column_colouring(_column(sample, written), "Colonne")
    assert amounts.graduated and amounts.labels[-2:] == (OTHERS, UNKNOWN)
    assert amounts.counts()[-2] == sum(1 for i in range(len(sample)) if i % 6 == 4)
    phones = column_colouring(_column(sample, ["03 20 00 00 00", "01 23 45 67 89"]), "Colonne")
    postcodes = column_colouring(_column(sample, ["59000", "75001", "69003"]), "Colonne")
    assert not phones.graduated and not postcodes.graduated
    assert set(postcodes.labels) == {"59000", "75001", "69003"}


def test_numbers_are_written_as_french_writes_them_one_class_per_label(sample):
    colouring = column_colouring(_column(sample, ["0,001", "0,004", "12,001", "-3,5"]),
                                 "Colonne")
    assert colouring.labels == ("-3,5", "0", "12")   # never « 12, », never « 0 » twice


def test_many_values_kept_are_counted_in_the_subtitle_and_the_file_name(sample):
    values = tuple(column_colouring(sample, "preuve").labels[:12])
    state = in_effect(sample, FilterState(colour_by="preuve", values=values))
    subtitle = map_figure(sample, state)["layout"]["title"]["subtitle"]["text"]
    assert "et 9 autres" in subtitle.replace("<br>", " ")
    name = selection_file_name(state, "png")
    assert len(name) < 200 and "-et-9-autres" in name
