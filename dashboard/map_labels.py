"""Names on the map, placed in pixels so that none covers another, a symbol or the legend.

A member's name goes next to its symbol when there is room, else farther away with a leader
line, trying positions around it ring after ring; the names of the départements and of the
neighbouring régions then take what room is left. Crowded symbols are first nudged apart, a
few pixels, so that each stays visible and clickable. Everything works on a
`projection.View`: the same pixels plotly.js will draw, at the size of the page.

    placed = place_labels(view.visible, markers, names, "tous", obstacles)
"""

import unicodedata
from dataclasses import dataclass

import numpy as np
import shapely

LABEL_MODES = ("aucun", "principaux", "tous")  # none, the main members, every member
MAIN_LABELS = 12          # "principaux": the first this many names that find a place
MAX_NAMES = 100           # "tous": no map holds more names that anyone could read
FONT_PX = 12              # member names
HALO_PX = 2               # room kept around each name (its white halo)
LINE_HEIGHT = 1.25        # box height / font size
EDGE_PX = 3               # names keep off the frame's edge
NUDGE_SHARE = 0.75        # symbols of similar size closer than this share of their radii...
MAX_NUDGE = 1.2           # ...move apart, each by at most this many times its own radius
# More symbols than this on one map draw a density, which nudging would only blur.
MAX_SPREAD = 2500
# Leader lines: distances (px, from the symbol's edge to the name) tried ring after ring.
LEADER_DISTANCES = (14, 24, 36, 50, 68, 90, 120, 160, 210, 270)
LEADER_ANGLES = 24        # directions tried on each ring...
SMALL_MAP_ANGLES = 36     # ...and on a map of at most RETRY_MARKERS symbols
RETRIES = 3               # placements tried again with the names left out first...
RETRY_MARKERS = 60        # ...on maps of at most this many symbols (each name matters)
MAIN_DISTANCES = LEADER_DISTANCES[:5]   # "principaux": short lines only
LEADER_REACH = 0.4        # "tous": lines at most this share of the map's smaller side
AMBIGUITY_PX = 3          # a name beside its symbol: no other symbol this much closer
CLEAR_PX = 8              # a name at the end of a line: no symbol this close to it
CROWD_PX = 60             # symbols closer than this push a name's leader line away

# Advance widths of Arial / Helvetica (thousandths of an em), for the printable ASCII range.
WIDTHS = dict(zip(
    [chr(code) for code in range(32, 127)],
    (278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
     *[556] * 10, 278, 278, 584, 584, 584, 556, 1015,
     667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722,
     667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333,
     556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333,
     500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584), strict=True))
DEFAULT_WIDTH = 556   # a character not in WIDTHS
WIDTHS.update({"\u00a0": 278, "’": 222, "œ": 944, "Œ": 1000, "—": 1000, "–": 556, "«": 556,
               "»": 556})


def text_width(text: str, size: float, upper: bool = False) -> float:
    """The width in px of a text in Arial at this size (accents do not widen a letter)."""
    text = text.upper() if upper else text
    base = unicodedata.normalize("NFKD", text)
    total = sum(WIDTHS.get(char, DEFAULT_WIDTH) for char in base if not unicodedata.combining(char))
    return total * size / 1000


Box = tuple[float, float, float, float]   # x0, y0, x1, y1 in px, y downwards


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    radius: float


@dataclass(frozen=True)
class Name:
    """A name to place: its text, and the marker it names (None: a fixed place, see spots)."""

    text: str
    marker: int | None = None
    size: float = FONT_PX
    upper: bool = False
    # Where a name of an area may go, best first (px); it is dropped when none is free.
    spots: tuple[tuple[float, float], ...] = ()

    @property
    def half(self) -> tuple[float, float]:
        lines = self.text.split("<br>")
        width = max(text_width(line, self.size, self.upper) for line in lines) + 2 * HALO_PX
        return width / 2, len(lines) * self.size * LINE_HEIGHT / 2


@dataclass(frozen=True)
class Placed:
    text: str
    x: float            # centre of the name, px
    y: float
    leader: tuple[float, float, float, float] | None = None   # from the symbol to the name
    name: Name | None = None

    @property
    def box(self) -> Box:
        half_w, half_h = self.name.half
        return self.x - half_w, self.y - half_h, self.x + half_w, self.y + half_h


