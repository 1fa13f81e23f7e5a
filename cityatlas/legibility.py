"""Checks a drawn figure for what a reader would trip over: texts that collide, and text too small.

After a figure is drawn, :func:`collisions` asks matplotlib's renderer for the box of every
visible text and legend and reports each pair that overlaps (a text inside its own legend is
part of that legend), and every text that a leader line or the factbox's date line crosses;
:func:`cut_off` reports texts and legends that reach past the figure's edge. :func:`small_texts` reports every text smaller than the book's minimum
at the size the figure is printed. The tests run both over every figure of the book.
"""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from cityatlas import style

#: The smallest text allowed, in points, when the figure is printed at its own size (a figure is
#: drawn at the width it is printed; on screen it is shown at least that large).
MIN_TEXT_PT = style.SMALL_PT
#: The gids of lines that lead to a label or mark a date: no text may lie across them.
CROSSING_LINES = ("leader", "article-line")


@dataclass(frozen=True)
class Collision:
    """Two drawn things whose boxes overlap."""

    first: str
    second: str

    def __str__(self) -> str:
        return f"{self.first!r} overlaps {self.second!r}"


def hidden_tick_labels(fig: Figure) -> set[int]:
    """Ids of the tick labels matplotlib does not draw: those of axes that are off, and those
    whose tick lies outside the axis's view."""
    hidden: set[int] = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            slack = (high - low) * 1e-6
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                inside = low - slack <= tick.get_loc() <= high + slack
                if not (ax.axison and axis.get_visible() and inside):
                    hidden |= {id(tick.label1), id(tick.label2)}
    return hidden


def worded_texts(fig: Figure) -> list[Text]:
    """Every visible text artist of the figure that has words (no drawing needed)."""
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def visible_texts(fig: Figure) -> list[Text]:
    """Every text the figure draws, legends' own texts included."""
    fig.canvas.draw()
    hidden = hidden_tick_labels(fig)
    return [t for t in worded_texts(fig) if id(t) not in hidden]


def legends(fig: Figure) -> list[Legend]:
    """Every visible legend, of the axes and of the figure."""
    found = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    return [leg for leg in found + list(fig.legends) if leg.get_visible()]


def owner(text: Text, found: list[Legend]) -> Legend | None:
    """The legend a text belongs to, if any."""
    for legend in found:
        if text in legend.get_texts() or text is legend.get_title():
            return legend
    return None


def label(text: Text) -> str:
    """A text's words, shortened, for a readable report."""
    words = " ".join(text.get_text().split())
    return words if len(words) <= 40 else words[:37] + "..."


def collisions(fig: Figure, shrink: float = 0.5) -> list[Collision]:
    """Pairs of texts, and texts and legends, whose rendered boxes overlap, and texts that a
    leader line or a date line crosses.

    Boxes are shrunk by ``shrink`` pixels on each side so that boxes which only touch do not
    count. Texts of one legend are checked against each other but not against their legend.
    """
    texts = visible_texts(fig)  # draws the figure
    renderer = fig.canvas.get_renderer()
    found = legends(fig)
    boxes: list[tuple[str, Bbox, object]] = []
    for text in texts:
        box = text.get_window_extent(renderer)
        box = Bbox.from_extents(box.x0 + shrink, box.y0 + shrink, box.x1 - shrink, box.y1 - shrink)
        boxes.append((label(text), box, owner(text, found)))
    problems = []
    for i, (name_a, a, legend_a) in enumerate(boxes):
        for name_b, b, legend_b in boxes[i + 1 :]:
            in_two_legends = None not in (legend_a, legend_b) and legend_a is not legend_b
            if not in_two_legends and a.overlaps(b):
                problems.append(Collision(name_a, name_b))
        for legend in found:
            if legend is legend_a:
                continue
            if a.overlaps(legend.get_window_extent(renderer)):
                problems.append(Collision(name_a, "legend"))
    for line in crossing_lines(fig):
        path = line.get_transform().transform_path(line.get_path())
        for name, box, _ in boxes:
            if path.intersects_bbox(box, filled=False):
                problems.append(Collision(f"{line.get_gid()} line", name))
    return problems


def crossing_lines(fig: Figure) -> list[Line2D]:
    """The visible leader lines and date lines of a figure (by gid, :data:`CROSSING_LINES`)."""
    return [
        line
        for line in fig.findobj(Line2D)
        if line.get_visible() and line.get_gid() in CROSSING_LINES
    ]


def cut_off(fig: Figure, slack: float = 1.0) -> list[str]:
    """Texts and legends that reach past the edge of the figure, so a reader of the file (or
    the page) sees them cut off. ``slack`` pixels are allowed."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    page = fig.bbox
    found = [(f"{label(t)!r}", t.get_window_extent(renderer)) for t in visible_texts(fig)]
    found += [("legend", leg.get_window_extent(renderer)) for leg in legends(fig)]
    return [
        f"{name} is cut off at the edge of the figure"
        for name, box in found
        if box.x0 < page.x0 - slack
        or box.y0 < page.y0 - slack
        or box.x1 > page.x1 + slack
        or box.y1 > page.y1 + slack
    ]


def small_texts(fig: Figure, minimum: float = MIN_TEXT_PT) -> list[str]:
    """Texts smaller than ``minimum`` points, as printed at the figure's own size."""
    return [
        f"{label(t)!r} at {t.get_fontsize():g} pt"
        for t in visible_texts(fig)
        if t.get_fontsize() < minimum - 1e-9
    ]
