"""Building one week's digest: figures, charts, HTML, text and the Word attachment."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from responder.digest.charts import ChartImage, draw_charts
from responder.digest.document import render_docx
from responder.digest.figures import Figures, gather_figures
from responder.digest.period import Week, resolve_week
from responder.digest.render import embed_images, render_html, render_text
from yuqing.core.config import Settings

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass
class RenderedDigest:
    """A week's digest in every form it is delivered in."""

    week: Week
    subject: str
    html: str
    text: str
    images: list[ChartImage]
    figures: Figures

    @cached_property
    def docx(self) -> bytes:
        """The same report as a Word document (built on first use: the web preview never needs it)."""
        return render_docx(self.figures, self.images)

    @property
    def docx_filename(self) -> str:
        """The attachment's file name, e.g. 舆情周报-2026-W47.docx."""
        return f"舆情周报-{self.week.label}.docx"

    def preview_html(self) -> str:
        """The HTML with the charts embedded, for a browser or the web desk."""
        return embed_images(self.html, self.images)

    def write_to(self, path: Path) -> Path:
        """Save the digest in the format the file name asks for (.html, .txt, .docx or .json)."""
        suffix = path.suffix.lower()
        if suffix not in WRITERS:
            raise ValueError(f"不支持的输出格式 {suffix or '(无扩展名)'}；可用: {', '.join(WRITERS)}")
        path.parent.mkdir(parents=True, exist_ok=True)
        content = WRITERS[suffix](self)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path


WRITERS: dict[str, Callable[[RenderedDigest], str | bytes]] = {
    ".html": RenderedDigest.preview_html,
    ".htm": RenderedDigest.preview_html,
    ".txt": lambda digest: digest.text,
    ".docx": lambda digest: digest.docx,
    ".json": lambda digest: json.dumps(digest.figures.to_json(), ensure_ascii=False, indent=2),
}


def subject_for(settings: Settings, week: Week) -> str:
    """The email subject, e.g. 榆川市民政局网络舆情周报（2026年11月16日—11月22日）."""
    return f"{settings.digest.title}（{week.span_text()}）"


def build_digest(sessions: sessionmaker[Session], settings: Settings, week: str | None,
                 now: datetime) -> RenderedDigest:
    """Gather and render the digest of a week (default: the last complete week before `now`)."""
    period = resolve_week(week, now, ZoneInfo(settings.app.timezone))
    with sessions() as session:
        figures = gather_figures(session, settings, period, now)
    images = draw_charts(figures, settings.digest.font_path)
    return RenderedDigest(
        period, subject_for(settings, period), render_html(figures, settings, images), render_text(figures, settings),
        images, figures,
    )
