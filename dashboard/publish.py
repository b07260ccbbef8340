"""The map published as pages the network owns: `python -m dashboard publish`, or the app's
« Publier » button (the same folder, zipped).

One folder, copied as it is to any static host or opened from the disk:

    index.html                  the national map
    <région>.html               one page per région with members (hauts-de-france.html…)
    integration.html            the embed code of each page, to paste in a website
    partage/                    what the pages share, written once, named by their content
                                (a new version is a new name: no cache mixes two versions):
        plotly-geo.<digest>.js  plotly.js (dashboard/vendor)
        filters.<digest>.js     the dashboard's own filtering code (assets/filters.js)
        page.<digest>.js/.css   the page's behaviour and look (publish_assets/)
        fond-<digest>.js        the base map's parts the pages draw
        publication.json        the files of this publication: published again in the same
                                folder, those no longer part of it are removed (a région
                                without members any more, a column no longer chosen)

Each page holds its data (the view the dashboard would draw, the members' rows, the words of
filters.js) and is interactive with no server: hover, the kinds and the legend, the search, the
member table, links between the pages. Nothing is fetched: no CDN, font or tile; the base map
comes as scripts (those of the view drawn: a phone's or a screen's), since a page opened from
the disk may not read a JSON file. A page opened with
`?integre=1` (the embed code) has no title or footer: the website's page has its own.

Only the columns of the list chosen for the table are published (also in the hover texts): a
list often holds contacts and notes that are not for a website.
"""

import hashlib
import html
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import orjson
import pandas as pd

from geodata import schema as S
from geodata.columns import column_headers, listed_header
from geodata.names import normalize

from . import basemap_assets, client, plotly_fr
from .labels import DEFAULT_TITLE, SAMPLE_MARK, region_name, slug
from .selection import extra_columns, select, select_members
from .state import FilterState
from .table import MEMBER_COLUMNS, extra_field, grid_rows

ROOT = Path(__file__).resolve().parent
ASSETS = ROOT / "publish_assets"
FILTERS_JS = ROOT.parent / "assets" / "filters.js"
PLOTLY_JS = ROOT / "vendor" / "plotly-geo.min.js"
TOPOJSON = ROOT.parent / "assets" / "topojson" / "world_110m.json"
SHARED = "partage"
INDEX = "index.html"
EMBEDS = "integration.html"
EMBED_PARAMETER = "integre"
# px: the map as laid out for a screen, a website's column (an embed) and a phone (narrower
# than figures.COMPACT_WIDTH: France across, the legend under it). A page draws the widest
# that its map's width holds.
CANVASES = {"large": (1000, 640), "medium": (740, 560), "compact": (360, 680)}
MAX_TITLE = 120            # characters of the pages' title (a phone's map has room for them)
MANIFEST = f"{SHARED}/publication.json"   # the files of the publication
LEFT_OUT_NAMED = 5         # members not placed that a message names
EMBED_HEIGHT = 900         # px of the embed code's frame: the map, the filters, some rows
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")
# The table's columns of a published page (the national page's has the région too; the list's
# chosen columns follow).
TABLE_COLUMNS = ("nom", "type", "departement", "population")
NATIONAL_TABLE_COLUMNS = ("nom", "type", "departement", "region", "population")
# plotly.js in French; its camera downloads the map drawn as a PNG, in the page.
PLOTLY_CONFIG = {
    **plotly_fr.config(), "displaylogo": False, "responsive": True, "scrollZoom": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d"],
    "toImageButtonOptions": {"format": "png", "filename": "carte-adherents"},
    "locales": {plotly_fr.LOCALE: {**plotly_fr.FRENCH, "dictionary": {
        **plotly_fr.FRENCH["dictionary"], "Download plot as a PNG": "Télécharger la carte "
                                                                    "(PNG)"}}}}
_BASEMAP_URL = re.compile(rf"^{basemap_assets.PREFIX}/([^/]+)/([a-z]+)\.([0-9a-f]+)\.json$")


class PublishError(Exception):
    """A publication that cannot be made; str() is the French message."""


@dataclass(frozen=True)
class Page:
    file: str               # its file name in the folder
    region: str | None      # INSEE code; None: France
    title: str


