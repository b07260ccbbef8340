"""Nothing fetched from the network: the topojson files plotly.js asks for, served by the project.

plotly.js geo traces load a world topojson (`<scope>_<resolution>m.json`, here `world_110m.json`,
`world_50m.json` if resolution 50 is ever set) from the plotly CDN, even when every trace
brings its own GeoJSON and the base map is hidden. The project ships its own files in
`assets/topojson/`: topologies whose layers are empty, since the map draws nothing from them.

- Browser: `dcc.Graph(config=configure_offline())` points plotly.js at `/assets/topojson/`, which
  Dash serves from the `assets/` folder.
- kaleido: `configure_offline()` sets `plotly.io.defaults.topojson` to the folder as a file://
  URL. kaleido's page also loads MathJax from a CDN unless told `mathjax=False`, which
  `plotly.io` cannot pass; `render_image` (and `image_server` for batches) does it.
"""

import json
import warnings
from contextlib import contextmanager
from pathlib import Path

import plotly.io as pio

TOPOJSON_DIR = Path(__file__).resolve().parent.parent / "assets" / "topojson"
TOPOJSON_URL = "/assets/topojson/"
TOPOJSON_NAMES = ("world_110m", "world_50m")
TOPOJSON_LAYERS = ("coastlines", "land", "ocean", "lakes", "rivers", "countries", "subunits")


def empty_topology() -> dict:
    """A topology with every layer plotly.js reads, all empty."""
    return {"type": "Topology", "arcs": [],
            "objects": {name: {"type": "GeometryCollection", "geometries": []}
                        for name in TOPOJSON_LAYERS}}


def write_topojson(folder: Path = TOPOJSON_DIR) -> list[Path]:
    """Write the project's topojson files (they are committed; this documents how they came)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in TOPOJSON_NAMES:
        path = folder / f"{name}.json"
        path.write_text(json.dumps(empty_topology(), separators=(",", ":")) + "\n",
                        encoding="utf-8")
        paths.append(path)
    return paths


def topojson_file_url(folder: Path = TOPOJSON_DIR) -> str:
    """The folder as a file:// URL with its trailing slash, as plotly.js wants it."""
    return folder.resolve().as_uri().rstrip("/") + "/"


def configure_offline(assets_url: str = TOPOJSON_URL) -> dict:
    """Point plotly at the local topojson files; the dcc.Graph config for the browser side.

    assets_url: where the browser finds assets/topojson/ (change it when Dash serves the app
    under a path prefix: app.get_asset_url("topojson/")).
    """
    missing = [name for name in TOPOJSON_NAMES if not (TOPOJSON_DIR / f"{name}.json").is_file()]
    if missing:
        raise FileNotFoundError(f"topojson file(s) {missing} missing from {TOPOJSON_DIR}: "
                                f"run `python -c 'import dashboard.offline as o; "
                                f"o.write_topojson()'`")
    pio.defaults.topojson = topojson_file_url()
    pio.defaults.mathjax = None
    return {"topojsonURL": assets_url}


def kaleido_module():
    import kaleido  # imported late: only exports need it

    return kaleido


@contextmanager
def image_server():
    """One kaleido browser for a batch of images, with no MathJax and the local topojson.

    Inside the block, `render_image` and `plotly.io.to_image` both use it (~0.1 s per image
    instead of ~2 s). A server already running (started elsewhere) is used and left running.
    """
    configure_offline()
    kaleido = kaleido_module()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        kaleido.start_sync_server(mathjax=False)
    started = not any("already open" in str(warning.message) for warning in caught)
    try:
        yield
    finally:
        if started:
            kaleido.stop_sync_server(silence_warnings=True)


def render_image(fig, format: str = "png", width: int | None = None, height: int | None = None,
                 scale: float = 1) -> bytes:
    """The figure as image bytes (png, svg, jpeg, webp, pdf), rendered offline by kaleido."""
    configure_offline()
    kaleido = kaleido_module()
    # (not fig.to_dict(): a deep copy of the whole figure to read two numbers)
    layout = fig.get("layout", {}) if isinstance(fig, dict) else {
        "width": fig.layout.width, "height": fig.layout.height}
    opts = {"format": format, "scale": scale,
            "width": width or layout.get("width") or pio.defaults.default_width,
            "height": height or layout.get("height") or pio.defaults.default_height}
    with warnings.catch_warnings():
        # With an image_server running, kaleido warns that kopts are not used: it has its own.
        warnings.filterwarnings("ignore", message="The kopts argument is ignored")
        return kaleido.calc_fig_sync(fig, opts=opts, topojson=pio.defaults.topojson,
                                     kopts={"mathjax": False})
