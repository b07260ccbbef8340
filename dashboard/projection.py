"""Where plotly.js draws a point: the map projections of `dashboard.basemap` and the fit of a
view into its box of pixels, computed here so that a view can be shaped to fill its page and
labels placed in pixels before the figure is drawn.

The formulas are d3-geo's (the library plotly.js draws geo subplots with), on the sphere:
conic conformal for metropolitan France, Mercator for the small insets. plotly.js scales the
bounding box of the projected lon/lat range to fit the subplot, keeping proportions, and puts
the layout's `center` in the middle of the subplot: `centre()` is the point that centres the
box (the middle of the lon/lat range is not, with a conic projection).

    view = View(projection, lon_range, lat_range, width=900, height=700)
    x, y = view.to_pixels(lons, lats)      # from the top-left corner of the subplot
    lons, lats = view.to_lonlat(x, y)
"""

from dataclasses import dataclass
from functools import cached_property

import numpy as np

EDGE_SAMPLES = 64   # points along each edge of the range box (its edges are curves)


def _conic_constants(parallels) -> tuple[float, float]:
    y0, y1 = np.radians(parallels)
    tany = lambda y: np.tan((np.pi / 2 + y) / 2)  # noqa: E731
    n = np.log(np.cos(y0) / np.cos(y1)) / np.log(tany(y1) / tany(y0))
    return n, np.cos(y0) * tany(y0) ** n / n


def project(projection: dict, lons, lats) -> tuple[np.ndarray, np.ndarray]:
    """Projected coordinates (y upwards, unscaled) of points in degrees."""
    lon0 = (projection.get("rotation") or {}).get("lon", 0)
    lam = np.radians(np.asarray(lons, dtype=float) - lon0)
    phi = np.radians(np.asarray(lats, dtype=float))
    if projection["type"] == "mercator":
        return lam, np.log(np.tan(np.pi / 4 + phi / 2))
    n, f = _conic_constants(projection["parallels"])
    rho = f / np.tan((np.pi / 2 + phi) / 2) ** n
    return rho * np.sin(n * lam), f - rho * np.cos(n * lam)


def unproject(projection: dict, x, y) -> tuple[np.ndarray, np.ndarray]:
    """Degrees of projected coordinates (the inverse of `project`)."""
    lon0 = (projection.get("rotation") or {}).get("lon", 0)
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if projection["type"] == "mercator":
        lam, phi = x, 2 * np.arctan(np.exp(y)) - np.pi / 2
    else:
        n, f = _conic_constants(projection["parallels"])
        fy = f - y
        rho = np.sign(n) * np.hypot(x, fy)
        lam = np.arctan2(x, np.abs(fy)) * np.sign(fy) / n
        phi = 2 * np.arctan((f / rho) ** (1 / n)) - np.pi / 2
    return np.degrees(lam) + lon0, np.degrees(phi)


def rectangle_edges(x_range, y_range, samples: int = EDGE_SAMPLES):
    """Points along the four edges of a rectangle (xs, ys): what a curved projection of it
    needs to find its bounds."""
    (x0, x1), (y0, y1) = x_range, y_range
    t = np.linspace(0, 1, samples)
    xs = np.concatenate([x0 + (x1 - x0) * t, np.full_like(t, x1), x1 - (x1 - x0) * t,
                         np.full_like(t, x0)])
    ys = np.concatenate([np.full_like(t, y0), y0 + (y1 - y0) * t, np.full_like(t, y1),
                         y1 - (y1 - y0) * t])
    return xs, ys


def projected_bounds(projection: dict, lon_range, lat_range) -> tuple[float, float, float, float]:
    """(xmin, ymin, xmax, ymax) of the projected lon/lat box: what plotly.js fits and shows."""
    x, y = project(projection, *rectangle_edges(lon_range, lat_range))
    return float(x.min()), float(y.min()), float(x.max()), float(y.max())


def aspect_of(projection: dict, lon_range, lat_range) -> float:
    """Width / height of the projected box."""
    x0, y0, x1, y1 = projected_bounds(projection, lon_range, lat_range)
    return (x1 - x0) / (y1 - y0)


def shaped(projection: dict, lon_range, lat_range, aspect: float):
    """The lon/lat ranges grown on one axis until the projected box has this width / height:
    a box of the subplot's proportions fills it, with no blank band on either side."""
    lon_range, lat_range = tuple(lon_range), tuple(lat_range)
    for _ in range(8):   # the edges are curves: a few corrections converge
        x0, y0, x1, y1 = projected_bounds(projection, lon_range, lat_range)
        width, height = x1 - x0, y1 - y0
        if abs(width / height - aspect) < 1e-4:
            break
        if width / height < aspect:
            grow = (aspect * height / width - 1) * (lon_range[1] - lon_range[0]) / 2
            lon_range = (lon_range[0] - grow, lon_range[1] + grow)
        else:
            grow = (width / aspect / height - 1) * (lat_range[1] - lat_range[0]) / 2
            lat_range = (lat_range[0] - grow, lat_range[1] + grow)
    return lon_range, lat_range


def centre(projection: dict, lon_range, lat_range) -> tuple[float, float]:
    """(lon, lat) of the middle of the projected box: the `center` to give plotly.js."""
    x0, y0, x1, y1 = projected_bounds(projection, lon_range, lat_range)
    lon, lat = unproject(projection, (x0 + x1) / 2, (y0 + y1) / 2)
    return float(lon), float(lat)


@dataclass(frozen=True)
class View:
    """A geo subplot: its projection and lon/lat range drawn in a box of pixels."""

    projection: dict
    lon_range: tuple[float, float]
    lat_range: tuple[float, float]
    width: float    # px of the subplot's domain
    height: float

    @cached_property
    def _fit(self) -> tuple[float, float, float]:
        x0, y0, x1, y1 = projected_bounds(self.projection, self.lon_range, self.lat_range)
        scale = min(self.width / (x1 - x0), self.height / (y1 - y0))
        left = x0 - (self.width / scale - (x1 - x0)) / 2
        top = y1 + (self.height / scale - (y1 - y0)) / 2
        return scale, left, top

    @property
    def visible(self) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1) px of what plotly.js shows: the projected range, fitted and
        centred; the rest of the subplot's box is blank (and clips anything drawn there)."""
        x0, y0, x1, y1 = projected_bounds(self.projection, self.lon_range, self.lat_range)
        scale, left, top = self._fit
        return (x0 - left) * scale, (top - y1) * scale, (x1 - left) * scale, (top - y0) * scale

    def to_pixels(self, lons, lats) -> tuple[np.ndarray, np.ndarray]:
        scale, left, top = self._fit
        x, y = project(self.projection, lons, lats)
        return (x - left) * scale, (top - y) * scale

    def to_lonlat(self, px, py) -> tuple[np.ndarray, np.ndarray]:
        scale, left, top = self._fit
        return unproject(self.projection, np.asarray(px) / scale + left,
                         top - np.asarray(py) / scale)
