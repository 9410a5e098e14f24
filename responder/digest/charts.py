"""PNG charts for the digest, drawn with matplotlib (Agg) in a CJK font."""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
import warnings
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
FALLBACK_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", str(Path.home() / ".fonts"))
PREFERRED = ("wqy-microhei", "wqy-zenhei", "notosanscjk", "notosanssc", "sourcehansans")
DPI = 120


@dataclass(frozen=True)
class ChartImage:
    """One chart: its file name, the Content-ID the HTML refers to, a caption and PNG bytes."""

    filename: str
    content_id: str
    caption: str
    png: bytes


def _fontconfig_candidates() -> list[str]:
    """Files of the fonts fontconfig says cover Chinese."""
    if not shutil.which("fc-list"):
        return []
    try:
        result = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [line.split(":")[0].strip() for line in result.stdout.splitlines() if line.strip()]


def _squashed(path: Path | str) -> str:
    return Path(path).name.lower().replace("-", "").replace("_", "")


def _glob_candidates() -> list[str]:
    """Font files whose names suggest CJK coverage, for machines without fontconfig."""
    hints = ("wqy", "cjk", "hans", "microhei", "zenhei")
    files = [p for folder in FALLBACK_DIRS for p in Path(folder).rglob("*") if p.suffix.lower() in (".ttc", ".ttf", ".otf")]
    return [str(p) for p in files if any(hint in _squashed(p) for hint in hints)]


def _rank(path: str) -> int:
    name = _squashed(path)
    return next((i for i, key in enumerate(PREFERRED) if key.replace("-", "") in name), len(PREFERRED))


@cache
def cjk_font(configured: str = "") -> str | None:
    """The family name of a registered CJK font (configured path first, then fontconfig), or None."""
    if configured and not Path(configured).is_file():
        log.warning("digest.yaml 中的 font_path %s 不存在，改用系统中的中文字体", configured)
    candidates = [configured] if configured else []
    candidates += sorted(_fontconfig_candidates() or _glob_candidates(), key=_rank)
    for path in candidates:
        if path and Path(path).is_file():
            font_manager.fontManager.addfont(path)
            return font_manager.FontProperties(fname=path).get_name()
    log.warning("未找到中文字体（可安装 fonts-wqy-microhei 或在 digest.yaml 设置 font_path）；图表中的中文将无法显示")
    return None


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
    rc = {"font.family": [family, "DejaVu Sans"] if family else ["DejaVu Sans"], "axes.unicode_minus": False}
    with rc_context(rc), warnings.catch_warnings():
        if family is None:
            warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        return [ChartImage(name, cid, caption, draw(figures)) for name, cid, caption, draw in CHARTS]
