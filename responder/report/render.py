"""The 专报 as HTML (Jinja2, autoescaped), as a Word document, and its spread chart."""

from __future__ import annotations

import io
import warnings
from typing import Any
from pathlib import Path

from docx import Document
from docx.shared import Cm
from jinja2 import Environment, FileSystemLoader, select_autoescape
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from analysis.normalize import drop_unsafe_chars
from responder.digest.charts import cjk_font
from responder.digest.figures import map_text
from responder.links import safe_url
from responder.report.narrative import Narrative
from responder.report.figures import ReportFigures

TEMPLATES = Path(__file__).resolve().parent / "templates"


def spread_chart(figures: ReportFigures, font_path: str = "") -> bytes:
    """Posts per hour (or day) as bars, negative posts overlaid, as PNG."""
    family = cjk_font(font_path)
    rc: Any = {"font.family": [family, "DejaVu Sans"] if family else ["DejaVu Sans"], "axes.unicode_minus": False}
    with rc_context(rc), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        figure = Figure(figsize=(7.2, 3.0), dpi=120)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        labels = [b.label for b in figures.buckets] or ["（无）"]
        axes.bar(labels, [b.posts for b in figures.buckets] or [0], color="#1f4e79", label="信息量")
        axes.bar(labels, [b.negative for b in figures.buckets] or [0], color="#c0392b", label="负面")
        axes.set_ylabel(f"每{figures.bucket_unit}信息量（条）")
        axes.tick_params(axis="x", labelrotation=60, labelsize=7)
        axes.legend(loc="upper left", fontsize=8, frameon=False)
        figure.subplots_adjust(left=0.09, right=0.98, top=0.95, bottom=0.33)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", facecolor="white")
    return buffer.getvalue()


def render_html(figures: ReportFigures, chart_base64: str, summary: Narrative, narrative: Narrative) -> str:
    """The report as one HTML page; every text is escaped, links only when they are http(s)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    env.filters["safe_url"] = safe_url
    return env.get_template("report.html.j2").render(f=figures, chart=chart_base64, summary=summary,
                                                           narrative=narrative)


def _table(document, header: tuple[str, ...], rows: list[tuple]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = text
    for row in rows:
        for cell, value in zip(table.add_row().cells, row):
            cell.text = str(value)


def _sections(document, f: ReportFigures, chart_png: bytes, summary: Narrative, narrative: Narrative) -> None:
    document.add_heading("一、事件概况", level=1)
    document.add_paragraph(drop_unsafe_chars(summary.text))
    document.add_paragraph(f"级别：{f.level_name}。首发 {f.first_seen}，最近 {f.last_seen}；共 {f.posts} 条信息，"
                           f"{len(f.platforms)} 个平台，负面 {f.negative} 条，互动 {f.engagement} 次，热度 {f.hotness}。")
    document.add_heading("二、传播态势", level=1)
    document.add_picture(io.BytesIO(chart_png), width=Cm(16))
    _table(document, ("平台", "信息量", "负面", "互动"), [(p.label, p.posts, p.negative, p.engagement) for p in f.platforms])
    document.add_heading("三、关键信息", level=1)
    _table(document, ("时间", "平台", "作者", "内容", "情感", "互动"),
           [(k.time, k.platform, k.author, k.text, k.sentiment, k.engagement) for k in f.key_posts])
    document.add_heading("四、风险研判", level=1)
    for reason in f.reasons or ["（系统未记录研判理由）"]:
        document.add_paragraph(reason, style="List Bullet")
    document.add_heading("五、处置情况", level=1)
    document.add_paragraph(drop_unsafe_chars(narrative.text))
    for line in f.cases or ["该事件尚未立案。"]:
        document.add_paragraph(line)
    _table(document, ("工单", "时间", "人员", "操作", "说明"),
           [(f"#{a.case_id}", a.time, a.actor, a.action, a.detail) for a in f.actions])
    document.add_heading("六、下一步建议（待决策）", level=1)
    for step in f.next_steps:
        document.add_paragraph(step, style="List Number")


def render_docx(figures: ReportFigures, chart_png: bytes, summary: Narrative, narrative: Narrative) -> bytes:
    """The report as .docx bytes (characters XML cannot carry are dropped first)."""
    f = map_text(figures, drop_unsafe_chars)
    document = Document()
    document.add_heading(f"关于“{f.title}”的舆情专报", level=0)
    document.add_paragraph(f"{f.bureau}｜事件 #{f.event_id}｜生成于 {f.generated}｜内部资料，注意保密")
    _sections(document, f, chart_png, summary, narrative)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
