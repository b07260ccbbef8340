"""The page: a header with the counts, a side panel of filters, the map, the member table,
the detail card of the selected member, and the report of an uploaded list."""

import dash_ag_grid as dag
from dash import dcc, html

from geodata import REGION, get_reference
from geodata.kinds import KIND_LABELS, KINDS
from geodata.reading import ACCEPTED_FORMATS, MAX_BYTES, MAX_ROWS, count_fr, too_large_template

from . import client, ids, plotly_fr, prospect_table
from .export import DEFAULT_DPI, SIZES
from .labels import DEFAULT_TITLE, LIST_UNCHANGED, MAX_TEXT
from .map_labels import LABEL_MODES, MAX_NAMES
from .offline import configure_offline
from .state import ALL_REGIONS, DEFAULT_MODE, DEFAULT_PROSPECT_MIN, MAP_MODES
from .views import kind_symbol

NETWORK_NAME = "RTES — Réseau des collectivités Territoriales pour une Économie Solidaire"
DROPDOWN_LABELS = {"select_all": "Tout sélectionner", "deselect_all": "Tout désélectionner",
                   "search": "Rechercher",
                   "clear_search": "Effacer la recherche", "clear_selection": "Effacer",
                   "no_options_found": "Aucun résultat",
                   "selected_count": "{num_selected} choix"}
def header() -> html.Header:
    return html.Header(className="header", children=[
        html.Div(className="header-title", children=[
            html.H1("Collectivités adhérentes"),
            html.P(NETWORK_NAME, className="network-name"),
        ]),
        html.Div(id=ids.HEADER_COUNTS, className="header-counts", **{"aria-live": "polite"}),
    ])


def _region_options() -> list[dict]:
    regions = sorted(get_reference().names(REGION).items(), key=lambda item: item[1])
    return [{"label": "France entière", "value": ALL_REGIONS}] + [
        {"label": name, "value": code} for code, name in regions]


def filters_panel() -> html.Div:
    return html.Div(className="panel panel-filters", children=[
        html.Label("Région", htmlFor=ids.REGION),
        dcc.Dropdown(id=ids.REGION, options=_region_options(), value=ALL_REGIONS,
                     clearable=False, searchable=True, labels=DROPDOWN_LABELS),
        html.Label("Département", htmlFor=ids.DEPARTEMENT),
        dcc.Dropdown(id=ids.DEPARTEMENT, options=[], value=None, clearable=True,
                     placeholder="Tous les départements", labels=DROPDOWN_LABELS),
        html.Label("Rechercher une collectivité", htmlFor=ids.SEARCH),
        dcc.Input(id=ids.SEARCH, type="search", value="", debounce=0.3,
                  placeholder="ex. Lille", className="search", autoComplete="off"),
        # The network as it was: shown when the list says when each member joined.
        html.Div(id=ids.YEAR_BOX, className="year-box", hidden=True, children=[
            html.Label("Le réseau à la fin de l'année", htmlFor=ids.YEAR),
            dcc.Slider(id=ids.YEAR, min=0, max=1, step=1, value=None, marks=None,
                       allow_direct_input=False,
                       tooltip={"placement": "bottom", "always_visible": False}),
            html.P(id=ids.YEAR_HINT, className="hint"),
        ]),
        html.Fieldset(className="kinds", children=[
            html.Legend("Types de collectivité"),
            dcc.Checklist(id=ids.KINDS, value=list(KINDS), options=[
                {"label": html.Span([kind_symbol(kind), " ", KIND_LABELS[kind]]),
                 "value": kind} for kind in KINDS]),
        ]),
        # The list's own columns: shown when it has some.
        html.Div(id=ids.COLOUR_BOX, className="colour-box", hidden=True, children=[
            html.Label("Colorier selon une colonne de la liste", htmlFor=ids.COLOUR_BY),
            dcc.Dropdown(id=ids.COLOUR_BY, options=[], value=None, clearable=True,
                         placeholder="Type de collectivité", labels=DROPDOWN_LABELS),
            html.Label("Ne garder que les valeurs", htmlFor=ids.VALUES),
            dcc.Dropdown(id=ids.VALUES, options=[], value=[], multi=True, clearable=True,
                         placeholder="Toutes les valeurs", labels=DROPDOWN_LABELS),
            html.P("Les types gardent leur forme ; la couleur dit la valeur de la colonne, "
                   "sur la carte, dans le tableau et les exports.", className="hint"),
        ]),
        html.Fieldset(className="map-mode", children=[
            html.Legend("Carte"),
            dcc.RadioItems(id=ids.MAP_MODE, value=DEFAULT_MODE, inline=True, options=[
                {"label": label, "value": mode} for mode, label in MAP_MODES.items()]),
            html.P("Territoire couvert : celui des intercommunalités et des communes "
                   "adhérentes, ombré sous les régions et départements adhérents. Non "
                   "adhérentes : dans une région ou un département, les collectivités qui ne "
                   "le sont pas, par un symbole vide (voir sous la carte).", className="hint"),
        ]),
        html.Fieldset(className="labels", children=[
            html.Legend("Noms sur la carte"),
            dcc.RadioItems(id=ids.LABELS, value=None, inline=True, options=[
                {"label": LABEL_CHOICES[mode], "value": mode} for mode in LABEL_MODES]),
            html.P(f"Par défaut : tous dans une région (autant que la place le permet, "
                   f"{MAX_NAMES} au plus), les principaux pour la France entière.",
                   className="hint"),
        ]),
        html.Button("Réinitialiser les filtres", id=ids.RESET, className="secondary"),
    ])


