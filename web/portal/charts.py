"""Bar charts as SVG, drawn on the box by pygal (no script, no font and no
style fetched from anywhere). Persian text is left to the reader's browser,
which shapes and orders it right to left inside the SVG's text elements; the
days run from right to left in Persian."""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence

import pygal
from pygal.style import Style

# Importing pygal appends a legacy import finder to sys.meta_path for its map
# plugins (we draw no maps); it makes every later failed import in the
# process warn (ImportWarning: no find_spec). Taken out again here.
sys.meta_path[:] = [finder for finder in sys.meta_path
                    if not isinstance(finder, pygal.PluginImportFixer)]

# Drawn 400 wide and scaled to the page: on a 360 px phone the text stays
# about as large as the page's own small print.
WIDTH, HEIGHT = 400, 300
MAJOR_LABELS = 7            # at most this many day labels under a long range
TICKS = 5                   # about this many steps up the value axis
FONTS = "Vazirmatn, Tahoma, 'DejaVu Sans', sans-serif"
STYLE = Style(font_family=FONTS, background="#ffffff", plot_background="#ffffff",
              colors=("#1b6ec2", "#2e7d32", "#c62828", "#f9a825"),
              title_font_size=16, label_font_size=13, major_label_font_size=13,
              legend_font_size=13, value_font_size=12, tooltip_font_size=13)
# The SVG is served as an image: its own styles apply inside it, and nothing runs.
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'"

Series = tuple[str, Sequence[float | None]]


def bar_chart(title: str, labels: Sequence[str], series: Sequence[Series],
              formatter: Callable[[float], str], horizontal: bool = False) -> bytes:
    """One bar chart, as an SVG document; a bar per label in each series."""
    kind = pygal.HorizontalBar if horizontal else pygal.Bar
    every = _label_every(len(labels))
    chart = kind(js=[], style=STYLE, width=WIDTH, height=HEIGHT, title=title,
                 print_values=True, value_formatter=formatter, legend_at_bottom=True,
                 legend_at_bottom_columns=1, truncate_legend=-1,
                 show_legend=len(series) > 1, truncate_label=18,
                 x_labels_major_every=every, show_minor_x_labels=every is None,
                 no_data_text="—", y_labels=_whole_ticks(series))
    chart.x_labels = list(labels)
    for name, values in series:
        chart.add(name, list(values))
    return chart.render()


def _whole_ticks(series: Sequence[Series]) -> list[int] | None:
    """Whole steps up the axis of counts and rials (pygal would put 0.2, 0.4 ...
    beside a count of two); None for fractions (ratings), which pygal steps itself."""
    values = [value for _, values in series for value in values if value is not None]
    if not all(isinstance(value, int) for value in values):
        return None
    top = max(values, default=0)
    step = max(1, math.ceil(top / TICKS))
    return list(range(0, top + step, step))


def _label_every(count: int) -> int | None:
    """Under a long range, every n-th day's label only, so they do not overlap."""
    return None if count <= MAJOR_LABELS else math.ceil(count / MAJOR_LABELS)
