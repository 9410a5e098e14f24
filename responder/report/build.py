"""Building the special report (专报) of one event: figures, chart, HTML and Word, personal data masked."""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from responder.digest.figures import map_text
from responder.report.narrative import Narrative, event_summary, report_narrative
from responder.privacy import mask_personal
from responder.report.figures import ReportFigures, gather, load_event
from responder.report.render import render_docx, render_html, spread_chart
from responder.report.steps import next_steps
from yuqing.core.config import Settings

SEVERE_LEVEL = 2


class ReportError(ValueError):
    """The event does not exist, or is not serious enough for a 专报 (one line for people)."""


@dataclass
class SpecialReport:
    """One event's 专报 in the forms it is handed over in, with its summary and narrative (data-only, or the
    local model's draft when it passed the guards)."""

    figures: ReportFigures
    chart_png: bytes
    summary: Narrative
    narrative: Narrative

    @cached_property
    def html(self) -> str:
        """A self-contained HTML page (the chart embedded)."""
        return render_html(self.figures, base64.b64encode(self.chart_png).decode("ascii"), self.summary,
                           self.narrative)

    @cached_property
    def docx(self) -> bytes:
        """The same report as a Word document."""
        return render_docx(self.figures, self.chart_png, self.summary, self.narrative)

    @property
    def stem(self) -> str:
        """The file name without extension, e.g. 专报-事件12."""
        return f"专报-事件{self.figures.event_id}"

    def write_to(self, folder: Path) -> list[Path]:
        """Write the HTML and the .docx into a folder; returns their paths."""
        folder.mkdir(parents=True, exist_ok=True)
        html, docx = folder / f"{self.stem}.html", folder / f"{self.stem}.docx"
        html.write_text(self.html, encoding="utf-8")
        docx.write_bytes(self.docx)
        return [html, docx]


def build_report(sessions: sessionmaker[Session], settings: Settings, event_id: int, now: datetime, *,
                 any_level: bool = False, environ: Mapping[str, str] | None = None) -> SpecialReport:
    """The 专报 of a level Ⅱ or Ⅰ event (any level with `any_level`) as of `now`; ReportError otherwise.
    `environ` (default: the process environment) holds the local model's address when `digest.narrative` is on."""
    with sessions() as session:
        event, posts, cases = load_event(session, event_id)
        if event is None:
            raise ReportError(f"事件 #{event_id} 不存在")
        figures = gather(settings, event, posts, cases, now)
        if figures.level > SEVERE_LEVEL and not any_level:
            raise ReportError(f"事件 #{event_id} 为{figures.level_name}，专报用于Ⅱ级及以上事件（确需生成请加 --any-level）")
        figures.next_steps = next_steps(settings, figures, cases, now)
    figures = map_text(figures, mask_personal)
    environ = os.environ if environ is None else environ
    return SpecialReport(figures, spread_chart(figures, settings.digest.font_path),
                         event_summary(settings, figures, environ), report_narrative(settings, figures, environ))
