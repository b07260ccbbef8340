"""The published pages (dashboard/publish.py) downloaded from the app as a zip, with the embed
code of the national page."""

import json
from datetime import date

from dash import Input, Output, State, dcc, html, no_update

from geodata.columns import column_headers

from .. import ids
from ..member_store import filename_of, from_store
from ..publish import EMBEDS, PublishError, check_url, embed_code, publication, zipped
from .exports import clicked

FOLDER = "carte-adherents"   # the zip's folder, and the start of its name
NO_URL_IN_APP = ("Sans adresse, ce code ne fonctionne que dans une page placée dans le dossier "
                 "décompressé : indiquez l'adresse du dossier en ligne (champ ci-dessus) et "
                 "téléchargez à nouveau pour un code à coller dans le site.")
REPLACE_FOLDER = ("Sur le site, remplacez l'ancien dossier par celui-ci plutôt que de le "
                  "décompresser par-dessus : des pages qui n'en font plus partie resteraient.")
PREPARING = "Préparation des pages… (une dizaine de secondes)"


def published_zip(data, title, columns, url, today: date | None = None):
    """(dcc.Download payload or None, the message: what was made and the embed code, or what
    is wrong, in French)."""
    today = today or date.today()
    try:
        url = check_url(url if isinstance(url, str) else "")
        members = from_store(data)
        published = publication(
            members, sample=filename_of(data) is None,
            title=title if isinstance(title, str) and title.strip() else "",
            columns=[c for c in columns if isinstance(c, str)] if isinstance(columns, list)
            else [], url=url, today=today)
    except PublishError as exc:
        return None, html.P(f"Publication impossible : {exc}", className="error")
    name = f"{FOLDER}-{today.isoformat()}.zip"
    message = [
        html.P(f"Téléchargé : {name}, {published.said()}"),
        html.P(f"Code d'intégration de la carte nationale, à coller dans une page du site ; "
               f"ceux des régions sont dans {EMBEDS} :"),
        dcc.Textarea(value=embed_code(published.pages[0], url), readOnly=True, rows=3,
                     className="embed-code", title="Code d'intégration"),
        *([] if url else [html.P(NO_URL_IN_APP, className="hint")]),
        html.P(REPLACE_FOLDER, className="hint"),
    ]
    return dcc.send_bytes(zipped(published.files, FOLDER), name), message


def register(app) -> None:
    @app.callback(
        Output(ids.PUBLISH_COLUMNS, "options"), Output(ids.PUBLISH_COLUMNS, "value"),
        Input(ids.MEMBERS_STORE, "data"))
    def _columns(data):
        return column_headers(from_store(data)), []

    # Said at once in the browser; the server's answer replaces it.
    app.clientside_callback(
        f"function (n) {{ return {json.dumps(PREPARING)}; }}",
        Output(ids.PUBLISH_MESSAGE, "children", allow_duplicate=True),
        Input(ids.PUBLISH_BUTTON, "n_clicks"), prevent_initial_call=True)

    @app.callback(
        Output(ids.PUBLISH_DOWNLOAD, "data"), Output(ids.PUBLISH_MESSAGE, "children"),
        Input(ids.PUBLISH_BUTTON, "n_clicks"), State(ids.MEMBERS_STORE, "data"),
        State(ids.PUBLISH_TITLE, "value"), State(ids.PUBLISH_COLUMNS, "value"),
        State(ids.PUBLISH_URL, "value"), prevent_initial_call=True,
        running=[(Output(ids.PUBLISH_BUTTON, "disabled"), True, False)])
    def _publish(n_clicks, data, title, columns, url):
        if not clicked(n_clicks):
            return no_update, no_update
        payload, message = published_zip(data, title, columns, url)
        return (payload or no_update), message
