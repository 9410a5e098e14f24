"""PNG charts for the digest, drawn with matplotlib (Agg) in a CJK font."""

from __future__ import annotations

import importlib.util
import io
import logging
import warnings
from typing import Any
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from matplotlib import font_manager, rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from responder.digest.figures import Figures
from responder.digest.labels import SENTIMENT_COLOURS, SENTIMENTS

log = logging.getLogger(__name__)
# Noto Sans CJK SC (SIL Open Font License) as installed by the `mplfonts` dependency: every machine
# that installs the project draws Chinese labels, whatever fonts its system has.
FONT_PACKAGE, PACKAGED_FONT = "mplfonts", Path("fonts") / "NotoSansCJKsc-Regular.otf"
DPI = 120


@dataclass(frozen=True)
class ChartImage:
    """One chart: its file name, the Content-ID the HTML refers to, a caption and PNG bytes."""

    filename: str
    content_id: str
    caption: str
    png: bytes


def packaged_font() -> str | None:
    """The CJK font file installed with the project (by the `mplfonts` package), or None if it is missing."""
    spec = importlib.util.find_spec(FONT_PACKAGE)
    folders = spec.submodule_search_locations if spec and spec.submodule_search_locations else []
    return next((str(Path(folder) / PACKAGED_FONT) for folder in folders if (Path(folder) / PACKAGED_FONT).is_file()),
                None)


def cjk_font_file(configured: str = "") -> str | None:
    """The font file the charts use: digest.yaml's font_path when it exists, else the packaged font."""
    if configured and Path(configured).is_file():
        return configured
    if configured:
        log.warning("digest.yaml 中的 font_path %s 不存在，改用随程序安装的中文字体", configured)
    return packaged_font()


@cache
def cjk_font(configured: str = "") -> str | None:
    """The family name of the registered CJK font for the charts, or None (with a warning) when none exists."""
    path = cjk_font_file(configured)
    if path is None:
        log.warning("未找到中文字体（请重新安装 yuqing 以装上 mplfonts，或在 digest.yaml 设置 font_path）；"
                    "图表中的中文将无法显示")
        return None
    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def _figure(width: float, height: float, left: float = 0.09, bottom: float = 0.18) -> tuple[Figure, Axes]:
    """A figure with fixed margins (a layout engine would double the drawing time)."""
    figure = Figure(figsize=(width, height), dpi=DPI)
    figure.subplots_adjust(left=left, right=0.97, top=1 - 0.3 / height, bottom=bottom)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", color="#e5e7eb", linewidth=0.8)
    axes.set_axisbelow(True)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    return figure, axes


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return buffer.getvalue()


def trend_chart(figures: Figures) -> bytes:
    """Daily mentions this week against the same weekdays last week, negative posts as bars."""
    figure, axes = _figure(7.2, 3.0)
    days = figures.volume.days
    labels = [f"{d.weekday}\n{d.date[5:]}" for d in days]
    axes.bar(labels, [d.negative for d in days], color=SENTIMENT_COLOURS["negative"], alpha=0.35, label="本周负面")
    axes.plot(labels, [d.count for d in days], marker="o", color="#1f4e79", linewidth=2, label="本周")
    axes.plot(labels, [d.previous for d in days], marker=".", color="#9ca3af", linestyle="--", label="上周同日")
    for x, day in enumerate(days):
        axes.annotate(str(day.count), (x, day.count), textcoords="offset points", xytext=(0, 5), ha="center", fontsize=8)
    axes.set_ylabel("信息量（条）")
    axes.set_ylim(bottom=0, top=max([d.count for d in days] + [d.previous for d in days] + [1]) * 1.2)
    axes.legend(loc="upper left", fontsize=8, frameon=False, ncols=3)
    return _png(figure)


def platform_chart(figures: Figures) -> bytes:
    """Mentions per platform, split by sentiment."""
    platforms = figures.volume.platforms[::-1]
    height = max(1.8, 0.45 * len(platforms) + 1.1)
    figure, axes = _figure(7.2, height, left=0.12, bottom=0.5 / height)
    axes.grid(axis="y", visible=False)
    axes.grid(axis="x", color="#e5e7eb", linewidth=0.8)
    names = [p.label for p in platforms] or ["（无）"]
    left = [0] * len(names)
    for key, label in SENTIMENTS.items():
        values = [p.sentiment.get(key, 0) for p in platforms] or [0]
        if any(values):
            axes.barh(names, values, left=left, color=SENTIMENT_COLOURS[key], label=label)
            left = [a + b for a, b in zip(left, values)]
    for y, total in enumerate(left):
        axes.annotate(str(total), (total, y), textcoords="offset points", xytext=(4, -3), fontsize=8)
    axes.set_xlabel("信息量（条）")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    if any(left):
        axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), fontsize=8, frameon=False, ncols=4)
    return _png(figure)


def response_chart(figures: Figures) -> bytes:
    """Clocks met and missed in the week, per level."""
    levels = figures.handling.by_level
    figure, axes = _figure(7.2, 2.6)
    names = [entry.label for entry in levels] or ["（本周无可考核工单）"]
    met = [entry.on_time for entry in levels] or [0]
    missed = [entry.total - entry.on_time for entry in levels] or [0]
    axes.bar(names, met, color="#27ae60", label="按时")
    axes.bar(names, missed, bottom=met, color="#c0392b", label="超时")
    for x, entry in enumerate(levels):
        axes.annotate(f"{entry.on_time}/{entry.total}", (x, entry.total), textcoords="offset points",
                      xytext=(0, 4), ha="center", fontsize=8)
    axes.set_ylabel("工单（件）")
    axes.set_ylim(bottom=0, top=max([e.total for e in levels] + [1]) * 1.25)
    axes.legend(loc="upper right", fontsize=8, frameon=False, ncols=2)
    return _png(figure)


CHARTS = (
    ("trend.png", "digest-trend", "每日信息量走势", trend_chart),
    ("platforms.png", "digest-platforms", "各平台信息量与情感分布", platform_chart),
    ("response.png", "digest-response", "各级别回应时限达成情况", response_chart),
)


def draw_charts(figures: Figures, font_path: str = "") -> list[ChartImage]:
    """All charts of the digest as PNG images, in the order the report shows them."""
    family = cjk_font(font_path)
    rc: Any = {"font.family": [family, "DejaVu Sans"] if family else ["DejaVu Sans"], "axes.unicode_minus": False}
    with rc_context(rc), warnings.catch_warnings():
        if family is None:
            warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        return [ChartImage(name, cid, caption, draw(figures)) for name, cid, caption, draw in CHARTS]
