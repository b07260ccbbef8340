"""plotly.js in French: the words of the map's toolbar and messages, and French numbers.

Given to dcc.Graph in its config (`locales`), since nothing is loaded from a CDN. Only the
words this dashboard's map can show are translated (plotly.js falls back to English for the
others, which no view here shows).
"""

LOCALE = "fr"
# The camera button of the toolbar: the page sends its click to the export panel's button
# (assets/clientside.js, cameraExport), so that it makes the same file as the panel.
CAMERA_TITLE = "Exporter la carte (format et taille choisis dans « Exporter la carte »)"
FRENCH = {
    "dictionary": {
        "Download plot as a PNG": CAMERA_TITLE,
        "Download plot": "Télécharger la carte",
        "Pan": "Déplacer",
        "Zoom in": "Zoom avant",
        "Zoom out": "Zoom arrière",
        "Reset": "Revenir à la vue de départ",
        "Reset view": "Revenir à la vue de départ",
        "Zoom": "Zoom",
        "Box Select": "Sélection rectangulaire",
        "Lasso Select": "Sélection au lasso",
        "Toggle show closest data on hover": "Afficher la donnée la plus proche au survol",
        "Taking snapshot - this may take a few seconds": "Création de l'image : quelques "
                                                         "secondes…",
        "Snapshot succeeded": "Image créée",
        "Sorry, there was a problem downloading your snapshot!": "Désolé, l'image n'a pas "
                                                                  "pu être créée.",
        "Double-click on legend to isolate one trace": "Double-cliquez sur la légende pour "
                                                       "n'afficher qu'un type",
        "Double-click to zoom back out": "Double-cliquez pour revenir en arrière",
        "Click to enter map title": "Cliquez pour saisir le titre",
    },
    "format": {"decimal": ",", "thousands": "\u202f", "grouping": [3],
               "currency": ["", "\u00a0€"]},
}


def config() -> dict:
    """The part of a dcc.Graph config that makes plotly.js speak French, without the button
    that offers to upload the chart to a cloud service."""
    return {"locale": LOCALE, "locales": {LOCALE: FRENCH}, "showSendToCloud": False,
            "showEditInChartStudio": False, "showLink": False}
