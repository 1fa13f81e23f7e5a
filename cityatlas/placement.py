"""Label placement without overlaps: each label takes the first free spot around its point."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from cityatlas import legibility, style

#: Offsets in points, tried in order: right, left, above, below, then the diagonals.
CANDIDATES = (
    (6, 0, "left", "center"),
    (-6, 0, "right", "center"),
    (0, 7, "center", "bottom"),
    (0, -7, "center", "top"),
    (5, 5, "left", "bottom"),
    (-5, 5, "right", "bottom"),
    (5, -5, "left", "top"),
    (-5, -5, "right", "top"),
    (14, 10, "left", "bottom"),
    (-14, 10, "right", "bottom"),
    (14, -10, "left", "top"),
    (-14, -10, "right", "top"),
)


def annotate(
    ax: plt.Axes,
    text: str,
    point: tuple[float, float],
    offset: tuple[float, float],
    ha: str,
    va: str,
    fontsize: float,
    weight: str,
    backed: bool,
):
    """One label offset from its point, on a light backing box when ``backed``."""
    backing = {
        "boxstyle": "round,pad=0.12",
        "facecolor": "white",
        "edgecolor": "none",
        "alpha": 0.75,
    }
    return ax.annotate(
        text,
        point,
        xytext=offset,
        textcoords="offset points",
        ha=ha,
        va=va,
        fontsize=fontsize,
        fontweight=weight,
        zorder=6,
        linespacing=1.0,
        bbox=backing if backed else None,
    )


def obstacles(fig: Figure, renderer) -> list[Bbox]:
    """The boxes of what is already drawn and must stay readable: every visible text (river
    names, scale, north arrow, titles, notes) and every legend. Maps draw these first."""
    found = legibility.worded_texts(fig) + legibility.legends(fig)
    return [a.get_window_extent(renderer) for a in found]


def boxes_around(ax: plt.Axes, points: np.ndarray) -> list[Bbox]:
    """A small box (6 by 6 pixels) around each point, which a label should not cover."""
    return [
        Bbox.from_extents(x - 3, y - 3, x + 3, y + 3) for x, y in ax.transData.transform(points)
    ]


def place_labels(
    ax: plt.Axes,
    points: np.ndarray,
    texts: list[str],
    weights: list[str],
    fontsize: float = style.SMALL_PT,
    avoid: np.ndarray | None = None,
) -> list:
    """Put each text next to its point where it overlaps no other label, point or the frame.

    ``avoid`` holds further points (unlabelled markers) that no label may cover if it can help it.
    """
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    drawn = obstacles(fig, renderer)
    named_marks = boxes_around(ax, points)
    unnamed_marks = boxes_around(ax, avoid) if avoid is not None and len(avoid) else []
    taken: list[Bbox] = []
    placed = []
    for (x, y), text, weight in zip(points, texts, weights, strict=True):
        chosen = None
        # First a spot that covers nothing; then one that covers only unnamed town markers.
        for marks in (named_marks + unnamed_marks, named_marks):
            for dx, dy, ha, va in CANDIDATES:
                label = annotate(ax, text, (x, y), (dx, dy), ha, va, fontsize, weight, backed=True)
                box = label.get_window_extent(renderer).expanded(1.04, 1.08)
                inside = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
                clash = any(box.overlaps(other) for other in taken + drawn) or any(
                    box.overlaps(m) for m in marks
                )
                if inside and not clash:
                    chosen = (label, box)
                    break
                label.remove()
            if chosen is not None:
                break
        if chosen is None:  # no free spot: keep the first candidate rather than drop the name
            dx, dy, ha, va = CANDIDATES[0]
            label = annotate(ax, text, (x, y), (dx, dy), ha, va, fontsize, weight, backed=False)
            chosen = (label, label.get_window_extent(renderer))
        taken.append(chosen[1])
        placed.append(chosen[0])
    return placed
