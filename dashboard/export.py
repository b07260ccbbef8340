"""Map images for publications: PNG (screen, 16:9 slide, A4 or A3 in both orientations at
300 dpi), SVG and PDF.

Rendering is done by kaleido driving Debian's Chromium, offline (local topojson, no MathJax),
in one long-lived session reused between exports. A PDF can carry the member list of the
selection on the pages after the map.
"""

import atexit
import io
import os
import shutil
import struct
import threading
import xml.etree.ElementTree as ET
import zlib
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from geodata import schema as S

from . import offline
from .table import pdf_table

FORMATS = ("png", "svg", "pdf")
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# The PDF list: a row has room for a name on two lines; as many rows as the page holds.
TABLE_ROW_PX = 34
TABLE_ROOM_PX = 150   # the page's title, the header row and the margins


class ExportError(Exception):
    """An export that cannot be made; str() is a French message for the user."""


class ChromiumMissingError(ExportError):
    pass


@dataclass(frozen=True)
class PageSize:
    """A layout size in CSS pixels and the scale that gives the wanted pixels or points."""

    label: str
    width: int
    height: int
    # PNG: pixels = CSS px * dpi / css_dpi. PDF: kaleido prints 96 CSS px per inch.
    css_dpi: float
    # How much bigger texts and symbols are drawn than on a screen: a printed page is laid
    # out at css_dpi (zoom css_dpi / 96); a slide is seen from across a room.
    zoom: float = 0.0   # 0: css_dpi / 96

    @property
    def text_zoom(self) -> float:
        return self.zoom or self.css_dpi / 96

    @property
    def canvas(self) -> tuple[float, float]:
        """The size in screen px a map is laid out for (shaped and named for)."""
        return self.width / self.text_zoom, self.height / self.text_zoom

    def scale_for(self, dpi: int) -> float:
        return dpi / self.css_dpi

    def pixels(self, dpi: int) -> tuple[int, int]:
        """The PNG's width and height at this resolution."""
        return round(self.width * self.scale_for(dpi)), round(self.height * self.scale_for(dpi))


# A4 landscape is 297 x 210 mm: 3508 x 2480 px at 300 dpi; A3 is 420 x 297 mm: 4960 x 3508.
# A slide is 16:9, as presentation software makes them (1920 x 1080 px at 96 dpi).
SIZES = {
    "screen": PageSize("écran", 1400, 1000, 96),
    "slide": PageSize("diapositive 16:9", 1920, 1080, 96, zoom=1.4),
    "a4": PageSize("A4 paysage", 1754, 1240, 150),
    "a4-portrait": PageSize("A4 portrait", 1240, 1754, 150),
    "a3": PageSize("A3 paysage", 2480, 1754, 150),
    "a3-portrait": PageSize("A3 portrait", 1754, 2480, 150),
}
# Sizes drawn as on a screen, pixel for pixel (no print resolution).
SCREEN_SIZES = ("screen", "slide")
DEFAULT_DPI = 300
MIN_DPI, MAX_DPI = 30, 1200
# Chromium draws no canvas above 2**28 pixels (16384²): past it, the image plotly.js asks for
# comes back as an empty "data:," URL, which kaleido decodes to 3 bytes. Stay clear of that edge.
MAX_PIXELS = 250_000_000


def max_dpi(size: str) -> int:
    """The highest resolution (a multiple of 50) whose PNG of this size Chromium can draw."""
    page = SIZES[size]
    fits = page.css_dpi * (MAX_PIXELS / (page.width * page.height)) ** 0.5
    return min(MAX_DPI, int(fits) // 50 * 50)


def check_dpi(dpi: int, size: str | None = None) -> None:
    """Refuse a resolution out of range, or too high for a PNG of this size (a4, a3)."""
    if not MIN_DPI <= dpi <= MAX_DPI:
        raise ExportError(f"Résolution {dpi} dpi hors limites ({MIN_DPI} à {MAX_DPI}).")
    if size in SIZES and size not in SCREEN_SIZES and dpi > max_dpi(size):
        width, height = SIZES[size].pixels(dpi)
        allowed = ", ".join(f"{MIN_DPI} à {max_dpi(name)} dpi en {page.label}"
                            for name, page in SIZES.items() if name not in SCREEN_SIZES)
        raise ExportError(
            f"Une image PNG {SIZES[size].label} à {dpi} dpi ferait {width} × {height} pixels, "
            f"plus que Chromium ne sait dessiner. Résolutions possibles : {allowed}.")


def check_image(data: bytes, fmt: str, pixels: tuple[int, int] | None = None) -> None:
    """Refuse bytes that are not a whole file of this format (or a PNG of another size)."""
    if fmt == "png":
        ok = (data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
              and data.endswith(b"IEND\xaeB`\x82"))
        if ok and pixels:
            # kaleido may round a scaled size either way.
            got = struct.unpack(">II", data[16:24])
            ok = all(abs(g - w) <= 2 for g, w in zip(got, pixels))
    elif fmt == "pdf":
        ok = data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]
    else:
        try:
            ok = ET.fromstring(data).tag.rpartition("}")[2] == "svg"
        except ET.ParseError:
            ok = False
    if not ok:
        raise ExportError(
            f"Chromium a renvoyé un fichier {fmt.upper()} vide ou invalide ({len(data)} octets) : "
            "export abandonné. Essayez une taille ou une résolution plus petite.")


