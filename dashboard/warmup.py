"""Prepare, once per process, everything a callback would otherwise compute on first use."""

import logging
import time

from geodata import build, get_reference, load_layer
from geodata.levels import DEPARTEMENT, EPCI, EPT
from geodata.resolve import gazetteer

from . import basemap_assets
from .member_store import from_store
from .names import departements_of_region, region_names

log = logging.getLogger(__name__)


def prepare() -> None:
    started = time.perf_counter()
    build()  # builds the cache on first run (~20 s), else checks it
    gazetteer()
    region_names()
    departements_of_region()
    basemap_assets.prepare_national()   # the scenes of France and their static files
    # A région view is shaped for the page it is drawn on, known only then: its layers are
    # read now (the detailed départements, the perimeters of EPCI and EPT members).
    load_layer(DEPARTEMENT)
    for level in (EPCI, EPT):
        load_layer(level, light=True)
    from_store(None)
    log.info("Géographie prête en %.1f s (millésime %s : %s).", time.perf_counter() - started,
             get_reference().vintage.id, get_reference().vintage.attribution)