def spread(markers: list[Marker]) -> list[Marker]:
    """The markers nudged apart where they cover each other, so that each stays visible.

    Only pairs of markers close enough to cover each other are looked at (found with a
    spatial index): a national map of 35,000 communes costs no more than its crowded places.
    """
    if not 2 <= len(markers) <= MAX_SPREAD:
        return list(markers)
    xy = np.array([[m.x, m.y] for m in markers], dtype=float)
    radii = np.array([m.radius for m in markers], dtype=float)
    start = xy.copy()
    reach = NUDGE_SHARE * 2 * radii.max()
    first, second = shapely.STRtree(shapely.points(xy)).query(
        shapely.points(xy), predicate="dwithin", distance=reach)
    keep = first < second
    first, second = first[keep], second[keep]
    if not len(first):
        return list(markers)
    big = np.maximum(radii[first], radii[second])
    small = np.minimum(radii[first], radii[second])
    # Symbols of similar size keep most of their width apart; a small one on a big one (drawn
    # over it) only needs to leave its centre.
    wanted = np.where(small > 0.6 * big, NUDGE_SHARE * (big + small), 0.6 * big)
    # Markers on the same spot part along a direction of their own.
    angle = (first + second) * 2.399
    apart = np.column_stack([np.cos(angle), np.sin(angle)])
    limit = MAX_NUDGE * radii
    for _ in range(60):
        delta = xy[first] - xy[second]
        distance = np.hypot(delta[:, 0], delta[:, 1])
        short = distance < wanted
        if not short.any():
            break
        unit = np.where(distance[:, None] > 1e-6,
                        delta / np.maximum(distance, 1e-6)[:, None], apart)
        push = np.where(short, (wanted - distance) / 2, 0)[:, None] * unit * 0.5
        for axis in (0, 1):   # each marker moved by the sum of its pairs' pushes
            xy[:, axis] += np.bincount(first, push[:, axis], len(xy)) \
                - np.bincount(second, push[:, axis], len(xy))
        moved = xy - start
        length = np.hypot(moved[:, 0], moved[:, 1])
        over = length > limit
        xy[over] = start[over] + moved[over] * (limit[over] / length[over])[:, None]
    return [Marker(float(x), float(y), m.radius) for (x, y), m in zip(xy, markers, strict=True)]


def _points_on(segment) -> np.ndarray:
    """Points every 2 px along a line (n x 2)."""
    x0, y0, x1, y1 = segment
    t = np.linspace(0, 1, max(3, int(np.hypot(x1 - x0, y1 - y0) / 2)))
    return np.column_stack([x0 + (x1 - x0) * t, y0 + (y1 - y0) * t])


def _hits(points: np.ndarray, boxes: np.ndarray) -> bool:
    """True when one of the points lies inside one of the boxes."""
    if not len(points) or not len(boxes):
        return False
    xs, ys = points[:, :1], points[:, 1:]
    return bool(((xs > boxes[:, 0]) & (xs < boxes[:, 2])
                 & (ys > boxes[:, 1]) & (ys < boxes[:, 3])).any())


def _cuts(segment, lines: np.ndarray) -> bool:
    """True when a leader line crosses one of the lines already drawn."""
    if not len(lines):
        return False
    px, py, qx, qy = segment
    ax, ay, bx, by = lines.T

    def side(x0, y0, x1, y1, x, y):
        return np.sign((x1 - x0) * (y - y0) - (y1 - y0) * (x - x0))

    return bool(((side(px, py, qx, qy, ax, ay) != side(px, py, qx, qy, bx, by))
                 & (side(ax, ay, bx, by, px, py) != side(ax, ay, bx, by, qx, qy))).any())


def _away(marker: Marker, xy: np.ndarray) -> float:
    """The direction (radians, y downwards) away from the symbols (xy: n x 2) crowding this
    one."""
    delta = xy - [marker.x, marker.y]
    distance = np.hypot(delta[:, 0], delta[:, 1])
    near = (distance > 0) & (distance < CROWD_PX)
    if not near.any():
        return 0.0
    pull = (delta[near] / distance[near, None] ** 2).sum(axis=0)
    return float(np.arctan2(-pull[1], -pull[0]))


def _beside(marker: Marker, half_w: float, half_h: float) -> np.ndarray:
    """Centres (n x 2) of a name touching its symbol: right, left, above, below, then the
    corners."""
    gap = marker.radius + 2
    dx, dy = gap + half_w, gap + half_h
    cx, cy = gap * 0.7 + half_w, gap * 0.7 + half_h
    offsets = [(dx, 0), (-dx, 0), (0, -dy), (0, dy), (cx, -cy), (cx, cy), (-cx, -cy), (-cx, cy)]
    return np.array(offsets, dtype=float) + [marker.x, marker.y]