LABEL_CHOICES = {"aucun": "Aucun", "principaux": "Principaux", "tous": "Tous"}


def list_panel() -> html.Div:
    return html.Div(className="panel panel-list", children=[
        html.H2("Liste d'adhérents"),
        html.P(id=ids.LIST_LABEL, className="list-label"),
        # No "accept" filter: a file of another kind must reach the server, which says in
        # French what it is and which formats are read (the browser would drop it silently).
        dcc.Upload(id=ids.UPLOAD, className="upload", max_size=-1, multiple=True,
                   children=html.Div(["Déposer la liste (CSV, Excel ou LibreOffice), avec "
                                      "votre fichier de corrections si vous en avez un, ou ",
                                      html.A("choisir les fichiers", href="#")])),
        html.P(f"Une colonne « nom » (ou code officiel) ; {MAX_BYTES // 2**20} Mo et "
               f"{count_fr(MAX_ROWS)} lignes au plus. {ACCEPTED_FORMATS}", className="hint"),
        dcc.Store(id=ids.UPLOAD_ACCEPTED),
        # The size limit and its message, for the browser to refuse a big file unsent.
        dcc.Store(id=ids.UPLOAD_LIMIT, data={
            "bytes": MAX_BYTES,
            "message": too_large_template(MAX_BYTES) + " " + LIST_UNCHANGED,
            "together": (f"Les fichiers envoyés ensemble pèsent {{size}}, pour une limite de "
                         f"{MAX_BYTES // 2**20} Mo : envoyez-les un par un. {LIST_UNCHANGED}")}),
        dcc.Store(id=ids.REAPPLY),
        html.Div(id=ids.UPLOAD_MESSAGE, role="status"),
        dcc.Store(id=ids.MESSAGE_SHOWN),
        html.Div(id=ids.CORRECTIONS_BOX, hidden=True, className="corrections-box", children=[
            html.Span(id=ids.CORRECTIONS_COUNT),
            html.Div(className="buttons", children=[
                html.Button("Télécharger mes corrections", id=ids.DOWNLOAD_CORRECTIONS,
                            className="secondary"),
                html.Button("Oublier", id=ids.FORGET_CORRECTIONS, className="secondary",
                            title="Ne plus reprendre ces corrections")]),
            html.P("Téléchargez-les pour corriger la liste de l'an prochain : sans la case "
                   "ci-dessous, elles sont effacées à la fermeture de l'onglet.",
                   className="hint"),
        ]),
        dcc.Checklist(id=ids.KEEP, value=[], persistence=True, persistence_type="local",
                      className="keep", options=[{"value": "keep", "label": (
                          "Garder ma liste et mes corrections dans ce navigateur pour ma "
                          "prochaine visite")}]),
        html.P("Sans cette case, elles sont effacées à la fermeture de l'onglet ; rien n'est "
               "gardé sur le serveur.", className="hint"),
        html.H2("Télécharger"),
        html.Div(className="buttons", children=[
            html.Button("Sélection (CSV)", id=ids.DOWNLOAD_CSV),
            html.Button("Sélection (Excel)", id=ids.DOWNLOAD_XLSX),
        ]),
        html.P("Les collectivités placées sur la carte et retenues par les filtres. Toutes les "
               "lignes d'une liste envoyée, placées ou non : « liste rapprochée », dans le "
               "rapport.", className="hint"),
        dcc.Download(id=ids.DOWNLOAD),
    ])


