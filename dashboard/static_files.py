"""Files the browser keeps: fingerprinted URLs, cached for a year, compressed once.

Two kinds are served this way: the base map's GeoJSON (`basemap_assets`) and plotly.js's geo
bundle (`vendor/`, the only traces the map draws: a third of the full plotly.js). Each file is
compressed once, gzip and brotli, when it is first made; a new content is a new URL, so a
browser never asks twice for the same one.
"""

import gzip
import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import brotli
from flask import Response, abort, request

CACHE_CONTROL = "public, max-age=31536000, immutable"
BROTLI_QUALITY = 9   # 11 is 8 % smaller but 15 times slower (3 s for plotly.js)


@dataclass(frozen=True)
class Compressed:
    body: bytes
    gzip: bytes
    brotli: bytes
    digest: str      # of the body: the URL's fingerprint


def compressed(body: bytes) -> Compressed:
    return Compressed(body, gzip.compress(body, 9), brotli.compress(body, quality=BROTLI_QUALITY),
                      hashlib.sha256(body).hexdigest()[:16])


def respond(found: Compressed | None, digest: str, mimetype: str) -> Response:
    """A file as the browser accepts it (brotli, gzip or plain); 404 when there is no such
    file or its fingerprint is another (a page of an older version)."""
    if found is None or found.digest != digest:
        abort(404)
    accepted = request.headers.get("Accept-Encoding", "")
    encoding, body = (("br", found.brotli) if "br" in accepted else
                      ("gzip", found.gzip) if "gzip" in accepted else (None, found.body))
    answer = Response(body, mimetype=mimetype)
    if encoding:
        answer.headers["Content-Encoding"] = encoding
    answer.headers["Vary"] = "Accept-Encoding"
    answer.headers["Cache-Control"] = CACHE_CONTROL
    answer.headers["ETag"] = f'"{found.digest}-{encoding or "raw"}"'
    return answer


# -- plotly.js ---------------------------------------------------------------------------------

VENDOR = Path(__file__).resolve().parent / "vendor"
PLOTLY = VENDOR / "plotly-geo.min.js"   # npm plotly.js-geo-dist-min, see vendor/README.md
PLOTLY_PREFIX = "/vendor/plotly-geo"


@cache
def _plotly() -> Compressed:
    return compressed(PLOTLY.read_bytes())


def plotly_url() -> str:
    """The URL of plotly.js (geo bundle): a page that defines window.Plotly makes dcc.Graph
    use it instead of loading the full bundle."""
    return f"{PLOTLY_PREFIX}.{_plotly().digest}.min.js"


def register(server) -> None:
    def _plotly_js(digest: str) -> Response:
        return respond(_plotly(), digest, "text/javascript")

    server.add_url_rule(f"{PLOTLY_PREFIX}.<digest>.min.js", "plotly_js", _plotly_js)
