"""Maps a network can publish: a région fills its page, every member is named without overlap,
symbols stand out on every area, the page reads on a phone.

The list is `tests/data/hauts_de_france_40.csv`: 40 members of Hauts-de-France (the région,
two départements, a métropole, CUs, CAs, CCs and 20 communes, the Lille cluster among them).
"""

from pathlib import Path

import numpy as np
import pytest

from dashboard import map_labels
from dashboard.export import SIZES, canvas
from dashboard.figures import (
    BASE_FILL,
    COMPACT_WIDTH,
    CONTEXT_FILL,
    LEADERS,
    MEMBER_LABEL_FONT,
    REGION_LINE,
    map_figure,
)
from dashboard.labels import usual_name
from dashboard.legend import MIN_CONTRAST, contrast_ratio, symbol_contrast
from dashboard.projection import View, aspect_of
from dashboard.state import FilterState
from geodata import schema as S
from geodata.kinds import AREA_KINDS, KIND_BY_ID, MARKER_KINDS
from geodata.members import resolve_members

HDF_LIST = Path(__file__).parent / "data" / "hauts_de_france_40.csv"
PHONE = (372, 720)   # the map on a 390 px wide phone (measured in Chromium)


@pytest.fixture(scope="module")
def hdf():
    return resolve_members(HDF_LIST)


def member_names(figure: dict) -> list[str]:
    return [text for trace in figure["data"] if trace.get("mode") == "text"
            and trace["textfont"]["color"] == MEMBER_LABEL_FONT["color"]
            for text in trace["text"]]


def plot_view(figure: dict, size: tuple[float, float], geo: str = "geo") -> View:
    """The subplot as plotly.js draws it, from the figure's own layout."""
    layout = figure["layout"]
    margin = layout["margin"]
    domain = layout[geo]["domain"]
    width = (size[0] - margin["l"] - margin["r"]) * (domain["x"][1] - domain["x"][0])
    height = (size[1] - margin["t"] - margin["b"]) * (domain["y"][1] - domain["y"][0])
    return View(layout[geo]["projection"], tuple(layout[geo]["lonaxis"]["range"]),
                tuple(layout[geo]["lataxis"]["range"]), width, height)


def label_boxes(figure: dict, view: View) -> list[tuple]:
    boxes = []
    for trace in figure["data"]:
        if trace.get("mode") != "text" or trace["geo"] != "geo":
            continue
        font = trace["textfont"]
        upper = font.get("textcase") == "upper"
        x, y = view.to_pixels(trace["lon"], trace["lat"])
        for text, cx, cy in zip(trace["text"], x, y, strict=True):
            lines = text.split("<br>")
            half_w = max(map_labels.text_width(line, font["size"], upper) for line in lines) / 2
            half_h = len(lines) * font["size"] * 0.6
            boxes.append((text, cx - half_w, cy - half_h, cx + half_w, cy + half_h))
    return boxes


def overlapping(boxes: list[tuple]) -> list[tuple[str, str]]:
    pairs = []
    for i, (a, *box_a) in enumerate(boxes):
        for b, *box_b in boxes[i + 1:]:
            if (box_a[0] < box_b[2] and box_b[0] < box_a[2]
                    and box_a[1] < box_b[3] and box_b[1] < box_a[3]):
                pairs.append((a, b))
    return pairs


# -- a région fills its page ----------------------------------------------------------------------

@pytest.mark.parametrize("size", [*SIZES, "phone"])
def test_a_region_view_has_the_proportions_of_its_page(hdf, size):
    """plotly.js fits the projected range into the subplot: with the same proportions, the map
    and its faded neighbours fill it, with no blank band on either side."""
    page = PHONE if size == "phone" else canvas(size)
    figure = map_figure(hdf, FilterState(region="32"), canvas=page)
    view = plot_view(figure, page)
    shown = aspect_of(view.projection, view.lon_range, view.lat_range)
    assert shown == pytest.approx(view.width / view.height, rel=0.03)
    # The proportions go by steps (a browser resized pixel by pixel makes few views): a band
    # of a pixel or two at most.
    x0, y0, x1, y1 = view.visible
    edge_w, edge_h = 0.006 * view.width, 0.006 * view.height
    assert x0 <= edge_w and y0 <= edge_h
    assert x1 >= view.width - edge_w and y1 >= view.height - edge_h


