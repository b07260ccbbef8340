"""The hover text of each member on the map: name, kind, département, région, population and
the extra columns of the member file."""

import html
import textwrap

import pandas as pd

from geodata import DEPARTEMENT, REGION, get_reference
from geodata import schema as S
from geodata.kinds import KIND_DEPARTEMENT, KIND_LABELS_SINGULAR, KIND_REGION

from .labels import format_population
from .selection import extra_columns

WRAP = 70   # characters per line of a long value


def _blank(value) -> bool:
    """No value, or only spaces: nothing to show."""
    return S.is_missing(value) or (isinstance(value, str) and not value.strip())


def _escape(value) -> str:
    text = str(value)
    lines = (textwrap.wrap(text, WRAP) or [""]) if len(text) > WRAP else [text]  # wrap is slow
    return "<br>".join(html.escape(line, quote=False) for line in lines)


def hover_texts(members: pd.DataFrame) -> list[str]:
    """One hover text per member, in the frame's order."""
    departements = get_reference().names(DEPARTEMENT)
    regions = get_reference().names(REGION)
    extras = extra_columns(members)
    texts = []
    for row in members.to_dict("records"):
        kind = row[S.KIND]
        lines = [f"<b>{_escape(row[S.NAME])}</b>", KIND_LABELS_SINGULAR[kind]]
        departement = row[S.DEPARTEMENT]
        if not _blank(departement) and kind != KIND_DEPARTEMENT:
            name = departements.get(departement, "")
            lines.append(f"Département : {html.escape(name)} ({departement})")
        region = row[S.REGION]
        if not _blank(region) and kind != KIND_REGION:
            lines.append(f"Région : {html.escape(regions.get(region, region))}")
        lines.append(f"Population : {format_population(row[S.POPULATION])}")
        for column in extras:
            if not _blank(row[column]):
                lines.append(f"{_escape(S.extra_header(column))} : {_escape(row[column])}")
        texts.append("<br>".join(lines))
    return texts
