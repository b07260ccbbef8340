"""A member list sent by the user: read and resolved in memory, kept in the session's store,
reported row by row; each row fixed by a person (a candidate, any collectivité found by name
or code, or "ignore"); the corrections kept, downloaded, sent back with the next list and
re-applied; the list kept in the browser between visits if the person wants; back to the
sample."""

import base64
from dataclasses import dataclass

from dash import ALL, MATCH, ClientsideFunction, Input, Output, State, ctx, dcc, html, no_update

from geodata import schema as S
from geodata.corrections import (
    FILE_NAME,
    apply_corrections,
    correction_of,
    corrections_frame,
    is_corrections_table,
    merged,
    read_corrections,
)
from geodata.reading import MAX_BYTES, MemberFileError, MemberTable, read_members
from geodata.resolve import RESEMBLANCE_SECONDS, decide, ignored, placed, resolve_rows
from geodata.search import search_units

from .. import ids
from ..downloads import to_csv_bytes
from ..labels import LIST_UNCHANGED
from ..member_store import (
    MAX_STORE_BYTES,
    STORE_BYTES_PER_ROW,
    Source,
    corrections_in,
    corrections_store,
    filename_of,
    from_store,
    read_store,
    source_of,
    store_bytes,
    to_store,
)
from ..report import (
    IGNORE,
    candidate_option,
    ignore_option,
    parse_choice,
    show_all_options,
    upload_report,
)
from .map_view import CLIENTSIDE

REPORT_LINK = "#" + ids.REPORT


@dataclass
class Upload:
    """What the files a person sent amount to."""

    members: dict | None = None       # the store of the list sent (None: no list read)
    corrections: dict | None = None   # the corrections store, when a corrections file came
    message: str = ""
    reapply: bool = False             # corrections came alone: apply them to the list shown


def shown_message(result: Upload):
    """A list taken links to its report; files of which nothing was taken are a refusal."""
    if result.members:
        return [result.message, " ", html.A("Voir le rapport.", href=REPORT_LINK)]
    return result.message if result.corrections else refusal(result.message)


def refusal(message: str) -> html.Span:
    """A message saying the files sent were not taken (shown in red, scrolled into view)."""
    return html.Span(message, className="upload-error")


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _decoded(contents) -> bytes:
    _, encoded = contents.split(",", 1)
    return base64.b64decode(encoded, validate=False)


def _name(filename) -> str:
    return filename if isinstance(filename, str) and filename else "fichier"


def read_uploads(files, corrections_data=None) -> Upload:
    """Read the files sent together: at most one member list, and any corrections files (known
    by their "Correction" column). The list is resolved with every correction applied: those
    of this session and those sent."""
    files = [f for f in files if isinstance(f, dict)] if isinstance(files, list) else []
    corrections = corrections_in(corrections_data)
    lists, messages, sent = [], [], 0
    for file in files:
        filename = _name(file.get("filename"))
        table = _table_of(file.get("contents"), filename)
        if isinstance(table, str):   # not read: why
            messages.append(table)
        elif is_corrections_table(table):
            found, notes = read_corrections(table)
            corrections, sent = merged(corrections, found), sent + len(found)
            messages += [f"« {filename} » : " + _plural(len(found), "correction lue",
                                                         "corrections lues") + "."] + notes
        else:
            lists.append((file, table))
    upload = Upload(corrections=corrections_store(corrections) if sent else None)
    if len(lists) > 1:
        others = ", ".join(f"« {_name(file.get('filename'))} »" for file, _ in lists[1:])
        messages.append(f"Une seule liste à la fois : {others} n'a pas été lu ; envoyez-le "
                        "ensuite." if len(lists) == 2 else f"Une seule liste à la fois : "
                        f"{others} n'ont pas été lus ; envoyez-les ensuite, un par un.")
    if lists:
        file, table = lists[0]
        upload.members, message = _list_store(table, corrections)
        messages.insert(0, message)
    elif sent:
        upload.reapply = True
    if not lists and not sent:   # nothing read: say the list shown stays
        messages.append(LIST_UNCHANGED)
    upload.message = " ".join(messages)
    return upload


def read_upload(contents, filename, sheet=None, corrections_data=None
                ) -> tuple[dict | None, str]:
    """(store data, French message) for one uploaded member list; None when it cannot be
    read. sheet: the sheet of a workbook to read (default: the first with a name column)."""
    table = _table_of(contents, _name(filename), sheet)
    if isinstance(table, str):
        return None, f"{table} {LIST_UNCHANGED}"
    return _list_store(table, corrections_in(corrections_data))