@dataclass(frozen=True)
class Publication:
    files: dict[str, bytes]   # path in the folder -> bytes
    pages: list[Page]         # France first, then the régions
    published: int            # members on the pages
    left_out: list[str]       # the others (not placed on the map): « name » (ligne n)

    def said(self) -> str:
        """What was published, in French: pages, members, and those left out."""
        regions = len(self.pages) - 1
        said = (f"{len(self.pages)} pages (la France et {regions} région"
                f"{'s' if regions > 1 else ''}), {self.published} adhérents")
        if not self.left_out:
            return said + "."
        named = ", ".join(self.left_out[:LEFT_OUT_NAMED]) + (
            f" et {len(self.left_out) - LEFT_OUT_NAMED} autres"
            if len(self.left_out) > LEFT_OUT_NAMED else "")
        return (f"{said} ; {len(self.left_out)} de la liste n'y sont pas, faute d'être placés "
                f"sur la carte : {named}. Corrigez-les dans le tableau de bord (liste "
                "envoyée), puis publiez à nouveau.")


def check_url(url: str) -> str:
    """Where the folder will be online, as given (blank: none); PublishError for anything
    else than a folder's web address."""
    url = url.strip()
    if url and (not re.match(r"^https?://[^\s/]+\.[^\s/]+(/\S*)?$", url)
                or re.search(r"[?#]|\.html?$", url)):
        raise PublishError(f"l'adresse « {url} » n'est pas celle d'un dossier en ligne : "
                           "indiquez-la sans nom de page, par exemple "
                           "https://www.exemple.fr/carte/.")
    return url


def french_date(day: date) -> str:
    return f"{day.day}{'er' if day.day == 1 else ''} {MONTHS[day.month - 1]} {day.year}"


def chosen_columns(members: pd.DataFrame, asked: list[str] | None) -> list[str]:
    """The list's columns asked for the table, as the list names them (loosely typed: « élu
    referent » is « Élu référent »); PublishError naming those it has for any other."""
    chosen = []
    for name in asked or ():
        header = listed_header(members, name)
        if header is None:
            headers = column_headers(members)
            have = f"ses autres colonnes : {', '.join(headers)}." if headers else \
                "elle n'en a pas d'autres."
            raise PublishError(f"« {name} » n'est pas une colonne de la liste à publier en "
                               "plus du nom, du type, du code, du département et de la "
                               f"population, toujours publiés ; {have}")
        if header not in chosen:
            chosen.append(header)
    return chosen


def pages_of(members: pd.DataFrame, title: str) -> list[Page]:
    """The national page, then one per région with members (by name)."""
    regions = sorted(set(select_members(members)[S.REGION]) - {""},
                     key=lambda code: normalize(region_name(code)))
    return [Page(INDEX, None, title)] + [
        Page(f"{slug(region_name(code))}.html", code,
             f"{title} en région {region_name(code)}") for code in regions]


def _published_members(members: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The list without the columns not chosen (not in the rows, nor the hover texts)."""
    kept = {S.extra_key(header) for header in columns}
    return members.drop(columns=[key for key in extra_columns(members) if key not in kept])


def _table_columns(members: pd.DataFrame, columns: list[str], national: bool) -> list[dict]:
    """[{field, header, numeric}] of a page's table."""
    shown = NATIONAL_TABLE_COLUMNS if national else TABLE_COLUMNS
    ours = [{"field": c.id, "header": c.header, "numeric": c.numeric}
            for c in MEMBER_COLUMNS if c.id in shown]
    return ours + [{"field": extra_field(members, header), "header": header, "numeric": False}
                   for header in columns]


def _shared_basemap(view: dict, files: dict[str, bytes]) -> list[str]:
    """The base map's parts of a view as scripts of the shared folder (added to files): the
    figure names them by their digest. Returns the scripts the view needs (the page loads
    those of the view it draws: a région's phone view has a base map of its own)."""
    scripts = []
    for trace in view["figure"]["data"]:
        found = isinstance(trace.get("geojson"), str) and _BASEMAP_URL.match(trace["geojson"])
        if not found:
            continue
        key, part, digest = found.groups()
        name = f"{SHARED}/fond-{digest}.js"
        if name not in files:
            # As is: the served file's compressions are not needed here.
            body = basemap_assets.part_json(key, part).decode("utf-8")
            files[name] = (f"(window.carteFonds = window.carteFonds || {{}})['{digest}'] = "
                           f"{body};\n").encode()
        trace["geojson"] = digest
        if name not in scripts:
            scripts.append(name)
    return scripts


def _json_in_html(value) -> str:
    """JSON safe inside a <script> element: no "<" (it can only be in a string: escaped)."""
    return orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY).decode().replace(
        "<", "\\u003c")