def test_neighbours_are_drawn_past_the_frame(hdf):
    """The faded départements around the région reach beyond every edge of what shows: the
    frame cuts them, not a rectangle inside the page."""
    figure = map_figure(hdf, FilterState(region="32"), canvas=canvas("slide"))
    view = plot_view(figure, canvas("slide"))
    context = [trace for trace in figure["data"] if trace["type"] == "choropleth"
               and trace["colorscale"][0][1] == CONTEXT_FILL]
    points = np.array([point for trace in context for feature in trace["geojson"]["features"]
                       for polygon in _polygons(feature["geometry"]) for point in polygon[0]])
    x, y = view.to_pixels(points[:, 0], points[:, 1])
    x0, y0, x1, y1 = view.visible
    assert x.min() < x0 and x.max() > x1 and y.max() > y1


def _polygons(geometry):
    return geometry["coordinates"] if geometry["type"] == "MultiPolygon" \
        else [geometry["coordinates"]]


# -- names ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("size", ["a4", "slide", "a4-portrait", "screen"])
def test_every_member_is_named_without_overlap_in_print_and_slide_sizes(hdf, size):
    figure = map_figure(hdf, FilterState(region="32"), canvas=canvas(size))
    names = member_names(figure)
    marked = hdf[~hdf[S.KIND].isin(AREA_KINDS)]
    assert len(names) == len(marked) == 37
    assert {"MEL", "Lille", "Roubaix", "CUD", "CA du Boulonnais"} <= set(names)
    assert overlapping(label_boxes(figure, plot_view(figure, canvas(size)))) == []


def test_on_a_phone_names_never_overlap_and_most_members_are_named(hdf):
    """The Lille cluster on a 352 px wide map has no room for every name without lines
    crossing each other or running across the map: clean lines come first, and the members
    left unnamed are named on a tap and in the table."""
    figure = map_figure(hdf, FilterState(region="32"), canvas=PHONE)
    names = member_names(figure)
    assert len(names) >= 30, names
    assert overlapping(label_boxes(figure, plot_view(figure, PHONE))) == []


def test_name_choice_none_main_all(hdf, sample):
    def count(region, labels, members):
        state = FilterState(region=region, labels=labels)
        return len(member_names(map_figure(members, state, canvas=canvas("a4"))))

    assert count("32", "aucun", hdf) == 0
    assert 0 < count("32", "principaux", hdf) <= map_labels.MAIN_LABELS
    assert count("32", None, hdf) == 37                 # a région view names every member
    national = count(None, None, sample)                # the national view: the main ones
    assert 0 < national == count(None, "principaux", sample) < count(None, "tous", sample)


def test_leader_lines_join_far_names_to_their_symbol(hdf):
    figure = map_figure(hdf, FilterState(region="32"), canvas=canvas("a4"))
    leaders = [trace for trace in figure["data"] if trace.get("name") == LEADERS]
    assert leaders and leaders[0]["mode"] == "lines"
    # One segment per name placed away from its symbol, each ended by a gap (None).
    assert leaders[0]["lon"].count(None) >= 1


@pytest.mark.parametrize("kind, code, official, expected", [
    ("metropole", "200093201", "Métropole Européenne de Lille", "MEL"),
    ("commune", "59350", "Lille", "Lille"),
    ("communaute_agglomeration", "x", "Communauté d'agglomération du Niortais", "CA du Niortais"),
    ("communaute_agglomeration", "x",
     "Communauté d'agglomération Mulhouse Alsace Agglomération",
     "Mulhouse Alsace<br>Agglomération"),
    ("communaute_urbaine", "245900428", "Communauté urbaine de Dunkerque", "CUD"),
    ("communaute_agglomeration", "249740101",
     "Communauté d'agglomération Intercommunale du Nord de la Réunion (CINOR)", "CINOR"),
])
def test_labels_use_the_name_people_use(kind, code, official, expected):
    assert usual_name(kind, code, official) == expected


