"""The dashboard: `python app.py` serves it on http://127.0.0.1:8050 (the embedded sample).

Environment: HOST (default 127.0.0.1), PORT (default 8050), DASH_DEBUG=1 for Dash's debug mode.
For a WSGI server: gunicorn --workers 2 --timeout 120 --bind 127.0.0.1:8050 app:server
"""

import logging
import os
import threading

from dash import Dash

ASSETS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "assets")
# A base64-encoded upload of MAX_BYTES is 4/3 bigger, plus the JSON around it.
MAX_REQUEST_BYTES = 8 * 1024 * 1024


def create_app() -> Dash:
    """Build the app: geography loaded and base maps prepared once, here, not per callback."""
    from dashboard import callbacks, layout, warmup

    warmup.prepare()
    app = Dash(__name__, title="Collectivités adhérentes", assets_folder=ASSETS,
               suppress_callback_exceptions=True, serve_locally=True,
               compress=True,  # gzip/brotli: the first load is a third of its raw size
               update_title="Mise à jour…")
    app.server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    app.layout = layout.create_layout
    callbacks.register(app)
    return app


class _LazyServer:
    """The Flask `app.server` for WSGI servers, created on first request, not at import."""

    def __init__(self):
        self._server = None
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        if self._server is None:
            with self._lock:
                if self._server is None:
                    self._server = create_app().server
        return self._server(environ, start_response)


server = _LazyServer()


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8050"))
    debug = os.environ.get("DASH_DEBUG", "") in ("1", "true", "yes")
    app = create_app()
    print(f"Tableau de bord : http://{host}:{port}/  (Ctrl+C pour arrêter)")
    app.run(host=host, port=port, debug=debug)


if __name__ == "__main__":
    main()
