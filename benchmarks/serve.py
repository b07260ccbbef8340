"""The dashboard as `make serve` serves it, plus one route that does what a filter change cost
the server before issue 15 (the old way), for the load benchmark (benchmarks.dashboard_http).

    gunicorn --config gunicorn.conf.py 'benchmarks.serve:create_bench_server()'

Before issue 15, every filter change (kinds, search, département, région) made the browser ask
the server for the whole map (`map_figure` of the new filters, its base map inside) and for
the table (the selected rows, the header counts). OLD_WAY_PATH does both in one request and
answers them JSON-encoded with plotly's encoder, as Dash did; flask-compress compresses the
answer as it did Dash's. The old page also asked for the URL and the export panel's
placeholders on each change: left out, which flatters the old way.
"""

from dataclasses import replace

from flask import Response, request

OLD_WAY_PATH = "/_bench/old-filter-change"
BENCH_APP = "benchmarks.serve:create_bench_server()"   # gunicorn's APP_MODULE


def old_filter_change(body: dict) -> bytes:
    """The old map and table callbacks' work for one filter change. body: the members store
    ("members", None: the sample), the filters ("region", "kinds", "departement", "query"),
    the map's "size" and "labels", as the old page sent them."""
    from plotly.io.json import to_json_plotly

    from dashboard.callbacks.filters import state_of
    from dashboard.callbacks.map_view import canvas_of, labels_of
    from dashboard.figures import map_figure
    from dashboard.member_store import filename_of, from_store, list_label
    from dashboard.selection import count_by_kind, select
    from dashboard.table import grid_columns, grid_rows

    data = body.get("members")
    members = from_store(data)
    state = replace(state_of(body.get("region"), body.get("kinds"), body.get("departement"),
                             body.get("query")), labels=labels_of(body.get("labels")))
    chosen = select(members, state)
    answer = {"figure": map_figure(members, state, sample=filename_of(data) is None,
                                   canvas=canvas_of(body.get("size"))),
              "rowData": grid_rows(chosen), "columnDefs": grid_columns(members),
              "counts": count_by_kind(chosen), "listLabel": list_label(data)}
    return to_json_plotly(answer).encode()


def create_bench_server():
    """`app.create_server()` (what `make serve` runs) with OLD_WAY_PATH added."""
    from app import create_server

    server = create_server()

    def _old_way() -> Response:
        return Response(old_filter_change(request.get_json()), mimetype="application/json")

    server.add_url_rule(OLD_WAY_PATH, "bench_old_way", _old_way, methods=["POST"])
    return server