def _farther(marker: Marker, half_w: float, half_h: float, away: float,
             distances=LEADER_DISTANCES, directions: int = LEADER_ANGLES
             ) -> tuple[np.ndarray, np.ndarray]:
    """(centres n x 2, leader lines n x 4) of a name farther away, ring after ring around its
    symbol."""
    angles = np.linspace(0, 2 * np.pi, directions, endpoint=False)
    # Away from the crowd first (lines then fan out without crossing), sideways next: names
    # read best level with their symbol.
    angles = angles[np.argsort(-np.cos(angles - away) + 0.3 * np.abs(np.sin(angles)),
                               kind="stable")]
    reach = marker.radius + np.repeat(distances, len(angles))
    angles = np.tile(angles, len(distances))
    dx, dy = np.cos(angles), np.sin(angles)
    x = marker.x + dx * reach + np.sign(dx.round(6)) * half_w
    y = marker.y + dy * reach + np.sign(dy.round(6)) * half_h
    # The line runs from the symbol's edge to the nearest point of the name's box.
    end_x = np.clip(marker.x, x - half_w, x + half_w)
    end_y = np.clip(marker.y, y - half_h, y + half_h)
    length = np.maximum(np.hypot(end_x - marker.x, end_y - marker.y), 1)
    start_x = marker.x + (end_x - marker.x) / length * (marker.radius + 1)
    start_y = marker.y + (end_y - marker.y) / length * (marker.radius + 1)
    return np.column_stack([x, y]), np.column_stack([start_x, start_y, end_x, end_y])


def _unambiguous(centres: np.ndarray, half_w: float, half_h: float, own: int,
                 xy: np.ndarray, radii: np.ndarray, beside: np.ndarray) -> np.ndarray:
    """Which candidate names read as their own symbol's: no other symbol as close to a name
    set beside its symbol, none right by a name joined by a line (it would seem to name it)."""
    gap = radii[own] + 2 + AMBIGUITY_PX
    reach = (np.abs(xy[:, 0] - centres[:, 0].mean()) < np.ptp(centres[:, 0]) + half_w + 40) \
        & (np.abs(xy[:, 1] - centres[:, 1].mean()) < np.ptp(centres[:, 1]) + half_h + 40)
    reach[own] = False
    if not reach.any():
        return np.ones(len(centres), dtype=bool)
    others, sizes = xy[reach], radii[reach]
    dx = np.maximum(np.abs(others[None, :, 0] - centres[:, None, 0]) - half_w, 0)
    dy = np.maximum(np.abs(others[None, :, 1] - centres[:, None, 1]) - half_h, 0)
    distance = (np.hypot(dx, dy) - sizes[None, :]).min(axis=1)
    return distance >= np.where(beside, gap, CLEAR_PX)


def _free(centres: np.ndarray, half_w: float, half_h: float, frame: Box,
          boxes: np.ndarray) -> np.ndarray:
    """Which candidate boxes lie inside the frame and over none of the boxes."""
    x0, y0 = centres[:, 0] - half_w, centres[:, 1] - half_h
    x1, y1 = centres[:, 0] + half_w, centres[:, 1] + half_h
    inside = ((x0 >= frame[0] + EDGE_PX) & (y0 >= frame[1] + EDGE_PX)
              & (x1 <= frame[2] - EDGE_PX) & (y1 <= frame[3] - EDGE_PX))
    if not len(boxes):
        return inside
    hit = ((boxes[None, :, 0] < x1[:, None]) & (boxes[None, :, 2] > x0[:, None])
           & (boxes[None, :, 1] < y1[:, None]) & (boxes[None, :, 3] > y0[:, None]))
    return inside & ~hit.any(axis=1)


def place_labels(frame: Box, markers: list[Marker], names: list[Name],
                 mode: str = "tous", obstacles: list[Box] = ()) -> list[Placed]:
    """Names placed without overlap (see _place_in_order): when some member names find no
    place, they are tried again first, a few times, and the placement naming most is kept."""
    if mode not in LABEL_MODES:
        raise ValueError(f"mode must be one of {LABEL_MODES}, got {mode!r}")
    best = _place_in_order(frame, markers, names, mode, obstacles)
    order = list(names)
    retries = RETRIES if mode == "tous" and len(markers) <= RETRY_MARKERS else 0
    for _ in range(retries):
        named = {placed.name for placed in best}
        missing = [name for name in order if name.marker is not None and name not in named]
        if not missing:
            break
        order = missing + [name for name in order if name not in missing]
        again = _place_in_order(frame, markers, order, mode, obstacles)
        if _named(again) > _named(best):
            best = again
    return best


