"""The naive ways each figure is compared with, measured in the same run.

- Figure: plotly.express on the unsimplified polygons, départements dissolved from the
  communes with geopandas (what one writes first), instead of the prepared, generalised and
  snapped base map.
- Sessions on the server: every filter change answered by the server (the whole map and the
  table, as before issue 15) instead of in the browser.
- Export: kaleido with a browser started for each image instead of one long-lived session.
"""

import time
from functools import cache

import geopandas as gpd
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from geodata import COMMUNE, load_layer
from geodata import schema as S
from geodata.kinds import KIND_DEPARTEMENT, KIND_REGION

WAYS = [
    "figure: `plotly.express` choropleth + scatter_geo on départements dissolved with geopandas "
    "from the unsimplified commune polygons of `load_layer('commune')` (the dissolve, done once, "
    "is reported on its own line, not counted in each build)",
    "sessions on `make serve`: each filter change (kinds, search, département, région) answered "
    "by the server as before issue 15, the whole map (`map_figure`, its base map inside) and the "
    "table in one request (benchmarks/serve.py), on the same gunicorn",
    "export: kaleido with a browser started per image (`kaleido.calc_fig_sync` with no "
    "long-lived server), same figure and size",
    "browser: the naive figure drawn by plotly.js in the same page as ours (draw time only)",
    "geography: no cache, i.e. the reference layers rebuilt at each start",
    "search: rapidfuzz WRatio over the commune names for each key typed; corrections: one "
    "decision at a time, the list copied and checked after each",
]


@cache
def dissolved_departements() -> tuple[gpd.GeoDataFrame, float]:
    """Départements dissolved from the full commune polygons, and the seconds it took."""
    started = time.perf_counter()
    communes = load_layer(COMMUNE)[["departement", "region", "geometry"]]
    departements = communes.dissolve("departement").reset_index()
    return departements, time.perf_counter() - started


def naive_figure(members: pd.DataFrame, region: str | None = None) -> go.Figure:
    """The map as plotly.express draws it: one choropleth of the départements, then markers."""
    areas, _ = dissolved_departements()
    if region is not None:
        areas = areas[areas["region"] == region]
        members = members[members[S.REGION] == region]
    fill = pd.Series("non adhérent", index=areas.index)
    fill[areas["region"].isin(members.loc[members[S.KIND] == KIND_REGION, S.CODE])] = "région"
    fill[areas["departement"].isin(members.loc[members[S.KIND] == KIND_DEPARTEMENT,
                                               S.CODE])] = "département"
    figure = px.choropleth(areas.assign(fill=fill), geojson=areas.geometry.__geo_interface__,
                           locations=areas.index, color="fill", hover_name="departement")
    points = members[~members[S.KIND].isin([KIND_REGION, KIND_DEPARTEMENT])]
    markers = px.scatter_geo(points, lon=S.LON, lat=S.LAT, color=S.KIND, symbol=S.KIND,
                             hover_name=S.NAME, hover_data=[S.POPULATION, S.DEPARTEMENT])
    figure.add_traces(markers.data)
    figure.update_geos(fitbounds="locations", visible=False)
    figure.update_layout(title="Collectivités adhérentes")
    return figure


def naive_image(figure: go.Figure, fmt: str, width: int, height: int) -> bytes:
    """One image with a browser started for it alone (call with no kaleido server running)."""
    from dashboard.offline import render_image

    return render_image(figure, fmt, width=width, height=height)