def test_crowded_symbols_are_nudged_apart_so_each_stays_visible():
    markers = [map_labels.Marker(100, 100, 6), map_labels.Marker(101, 100, 6),
               map_labels.Marker(100, 101, 6)]
    spread = map_labels.spread(markers)
    for i, a in enumerate(spread):
        for b in spread[i + 1:]:
            assert np.hypot(a.x - b.x, a.y - b.y) >= 0.7 * (a.radius + b.radius)
        assert np.hypot(a.x - 100, a.y - 100) <= map_labels.MAX_NUDGE * a.radius + 2


# -- colours --------------------------------------------------------------------------------------

GROUNDS = {"base map": BASE_FILL, "faded neighbours": CONTEXT_FILL, "paper": "#ffffff",
           **{KIND_BY_ID[kind].label: KIND_BY_ID[kind].color for kind in AREA_KINDS}}


@pytest.mark.parametrize("kind", MARKER_KINDS)
@pytest.mark.parametrize("ground", GROUNDS)
def test_every_symbol_has_3_to_1_contrast_on_every_area(kind, ground):
    assert symbol_contrast(kind, GROUNDS[ground]) >= MIN_CONTRAST


def test_contrast_ratio_is_the_wcag_one():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_no_colour_on_the_map_that_the_legend_does_not_explain(hdf):
    """Areas: the base map, the faded neighbours, blue régions and orange départements;
    an EPCI's perimeter is a line of its kind's colour, never a fill."""
    figure = map_figure(hdf, FilterState(region="32"), canvas=canvas("a4"))
    allowed = {BASE_FILL, CONTEXT_FILL, "rgba(0,0,0,0)",
               *(KIND_BY_ID[kind].color for kind in AREA_KINDS)}
    fills = {trace["colorscale"][0][1] for trace in figure["data"]
             if trace["type"] == "choropleth"}
    assert fills <= allowed
    perimeters = {trace["line"]["color"] for trace in figure["data"]
                  if trace.get("mode") == "lines" and trace.get("legendgroup") in MARKER_KINDS
                  and trace.get("name") != LEADERS}
    assert perimeters and perimeters <= {KIND_BY_ID[kind].color for kind in MARKER_KINDS}
    markers = {trace["marker"]["color"] for trace in figure["data"]
               if trace.get("mode") == "markers" and trace.get("legendgroup")}
    assert markers <= {KIND_BY_ID[kind].color for kind in MARKER_KINDS}


# -- the page on a phone --------------------------------------------------------------------------

def test_on_a_phone_the_title_wraps_and_the_legend_goes_under_the_map(hdf):
    figure = map_figure(hdf, FilterState(region="32"), canvas=PHONE)
    layout = figure["layout"]
    assert PHONE[0] < COMPACT_WIDTH
    assert "<br>" in layout["title"]["text"]
    assert layout["legend"]["orientation"] == "h" and layout["legend"]["yanchor"] == "top"
    source = layout["annotations"][-1]
    assert source["x"] == 0 and source["yshift"] < -100     # under the legend, not under it cut
    assert layout["margin"]["b"] > -source["yshift"]


def test_a_wide_page_keeps_the_network_legend_bottom_left(hdf):
    layout = map_figure(hdf, FilterState(region="32"), canvas=canvas("a4"))["layout"]
    assert (layout["legend"]["x"], layout["legend"]["y"]) == (0.01, 0.01)
    assert "orientation" not in layout["legend"]


