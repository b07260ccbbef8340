"""The dashboard: `python app.py` serves it on http://127.0.0.1:8050 (the embedded sample).

Environment: HOST (default 127.0.0.1), PORT (default 8050), DASH_DEBUG=1 for Dash's debug mode,
FRAME_ANCESTORS: the pages allowed to embed the dashboard in a frame, as CSP sources separated by
spaces (default 'self', this site only; for the network's website, e.g.
FRAME_ANCESTORS="'self' https://www.example.org").
In production: `make serve` (gunicorn, its settings in gunicorn.conf.py); another WSGI server
can serve `app:server`.

Every response carries security headers (flask-talisman): a Content-Security-Policy (see
`content_security_policy`), X-Content-Type-Options: nosniff, Referrer-Policy. HTTPS is not
forced: the app runs on localhost or behind a proxy that terminates TLS.
"""

import argparse
import ctypes
import logging
import os
import threading

from dash import Dash
from flask import Flask
from flask_talisman import Talisman

from geodata.vintages import (
    DEFAULT_VINTAGE,
    VINTAGE_ENV,
    UnknownVintageError,
    get_vintage,
    use_vintage,
)

ASSETS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "assets")
# A base64-encoded upload of MAX_BYTES is 4/3 bigger, plus the JSON around it.
MAX_REQUEST_BYTES = 8 * 1024 * 1024
FRAME_ANCESTORS_ENV = "FRAME_ANCESTORS"


def frame_ancestors() -> str:
    """The CSP sources of the pages that may embed the app ($FRAME_ANCESTORS, else 'self')."""
    return " ".join(os.environ.get(FRAME_ANCESTORS_ENV, "").split()) or "'self'"


def content_security_policy(app: Dash) -> dict[str, str]:
    """Everything comes from this server (no CDN, no online base map): 'self' only, plus what
    Dash, plotly.js and AG Grid need, found by running the page in Chromium with no violation."""
    return {
        "default-src": "'self'",   # scripts, styles, fonts, callbacks, topojson: this server
        # Dash's one inline script (`new DashRenderer()`) is allowed by its hash, not by
        # 'unsafe-inline'; no 'unsafe-eval': nothing the page runs needs it.
        "script-src": " ".join(["'self'", *app.csp_hashes()]),
        # Dash, plotly.js and AG Grid write <style> elements and style attributes at run time.
        "style-src": "'self' 'unsafe-inline'",
        # AG Grid's icons are data: SVGs; plotly's PNG snapshot (mode bar) is a blob: image.
        "img-src": "'self' data: blob:",
        "object-src": "'none'",    # no plugin content
        # Not covered by default-src: no <base> to redirect relative URLs, forms post here only.
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": frame_ancestors(),   # who may show the app in a frame
    }


def secure_headers(app: Dash) -> None:
    """Security headers on every response (CSP, nosniff, Referrer-Policy), by flask-talisman."""
    ancestors = frame_ancestors()
    Talisman(app.server,
             force_https=False,  # localhost or behind a TLS proxy: no redirect to https
             content_security_policy=content_security_policy(app),
             # X-Frame-Options for browsers without frame-ancestors; it can only say "this
             # site", so it is left out when other sites may embed the app.
             frame_options="SAMEORIGIN" if ancestors == "'self'" else None,
             referrer_policy="strict-origin-when-cross-origin")


# The scripts and styles the page loads (plotly.js, AG Grid, Dash's own: 1.8 MB compressed)
# are compressed once per process and kept, not again for each visitor: a page opened by 32
# visitors at once would otherwise spend seconds of CPU compressing the same files.
STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/")
ASSETS_MAX_AGE = 7 * 24 * 3600   # s (the empty topojson plotly.js asks for has no version)


class StaticCompressed:
    """flask-compress's cache of compressed answers, for the static files only (a callback's
    answer is never the same twice): keys without a path are not kept."""

    def __init__(self):
        self._kept: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return self._kept.get(key)

    def set(self, key: str, value: bytes) -> None:
        if not key.endswith(";"):   # "gzip;<path>": a static file
            self._kept[key] = value


def static_cache_key(request) -> str:
    """The path of a static file, else nothing. Not its query, which anyone may vary: the
    files kept are those the server has, whatever is asked (only answers 200 are kept)."""
    if request.method == "GET" and request.path.startswith(STATIC_PREFIXES):
        return request.path
    return ""