def find_chromium() -> str | None:
    """The Chrome kaleido will drive: $BROWSER_PATH, else a Chromium on the PATH."""
    path = os.environ.get("BROWSER_PATH")
    if path and os.path.exists(path):
        return path
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def require_chromium() -> str:
    path = find_chromium()
    if path is None:
        raise ChromiumMissingError(
            "L'export d'images demande le navigateur Chromium, introuvable sur cette machine. "
            "Installez-le (sous Debian : apt-get install chromium) ou indiquez son chemin dans "
            "la variable BROWSER_PATH (ou demandez-le à la personne qui gère ce tableau de "
            "bord).")
    os.environ.setdefault("BROWSER_PATH", path)
    return path


class _Renderer:
    """One kaleido browser for the whole process, started on first use (thread-safe)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._started = False

    def render(self, figure, fmt: str, width: float, height: float, scale: float) -> bytes:
        """The image's bytes, checked to be a whole file (ExportError otherwise)."""
        require_chromium()
        with self._lock:
            if not self._started:
                offline.configure_offline()
                kaleido = offline.kaleido_module()
                kaleido.start_sync_server(mathjax=False, silence_warnings=True)
                atexit.register(self.stop)
                self._started = True
            data = offline.render_image(figure, fmt, width=width, height=height, scale=scale)
        # Chromium can hand back an empty image without any error: never pass it on.
        pixels = (round(width * scale), round(height * scale)) if fmt == "png" else None
        check_image(data, fmt, pixels)
        return data

    def stop(self):
        with self._lock:
            if self._started:
                offline.kaleido_module().stop_sync_server(silence_warnings=True)
                self._started = False


renderer = _Renderer()


def _with_png_dpi(png: bytes, dpi: int) -> bytes:
    """Write the print resolution into the PNG (pHYs chunk), so layout tools size it right."""
    pixels_per_metre = round(dpi / 0.0254)
    body = b"pHYs" + struct.pack(">IIB", pixels_per_metre, pixels_per_metre, 1)
    chunk = struct.pack(">I", 9) + body + struct.pack(">I", zlib.crc32(body))
    end_of_ihdr = 8 + 4 + 4 + 13 + 4
    return png[:end_of_ihdr] + chunk + png[end_of_ihdr:]


_SCALED_PARENTS = {"font", "textfont", "marker", "line", "tickfont", "insidetextfont"}


def _scaled(node, factor: float, parent: str = ""):
    """A copy of a figure dict with text sizes, marker sizes and line widths multiplied."""
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if (k in ("size", "width") and parent in _SCALED_PARENTS
                    or k in ("l", "r", "t", "b") and parent in ("margin", "pad")
                    or k == "yshift" or k == "entrywidth" and parent == "legend") \
                    and not isinstance(v, str):
                out[k] = ([x * factor for x in v] if isinstance(v, list | tuple)
                          else v * factor if isinstance(v, int | float) else v)
            else:
                out[k] = _scaled(v, factor, k)
        return out
    if isinstance(node, list | tuple):
        return [_scaled(v, factor, parent) for v in node]
    return node


def canvas(size: str) -> tuple[float, float]:
    """The size in screen px (96 per inch) a map is laid out for on a page of this size: what
    a région view is shaped to fill and its names are placed for."""
    return SIZES[size].canvas