def _table_of(contents, filename: str, sheet=None) -> MemberTable | str:
    """The table of an uploaded file, or the French message saying why it was not read."""
    try:
        raw = _decoded(contents)
    except (ValueError, AttributeError, TypeError):
        return f"Le fichier « {filename} » n'a pas pu être reçu. Réessayez."
    try:
        return read_members(raw, filename=filename, max_bytes=MAX_BYTES,
                            sheet=sheet if isinstance(sheet, str) else None)
    except MemberFileError as exc:
        return str(exc)


def _list_store(table: MemberTable, corrections) -> tuple[dict | None, str]:
    filename = table.filename or "fichier"
    # The store's size is known roughly before resolving (the list's own text, each value in
    # quotes with a comma, plus our columns): a list that cannot fit is refused at once.
    own_text = sum(int(table.rows[S.extra_key(header)].str.len().sum()) + 3 * len(table.rows)
                   for header in table.extra_columns)
    data = None
    if own_text + STORE_BYTES_PER_ROW * len(table.rows) <= MAX_STORE_BYTES:
        resolved = resolve_rows(table.rows, resemblance_seconds=RESEMBLANCE_SECONDS)
        resolved, corrected = apply_corrections(resolved, corrections)
        data = to_store(resolved, Source(filename, table.sheet, table.sheets, table.notes))
    if data is None or store_bytes(data) > MAX_STORE_BYTES:
        columns = _plural(len(table.extra_columns), "colonne propre", "colonnes propres")
        own = f", dont {columns} à la liste" if table.extra_columns else ""
        return None, (
            f"La liste « {filename} » a été lue, mais elle est trop volumineuse pour être "
            f"affichée ici ({len(table.rows)} lignes{own}). Gardez les colonnes utiles, ou "
            f"découpez la liste en plusieurs fichiers, puis envoyez-la de nouveau. "
            f"{LIST_UNCHANGED}")
    drawn = int(resolved[S.STATUS].isin(S.MAPPED_STATUSES).sum())
    left = int(S.needs_person(resolved).sum())
    where = f" (feuille « {table.sheet} »)" if table.sheet else ""
    parts = [f"« {filename} »{where} : {_plural(len(resolved), 'ligne lue', 'lignes lues')}, "
             + _plural(drawn, "placée", "placées") + " sur la carte"]
    if corrected:
        parts.append(_plural(corrected, "corrigée d'après vos corrections",
                             "corrigées d'après vos corrections"))
    parts.append(f"{left} à traiter" if left else "aucune à traiter")
    notes = (f" {_plural(len(table.notes), 'remarque', 'remarques')} sur la lecture du fichier."
             if table.notes else "")
    return data, ", ".join(parts) + "." + notes


def decide_rows(data: dict, corrections_data, choices: dict) -> tuple[dict, dict | None] | None:
    """(members store, corrections store) after a person's decisions (row -> the value of its
    menu); None when there is nothing to change. Every menu whose value differs from the list
    is a decision: two choices made before the first answer came are both kept."""
    resolved = read_store(data)   # raises ValueError for a store this version did not write
    if resolved is None:
        return None
    rows = resolved.set_index(S.ROW)
    decisions = {}
    for row, value in choices.items():
        choice = parse_choice(value)
        if choice is None or not isinstance(row, int) or isinstance(row, bool) \
                or row not in rows.index:
            continue
        current = rows.loc[row]
        if current[S.RULE] in S.PERSON_RULES and current[S.STATUS] != S.AMBIGUOUS and (
                choice == IGNORE and current[S.STATUS] == S.IGNORED
                or choice == (current[S.LEVEL], current[S.CODE])):
            continue   # the decision the list has already
        try:
            decisions[row] = ignored() if choice == IGNORE else placed(*choice)
        except ValueError:   # a code that exists nowhere: only a forged request sends it
            continue
    if not decisions:
        return None
    decided = decide(resolved, decisions)
    earlier = corrections_in(corrections_data)
    new = [correction_of(resolved, decided, row, earlier) for row in decisions]
    # The other rows of that name follow the decision, as they will when the list is sent again.
    decided, _ = apply_corrections(decided, new, keep_rows=frozenset(decisions))
    return to_store(decided, source_of(data)), corrections_store(merged(earlier, new))


def search_options(text, value, options: list, first: list) -> list[dict]:
    """A row's menu for what a person types: the choice made (kept, else the menu would forget
    it), what the row offered first (its unit, its candidates), the collectivités found, and
    "ignore". With nothing typed, what the row offered first."""
    valid = [o for o in first if isinstance(o, dict) and isinstance(o.get("value"), str)
             and o["value"] != IGNORE]
    kept = [o for o in options if isinstance(o, dict) and isinstance(value, str)
            and value != IGNORE and o.get("value") == value]
    # Nothing typed (the menu empties its search when a choice is made): what the row offered.
    typed = text.strip() if isinstance(text, str) else ""
    found = [candidate_option(c, text) for c in search_units(typed)] if typed else []
    # What the row offered stays, shown when what is typed is in its label.
    menu = {o["value"]: o for o in [*kept, *found, *valid]}   # the first of each value
    return [*menu.values(), ignore_option()]