def compression_settings() -> dict:
    """Brotli, else gzip (zstd, flask-compress's first choice, makes plotly.js 13 % bigger);
    brotli's quality 9: 418 KB for plotly.js in 0.2 s (11: 384 KB, but in 3 s)."""
    return {"COMPRESS_ALGORITHM": ["br", "gzip"], "COMPRESS_BR_LEVEL": 9, "COMPRESS_LEVEL": 9,
            "COMPRESS_CACHE_BACKEND": StaticCompressed, "COMPRESS_CACHE_KEY": static_cache_key}


# glibc gives each new thread its own memory arena (up to 8 per core), and the threaded server
# starts a thread per request: freed memory stays in many arenas and the process grows under
# load. Measured with 8 clients, 2,880 map requests and 58 PNG exports: 418 -> 578 MB with
# glibc's default, 416 -> 504 MB with two arenas (flat after the first views are prepared).
MALLOC_ARENAS = 2
_M_ARENA_MAX = -8   # mallopt's parameter number, from glibc's malloc.h


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> None:
    """Cap glibc's arenas for the threads started from now on (what MALLOC_ARENA_MAX=2 does
    when set before the process starts; 0: glibc's default); nothing elsewhere than on Linux
    with glibc."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_ARENA_MAX, arenas)
    except (OSError, AttributeError):
        pass


def create_app() -> Dash:
    """Build the app: geography loaded and base maps prepared once, here, not per callback."""
    from dashboard import basemap_assets, callbacks, guards, layout, static_files, warmup

    limit_malloc_arenas()
    warmup.prepare()
    server = Flask(__name__)
    server.config.update(compression_settings())
    # The assets' URLs carry their modification time (?m=...): a new version is a new URL, so
    # the browser may keep them, and a reload asks nothing.
    server.config["SEND_FILE_MAX_AGE_DEFAULT"] = ASSETS_MAX_AGE
    app = Dash(__name__, server=server, title="Collectivités adhérentes", assets_folder=ASSETS,
               suppress_callback_exceptions=True, serve_locally=True,
               compress=True,  # gzip/brotli: the first load is a fifth of its raw size
               update_title="Mise à jour…",
               # plotly.js's geo bundle: dcc.Graph uses it and never loads the full one.
               external_scripts=[static_files.plotly_url()],
               on_error=guards.callback_failed)  # logged; never an HTTP 500 for the page
    # The page is in French (screen readers, hyphenation, the browser's translation offer).
    app.index_string = app.index_string.replace("<html>", '<html lang="fr">', 1)
    app.server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    app.layout = layout.create_layout
    basemap_assets.register(app.server)
    static_files.register(app.server)
    callbacks.register(app)
    guards.register(app)
    secure_headers(app)  # after the callbacks: the CSP hashes Dash's inline scripts
    return app


def vintage_in_use(wanted: str | None = None) -> str:
    """The geography vintage in use: wanted (--vintage, made the setting), else the one the
    settings choose; SystemExit with a French message (no traceback) when no such vintage
    exists, before anything is prepared."""
    try:
        return (use_vintage(wanted) if wanted else get_vintage()).id
    except UnknownVintageError as exc:
        raise SystemExit(f"Erreur : {exc}") from None


def create_server():
    """The Flask server of a new app, for gunicorn: gunicorn.conf.py calls it once, in the master
    process, so that the workers forked from it share the geography it prepared."""
    log_to_stderr()
    vintage_in_use()
    return create_app().server


class _LazyServer:
    """The Flask `app.server` for other WSGI servers, created on first request, not at import
    (every worker process of such a server prepares the geography for itself)."""

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


def log_to_stderr() -> None:
    """The app's messages (geography ready, a failed export) on stderr, without decoration."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python app.py", description=(
        "Tableau de bord des adhérents (HOST, PORT et DASH_DEBUG se règlent par l'environnement)."))
    parser.add_argument("--vintage", help=f"millésime de la géographie (défaut : ${VINTAGE_ENV}, "
                                          f"sinon {DEFAULT_VINTAGE})")
    args = parser.parse_args(argv)
    vintage_in_use(args.vintage)
    log_to_stderr()
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8050"))
    debug = os.environ.get("DASH_DEBUG", "") in ("1", "true", "yes")
    app = create_app()
    print(f"Tableau de bord : http://{host}:{port}/  (Ctrl+C pour arrêter)")
    # Debug mode's version check would call plotly's server: the CSP (connect-src) refuses it.
    app.run(host=host, port=port, debug=debug, dev_tools_disable_version_check=True)


if __name__ == "__main__":
    main()