def _page_html(page: Page, pages: list[Page], data: dict, shared: dict[str, str],
               published: str, source: str) -> str:
    e = html.escape
    links = "".join(
        f'<li><a href="{e(other.file)}"'
        + (' aria-current="page"' if other == page else "")
        + f">{e('France entière' if other.region is None else region_name(other.region))}"
        "</a></li>" for other in pages)
    kinds = "".join(
        f'<label class="type"><input type="checkbox" value="{e(k["id"])}" checked>'
        f'<span class="symbole" style="color:{e(k["color"])}">{e(k["char"])}</span> '
        f'{e(k["plural"])}</label>' for k in data["words"]["kinds"])
    headers = "".join(f'<th scope="col" data-field="{e(c["field"])}"'
                      + (' class="nombre"' if c["numeric"] else "")
                      + f'><button type="button">{e(c["header"])}</button></th>'
                      for c in data["columns"])
    # plotly.js reads its world topology from here instead of fetching it (a page opened
    # from the disk may not fetch); the project's is empty: the map draws its own base map.
    topology = TOPOJSON.read_text("utf-8").strip()
    return f"""<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{e(page.title)}</title>
<link rel="stylesheet" href="{shared["style"]}">
</head>
<body>
<header class="entete">
<h1>{e(page.title)}</h1>
<nav aria-label="Les cartes"><ul>{links}</ul></nav>
</header>
<main>
<section class="filtres" aria-label="Filtres">
<fieldset class="types"><legend>Types de collectivités</legend>{kinds}</fieldset>
<label class="recherche">Rechercher une collectivité
<input type="search" id="recherche" autocomplete="off" placeholder="ex. Lille">
</label>
</section>
<p id="compte" class="compte" aria-live="polite"></p>
<div id="carte" class="carte" role="img" aria-describedby="compte"></div>
<section class="liste" aria-label="Liste des adhérents">
<table id="adherents"><thead><tr>
<th scope="col" class="symbole"><span class="invisible">Symbole</span></th>{headers}
</tr></thead><tbody></tbody></table>
</section>
</main>
<footer class="pied">
<p>{e(source)}. Carte publiée le {e(published)}.</p>
</footer>
<script id="carte-donnees" type="application/json">{_json_in_html(data)}</script>
<script src="{shared["plotly"]}"></script>
<script>window.PlotlyGeoAssets = {{topojson: {{world_110m: {topology}}}}};</script>
<script src="{shared["filters"]}"></script>
<script src="{shared["page"]}"></script>
</body>
</html>
"""


def embed_code(page: Page, url: str = "") -> str:
    """The <iframe> a website pastes to show a page (url: where the folder is published;
    none: the page's name, beside the including page)."""
    source = f"{url.rstrip('/')}/{page.file}" if url else page.file
    return (f'<iframe src="{html.escape(source)}?{EMBED_PARAMETER}=1" '
            f'title="{html.escape(page.title)}" width="100%" height="{EMBED_HEIGHT}" '
            'style="border:0;max-width:100%" loading="lazy"></iframe>')


NO_URL = ("Ce code ne fonctionne que dans une page placée dans ce dossier : pour le coller dans "
          "un site, publiez à nouveau en indiquant l'adresse du dossier en ligne.")


def _embeds_html(pages: list[Page], url: str, title: str, style: str) -> str:
    e = html.escape
    items = "".join(
        f"<section><h2>{e(page.title)}</h2><p><a href=\"{e(page.file)}\">Ouvrir la page</a></p>"
        f"<textarea readonly rows=\"3\" cols=\"100\">{e(embed_code(page, url))}</textarea>"
        "</section>" for page in pages)
    where = f"Les adresses sont celles de {e(url)}." if url else NO_URL
    return f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{e(title)} — code d'intégration</title>
<link rel="stylesheet" href="{style}"></head>
<body class="integration"><main><h1>Intégrer les cartes dans un site</h1>
<p>Copiez le code d'une carte dans une page de votre site (bloc HTML). {where}</p>
{items}</main></body></html>
"""


# What every page loads besides its data: (name, file), written under a name of its content.
SHARED_FILES = {"plotly": ("plotly-geo", PLOTLY_JS), "filters": ("filters", FILTERS_JS),
                "page": ("page", ASSETS / "page.js"), "style": ("page", ASSETS / "page.css")}


def _shared(files: dict[str, bytes], name: str, source: Path) -> str:
    """Add a file the pages share, named by its content; its path in the folder."""
    body = source.read_bytes()
    path = f"{SHARED}/{name}.{hashlib.sha256(body).hexdigest()[:12]}{source.suffix}"
    files[path] = body
    return path


def _page_view(members: pd.DataFrame, state: FilterState, canvas: tuple[int, int],
               sample: bool, title: str) -> dict:
    """The dashboard's view for this canvas, titled as the page, as plain JSON types (the
    page changes its base map's names)."""
    view = client.view(members, state, canvas, sample=sample, title=title)
    return orjson.loads(orjson.dumps(view, option=orjson.OPT_SERIALIZE_NUMPY))


