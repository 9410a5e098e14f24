"""An event's summary and the 专报's narrative: data-only sentences from the database's records, or,
when `digest.narrative` is on, a draft by the bureau's own OpenAI-compatible model behind the reply
polish's guards. Every drafted sentence must cite one of the records it was given, its numbers and
quoted spans must be those of that record, and most of its wording must come from it (so an action or
fact without numbers cannot be slipped in under a real citation); otherwise the whole draft is refused (one logged line) and
the data-only text stands. The model sees the masked figures only."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from responder.polish import PolishRejected, ask_model, facts, protected_names
from responder.sighting import compact
from responder.report.figures import ReportFigures
from yuqing.core.config import Settings

log = logging.getLogger(__name__)
MAX_SENTENCES = 8
MAX_CHARS = 600
MIN_SUPPORT = 0.5
PROMPT = ("你是政府部门的舆情分析员。请只根据用户给出的记录撰写{task}，语言简洁、客观。"
          "每句话必须引用一条记录：输出 JSON 数组，每个元素为 {{\"text\": 句子, \"cite\": 记录编号}}；"
          "句中的数字、时间、引号内容必须与所引记录完全一致，不得写入记录以外的任何事实、数字或机构。只输出 JSON。")


@dataclass(frozen=True)
class Record:
    """A fact the text may rest on: its key (post:12, record:overview) and its text from the database."""

    key: str
    text: str


@dataclass(frozen=True)
class Line:
    """One sentence and the record it cites."""

    text: str
    cite: str


@dataclass(frozen=True)
class Narrative:
    """A text as sentences with their citations; `drafted` when the model's draft passed the guards,
    `note` the one-line reason a draft was refused ('' otherwise)."""

    lines: list[Line]
    drafted: bool = False
    note: str = ""

    @property
    def text(self) -> str:
        """The sentences as one paragraph."""
        return "".join(line.text for line in self.lines)


def _overview(f: ReportFigures) -> Record:
    return Record("record:overview", f"事件“{f.title}”为{f.level_name}，首发于{f.first_seen}，最近一条于{f.last_seen}；"
                                     f"共{f.posts}条信息，涉及{len(f.platforms)}个平台，负面{f.negative}条，互动{f.engagement}次。")


def summary_records(f: ReportFigures) -> list[Record]:
    """What an event's summary may rest on: the overview, the risk reasons and the key posts."""
    reasons = [Record(f"record:reason:{i}", f"研判理由：{r}") for i, r in enumerate(f.reasons, 1)]
    posts = [Record(f"post:{k.id}", f"{k.time}，{k.platform}用户“{k.author}”发帖：{k.text}（互动{k.engagement}次）")
             for k in f.key_posts]
    return [_overview(f), *reasons, *posts]


def narrative_records(f: ReportFigures) -> list[Record]:
    """What the 专报's narrative may rest on: the overview, platforms, each case's state and each action."""
    platforms = [Record(f"record:platform:{i}", f"{p.label}：{p.posts}条信息，负面{p.negative}条，互动{p.engagement}次。")
                 for i, p in enumerate(f.platforms, 1)]
    cases = [Record(f"record:case:{i}", f"{line}。") for i, line in enumerate(f.cases, 1)]
    actions = [Record(f"record:action:{i}", f"{a.time}，{a.actor}对工单#{a.case_id}执行“{a.action}”。{a.detail}")
               for i, a in enumerate(f.actions, 1)]
    return [_overview(f), *platforms, *cases, *actions]


def _data_only(records: list[Record], keys: tuple[str, ...]) -> list[Line]:
    return [Line(r.text, r.key) for r in records if r.key.startswith(keys)]


def _lines(answer: Any) -> list[Line]:
    if not isinstance(answer, list) or not answer:
        raise PolishRejected("答复不是句子数组")
    if len(answer) > MAX_SENTENCES:
        raise PolishRejected(f"句子过多（{len(answer)} 句）")
    lines = []
    for item in answer:
        if not isinstance(item, dict) or not isinstance(item.get("text"), str) or not item["text"].strip():
            raise PolishRejected("句子格式不对或为空")
        lines.append(Line(item["text"].strip(), str(item.get("cite") or "").strip()))
    return lines


def _pairs(text: str) -> set[str]:
    letters = compact(text)
    return {letters[i:i + 2] for i in range(len(letters) - 1)}


def support(sentence: str, source: str) -> float:
    """The share of the sentence's character pairs that its cited record also has (1.0 for a bare sentence)."""
    pairs = _pairs(sentence)
    return len(pairs & _pairs(source)) / len(pairs) if pairs else 1.0


def check_lines(lines: list[Line], records: list[Record], protected: set[str]) -> None:
    """Raise PolishRejected when a sentence cites no given record, carries a number or quote its record does
    not, names a protected body its record does not, or is mostly worded from elsewhere."""
    known = {r.key: r.text for r in records}
    for n, line in enumerate(lines, 1):
        source = known.get(line.cite)
        if source is None:
            raise PolishRejected(f"第{n}句未引用给定的帖子或记录（{line.cite or '无引用'}）: {line.text[:40]}")
        if stray := [fact for fact in facts(line.text) if fact not in facts(source)]:
            raise PolishRejected(f"第{n}句的数字或引文与 {line.cite} 不符: {'、'.join(stray)[:40]}")
        if named := [name for name in protected if name in line.text and name not in source]:
            raise PolishRejected(f"第{n}句写入了 {line.cite} 中没有的机构: {'、'.join(sorted(named))}")
        if support(line.text, source) < MIN_SUPPORT:
            raise PolishRejected(f"第{n}句的内容大多不见于 {line.cite}: {line.text[:40]}")
    if sum(len(line.text) for line in lines) > MAX_CHARS:
        raise PolishRejected(f"草稿超过 {MAX_CHARS} 字")


def narrate(settings: Settings, environ: Mapping[str, str], task: str, records: list[Record],
            fallback: list[Line]) -> Narrative:
    """The model's draft of `task` when it is on and passes the guards; otherwise the data-only `fallback`."""
    config = settings.digest.narrative
    if not config.enabled:
        return Narrative(fallback)
    try:
        payload = {"task": task, "records": [{"id": r.key, "text": r.text} for r in records]}
        lines = _lines(ask_model(config, environ, PROMPT.format(task=task), payload))
        check_lines(lines, records, protected_names(settings) - {settings.bureau.name, settings.bureau.short_name})
    except PolishRejected as exc:
        log.warning("%s: model draft refused, data-only text kept: %s", task, exc)
        return Narrative(fallback, note=str(exc))
    return Narrative(lines, drafted=True)


def event_summary(settings: Settings, figures: ReportFigures, environ: Mapping[str, str]) -> Narrative:
    """An event's summary: the overview and the most engaged post, or the model's draft from the same records."""
    records = summary_records(figures)
    fallback = _data_only(records, ("record:overview",)) + _data_only(records, ("post:",))[:1]
    return narrate(settings, environ, "事件摘要", records, fallback)


def report_narrative(settings: Settings, figures: ReportFigures, environ: Mapping[str, str]) -> Narrative:
    """The 专报's narrative of spread and handling: the overview, the largest platform and each case's state,
    or the model's draft from the same records."""
    records = narrative_records(figures)
    fallback = (_data_only(records, ("record:overview",)) + _data_only(records, ("record:platform:",))[:1]
                + _data_only(records, ("record:case:",)))
    return narrate(settings, environ, "专报的传播与处置综述", records, fallback)