def _named(placed: list[Placed]) -> int:
    return sum(p.name.marker is not None for p in placed)


def _place_in_order(frame: Box, markers: list[Marker], names: list[Name],
                    mode: str, obstacles) -> list[Placed]:
    """Names placed without overlap, in the order given (most important first).

    Member names (with a marker) come first; "principaux" names the first MAIN_LABELS that
    find a place. Area names (with spots) take a free spot or are left out. A member name with
    no free place anywhere is left out too (never drawn over another).
    """
    obstacles = np.array(obstacles, dtype=float).reshape(-1, 4)
    symbols = np.array([(m.x - m.radius - 1, m.y - m.radius - 1, m.x + m.radius + 1,
                         m.y + m.radius + 1) for m in markers], dtype=float).reshape(-1, 4)
    centres_xy = np.array([(m.x, m.y) for m in markers], dtype=float).reshape(-1, 2)
    radii = np.array([m.radius for m in markers], dtype=float)
    names_drawn = np.empty((0, 4))
    lines: list[tuple] = []
    on_lines = np.empty((0, 2))   # points along the leader lines drawn
    placed: list[Placed] = []
    members_named = 0

    # A line longer than a share of the map would tie its name to another place.
    reach = LEADER_REACH * min(frame[2] - frame[0], frame[3] - frame[1])
    longest = tuple(d for d in LEADER_DISTANCES if d <= reach) or LEADER_DISTANCES[:1]
    attempts = 0
    for name in names:
        leaders = None
        if name.marker is not None:
            if mode == "aucun" or attempts >= 2 * MAX_NAMES or members_named >= (
                    MAIN_LABELS if mode == "principaux" else MAX_NAMES):
                continue
            attempts += 1
        half_w, half_h = name.half
        if name.marker is None:
            centres = np.array(name.spots, dtype=float).reshape(-1, 2)
        else:
            marker = markers[name.marker]
            centres = _beside(marker, half_w, half_h)
            # Where needed with a line: any length for every name, a short one for the main
            # names (a long line across the map would tie a name to the wrong place).
            far, leaders = _farther(
                marker, half_w, half_h, _away(marker, centres_xy),
                longest if mode == "tous" else MAIN_DISTANCES,
                SMALL_MAP_ANGLES if len(markers) <= RETRY_MARKERS else LEADER_ANGLES)
            leaders = np.vstack([np.full((len(centres), 4), np.nan), leaders])
            centres = np.vstack([centres, far])
        # A name keeps off the legend, the symbols and the other names; a leader line passes
        # under symbols (in a crowd there is no other way out) but never over a name, the
        # legend or another line.
        boxes = np.vstack([obstacles, symbols, names_drawn])
        # Only what lies within the candidates' window matters.
        window = (centres[:, 0].min() - half_w, centres[:, 1].min() - half_h,
                  centres[:, 0].max() + half_w, centres[:, 1].max() + half_h)
        boxes = boxes[(boxes[:, 0] < window[2]) & (boxes[:, 2] > window[0])
                      & (boxes[:, 1] < window[3]) & (boxes[:, 3] > window[1])]
        others = np.vstack([obstacles, names_drawn])
        drawn = np.array(lines).reshape(-1, 4)
        candidates = np.flatnonzero(_free(centres, half_w, half_h, frame, boxes))
        if name.marker is not None and len(candidates):
            beside = np.isnan(leaders[candidates, 0]) if leaders is not None else \
                np.ones(len(candidates), dtype=bool)
            candidates = candidates[_unambiguous(centres[candidates], half_w, half_h,
                                                 name.marker, centres_xy, radii, beside)]
        for i in candidates:
            x, y = centres[i]
            box = (x - half_w, y - half_h, x + half_w, y + half_h)
            leader = None if leaders is None or np.isnan(leaders[i, 0]) else tuple(leaders[i])
            if leader is not None and (_hits(_points_on(leader), others)
                                       or _cuts(leader, drawn)):
                continue
            if _hits(on_lines, np.array([box])):
                continue   # no name sits on a leader line
            placed.append(Placed(name.text, float(x), float(y), leader, name))
            names_drawn = np.vstack([names_drawn, box])
            if leader is not None:
                lines.append(leader)
                on_lines = np.vstack([on_lines, _points_on(leader)])
            members_named += name.marker is not None
            break
    return placed
