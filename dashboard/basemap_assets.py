"""The base map's GeoJSON as static files (see static_files): one URL per scene and part.

The dashboard's figures link to them: plotly.js fetches a choropleth's `geojson` given as a
URL once, and keeps it for every trace that names it; a second visit finds the files in the
browser's cache and asks nothing. Exports keep the GeoJSON inside the figure (kaleido has no
server to ask).

    /basemap/<scene key>/<part>.<digest>.json

The scene key says how to draw the scene again (`basemap.scene_of`), so that any process
answers any URL: another worker, another machine behind a load balancer. The digest is the
content's: new geography or new code, new URL. A file is compressed when first made (at
start-up for the national view), never per request.
"""

import orjson
from flask import Response

from geodata import memoized

from . import basemap
from .static_files import Compressed, compressed, respond

PREFIX = "/basemap"
PARTS = ("departements", "regions", "outline")
# Files kept compressed in memory: those of the views kept (basemap.SCENES_KEPT), and France.
ASSETS_KEPT = 3 * (basemap.SCENES_KEPT + 8)


def _collection(scene: basemap.Scene, part: str) -> dict | None:
    if part == "departements":
        return {"type": "FeatureCollection", "features": list(scene.features.values())}
    return scene.regions if part == "regions" else scene.outline


def part_json(key: str, part: str) -> bytes | None:
    """The GeoJSON of one part of a scene (None: no such scene, part, or nothing to draw)."""
    scene = basemap.scene_of(key) if part in PARTS else None
    collection = _collection(scene, part) if scene else None
    if not collection or not collection["features"]:
        return None
    return orjson.dumps(collection)


@memoized(maxsize=ASSETS_KEPT)
def asset(key: str, part: str) -> Compressed | None:
    """The file of one part of a scene, compressed to be served (None: see part_json)."""
    body = part_json(key, part)
    return None if body is None else compressed(body)


def url(scene: basemap.Scene, part: str) -> str:
    """The URL of a part of a scene: its départements (shared by the views of France), its
    régions' outlines, or the outline of the area in focus."""
    key = scene.features_key if part == "departements" else scene.key
    found = asset(key, part)
    if found is None:
        raise ValueError(f"the scene {key!r} has nothing to draw as {part!r}")
    return f"{PREFIX}/{key}/{part}.{found.digest}.json"


def response(key: str, name: str) -> Response:
    """The file a URL names; 404 for any other."""
    part, _, rest = name.partition(".")
    digest, _, extension = rest.partition(".")
    return respond(asset(key, part) if extension == "json" else None, digest,
                   "application/json")


def register(server) -> None:
    """Serve the base map's files from the Flask server."""
    server.add_url_rule(f"{PREFIX}/<key>/<name>", "basemap", response)


def prepare_national() -> None:
    """The files of the national view, made before the server answers (before its workers
    fork: they share them)."""
    for scene in (basemap.metropole_scene(), basemap.paris_scene(),
                  *map(basemap.overseas_scene, basemap.OVERSEAS_REGIONS)):
        for part in PARTS:
            if _collection(scene, part) and _collection(scene, part)["features"]:
                url(scene, part)