def test_a_departement_view_zooms_on_it_with_member_colours_only_inside(hdf):
    region = map_figure(hdf, FilterState(region="32"), canvas=canvas("a4"))
    nord = map_figure(hdf, FilterState(region="32", departement="59"), canvas=canvas("a4"))

    def span(figure):
        low, high = figure["layout"]["geo"]["lataxis"]["range"]
        return high - low

    assert span(nord) < 0.8 * span(region)
    areas = {code for trace in nord["data"] if trace["type"] == "choropleth"
             and trace.get("legendgroup") in AREA_KINDS for code in trace["locations"]}
    assert areas == {"59"}      # the Pas-de-Calais, a member, is faded around the Nord
    assert "Collectivités adhérentes — Nord" in nord["layout"]["title"]["text"]


def test_region_borders_around_a_view_are_lines_that_the_frame_cuts_cleanly(hdf):
    """A polygon cut by the frame would draw the cut as a grey line along the frame."""
    figure = map_figure(hdf, FilterState(region="32"), canvas=canvas("a4"))
    lines = [trace for trace in figure["data"] if trace["type"] == "scattergeo"
             and trace.get("mode") == "lines" and trace["line"]["color"] == REGION_LINE["color"]]
    assert lines and None in lines[0]["lon"]
    outlined = [trace for trace in figure["data"] if trace["type"] == "choropleth"
                and trace["marker"]["line"] == REGION_LINE]
    assert outlined == []


def test_on_a_phone_the_national_insets_go_under_france_with_names_that_fit(sample):
    figure = map_figure(sample, FilterState(), canvas=PHONE)
    layout = figure["layout"]
    margin = layout["margin"]
    plot_w = PHONE[0] - margin["l"] - margin["r"]
    main_bottom = layout["geo"]["domain"]["y"][0]
    frames = [shape for shape in layout["shapes"] if shape["type"] == "rect"]
    assert len(frames) == 6                       # five overseas régions and Paris
    names = {a["text"]: a for a in layout["annotations"] if a["yanchor"] == "top"
             and a["xanchor"] == "center"}
    for frame in frames:
        label = next(a for a in names.values() if a["x"] == (frame["x0"] + frame["x1"]) / 2
                     and a["y"] == frame["y1"])
        widest = max(map_labels.text_width(line, label["font"]["size"])
                     for line in label["text"].split("<br>"))
        assert widest <= (frame["x1"] - frame["x0"]) * plot_w, label["text"]
        assert label["font"]["size"] >= 6
    overseas = [frame for frame in frames if frame["y1"] <= main_bottom]
    assert len(overseas) == 5                     # in a row under France


def test_long_texts_written_by_a_person_wrap_inside_the_page(hdf):
    from dashboard.figures import MapTexts

    long_title = "Les collectivités adhérentes du réseau en région Hauts-de-France " * 3
    long_note = "Carte arrêtée au 1er juin, hors adhésions en cours de renouvellement " * 3
    texts = MapTexts(long_title.strip(), "40 collectivités", long_note.strip(), "RTES 2026")
    page = canvas("a4-portrait")
    layout = map_figure(hdf, FilterState(region="32"), canvas=page, texts=texts)["layout"]
    usable = page[0] - layout["margin"]["l"] - layout["margin"]["r"]
    title_lines = layout["title"]["text"].split("<br>")
    assert len(title_lines) >= 3
    assert all(map_labels.text_width(line, layout["title"]["font"]["size"]) <= usable
               for line in title_lines)
    source, note = layout["annotations"][:2]
    assert source["text"] == "RTES 2026" and note["text"].count("<br>") >= 1
    assert note["yshift"] < source["yshift"]            # under the source, not over it
    assert layout["margin"]["b"] > -note["yshift"] + note["text"].count("<br>") * 11
    assert layout["margin"]["t"] > 1.3 * 22 * len(title_lines)


def test_the_atlas_says_its_pages_in_french():
    from dashboard.atlas import pages_said

    assert pages_said(12) == "12 pages : la France et 11 régions"
    assert pages_said(2) == "2 pages : la France et 1 région"
    assert pages_said(1).startswith("1 page : la France seule")
