"""What stands between the browser and the callbacks: no request a browser can send gets an
HTTP 500.

The callbacks check the values they are given (dashboard.callbacks.filters.state_of,
member_store.read_store...); what Dash itself would fail on (a body that is not a callback
request) is refused here with a 400, and a callback that still fails keeps the page as it is
and is logged with its traceback, for us to fix.
"""

import logging

from flask import abort, request

log = logging.getLogger(__name__)

UPDATE_PATH = "_dash-update-component"


def callback_failed(error: Exception):
    """Dash's on_error: log the failure; the outputs stay as they are (None: no update)."""
    log.error("callback %s failed", _output_of_request(), exc_info=error)


def _body():
    """The request's JSON (None when it is not JSON, or nested deeper than Python reads)."""
    try:
        return request.get_json(silent=True)
    except RecursionError:
        return None


def _output_of_request() -> str:
    body = _body()
    return str(body.get("output"))[:200] if isinstance(body, dict) else "?"


def _is_component(item) -> bool:
    return isinstance(item, dict) and "id" in item and isinstance(item.get("property"), str)


def _is_callback_request(body, callback_map: dict) -> bool:
    """A body shaped as the Dash renderer sends it, for a callback of this app."""
    if not isinstance(body, dict) or body.get("output") not in callback_map:
        return False
    lists = [body.get("inputs"), body.get("state", [])]
    if not all(isinstance(items, list) for items in lists):
        return False
    expected = callback_map[body["output"]]
    if [len(lists[0]), len(lists[1])] != [len(expected["inputs"]), len(expected["state"])]:
        return False
    entries = [entry for items in lists for entry in items]
    # An entry is one component's value, or a list of them for a pattern-matching id.
    flat = [item for entry in entries
            for item in (entry if isinstance(entry, list) else [entry])]
    # outputs: one component, or a list with one per output of the callback.
    outputs, wanted = body.get("outputs"), expected["output"]
    outputs_fit = (_is_component(outputs) if not isinstance(wanted, list) else
                   isinstance(outputs, list) and len(outputs) == len(wanted)
                   and all(map(_is_component, outputs)))
    changed = body.get("changedPropIds", [])
    return all(map(_is_component, flat)) and outputs_fit and isinstance(changed, list) \
        and all(isinstance(prop, str) for prop in changed)


def register(app) -> None:
    """Refuse, with a 400, a callback request that is not one (a forged or broken body)."""

    @app.server.before_request
    def _check_callback_request():
        if request.method == "POST" and request.path.endswith(UPDATE_PATH):
            if not _is_callback_request(_body(), app.callback_map):
                abort(400, "Requête de mise à jour invalide.")