def figure_dict(figure: go.Figure | dict) -> dict:
    """The figure as the dict kaleido is sent. A map's dict is rendered as it is: plotly's
    go.Figure would validate and deep-copy it, base map included, twice more (0.6 s of the
    server for a région's map)."""
    return figure if isinstance(figure, dict) else figure.to_dict()


def for_print(figure: go.Figure | dict, size: str) -> go.Figure | dict:
    """The figure with text and symbols as big on the page as they were laid out for (the
    same figure when they are: a dict stays a dict).

    A4 and A3 images are laid out at 150 CSS px per inch (for exact 300 dpi pixel counts),
    where the figure's sizes, made for a screen, would print too small; a slide's are bigger
    than a screen's too (PageSize.zoom).
    """
    factor = SIZES[size].text_zoom
    if factor == 1:
        return figure
    scaled = _scaled(figure_dict(figure), factor)
    return scaled if isinstance(figure, dict) else go.Figure(scaled)


def export_map(figure: go.Figure | dict, fmt: str = "png", size: str = "screen",
               dpi: int = DEFAULT_DPI, members: pd.DataFrame | None = None) -> bytes:
    """The figure (go.Figure or dict) as a file's bytes. members: for a PDF, the list printed
    after the map."""
    figure = figure_dict(figure)
    if fmt not in FORMATS:
        raise ExportError(f"Format « {fmt} » inconnu : choisissez parmi {', '.join(FORMATS)}.")
    if size not in SIZES:
        raise ExportError(f"Taille « {size} » inconnue : choisissez parmi {', '.join(SIZES)}.")
    page = SIZES[size]
    if fmt == "png":
        check_dpi(dpi, size)
        scale = 1 if size in SCREEN_SIZES else page.scale_for(dpi)
        png = renderer.render(for_print(figure, size), "png", page.width, page.height, scale)
        return png if size in SCREEN_SIZES else _with_png_dpi(png, dpi)
    if fmt == "svg":
        return renderer.render(for_print(figure, size), "svg", page.width, page.height, 1)
    # PDF: the page in points is the layout's size at 96 dpi (the canvas).
    width, height = page.canvas
    pdf = renderer.render(figure, "pdf", width, height, 1)
    if members is not None and len(members):
        pdf = _append_pages(pdf, [renderer.render(t, "pdf", width, height, 1)
                                  for t in table_figures(members, figure, height)])
    return pdf


def pdf_pages(figures: list, size: str) -> bytes:
    """One PDF with a page per figure (an atlas), each drawn at the page size."""
    if not figures:
        raise ExportError("Aucune carte à mettre dans le PDF.")
    width, height = SIZES[size].canvas
    pages = [renderer.render(figure_dict(figure), "pdf", width, height, 1)
             for figure in figures]
    return _append_pages(pages[0], pages[1:])


def _append_pages(first: bytes, others: list[bytes]) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for document in [first, *others]:
        for page in PdfReader(io.BytesIO(document)).pages:
            writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def table_figures(members: pd.DataFrame, map_figure: dict | None = None,
                  page_height: float = 794) -> list[go.Figure]:
    """The member list as table pages (plotly tables, so kaleido prints them like the map),
    as many rows a page as its height holds (px at 96 dpi)."""
    per_page = max(5, int((page_height - TABLE_ROOM_PX) // TABLE_ROW_PX))
    columns, widths = pdf_table(members.sort_values([S.REGION, S.KIND, S.NAME]))
    title = "Liste des adhérents"
    map_title = ((map_figure or {}).get("layout", {}).get("title") or {}).get("text")
    if map_title:
        title = f"{map_title} — liste"
    pages = []
    count = len(members)
    for start in range(0, count, per_page):
        chunk = {k: v[start:start + per_page] for k, v in columns.items()}
        figure = go.Figure(go.Table(
            columnwidth=widths,
            header={"values": [f"<b>{k}</b>" for k in chunk], "fill_color": "#e9eef6",
                    "align": "left", "font": {"size": 13}},
            cells={"values": list(chunk.values()), "align": "left", "font": {"size": 12},
                   "height": TABLE_ROW_PX}))
        page_label = f"{start // per_page + 1}/{-(-count // per_page)}"
        figure.update_layout(
            title={"text": f"{title} ({count}) — page {page_label}", "x": 0.02,
                   "font": {"size": 18}},
            margin={"l": 40, "r": 40, "t": 70, "b": 30},
            font={"family": "Arial, Helvetica, 'Liberation Sans', sans-serif"})
        pages.append(figure)
    return pages