def report_box() -> html.Div:
    """The report of an uploaded list (callbacks.upload fills it) and its buttons, which stay
    in place while the report is redrawn after each choice."""
    return html.Div(id=ids.REPORT_BOX, className="report", hidden=True, children=[
        html.Div(id=ids.REPORT),
        dcc.Store(id=ids.REPORT_SCROLL),
        html.Div(className="report-footer", children=[
            dcc.Checklist(id=ids.REPORT_ALL, className="show-all", value=[], options=[]),
            html.Div(className="buttons", children=[
                html.Button("Télécharger la liste rapprochée (CSV)", id=ids.DOWNLOAD_RESOLVED,
                            className="secondary"),
                html.Button("Revenir à l'échantillon", id=ids.BACK_TO_SAMPLE,
                            className="secondary")])]),
    ])


def export_panel() -> html.Div:
    return html.Div(className="panel", children=[
        html.H2("Exporter la carte"),
        dcc.RadioItems(id=ids.EXPORT_FORMAT, value="png", inline=True, options=[
            {"label": "PNG", "value": "png"}, {"label": "SVG", "value": "svg"},
            {"label": "PDF", "value": "pdf"}]),
        dcc.Dropdown(id=ids.EXPORT_SIZE, value="screen", clearable=False, searchable=False,
                     labels=DROPDOWN_LABELS, options=[
                         {"label": page.label[0].upper() + page.label[1:], "value": name}
                         for name, page in SIZES.items()]),
        html.P(f"Les PNG imprimables (A4, A3) sont à {DEFAULT_DPI} dpi.", className="hint"),
        dcc.Checklist(id=ids.EXPORT_TABLE, value=[], options=[
            {"label": "PDF : ajouter la liste des adhérents", "value": "table"}]),
        dcc.Checklist(id=ids.EXPORT_COVERAGE, value=[], options=[
            {"label": "Dire la population couverte (sous-titre)", "value": "coverage"}]),
        html.Details(className="export-texts", children=[
            html.Summary("Titre, sous-titre, note et source"),
            *[child for component, label in (
                (ids.EXPORT_TITLE, "Titre"), (ids.EXPORT_SUBTITLE, "Sous-titre"),
                (ids.EXPORT_NOTE, "Note (en bas à gauche)"), (ids.EXPORT_SOURCE, "Source"))
              for child in (html.Label(label, htmlFor=component),
                            dcc.Input(id=component, type="text", value="", debounce=True,
                                      maxLength=MAX_TEXT, className="text-input"))],
            html.P("Laissés vides, ils disent ce que montre la carte.", className="hint"),
        ]),
        html.Div(className="buttons", children=[
            html.Button("Aperçu", id=ids.EXPORT_PREVIEW_BUTTON, className="secondary"),
            html.Button("Exporter la carte", id=ids.EXPORT_BUTTON),
            html.Button("Atlas PDF", id=ids.EXPORT_ATLAS, className="secondary",
                        title="La carte de France puis une page par région ayant des "
                              "adhérents, dans un seul PDF"),
        ]),
        html.P("L'atlas : la France puis une page par région ayant des adhérents (types et "
               "recherche choisis), au format de page choisi.", className="hint"),
        html.Div(id=ids.EXPORT_MESSAGE, role="status"),
        # The preview, over the page at the size of the window: a click closes it.
        html.Div(id=ids.EXPORT_PREVIEW_BOX, className="preview-box", hidden=True,
                 role="dialog", **{"aria-label": "Aperçu de l'export"}, children=[
                     html.Img(id=ids.EXPORT_PREVIEW, className="export-preview",
                              alt="Aperçu de l'export de la carte"),
                     html.P("Cliquez pour fermer l'aperçu.", className="preview-close")]),
        dcc.Download(id=ids.EXPORT_DOWNLOAD),
    ])


