"""The scoring stage: rows of text scored exactly as the pipeline scores posts (`yuqing score`)."""

from __future__ import annotations

from typing import Any

from analysis.assess import SourceContext, assess_texts
from analysis.neardup import MinHashIndex, matching_text, signature
from analysis.normalize import clean_text, post_text
from yuqing.core.config import Settings
from yuqing.stages.analyze import judges

SCORE_COLUMNS = ["clean_text", "mention", "mention_rule", "duplicate_of", "sentiment", "label", "stance",
                 "negative", "actionable", "department", "kind", "topic", "owner", "reasons"]
NEAR_COPY_MIN_CHARS = 20


class UnknownSource(ValueError):
    """A row's ``source`` names no configured source."""


def kept_name(column: str) -> str:
    """An input column's name in the output: ``input_`` in front when a score column has its name."""
    return f"input_{column}" if column in SCORE_COLUMNS else column


class Scorer:
    """Scores rows of text as the pipeline does: clean, judge (mention by the monitoring scheme,
    department, stance, kind, actionable, topic and owner), near-copy check within the file. An
    optional ``title`` column is joined to ``text`` as a crawl joins them; an optional ``source``
    column names a configured source, whose region and kind count as in a crawl. Keeps only
    signatures and hashes of rows seen."""

    def __init__(self, settings: Settings) -> None:
        self.judges = judges(settings)
        self.sources = {source.key: source for source in settings.sources.sources}
        self.index = MinHashIndex(threshold=settings.sources.near_copy_threshold)
        self.exact: dict[int, int] = {}
        self.rows = self.mentions = self.duplicates = 0

    def duplicate_of(self, text: str) -> int | None:
        """The earlier row (1-based) this text copies or nearly copies; remembers this row."""
        self.rows += 1
        matching = matching_text(text)
        key = hash(matching)
        if key in self.exact:
            return self.exact[key]
        self.exact[key] = self.rows
        if len(matching) < NEAR_COPY_MIN_CHARS:
            return None
        hit = self.index.best_or_add(str(self.rows), signature(text))
        return int(hit[0]) if hit else None

    def context(self, row: dict[str, str], title: str) -> SourceContext:
        """The row's source context: its title and, when ``source`` names one, that source's kind."""
        key = (row.get("source") or "").strip()
        if key and key not in self.sources:
            raise UnknownSource(f"source 列中的 {key!r} 不是已配置的数据源；可用: {', '.join(self.sources)}")
        config = self.sources.get(key)
        return SourceContext(title, bool(config and config.is_local), bool(config and config.is_addressed))

    def score(self, rows: list[dict[str, str]]) -> list[dict[str, Any]]:
        """The rows with the score columns added."""
        titles = [clean_text(row.get("title") or "") for row in rows]
        cleaned = [clean_text(row.get("text") or "") for row in rows]
        contexts = [self.context(row, title) for row, title in zip(rows, titles)]
        joined = [post_text(title, text) for title, text in zip(titles, cleaned)]
        copies = [self.duplicate_of(text) for text in joined]
        assessed = assess_texts(cleaned, self.judges, contexts)
        self.mentions += sum(a.mentioned for a in assessed)
        self.duplicates += sum(c is not None for c in copies)
        return [{**row, "clean_text": text, "mention": _flag(a.mentioned),
                 "mention_rule": a.mention.label if a.mention else "", "duplicate_of": copy or "",
                 "sentiment": repr(a.sentiment.positive), "label": a.label, "stance": a.label,
                 "negative": f"{a.negative:.4f}", "actionable": _flag(a.actionable), "department": a.department_name,
                 "kind": a.kind.kind, "topic": a.topic.key, "owner": a.owner, "reasons": "；".join(a.reasons)}
                for row, text, copy, a in zip(rows, joined, copies, assessed)]


def _flag(value: bool) -> str:
    return "true" if value else "false"
