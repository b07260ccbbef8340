"""The atlas: one PDF with the national map, then a page per région that has members, in the
order of their names; the same from the app and from `python -m dashboard export --atlas`."""

from dataclasses import replace

import pandas as pd

from geodata import schema as S

from .export import canvas, pdf_pages
from .figures import map_figure
from .names import region_names
from .selection import select
from .state import FilterState


def atlas_states(members: pd.DataFrame, state: FilterState) -> list[FilterState]:
    """The national view, then each région with members the filters keep (kinds, search), by
    name; a département chosen in the filters is left out (the atlas covers France)."""
    national = replace(state, region=None, departement=None)
    shown = select(members, national)
    names = region_names()
    codes = sorted(set(shown[S.REGION]) & set(names), key=lambda code: names[code])
    return [national] + [replace(national, region=code) for code in codes]


def atlas_pdf(members: pd.DataFrame, state: FilterState, size: str = "a4",
              sample: bool = False) -> tuple[bytes, int]:
    """(the atlas as PDF bytes, its number of pages)."""
    states = atlas_states(members, state)
    figures = [map_figure(members, page, sample=sample, canvas=canvas(size)) for page in states]
    return pdf_pages(figures, size), len(states)
