"""Callbacks, grouped by feature. Each is thin: it unpacks its inputs, calls a plain function of
its module (tested without a browser) and returns. What runs in the browser is in
`assets/clientside.js`, called through `ClientsideFunction`.

- filters: the filters and the URL kept in agreement;
- map_view: the map, a click on it, its legend toggles, its toolbar's file name;
- members: the member table, the selected member and its card;
- upload: a member list sent by the user, its report, the candidates a person chooses;
- exports: map images and table downloads;
- prospects: the non-member collectivités of a région or département, their table and files;
- growth: how the network grew, year by year, and the chart's export;
- publish: the map as web pages of the network's own, zipped, and their embed code.
"""

from . import exports, filters, growth, map_view, members, prospects, publish, upload

FEATURES = (filters, map_view, members, upload, exports, prospects, growth, publish)


def register(app) -> None:
    for feature in FEATURES:
        feature.register(app)
