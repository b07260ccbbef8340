"""A member list sent by the user: read and resolved in memory, kept in the session's store,
reported row by row; the candidates a person chooses are applied; back to the sample."""

import base64

from dash import ALL, ClientsideFunction, Input, Output, State, no_update

from geodata import schema as S
from geodata.reading import MAX_BYTES, MemberFileError, read_members
from geodata.resolve import choose, resolve_rows

from .. import ids
from ..labels import LIST_UNCHANGED
from ..member_store import from_store, to_store
from ..views import upload_report
from .map_view import CLIENTSIDE


def read_upload(contents: str, filename: str) -> tuple[dict | None, str]:
    """(store data, French message) for an uploaded file; None when it cannot be read."""
    try:
        _, encoded = contents.split(",", 1)
        raw = base64.b64decode(encoded, validate=False)
    except (ValueError, AttributeError):
        return None, f"Le fichier « {filename} » n'a pas pu être reçu. Réessayez."
    try:
        table = read_members(raw, filename=filename, max_bytes=MAX_BYTES)
    except MemberFileError as exc:
        return None, f"{exc} {LIST_UNCHANGED}"
    resolved = resolve_rows(table.rows, table.extra_columns)
    drawn = resolved[S.STATUS].isin(S.MAPPED_STATUSES).sum()
    return to_store(resolved, filename), (
        f"« {filename} » : {len(resolved)} lignes lues, {drawn} placées sur la carte. "
        "Voir le rapport au-dessus de la carte.")


def apply_choices(data: dict, values: list, id_dicts: list) -> dict:
    """The stored list with the candidates a person chose applied."""
    resolved = from_store(data)
    for value, id_dict in zip(values, id_dicts):
        if value:
            level, code = value.split(":", 1)
            resolved = choose(resolved, id_dict["row"], level, code)
    return to_store(resolved, data["filename"])


def register(app) -> None:
    # A file over the size limit is refused in the browser, with the server's French message:
    # it is never sent (the server would refuse the request without a word).
    app.clientside_callback(
        ClientsideFunction(CLIENTSIDE, "refuseLargeUpload"),
        Output(ids.UPLOAD_ACCEPTED, "data"), Output(ids.UPLOAD_MESSAGE, "children"),
        Input(ids.UPLOAD, "contents"), State(ids.UPLOAD, "filename"),
        State(ids.UPLOAD_LIMIT, "data"), prevent_initial_call=True)

    @app.callback(
        Output(ids.MEMBERS_STORE, "data"),
        Output(ids.UPLOAD_MESSAGE, "children", allow_duplicate=True),
        Input(ids.UPLOAD_ACCEPTED, "data"), prevent_initial_call=True)
    def _upload(upload):
        if not upload or not upload.get("contents"):
            return no_update, no_update
        data, message = read_upload(upload["contents"], upload.get("filename") or "fichier")
        return (data if data is not None else no_update), message

    @app.callback(Output(ids.REPORT, "children"), Input(ids.MEMBERS_STORE, "data"))
    def _report(data):
        return upload_report(from_store(data), data["filename"]) if data else None

    @app.callback(
        Output(ids.MEMBERS_STORE, "data", allow_duplicate=True),
        Input(ids.APPLY_CHOICES, "n_clicks"),
        State({"type": ids.REPORT_CHOICE, "row": ALL}, "value"),
        State({"type": ids.REPORT_CHOICE, "row": ALL}, "id"),
        State(ids.MEMBERS_STORE, "data"), prevent_initial_call=True)
    def _apply(n_clicks, values, id_dicts, data):
        if not n_clicks or not data:
            return no_update
        return apply_choices(data, values, id_dicts)

    @app.callback(
        Output(ids.MEMBERS_STORE, "data", allow_duplicate=True),
        Output(ids.UPLOAD_MESSAGE, "children", allow_duplicate=True),
        Input(ids.BACK_TO_SAMPLE, "n_clicks"), prevent_initial_call=True)
    def _back(n_clicks):
        return (None, "Retour à l'échantillon embarqué.") if n_clicks else (no_update, no_update)
