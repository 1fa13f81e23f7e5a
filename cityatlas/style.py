"""One visual style for every figure: palette per controller, fonts, sizes, file settings.

The palette is Okabe and Ito's colour-blind-safe set; each controller keeps its colour in
every map, timeline and legend. Controllers and their labels come from the schema.
"""

from __future__ import annotations

import matplotlib as mpl
from matplotlib.patches import Patch

from cityatlas.schema import CONTROLLERS, STATUSES, labels

CONTROLLER_COLOURS: dict[str, str] = {
    "is": "#D55E00",
    "iraqi_government": "#0072B2",
    "syrian_government": "#56B4E9",
    "kurdish_forces": "#009E73",
    "sdf": "#CC79A7",
    "syrian_rebels": "#E69F00",
    "contested": "#999999",
    "unknown": "#FFFFFF",  # drawn with an outline
}
#: What each controller's colour is called wherever the text names it (the front page's key
#: is generated from this and the palette; a test holds them together).
COLOUR_NAMES: dict[str, str] = {
    "is": "vermillion",
    "iraqi_government": "dark blue",
    "syrian_government": "sky blue",
    "kurdish_forces": "bluish green",
    "sdf": "reddish purple",
    "syrian_rebels": "orange",
    "contested": "grey",
    "unknown": "white",
}
STATUS_HATCHES: dict[str, str] = {
    "held": "",
    "partly_held": "///",
    "besieged": ".",
    "contested": "xx",
}

#: How a status is named in a legend beside the controllers (the controller "Contested" means
#: no one holds the place; the status "contested" means its holder fights inside it).
STATUS_LEGEND: dict[str, str] = {
    "partly_held": "partly held (below: who held the rest)",
    "besieged": "besieged",
    "contested": "held, front line inside",
}

#: How a divided place's marker reads, as the maps' legends say it.
DIVIDED_MARKER_LEGEND = "partly held: holder left, who held the rest right"

CONTROLLER_LABELS = labels(CONTROLLERS)
STATUS_LABELS = labels(STATUSES)

LAND = "#F2EFE9"
WATER = "#D6E6F2"
RIVER = "#6A9FCB"
MAJOR_RIVER = "#2B6CB0"
BORDER = "#6B6B6B"
INK = "#222222"
MUTED = "#666666"
OTHER_PLACE = "#FFFFFF"
#: The place a map is about: a black star, so no controller colour is given a second meaning.
FEATURED_MARKER = {"marker": "*", "s": 190, "c": INK, "edgecolors": "#FFFFFF", "linewidths": 0.8}
ARTICLE_LINE = "#000000"

FONT_FAMILY = ["Noto Sans", "Noto Sans Arabic"]
# Both from Debian's fonts-noto-core, at the same system path on every machine: matplotlib
# writes embedded fonts into PDFs in the order of their file paths, so fonts bundled inside
# the virtual environment (whose path differs between checkouts) would change the bytes.
DPI = 300
FULL_WIDTH_IN = 7.0  # printed page width of a full-width figure
#: The smallest text of any figure, in points at the size it is printed (and so at least
#: 11 CSS px where the HTML page shows it at full width): labels, keys, notes, attributions.
SMALL_PT = 7.0

RC = {
    "font.family": FONT_FAMILY,
    "font.size": 8,
    "axes.titlesize": 9,
    "axes.labelsize": 8,
    "legend.fontsize": 7,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "axes.edgecolor": MUTED,
    "axes.linewidth": 0.6,
    "savefig.dpi": DPI,
    "svg.hashsalt": "cityatlas",
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
    "path.simplify": True,
}


class MissingFont(RuntimeError):
    """A font the figures need is not installed."""


def check_fonts() -> None:
    """Fail loudly, naming the package to install, if a figure font is missing."""
    from matplotlib import font_manager

    for family in FONT_FAMILY:
        try:
            font_manager.findfont(
                font_manager.FontProperties(family=family), fallback_to_default=False
            )
        except ValueError:
            raise MissingFont(
                f"font {family!r} is not installed; run: bash scripts/install-system-deps.sh (fonts-noto-core)"
            ) from None


def apply() -> None:
    """Make the project style the matplotlib default for this process."""
    mpl.use("Agg")
    mpl.rcParams.update(RC)
    check_fonts()


def in_palette_order(controllers: set[str] | list[str]) -> list[str]:
    """The given controllers in the palette's order, each once: how legends list them."""
    return [c for c in CONTROLLER_COLOURS if c in set(controllers)]


def controller_colour(controller: str) -> str:
    """The colour of a controller."""
    return CONTROLLER_COLOURS[controller]


def controller_patch(controller: str, linewidth: float = 0.5) -> Patch:
    """The legend patch of a controller: its colour, outlined in ink."""
    return Patch(
        facecolor=CONTROLLER_COLOURS[controller],
        edgecolor=INK,
        linewidth=linewidth,
        label=CONTROLLER_LABELS.en[controller],
    )


def bilingual(english: str, arabic: str) -> str:
    """A two-line label: English above, Arabic below (matplotlib shapes the Arabic)."""
    return f"{english}\n{arabic}"


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance of a #RRGGBB colour."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""
    light, dark = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def colour_key_text() -> str:
    """The sentence naming every controller's colour, as the front page prints it."""
    parts = [
        f"{COLOUR_NAMES[c]} for {CONTROLLER_LABELS.en[c].replace('Contested', 'contested')}"
        for c in CONTROLLER_COLOURS
        if c != "unknown"
    ]
    return "**Colour** is who controlled a place: " + ", ".join(parts) + "."