def publish_panel() -> html.Div:
    """The map as web pages of the network's own (dashboard/publish.py), zipped."""
    return html.Div(className="panel", children=[
        html.H2("Publier sur un site"),
        html.P("La carte de France et une page par région ayant des adhérents, interactives "
               "sans serveur ni connexion : décompressez le dossier et copiez-le sur le site, "
               "ou ouvrez index.html.", className="hint"),
        html.Label("Titre des pages", htmlFor=ids.PUBLISH_TITLE),
        dcc.Input(id=ids.PUBLISH_TITLE, type="text", value="", placeholder=DEFAULT_TITLE,
                  maxLength=MAX_TEXT, className="text-input"),
        html.Label("Colonnes de la liste à publier (tableau, infobulles)",
                   htmlFor=ids.PUBLISH_COLUMNS),
        dcc.Dropdown(id=ids.PUBLISH_COLUMNS, multi=True, value=[], options=[],
                     placeholder="Aucune", labels=DROPDOWN_LABELS),
        html.P("Les autres colonnes (contacts, notes…) ne sont pas publiées.", className="hint"),
        html.Label("Adresse du dossier en ligne (pour le code d'intégration)",
                   htmlFor=ids.PUBLISH_URL),
        dcc.Input(id=ids.PUBLISH_URL, type="url", value="", debounce=True,
                  placeholder="https://www.exemple.fr/carte/", className="text-input"),
        html.Div(className="buttons", children=[
            html.Button("Télécharger les pages (zip)", id=ids.PUBLISH_BUTTON,
                        className="secondary")]),
        html.Div(id=ids.PUBLISH_MESSAGE, role="status"),
        dcc.Download(id=ids.PUBLISH_DOWNLOAD),
    ])


def coverage_box() -> html.Details:
    """The population covered in each région or département of the view (filled in the
    browser, assets/filters.js coverageTable)."""
    return html.Details(className="fold-box coverage-box", children=[
        html.Summary("Population couverte, par région ou département"),
        html.P("Les habitants des communes situées dans le territoire d'au moins un adhérent "
               "retenu par les filtres (commune, intercommunalité, département ou région), "
               "chaque commune comptée une fois. Les adhérents placés à leur siège (syndicats) "
               "n'ont pas de territoire.", className="hint"),
        html.Div(id=ids.COVERAGE_TABLE),
    ])


def growth_box(graph_config: dict) -> html.Details:
    """How the network grew, for a list that says when each member joined (callbacks.growth)."""
    return html.Details(id=ids.GROWTH_BOX, className="fold-box growth-box", hidden=True, children=[
        html.Summary("Croissance du réseau, année par année"),
        dcc.Graph(id=ids.GROWTH_CHART, config={**graph_config, "displayModeBar": False},
                  style={"height": "440px"}),
        html.Div(className="buttons", children=[
            html.Button("Exporter le graphique", id=ids.GROWTH_EXPORT, className="secondary")]),
        html.P("Au format et à la taille choisis dans « Exporter la carte ».", className="hint"),
        dcc.Download(id=ids.GROWTH_DOWNLOAD),
    ])


def prospects_box() -> html.Details:
    """The collectivités of the région or département shown that are not members (filled by
    callbacks.prospects), with their filters and downloads."""
    return html.Details(className="fold-box prospects-box", children=[
        html.Summary("Collectivités non adhérentes de la région ou du département"),
        html.Div(className="prospect-filters", children=[
            dcc.Checklist(id=ids.PROSPECT_KINDS, value=list(KINDS), inline=True, options=[
                {"label": html.Span([kind_symbol(kind), " ", KIND_LABELS[kind]]), "value": kind}
                for kind in KINDS]),
            html.Label(["Population minimale ", dcc.Input(
                id=ids.PROSPECT_MIN, type="number", min=0, step=1000, debounce=True,
                value=DEFAULT_PROSPECT_MIN, className="number-input")]),
        ]),
        html.P(id=ids.PROSPECTS_SUMMARY, className="hint"),
        dag.AgGrid(id=ids.PROSPECTS_TABLE, className="member-grid",
                   columnDefs=prospect_table.grid_columns(), rowData=[],
                   defaultColDef={"sortable": True, "filter": True, "resizable": True},
                   dashGridOptions={"localeText": GRID_LOCALE, "animateRows": False,
                                    "theme": GRID_THEME},
                   style={"height": "320px", "width": "100%"}),
        html.Div(className="buttons", children=[
            html.Button("Télécharger (CSV)", id=ids.PROSPECTS_CSV, className="secondary"),
            html.Button("Télécharger (Excel)", id=ids.PROSPECTS_XLSX, className="secondary")]),
        html.P("La carte « Non adhérentes » (choix « Carte » des filtres) les montre par un "
               "symbole vide de leur type.", className="hint"),
        dcc.Download(id=ids.PROSPECTS_DOWNLOAD),
    ])


