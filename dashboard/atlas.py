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
              sample: bool = False, written: dict | None = None) -> tuple[bytes, int]:
    """(the atlas as PDF bytes, its number of pages); written: the note and source a person
    wrote, on every page (each page keeps its own title and subtitle)."""
    on_every_page = {field: text for field, text in (written or {}).items()
                     if field in ("note", "source")}
    figures = [map_figure(members, page, sample=sample, canvas=canvas(size),
                          written=on_every_page) for page in atlas_states(members, state)]
    return pdf_pages(figures, size), len(figures)


def pages_said(pages: int) -> str:
    """'12 pages : la France et 11 régions', in French with its plurals."""
    regions = pages - 1
    if regions == 0:
        return "1 page : la France seule (aucune région n'a d'adhérent retenu)"
    return f"{pages} pages : la France et {regions} région{'s' if regions > 1 else ''}"
