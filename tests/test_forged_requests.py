"""No request a browser can send makes the server answer 500: every callback of the real app
gets forged and random values in each of its inputs, through Flask's test client."""

import json
import logging
import random

import pytest

from app import create_app
from dashboard import ids
from dashboard.member_store import to_store
from geodata import schema as S

UPDATE = "/_dash-update-component"


@pytest.fixture(scope="module")
def app():
    return create_app()


@pytest.fixture(scope="module")
def client(app):
    return app.server.test_client()


def hostile_values(sample) -> list:
    """What a forged request (or a browser with a stale page) may put in any value."""
    store = to_store(sample.head(3), "a.csv")
    wrong_types = {**store, "rows": [[*row[:-1], {"x": 1}] for row in store["rows"]]}
    renamed = {**store, "columns": ["nom", *store["columns"][1:]]}
    return [
        None, "", "../../", "<script>alert(1)</script>", 0, -1, 1e308, True, [], {}, [None],
        ["commune", 3, None], {"a": {"b": []}}, "x" * 5000,
        {"filename": "vieux.csv", "columns": S.RESOLVED_COLUMNS, "rows": [{}]},  # an old store
        wrong_types, renamed, [{"row": "abc"}], {"points": [{"customdata": ["x"]}]},
        {"contents": "data:text/csv;base64,!!!", "filename": ["a"]},
    ]


def entry(item: dict, value) -> dict | list:
    """One input or state of a request body: a value, or a list of them for an ALL id."""
    if item["id"].startswith("{"):   # a pattern-matching id: one entry per component (ALL)
        pattern = json.loads(item["id"])
        component = concrete(pattern)
        one = {"id": component, "property": item["property"], "value": value}
        return one if ["MATCH"] in pattern.values() else [one]
    return {"id": item["id"], "property": item["property"], "value": value}


def concrete(pattern: dict) -> dict:
    """A component's id for a pattern: row 2 for its wildcards."""
    return {key: 2 if value in (["ALL"], ["MATCH"]) else value for key, value in pattern.items()}


def body(key: str, callback: dict, values: list) -> dict:
    outputs = callback["output"]
    spec = [{"id": concrete(json.loads(o.component_id_str())) if isinstance(o.component_id, dict)
             else o.component_id, "property": o.component_property}
            for o in (outputs if isinstance(outputs, list) else [outputs])]
    items = [*callback["inputs"], *callback["state"]]
    entries = [entry(item, value) for item, value in zip(items, values, strict=True)]
    inputs, state = entries[:len(callback["inputs"])], entries[len(callback["inputs"]):]
    first = callback["inputs"][0]
    return {"output": key, "outputs": spec if isinstance(outputs, list) else spec[0],
            "inputs": inputs, "state": state,
            "changedPropIds": [f"{first['id']}.{first['property']}"]}


def server_callbacks(app) -> dict:
    return {key: callback for key, callback in app.callback_map.items()
            if callback.get("callback") is not None}


def test_every_callback_answers_forged_values_without_an_error(app, client, sample, caplog):
    caplog.set_level(logging.ERROR)
    pool = hostile_values(sample)
    rng = random.Random(12)
    statuses = []
    for key, callback in server_callbacks(app).items():
        width = len(callback["inputs"]) + len(callback["state"])
        requests = [[value if i == position else None for i in range(width)]
                    for position in range(width) for value in pool]
        requests += [[rng.choice(pool) for _ in range(width)] for _ in range(15)]
        for values in requests:
            response = client.post(UPDATE, json=body(key, callback, values))
            statuses.append(response.status_code)
            assert response.status_code in (200, 204), (key, values, response.data[:300])
    assert len(statuses) > 500
    failures = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert failures == []   # no callback needed the safety net: each checks its values


@pytest.mark.parametrize("payload", [
    {}, [], "du texte", {"output": "../../", "inputs": []},
    {"output": "map-view.data", "outputs": {"id": "map-view", "property": "data"},
     "inputs": "x"},
    {"output": "map-view.data", "outputs": {"id": "map-view", "property": "data"},
     "inputs": [1]},
    {"output": "member-detail.children", "outputs": [],
     "inputs": [{"id": "selected-member", "property": "data", "value": None}]},
    {"output": "member-detail.children", "outputs": {"x": 1},
     "inputs": [{"id": "selected-member", "property": "data", "value": None}]},
    {"output": "member-detail.children",
     "outputs": {"id": "member-detail", "property": "children"},
     "inputs": [{"id": "selected-member", "property": "data", "value": None}],
     "changedPropIds": [["x"]]},
])
def test_a_body_that_is_no_callback_request_is_refused_with_400(client, payload):
    response = client.post(UPDATE, json=payload)
    assert response.status_code == 400


@pytest.mark.parametrize("data", [b"\xff\xfe{", b"[" * 100_000 + b"]" * 100_000])
def test_a_body_that_is_not_json_is_refused_with_400(client, data):
    response = client.post(UPDATE, data=data, content_type="application/json")
    assert response.status_code == 400


def test_a_real_request_still_works(app, client):
    key = f"{ids.VIEW_STORE}.data"
    callback = app.callback_map[key]
    # région, département, list, size, names, what the map shows, prospects asked, the column
    # colouring the members; the prospects' kinds and least population, the year
    values = ["32", None, None, [800, 600], "aucun", "territoire", None, None, ["commune"],
              5000, None]
    response = client.post(UPDATE, json=body(key, callback, values))
    assert response.status_code == 200
    view = response.get_json()["response"][ids.VIEW_STORE]["data"]
    assert view["title"] == "Collectivités adhérentes en région Hauts-de-France"
    assert "Hauts-de-France" in json.dumps(view["figure"], ensure_ascii=False)
    assert any(t["type"] == "choropleth" and t.get("legendgroup") == "commune"   # Lille's
               for t in view["figure"]["data"])
