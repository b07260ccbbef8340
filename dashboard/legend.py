"""The network's legend: how each kind of member is drawn, and where the legend box sits.

One entry per member kind, in the order of `geodata.levels.KINDS`. Régions and départements
are areas; every other kind is a marker with a thin white outline, so that it stays readable on
the blue and orange areas. Sizes go down from métropoles to communes: the figure draws big
markers first, so small ones stay on top.
"""

from dataclasses import dataclass

from geodata.levels import (
    KIND_CA,
    KIND_CC,
    KIND_COMMUNE,
    KIND_CU,
    KIND_DEPARTEMENT,
    KIND_LABELS,
    KIND_METROPOLE,
    KIND_OTHER,
    KIND_REGION,
    KINDS,
)


@dataclass(frozen=True)
class KindStyle:
    """How one kind of member is drawn."""

    kind: str
    label: str        # French plural label, as in the legend ("Communes")
    color: str        # fill colour of the area or the marker
    symbol: str | None = None   # plotly marker symbol; None for areas
    size: int = 0               # marker diameter in px; 0 for areas

    @property
    def is_area(self) -> bool:
        return self.symbol is None

    def legend_name(self, count: int) -> str:
        """The legend entry, with the number of members: "Communes (9)"."""
        return f"{self.label} ({count})"


KIND_STYLES: dict[str, KindStyle] = {
    style.kind: style
    for style in (
        KindStyle(KIND_REGION, KIND_LABELS[KIND_REGION], "#3b7ddd"),
        KindStyle(KIND_DEPARTEMENT, KIND_LABELS[KIND_DEPARTEMENT], "#f6a23c"),
        KindStyle(KIND_METROPOLE, KIND_LABELS[KIND_METROPOLE], "#e8590c", "circle", 17),
        KindStyle(KIND_CU, KIND_LABELS[KIND_CU], "#2f9e44", "triangle-up", 15),
        KindStyle(KIND_CA, KIND_LABELS[KIND_CA], "#8b5a2b", "circle", 12),
        KindStyle(KIND_CC, KIND_LABELS[KIND_CC], "#8a8a8a", "circle", 10),
        KindStyle(KIND_COMMUNE, KIND_LABELS[KIND_COMMUNE], "#111111", "circle", 7),
        KindStyle(KIND_OTHER, KIND_LABELS[KIND_OTHER], "#7b3fa0", "diamond", 12),
    )
}
assert tuple(KIND_STYLES) == KINDS, "one style per member kind, in legend order"

AREA_KINDS = tuple(kind for kind in KINDS if KIND_STYLES[kind].is_area)
MARKER_KINDS = tuple(kind for kind in KINDS if not KIND_STYLES[kind].is_area)
# Markers drawn biggest first, so that small markers are never hidden under big ones.
MARKER_DRAW_ORDER = tuple(sorted(MARKER_KINDS, key=lambda kind: -KIND_STYLES[kind].size))

MARKER_OUTLINE = {"color": "white", "width": 1}

# The legend box, bottom left, over the Atlantic in the national view.
LEGEND = {
    "x": 0.01,
    "y": 0.01,
    "xanchor": "left",
    "yanchor": "bottom",
    "bgcolor": "rgba(255,255,255,0.92)",
    "bordercolor": "#b8b8b8",
    "borderwidth": 1,
    "font": {"size": 13},
    "itemsizing": "constant",
    "traceorder": "normal",
    "itemclick": "toggle",
    "itemdoubleclick": "toggleothers",
}