def register(app) -> None:
    # Files over the size limit are refused in the browser, with the server's French message:
    # they are never sent (the server would refuse the request without a word).
    # The upload is emptied once taken: the same file sent again (after going back to the
    # sample, say) is a new upload.
    app.clientside_callback(
        ClientsideFunction(CLIENTSIDE, "refuseLargeUpload"),
        Output(ids.UPLOAD_ACCEPTED, "data"), Output(ids.UPLOAD_MESSAGE, "children"),
        Output(ids.UPLOAD, "contents"),
        Input(ids.UPLOAD, "contents"), State(ids.UPLOAD, "filename"),
        State(ids.UPLOAD_LIMIT, "data"), prevent_initial_call=True)
    # A message about the files sent is scrolled into view (the upload box may be low on the
    # page); the report keeps its place in its box while it is redrawn after each choice.
    app.clientside_callback(
        ClientsideFunction(CLIENTSIDE, "showMessage"),
        Output(ids.MESSAGE_SHOWN, "data"), Input(ids.UPLOAD_MESSAGE, "children"),
        prevent_initial_call=True)
    app.clientside_callback(
        ClientsideFunction(CLIENTSIDE, "keepReportPlace"),
        Output(ids.REPORT_SCROLL, "data"), Input(ids.REPORT, "children"),
        prevent_initial_call=True)

    @app.callback(
        Output(ids.MEMBERS_STORE, "data"),
        Output(ids.CORRECTIONS_STORE, "data"),
        Output(ids.REAPPLY, "data"),
        Output(ids.UPLOAD_MESSAGE, "children", allow_duplicate=True),
        Input(ids.UPLOAD_ACCEPTED, "data"), State(ids.CORRECTIONS_STORE, "data"),
        State(ids.REAPPLY, "data"), prevent_initial_call=True)
    def _upload(upload, corrections, reapplied):
        if not isinstance(upload, dict) or not upload.get("files"):
            return no_update, no_update, no_update, no_update
        result = read_uploads(upload["files"], corrections)
        count = reapplied.get("count", 0) if isinstance(reapplied, dict) else 0
        return (result.members if result.members is not None else no_update,
                result.corrections if result.corrections is not None else no_update,
                {"count": count + 1, "message": result.message} if result.reapply
                else no_update,
                shown_message(result))

    @app.callback(
        Output(ids.MEMBERS_STORE, "data", allow_duplicate=True),
        Output(ids.UPLOAD_MESSAGE, "children", allow_duplicate=True),
        Input(ids.REAPPLY, "data"), State(ids.MEMBERS_STORE, "data"),
        State(ids.CORRECTIONS_STORE, "data"), prevent_initial_call=True)
    def _reapply(reapply, data, corrections):
        sent = reapply.get("message") if isinstance(reapply, dict) else None
        if not filename_of(data):   # the sample is shown: they wait for the next list
            return no_update, (f"{sent} " if isinstance(sent, str) else "") + (
                "Elles seront appliquées à la prochaine liste envoyée.")
        try:
            resolved, corrected = apply_corrections(read_store(data), corrections_in(corrections))
        except ValueError:
            return no_update, no_update
        told = (f"Dans « {filename_of(data)} », "
                + (_plural(corrected, "ligne corrigée", "lignes corrigées") if corrected
                   else "aucune ligne ne porte le nom d'une de ces corrections") + ".")
        message = f"{sent} {told}" if isinstance(sent, str) else told
        return (to_store(resolved, source_of(data)) if corrected else no_update), message

    @app.callback(Output(ids.REPORT, "children"), Output(ids.REPORT_BOX, "hidden"),
                  Output(ids.REPORT_ALL, "options"), Input(ids.MEMBERS_STORE, "data"),
                  Input(ids.REPORT_ALL, "value"))
    def _report(data, show_all):
        source = source_of(data)
        if not source:
            return None, True, []
        resolved = from_store(data)
        return (upload_report(resolved, source, isinstance(show_all, list) and "all" in show_all),
                False, show_all_options(resolved))

    @app.callback(
        Output(ids.MEMBERS_STORE, "data", allow_duplicate=True),
        Output(ids.UPLOAD_MESSAGE, "children", allow_duplicate=True),
        Input(ids.SHEET_CHOICE, "value"), State(ids.SHEET_SHOWN, "data"),
        State(ids.UPLOAD_ACCEPTED, "data"), State(ids.CORRECTIONS_STORE, "data"),
        prevent_initial_call=True)
    def _sheet(sheet, shown, upload, corrections):
        # Not the members store as a State: with the file, it could exceed the request limit.
        if not isinstance(sheet, str) or not isinstance(shown, dict) \
                or sheet == shown.get("sheet") or not isinstance(shown.get("filename"), str):
            return no_update, no_update
        filename = shown["filename"]
        files = upload.get("files") if isinstance(upload, dict) else None
        file = next((f for f in files or [] if isinstance(f, dict)
                     and f.get("filename") == filename), None)
        if file is None:
            # The file is kept in the page only: after a reload it must be sent again.
            return no_update, (f"Pour lire la feuille « {sheet} », envoyez de nouveau le "
                               f"fichier « {filename} ».")
        data, message = read_upload(file.get("contents"), filename, sheet, corrections)
        return (data if data is not None else no_update), message

    @app.callback(
        Output(ids.MEMBERS_STORE, "data", allow_duplicate=True),
        Output(ids.CORRECTIONS_STORE, "data", allow_duplicate=True),
        Output(ids.UPLOAD_MESSAGE, "children", allow_duplicate=True),
        Input({"type": ids.FIX, "row": ALL}, "value"),
        State(ids.MEMBERS_STORE, "data"), State(ids.CORRECTIONS_STORE, "data"),
        prevent_initial_call=True)
    def _fix(_values, data, corrections):
        if not filename_of(data) or not isinstance(ctx.inputs_list[0], list):
            return no_update, no_update, no_update
        choices = {item["id"]["row"]: item.get("value") for item in ctx.inputs_list[0]
                   if isinstance(item, dict) and isinstance(item.get("id"), dict)
                   and isinstance(item["id"].get("row"), int)
                   and item.get("value") is not None}
        try:
            decided = decide_rows(data, corrections, choices)
        except ValueError:   # a store this version did not write: nothing to decide on
            return no_update, no_update, no_update
        # The message of the upload (its counts) is out of date: the report has the counts.
        return (*decided, "") if decided else (no_update, no_update, no_update)

    @app.callback(
        Output({"type": ids.FIX, "row": MATCH}, "options"),
        Input({"type": ids.FIX, "row": MATCH}, "search_value"),
        State({"type": ids.FIX, "row": MATCH}, "value"),
        State({"type": ids.FIX, "row": MATCH}, "options"),
        State({"type": ids.FIX_OPTIONS, "row": MATCH}, "data"), prevent_initial_call=True)
    def _fix_search(text, value, options, first):
        return search_options(text, value, options if isinstance(options, list) else [],
                              first if isinstance(first, list) else [])

    @app.callback(
        Output(ids.CORRECTIONS_BOX, "hidden"), Output(ids.CORRECTIONS_COUNT, "children"),
        Input(ids.CORRECTIONS_STORE, "data"))
    def _corrections_box(corrections):
        found = corrections_in(corrections)
        return not found, _plural(len(found), "correction enregistrée",
                                  "corrections enregistrées")

    @app.callback(
        Output(ids.DOWNLOAD, "data", allow_duplicate=True),
        Input(ids.DOWNLOAD_CORRECTIONS, "n_clicks"), State(ids.CORRECTIONS_STORE, "data"),
        prevent_initial_call=True)
    def _download_corrections(n_clicks, corrections):
        found = corrections_in(corrections)
        if not n_clicks or not found:
            return no_update
        return dcc.send_bytes(to_csv_bytes(corrections_frame(found)), FILE_NAME)

    @app.callback(
        Output(ids.CORRECTIONS_STORE, "data", allow_duplicate=True),
        Output(ids.UPLOAD_MESSAGE, "children", allow_duplicate=True),
        Input(ids.FORGET_CORRECTIONS, "n_clicks"), prevent_initial_call=True)
    def _forget(n_clicks):
        if not n_clicks:
            return no_update, no_update
        return None, ("Corrections oubliées : elles ne seront plus reprises. La liste affichée "
                      "garde les choix déjà faits.")

    # The list and the corrections kept in this browser between visits, when the person asks
    # (localStorage, written and read in the browser only).
    app.clientside_callback(
        ClientsideFunction(CLIENTSIDE, "keepInBrowser"),
        Output(ids.KEPT_STORE, "data"),
        Output(ids.MEMBERS_STORE, "data", allow_duplicate=True),
        Output(ids.CORRECTIONS_STORE, "data", allow_duplicate=True),
        Input(ids.MEMBERS_STORE, "data"), Input(ids.CORRECTIONS_STORE, "data"),
        Input(ids.KEEP, "value"), State(ids.KEPT_STORE, "data"),
        prevent_initial_call="initial_duplicate")

    @app.callback(
        Output(ids.MEMBERS_STORE, "data", allow_duplicate=True),
        Output(ids.UPLOAD_MESSAGE, "children", allow_duplicate=True),
        Input(ids.BACK_TO_SAMPLE, "n_clicks"), prevent_initial_call=True)
    def _back(n_clicks):
        return (None, "Retour à l'échantillon embarqué.") if n_clicks else (no_update, no_update)
