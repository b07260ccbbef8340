"""A member list sent by the user: read and resolved in memory, kept in the session's store,
reported row by row; the candidates a person chooses are applied; back to the sample."""

import base64

from dash import ALL, ClientsideFunction, Input, Output, State, no_update

from geodata import schema as S
from geodata.reading import MAX_BYTES, MemberFileError, read_members
from geodata.resolve import RESEMBLANCE_SECONDS, choose, resolve_rows

from .. import ids
from ..labels import LIST_UNCHANGED
from ..member_store import (
    MAX_STORE_BYTES,
    STORE_BYTES_PER_ROW,
    Source,
    filename_of,
    from_store,
    read_store,
    source_of,
    store_bytes,
    to_store,
)
from ..views import upload_report
from .map_view import CLIENTSIDE


def read_upload(contents, filename, sheet=None) -> tuple[dict | None, str]:
    """(store data, French message) for an uploaded file; None when it cannot be read.
    sheet: the sheet of a workbook to read (default: the first with a name column)."""
    filename = filename if isinstance(filename, str) and filename else "fichier"
    try:
        _, encoded = contents.split(",", 1)
        raw = base64.b64decode(encoded, validate=False)
    except (ValueError, AttributeError, TypeError):
        return None, f"Le fichier « {filename} » n'a pas pu être reçu. Réessayez."
    try:
        table = read_members(raw, filename=filename, max_bytes=MAX_BYTES,
                             sheet=sheet if isinstance(sheet, str) else None)
    except MemberFileError as exc:
        return None, f"{exc} {LIST_UNCHANGED}"
    # The store's size is known roughly before resolving (the list's own text, each value in
    # quotes with a comma, plus our columns): a list that cannot fit is refused at once.
    own_text = sum(int(table.rows[S.extra_key(header)].str.len().sum()) + 3 * len(table.rows)
                   for header in table.extra_columns)
    data = None
    if own_text + STORE_BYTES_PER_ROW * len(table.rows) <= MAX_STORE_BYTES:
        resolved = resolve_rows(table.rows, resemblance_seconds=RESEMBLANCE_SECONDS)
        data = to_store(resolved, Source(filename, table.sheet, table.sheets, table.notes))
    if data is None or store_bytes(data) > MAX_STORE_BYTES:
        return None, (
            f"La liste « {filename} » a été lue, mais elle est trop volumineuse pour être "
            f"affichée ici ({len(table.rows)} lignes, dont {len(table.extra_columns)} colonnes "
            "propres à la liste). Gardez les colonnes utiles, ou découpez la liste en "
            f"plusieurs fichiers, puis envoyez-la de nouveau. {LIST_UNCHANGED}")
    drawn = resolved[S.STATUS].isin(S.MAPPED_STATUSES).sum()
    where = f" (feuille « {table.sheet} »)" if table.sheet else ""
    notes = (f"{len(table.notes)} remarque{'s' if len(table.notes) > 1 else ''} sur la lecture "
             "du fichier. " if table.notes else "")
    return data, (
        f"« {filename} »{where} : {len(resolved)} lignes lues, {drawn} placées sur la carte. "
        f"{notes}Voir le rapport au-dessus de la carte.")


def apply_choices(data: dict, values: list, id_dicts: list) -> dict:
    """The stored list with the candidates a person chose applied (a choice that is not one of
    the row's candidates, as only a forged request can send, is left out)."""
    resolved = read_store(data)
    for value, id_dict in zip(values, id_dicts, strict=False):
        try:
            row, (level, code) = id_dict["row"], value.split(":", 1)
        except (AttributeError, LookupError, TypeError, ValueError):
            continue
        offered = resolved.loc[resolved[S.ROW] == row, S.CANDIDATES]
        if len(offered) and any((c["level"], c["code"]) == (level, code)
                                for c in offered.iloc[0]):
            resolved = choose(resolved, row, level, code)
    return to_store(resolved, source_of(data))


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
        if not isinstance(upload, dict) or not upload.get("contents"):
            return no_update, no_update
        data, message = read_upload(upload["contents"], upload.get("filename"))
        return (data if data is not None else no_update), message

    @app.callback(Output(ids.REPORT, "children"), Input(ids.MEMBERS_STORE, "data"))
    def _report(data):
        source = source_of(data)
        return upload_report(from_store(data), source) if source else None

    @app.callback(
        Output(ids.MEMBERS_STORE, "data", allow_duplicate=True),
        Output(ids.UPLOAD_MESSAGE, "children", allow_duplicate=True),
        Input(ids.SHEET_CHOICE, "value"), State(ids.SHEET_SHOWN, "data"),
        State(ids.UPLOAD_ACCEPTED, "data"), prevent_initial_call=True)
    def _sheet(sheet, shown, upload):
        # Not the members store as a State: with the file, it could exceed the request limit.
        if not isinstance(sheet, str) or not isinstance(shown, dict) \
                or sheet == shown.get("sheet") or not isinstance(shown.get("filename"), str):
            return no_update, no_update
        filename = shown["filename"]
        if not isinstance(upload, dict) or upload.get("filename") != filename:
            # The file is kept in the page only: after a reload it must be sent again.
            return no_update, (f"Pour lire la feuille « {sheet} », envoyez de nouveau le "
                               f"fichier « {filename} ».")
        data, message = read_upload(upload.get("contents"), filename, sheet)
        return (data if data is not None else no_update), message

    @app.callback(
        Output(ids.MEMBERS_STORE, "data", allow_duplicate=True),
        Input(ids.APPLY_CHOICES, "n_clicks"),
        State({"type": ids.REPORT_CHOICE, "row": ALL}, "value"),
        State({"type": ids.REPORT_CHOICE, "row": ALL}, "id"),
        State(ids.MEMBERS_STORE, "data"), prevent_initial_call=True)
    def _apply(n_clicks, values, id_dicts, data):
        if not n_clicks or not filename_of(data) or not isinstance(values, list) \
                or not isinstance(id_dicts, list):
            return no_update
        try:
            return apply_choices(data, values, id_dicts)
        except ValueError:   # a store this version did not write: nothing to apply to
            return no_update

    @app.callback(
        Output(ids.MEMBERS_STORE, "data", allow_duplicate=True),
        Output(ids.UPLOAD_MESSAGE, "children", allow_duplicate=True),
        Input(ids.BACK_TO_SAMPLE, "n_clicks"), prevent_initial_call=True)
    def _back(n_clicks):
        return (None, "Retour à l'échantillon embarqué.") if n_clicks else (no_update, no_update)
