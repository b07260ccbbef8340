"""How the network grew, for a list that says when each member joined (geodata.growth): per
year, the members of the view at the end of the year by kind, and the share of the view's
inhabitants they covered. The dashboard shows it under the map; it exports like the map.

    table = growth_table(members, FilterState(region="32"))   # years x kinds, covered, share
    figure = growth_figure(members, FilterState(region="32"))
"""

from dataclasses import replace

import pandas as pd

from geodata import COMMUNE, get_reference
from geodata import schema as S
from geodata.coverage import coverage_groups, covered_in, view_communes
from geodata.kinds import KIND_BY_ID, KINDS

from .figures import FONT, source_line
from .labels import SAMPLE_MARK, THOUSANDS, format_population, selection_label, state_title
from .labels import file_name as labels_file_name
from .selection import list_years, select, years_of
from .state import DEFAULT_MODE, FilterState

COVERAGE_COLOR = "#1d5b3f"
CHART_SIZE = (1100, 620)


def growth_table(members: pd.DataFrame, state: FilterState) -> pd.DataFrame | None:
    """Per year from the list's first to its last (the index): the members of the view (the
    state's région or département; every kind, no search) that had joined by the end of it,
    one column per kind with any, then "covered" (inhabitants of the view covered) and
    "share" (of them, 0-1). None when the list has no membership years."""
    span = years_of(members)
    if span is None:
        return None
    everyone = replace(state, kinds=KINDS, query="", year=None)
    shown = select(members, everyone)
    all_years = list_years(members)
    years = all_years[shown.index]
    index = range(span[0], span[1] + 1)
    counts = pd.DataFrame({kind: [int(((shown[S.KIND] == kind) & (years <= year)).sum())
                                  for year in index]
                           for kind in KINDS if (shown[S.KIND] == kind).any()}, index=index)
    # Coverage by the members of the year wherever they are (an EPCI across a border too).
    drawn = select(members, replace(everyone, region=None, departement=None))
    drawn_years = all_years[drawn.index]
    groups = coverage_groups(drawn)
    communes = get_reference().table(COMMUNE)
    inside = view_communes(state.region, state.departement)
    departements = sorted(set(communes.departement[inside]))
    population = int(communes.population[inside].sum())
    counts["covered"] = [covered_in(groups, drawn[S.ROW][(drawn_years <= year).fillna(False)],
                                    departements) for year in index]
    counts["share"] = counts.covered / population if population else 0.0
    counts.attrs["unknown"] = int(years.isna().sum())   # members of the view with no year
    counts.index.name = "annee"
    return counts


def file_name(state: FilterState, extension: str) -> str:
    """'adherents-hauts-de-france-croissance-2026-11-29.png'."""
    return labels_file_name([*selection_label(replace(state, kinds=KINDS, query="", year=None,
                                                      mode=DEFAULT_MODE)), "croissance"],
                            extension)


def growth_figure(members: pd.DataFrame, state: FilterState,
                  sample: bool = False) -> dict | None:
    """The chart: stacked areas of members by kind at the end of each year, the line of the
    share of inhabitants covered (right axis). None when the list has no membership years."""
    table = growth_table(members, state)
    if table is None:
        return None
    years = list(table.index)
    kinds = [kind for kind in KINDS if kind in table.columns]
    # Stacked areas (the page's plotly.js draws geo and scatter traces only, not bars).
    traces = [dict(type="scatter", mode="lines", x=years, y=table[kind].tolist(),
                   stackgroup="members", line={"width": 0.5, "color": "white"},
                   fillcolor=KIND_BY_ID[kind].color, name=KIND_BY_ID[kind].plural,
                   legendgroup=kind,
                   hovertemplate=f"{KIND_BY_ID[kind].plural} fin %{{x}} : %{{y}}"
                                 "<extra></extra>")
              for kind in kinds]
    traces.append(dict(
        type="scatter", mode="lines+markers", x=years, y=(table.share * 100).round(1).tolist(),
        yaxis="y2", name="Population couverte", line={"color": COVERAGE_COLOR, "width": 2.5},
        marker={"size": 6}, customdata=[format_population(v) for v in table.covered],
        hovertemplate="%{y:.1f} % des habitants fin %{x} (%{customdata})<extra></extra>"))
    unknown = table.attrs["unknown"]
    subtitle = "Adhérents à la fin de chaque année, par type, et part des habitants couverte"
    if unknown:
        subtitle += (f" — {unknown}{THOUSANDS}adhérent{'s' if unknown > 1 else ''} sans année "
                     "d'adhésion non compté" + ("s" if unknown > 1 else ""))
    if sample:
        subtitle += f" ({SAMPLE_MARK})"
    title = state_title(state).replace("Collectivités adhérentes", "Croissance du réseau", 1)
    # The share's axis up to a round 10 % above its highest point (100 % at most).
    top = min(100, 10 * -(-float(table.share.max() * 115) // 10)) or 10
    most = int(table[kinds].sum(axis=1).max()) if kinds else 0
    return {"data": traces, "layout": {
        "font": {"family": FONT, "size": 13, "color": "#222"},
        "title": {"text": title, "x": 0.01, "xanchor": "left", "y": 1, "yref": "container",
                  "yanchor": "top", "pad": {"t": 14},
                  "subtitle": {"text": subtitle, "font": {"size": 13, "color": "#555"}}},
        "xaxis": {"title": {"text": "Année"}, "dtick": 1 if len(years) <= 16 else 2,
                  "tickformat": "d"},
        "yaxis": {"title": {"text": "Adhérents"}, "rangemode": "tozero", "tickformat": "d",
                  **({"dtick": 1} if most <= 10 else {})},
        "separators": ", ",   # 0,5 and 1 000, as French readers write them
        "yaxis2": {"title": {"text": "Population couverte"}, "overlaying": "y",
                   "side": "right", "showgrid": False, "ticksuffix": " %",
                   "range": [0, top], "dtick": 10 if top > 30 else 5},
        # The legend above the plot, the source line at the bottom of the page.
        "legend": {"orientation": "h", "y": 1.02, "x": 0, "yanchor": "bottom"},
        "margin": {"l": 60, "r": 80, "t": 150, "b": 80},
        "paper_bgcolor": "white", "plot_bgcolor": "white",
        "annotations": [{"text": source_line(), "xref": "paper", "yref": "paper", "x": 1,
                         "y": 0, "yshift": -72, "xanchor": "right", "yanchor": "bottom",
                         "showarrow": False, "font": {"size": 10, "color": "#777"}}],
    }}
