"""Suggested replies built only from approved templates and policy answers, every sentence cited."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from responder.people import section_of
from responder.retrieval import Match, PolicyIndex, key_terms
from yuqing.core.config import Settings
from yuqing.core.config.replies import ReplyTemplate

KINDS = ("consultation", "request", "rumour", "complaint", "praise", "other")
NEEDS_FACTS = frozenset({"consultation", "request", "rumour", "complaint"})
SENTENCE_END = re.compile(r"(?<=[。！？；])")


@dataclass(frozen=True)
class Sentence:
    """One sentence of a suggestion and where it comes from (template:KEY or policy:KEY)."""

    text: str
    source: str


def fill_template(settings: Settings, template: ReplyTemplate, section: str) -> Sentence | None:
    """An approved template with the bureau's names filled in, cited; None when a placeholder is unknown."""
    bureau = settings.bureau
    try:
        text = template.text.format(bureau=bureau.name, short_name=bureau.short_name, hotline=bureau.hotline,
                                    section=section, city=bureau.city, website=bureau.website)
    except (KeyError, IndexError):
        return None
    return Sentence(text, f"template:{template.key}")


def _templates(settings: Settings, kind: str, part: str, section: str) -> list[Sentence]:
    chosen = [t for t in settings.replies.templates if t.kind == kind and t.part == part]
    if not chosen and kind != "other":
        chosen = [t for t in settings.replies.templates if t.kind == "other" and t.part == part]
    return [s for s in (fill_template(settings, t, section) for t in chosen) if s]


def _policy_sentences(match: Match, budget: int) -> list[Sentence]:
    """The policy answer's leading sentences that fit the budget (whole sentences only)."""
    source, kept = f"policy:{match.policy.key}", list[Sentence]()
    for piece in (p for p in SENTENCE_END.split(match.policy.answer) if p.strip()):
        if sum(len(s.text) for s in kept) + len(piece) > budget:
            break
        kept.append(Sentence(piece.strip(), source))
    return kept


def _fit(openings: list[Sentence], facts: list[Sentence], closings: list[Sentence], limit: int) -> list[Sentence]:
    """Opening, facts, closing; drop the closing, then the opening, until the whole fits the limit."""
    for parts in ((openings, facts, closings), (openings, facts, []), ([], facts, closings), ([], facts, [])):
        sentences = [s for group in parts for s in group]
        if sentences and sum(len(s.text) for s in sentences) <= limit:
            return sentences
    return []


def _shape(kind: str, sentences: list[Sentence], missing: str, limit: int) -> dict[str, Any]:
    return {"kind": kind, "text": "".join(s.text for s in sentences),
            "sentences": [{"text": s.text, "source": s.source} for s in sentences], "missing": missing, "limit": limit}


def _variants(settings: Settings, kind: str, matches: list[Match], section: str, limit: int) -> list[list[Sentence]]:
    openings, closings = _templates(settings, kind, "opening", section), _templates(settings, kind, "closing", section)
    first_open, first_close = openings[:1], closings[:1]
    alt_open, alt_close = (openings[1:2] or first_open), (closings[1:2] or first_close)
    facts = [_policy_sentences(m, limit) for m in matches]
    plans = [(first_open, facts[0] if facts else [], first_close)]
    if len(facts) > 1:
        plans.append((alt_open, facts[1], alt_close))
        plans.append(([], facts[0] + facts[1], []))
    plans += [(alt_open, facts[0] if facts else [], alt_close), (first_open, [], first_close), (alt_open, [], [])]
    return [_fit(*plan, limit) for plan in plans]


def _missing(kind: str, text: str, matches: list[Match], variants: list[list[Sentence]], section: str,
             limit: int) -> str:
    """What a reply to this kind lacks: no relevant policy answer, or none short enough for the platform."""
    if kind not in NEEDS_FACTS:
        return ""
    if not matches:
        terms = "、".join(key_terms(text)) or "该问题"
        return f"缺少与“{terms}”相关的政策答复，请{section}提供权威口径并补充到 replies.yaml 后再答复具体问题。"
    if not any(s.source.startswith("policy:") for sentences in variants for s in sentences):
        keys = "、".join(m.policy.key for m in matches)
        return f"相关政策答复（{keys}）的首句超过本平台 {limit} 字上限，请{section}人工精简后再答复具体问题。"
    return ""


def suggest(settings: Settings, kind: str, text: str, *, topic: str = "", owner: str = "",
            platform: str = "", index: PolicyIndex | None = None) -> list[dict[str, Any]]:
    """Two or three suggestions for a case, never over the platform limit, each sentence cited."""
    kind = kind if kind in KINDS else "other"
    limit = settings.response.platform_limits.get(platform, settings.response.platform_limits.get("default", 150))
    index = index or PolicyIndex(list(settings.replies.policies))
    matches = index.search(text, limit=2, min_score=settings.replies.min_score, topic=topic) if kind != "praise" else []
    section = section_of(settings, topic, owner)
    variants = _variants(settings, kind, matches, section, limit)
    missing = _missing(kind, text, matches, variants, section, limit)
    result, seen = [], set()
    for sentences in variants:
        joined = "".join(s.text for s in sentences)
        if sentences and joined not in seen:
            seen.add(joined)
            result.append(_shape(kind, sentences, missing, limit))
    return result[:3]
