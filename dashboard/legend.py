"""Where the network's legend sits, and in which order markers are drawn.

How each kind is drawn (colour, symbol, size, label) is in its record in `geodata.kinds`.
Régions and départements are areas; every other kind is a marker with a thin white outline, so
that it stays readable on the blue and orange areas.
"""

from geodata.kinds import KIND_BY_ID, MARKER_KINDS

# Markers drawn biggest first, so that small markers are never hidden under big ones.
MARKER_DRAW_ORDER = tuple(sorted(MARKER_KINDS, key=lambda kind: -KIND_BY_ID[kind].size))

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