def member_grid() -> dag.AgGrid:
    return dag.AgGrid(
        id=ids.TABLE,
        className="member-grid",
        columnDefs=[],
        rowData=[],
        getRowId="params.data.row",
        defaultColDef={"sortable": True, "filter": True, "resizable": True,
                       "floatingFilter": False, "minWidth": 90},
        dashGridOptions={"rowSelection": {"mode": "singleRow", "checkboxes": False,
                                          "enableClickSelection": True},
                         "theme": GRID_THEME,
                         "animateRows": False, "domLayout": "normal",
                         "localeText": GRID_LOCALE},
        style={"height": "360px", "width": "100%"},
    )


GRID_THEME = {"function": "themeQuartz.withParams({fontFamily: 'inherit'})"}
GRID_LOCALE = {
    "filterOoo": "Filtrer…", "contains": "Contient", "notContains": "Ne contient pas",
    "equals": "Égal à", "notEqual": "Différent de", "startsWith": "Commence par",
    "endsWith": "Se termine par", "blank": "Vide", "notBlank": "Non vide",
    "andCondition": "ET", "orCondition": "OU", "noRowsToShow": "Aucune ligne",
    "lessThan": "Inférieur à", "greaterThan": "Supérieur à", "inRange": "Entre",
    "lessThanOrEqual": "Inférieur ou égal à", "greaterThanOrEqual": "Supérieur ou égal à",
    "applyFilter": "Appliquer", "resetFilter": "Réinitialiser", "clearFilter": "Effacer",
}


def create_layout() -> html.Div:
    graph_config = {
        **configure_offline(),
        **plotly_fr.config(),
        "displaylogo": False,
        "modeBarButtonsToRemove": ["select2d", "lasso2d", "sendChartToCloud"],
    }
    return html.Div(className="page", children=[
        dcc.Location(id=ids.URL, refresh=False),
        dcc.Store(id=ids.MEMBERS_STORE, storage_type="session"),
        dcc.Store(id=ids.CORRECTIONS_STORE, storage_type="session"),
        dcc.Store(id=ids.KEPT_STORE, storage_type="local"),
        dcc.Store(id=ids.SELECTED_STORE),
        dcc.Store(id=ids.MAP_SIZE),
        dcc.Store(id=ids.VIEW_STORE),
        dcc.Store(id=ids.ROWS_STORE),
        dcc.Store(id=ids.COLOURING_STORE),
        dcc.Store(id=ids.KINDS_SHOWN),
        dcc.Store(id=ids.VALUES_SHOWN),
        dcc.Store(id=ids.PROSPECTS_ASKED),
        dcc.Store(id=ids.PROSPECTS_TABLE_ASKED),
        dcc.Store(id=ids.WORDS, data=client.words()),
        dcc.Store(id=ids.CAMERA, data=plotly_fr.CAMERA_TITLE),
        header(),
        html.Main(className="content", children=[
            html.Aside(className="side", children=[filters_panel(), list_panel(),
                                                    export_panel(), publish_panel()]),
            html.Section(className="main", children=[
                report_box(),
                # A figure with its text alternative (what the map shows, in words).
                html.Figure(className="map-figure", children=[
                    dcc.Loading(type="circle", delay_show=400, children=dcc.Graph(
                        id=ids.MAP, config=graph_config, className="map",
                        responsive=True, style={"height": "72vh", "minHeight": "420px"})),
                    html.Figcaption(id=ids.MAP_DESCRIPTION, className="visually-hidden"),
                ]),
                html.Div(className="below-map", children=[
                    html.Div(className="table-box", children=[
                        html.H2("Adhérents de la sélection"), member_grid()]),
                    html.Div(id=ids.DETAIL, className="detail-card"),
                ]),
                coverage_box(),
                growth_box(graph_config),
                prospects_box(),
            ]),
        ]),
        html.Footer(className="footer", children=[
            f"{get_reference().vintage.attribution}. Fonctionne sans connexion internet."]),
    ])
