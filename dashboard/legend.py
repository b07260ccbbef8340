"""Where the network's legend sits, in which order markers are drawn, and how a symbol stays
visible on every area.

How each kind is drawn (colour, symbol, size, label) is in its record in `geodata.kinds`.
Régions and départements are areas; every other kind is a marker with a thin dark outline: a
grey or orange symbol on a grey or orange area, which its colour alone would lose (2:1), keeps
the 3:1 contrast of the accessibility rules for graphics through its outline
(`symbol_contrast`).
"""

from geodata.kinds import KIND_BY_ID, MARKER_KINDS

# Markers drawn biggest first, so that small markers are never hidden under big ones.
MARKER_DRAW_ORDER = tuple(sorted(MARKER_KINDS, key=lambda kind: -KIND_BY_ID[kind].size))

MARKER_OUTLINE = {"color": "#1f1f1f", "width": 1}
MIN_CONTRAST = 3.0   # WCAG 2.1, 1.4.11: graphical objects against what is next to them
LEGEND_ROW_PX = 21   # height of one legend entry at the legend's font size (for layout)

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


def _luminance(color: str) -> float:
    """The relative luminance of a "#rrggbb" colour (WCAG 2.1)."""
    channels = [int(color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    red, green, blue = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
                        for c in channels)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """The WCAG contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def symbol_contrast(kind: str, area: str) -> float:
    """How a symbol of this kind stands out on an area colour: by its fill or its outline."""
    return max(contrast_ratio(KIND_BY_ID[kind].color, area),
               contrast_ratio(MARKER_OUTLINE["color"], area))