def publication(members: pd.DataFrame, *, sample: bool = False, title: str = DEFAULT_TITLE,
                columns: list[str] | None = None, url: str = "",
                today: date | None = None) -> Publication:
    """The published folder's files and pages."""
    title = " ".join((title or DEFAULT_TITLE).split())[:MAX_TITLE]
    chosen = chosen_columns(members, columns)
    shown = _published_members(members, chosen)
    placed = select_members(shown)
    if placed.empty:
        raise PublishError("aucun adhérent de la liste n'est placé sur la carte : rien à "
                           "publier.")
    pages = pages_of(shown, title)
    words = client.words()
    published = french_date(today or date.today())
    source = words["source"] + (f" ({SAMPLE_MARK})" if sample else "")
    files: dict[str, bytes] = {}
    shared = {key: _shared(files, *source_file) for key, source_file in SHARED_FILES.items()}
    for page in pages:
        state = FilterState(region=page.region)
        views = {name: _page_view(shown, state, canvas, sample, page.title)
                 for name, canvas in CANVASES.items()}
        for view in views.values():
            view["basemap"] = _shared_basemap(view, files)
        data = {"views": views, "canvases": CANVASES, "region": page.region,
                "config": PLOTLY_CONFIG, "imageName": f"carte-{Path(page.file).stem}",
                "rows": grid_rows(select(shown, state)), "words": words,
                "columns": _table_columns(shown, chosen, national=page.region is None),
                "embedParameter": EMBED_PARAMETER}
        files[page.file] = _page_html(page, pages, data, shared, published,
                                      source).encode("utf-8")
    files[EMBEDS] = _embeds_html(pages, url, title, shared["style"]).encode("utf-8")
    left_out = shown.drop(index=placed.index)
    return Publication(files, pages, len(placed), [
        f"« {name if isinstance(name, str) and name.strip() else code} » (ligne {row})"
        for name, code, row in zip(
            left_out[S.INPUT_NAME], left_out[S.CODE], left_out[S.ROW], strict=True)])


_LOADED = re.compile(r'<(?:script|link)[^>]* (?:src|href)="([^"]+)"')


_DATA = re.compile(r'<script id="carte-donnees" type="application/json">(.*?)</script>', re.S)


def page_data(page: bytes) -> dict:
    """The data a published page holds (its views, rows, columns, words)."""
    return orjson.loads(_DATA.search(page.decode("utf-8")).group(1))


def loaded_by(files: dict[str, bytes], page: str, view: str) -> list[str]:
    """The files of the folder a browser loads to show a page drawn with this view (one of
    CANVASES): the page, its scripts and style, the view's base map."""
    return [page, *_LOADED.findall(files[page].decode("utf-8")),
            *page_data(files[page])["views"][view]["basemap"]]


def _write_bytes(path: Path, body: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)


def previous_files(folder: Path) -> list[str]:
    """The files of the publication already in the folder (its manifest), if any."""
    try:
        listed = orjson.loads((folder / MANIFEST).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return []
    return [name for name in listed if isinstance(name, str)] if isinstance(listed, list) else []


def write_folder(files: dict[str, bytes], folder: Path, write=_write_bytes) -> list[str]:
    """Write the files in the folder with write(path, bytes), and the manifest; remove the
    files of the publication that was there and are no longer part of this one (never any
    other file). Returns the names removed."""
    removed = [name for name in previous_files(folder) if name not in files
               and name != MANIFEST and not Path(name).is_absolute()
               and ".." not in Path(name).parts]
    for name, body in files.items():
        write(folder / name, body)
    write(folder / MANIFEST, orjson.dumps(sorted(files)))
    for name in removed:
        (folder / name).unlink(missing_ok=True)
    return removed


def zipped(files: dict[str, bytes], folder_name: str) -> bytes:
    """The folder as a zip (the app's download), its files under folder_name/, its manifest
    with them."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in files.items():
            archive.writestr(f"{folder_name}/{name}", body)
        archive.writestr(f"{folder_name}/{MANIFEST}", orjson.dumps(sorted(files)))
    return buffer.getvalue()
