"""The digest as a Word document (.docx) with the same sections, tables and charts as the email."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

from analysis.normalize import drop_unsafe_chars
from responder.digest.charts import ChartImage
from responder.digest.figures import Figures, map_text
from responder.digest.formatting import change_text, hours_text, percent
from responder.digest.labels import SENTIMENTS
from responder.digest.volume import negative_share

FONT = "Microsoft YaHei"
EAST_ASIAN_FONT = "微软雅黑"
RED = RGBColor(0x9B, 0x1C, 0x1C)
CORE_PROPERTY_LIMIT = 255  # characters python-docx accepts in a document property


def _styled() -> DocxDocument:
    document = Document()
    for section in document.sections:
        section.left_margin = section.right_margin = Cm(2)
    for name in ("Normal", "Heading 1", "Heading 2", "Title"):
        style = document.styles[name]
        style.font.name = FONT
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    document.styles["Normal"].font.size = Pt(10.5)
    return document


def _cell(value: object, bold: bool = False) -> str:
    """One table cell as WordprocessingML; a line break in the value starts a new paragraph."""
    properties = "<w:rPr><w:b/></w:rPr>" if bold else ""
    lines = str(value).split("\n")
    paragraphs = "".join(f'<w:p><w:r>{properties}<w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>' for line in lines)
    return f'<w:tc><w:tcPr><w:tcW w:w="0" w:type="auto"/></w:tcPr>{paragraphs}</w:tc>'


def _table(document: DocxDocument, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """A bordered table with a bold header row, written as XML in one go (python-docx's add_row is slow)."""
    body = "".join("<w:tr>" + "".join(_cell(v) for v in row) + "</w:tr>" for row in rows)
    xml = (f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/></w:tblPr>'
           f'<w:tblGrid>{"<w:gridCol/>" * len(header)}</w:tblGrid>'
           f'<w:tr>{"".join(_cell(h, bold=True) for h in header)}</w:tr>{body}</w:tbl>')
    document.element.body._insert_tbl(parse_xml(xml))
    document.add_paragraph()


def _picture(document: DocxDocument, image: ChartImage) -> None:
    document.add_picture(io.BytesIO(image.png), width=Cm(16))
    document.add_paragraph(f"图：{image.caption}").runs[0].italic = True


def _overview(document: DocxDocument, f: Figures, images: list[ChartImage]) -> None:
    document.add_heading("一、总体态势", level=1)
    for line in f.judgement:
        document.add_paragraph(line)
    split = "，".join(f"{SENTIMENTS[k]} {v} 条" for k, v in f.volume.sentiment.items())
    document.add_paragraph(f"情感分布：{split}。信息总量较上周{change_text(f.volume.change)}。")
    _picture(document, images[0])
    _table(document, ("平台", "本周", "上周", "负面", "负面占比"),
           [(p.label, p.count, p.previous, p.sentiment.get("negative", 0), percent(negative_share(p.sentiment)))
            for p in f.volume.platforms])
    _picture(document, images[1])
    document.add_heading("数据来源与采集覆盖", level=2)
    _table(document, ("数据源", "采集次数", "失败", "本周信息", "覆盖情况"),
           [(s.name, s.runs, s.failed_runs, s.posts,
             s.verdict + "".join(f"\n{o.start} 至 {o.end}（{o.hours} 小时）{o.reason}" for o in s.outages[:5]))
            for s in f.coverage.sources])


def _events(document: DocxDocument, f: Figures) -> None:
    document.add_heading("二、热点事件", level=1)
    for index, e in enumerate(f.events, 1):
        document.add_heading(f"{index}. {e.title}【{e.level_name}】", level=2)
        if e.summary:
            document.add_paragraph(e.summary)
        document.add_paragraph(
            f"传播：本周 {e.posts} 条，{e.platforms} 个平台，负面 {e.negative} 条，互动 {e.engagement} 次；"
            f"首发 {e.first_seen}，最近 {e.last_seen}。处置：{e.state}。")
        for link in e.links:
            document.add_paragraph(f"{link.title} {link.url}", style="List Bullet")
    if not f.events:
        document.add_paragraph("本周无聚合成事件的信息。")


def _handling(document: DocxDocument, f: Figures, images: list[ChartImage]) -> None:
    h = f.handling
    document.add_heading("三、处置与回应", level=1)
    document.add_paragraph(
        f"新立工单 {h.opened} 件（上周 {h.previous['opened']}），首次回应 {h.responded} 件，办结 {h.closed} 件，"
        f"截至周末超时未回应 {h.overdue} 件。首次回应用时中位数 {hours_text(h.median_response_hours)}，"
        f"办结用时中位数 {hours_text(h.median_close_hours)}，按时回应率 {percent(h.on_time.share)}。")
    _picture(document, images[2])
    for title, groups in (("级别", h.by_level), ("科室", h.by_section)):
        _table(document, (title, "计入考核", "按时", "按时率"), [(g.label, g.total, g.on_time, percent(g.share)) for g in groups])
    document.add_heading("回应率、及时率与满意度", level=2)
    card = f.scorecard
    _table(document, ("科室 / 评论员", "回应率", "及时率", "回访", "满意 / 基本满意 / 不满意", "满意度"),
           [(k.label, f"{percent(k.response_rate)}（{k.responded}/{k.due}）",
             f"{percent(k.timely_rate)}（{k.on_time}/{k.settled}）", k.revisited,
             f"{k.satisfied} / {k.basic} / {k.unsatisfied}", percent(k.satisfaction))
            for k in [card.total, *card.by_section, *card.by_commentator]])
    document.add_heading("超时未回应清单", level=2)
    _table(document, ("工单", "标题", "级别", "责任人", "时限", "已超时"),
           [(f"#{c.id}", c.title, c.level_name, c.owner_name, c.deadline, hours_text(c.overdue_hours))
            for c in h.overdue_cases])
    _effects(document, f)
    document.add_heading("网络评论员工作量", level=2)
    _table(document, ("评论员", "科室", "新分办", "已回应", "办结", "周末在办", "超时"),
           [(w.name, w.section, w.assigned, w.responded, w.closed, w.open_at_end, w.overdue) for w in f.commentators])


def _effects(document: DocxDocument, f: Figures) -> None:
    document.add_heading("回应效果（回应后负面占比变化）", level=2)
    _table(document, ("工单", "时段", "新帖", "负面", "负面占比", "较回应前"),
           [(f"#{r.case_id} {r.title}", line.name, line.posts, line.negative, line.share, line.change or "—")
            for r in f.effects for line in r.lines] or [("本周没有新回应的工单。", "", "", "", "", "")])
    for r in f.effects:
        for d in r.drivers:
            document.add_paragraph(f"#{r.case_id} 回应后负面帖（互动 {d.engagement}，{d.at}）：{d.title} {d.url}".strip(),
                                   style="List Bullet")


def _rest(document: DocxDocument, f: Figures) -> None:
    document.add_heading("四、咨询答复", level=1)
    document.add_paragraph(f"本周答复群众咨询 {f.consultations.answered} 件。")
    for c in f.consultations.examples:
        document.add_paragraph(f"问：{c.question}\n答：{c.answer or '（答复已发布，文本见链接）'}\n（{c.owner_name}，{c.answered}）")
    document.add_heading("五、研判与下周关注", level=1)
    if f.watchlist:
        document.add_paragraph(f"综合本周情况，下周需关注以下 {len(f.watchlist)} 项：")
    for item in f.watchlist or ["暂无需要特别关注的事项。"]:
        document.add_paragraph(item, style="List Number")
    document.add_heading("六、本周工单一览", level=1)
    _table(document, ("工单", "标题", "级别", "类别", "责任人", "发现", "首次回应", "状态"),
           [(f"#{c.id}", c.title, c.level_name, c.kind_name, c.owner_name, c.detected, c.first_response or "未回应",
             c.state_name) for c in f.cases])


def render_docx(figures: Figures, images: list[ChartImage]) -> bytes:
    """The whole digest as .docx bytes; characters XML cannot carry (controls, lone surrogates) are
    dropped first, so no crawled text can stop the report being written."""
    figures = map_text(figures, drop_unsafe_chars)
    document = _styled()
    title = document.add_heading(figures.title, level=0)
    title.runs[0].font.color.rgb = RED
    document.add_paragraph(f"{figures.week}｜{figures.span}｜生成于 {figures.generated}｜内部资料，注意保密")
    _overview(document, figures, images)
    _events(document, figures)
    _handling(document, figures, images)
    _rest(document, figures)
    document.core_properties.title = f"{figures.title}（{figures.span}）"[:CORE_PROPERTY_LIMIT]
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
