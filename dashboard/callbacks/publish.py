"""The published pages (dashboard/publish.py) downloaded from the app as a zip, with the embed
code of the national page."""

from datetime import date

from dash import Input, Output, State, dcc, html, no_update

from geodata.columns import column_headers

from .. import ids
from ..member_store import filename_of, from_store
from ..publish import EMBEDS, PublishError, check_url, embed_code, publication, zipped
from .exports import clicked

FOLDER = "carte-adherents"   # the zip's folder, and the start of its name


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
    regions = len(published.pages) - 1
    message = [
        html.P(f"Pages téléchargées : {name} (la France et {regions} région"
               f"{'s' if regions > 1 else ''}). Code d'intégration de la carte nationale, à "
               f"coller dans une page du site ; ceux des régions sont dans {EMBEDS} :"),
        dcc.Textarea(value=embed_code(published.pages[0], url), readOnly=True, rows=3,
                     className="embed-code", title="Code d'intégration"),
    ]
    return dcc.send_bytes(zipped(published.files, FOLDER), name), message


def register(app) -> None:
    @app.callback(
        Output(ids.PUBLISH_COLUMNS, "options"), Output(ids.PUBLISH_COLUMNS, "value"),
        Input(ids.MEMBERS_STORE, "data"))
    def _columns(data):
        return column_headers(from_store(data)), []

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
