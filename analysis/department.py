"""Whose business a post is: the bureau's (with its topic, section and owner) or another
department's (人社, 住建, 公安 ...), with the words that decided it.

One vocabulary decides both: the civil-affairs topics' keywords and the bureau's subject words
count for 民政, each other department's keywords for that department. Terms are matched at word
boundaries, longest first across all departments, so 养老保险 counts for 人社 and hides 养老. A
word in the title counts three times, and twice that right after a verb of asking (办结婚证 asks for a
marriage certificate, whatever 户口 the letter also names). A post no vocabulary recognises is left to 其他 when it
asks something of a government body, else to nobody ("").
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from analysis.normalize import post_text, title_end
from analysis.topics import Topic, TopicMatch
from analysis.vocabulary import Hit, Vocabulary

CIVIL_AFFAIRS = "民政"
OTHER = "其他"
TITLE_WEIGHT = 3
ASKED_WEIGHT = 2
"""A word right after a verb of asking for a service (办, 办理, 申请 ...) says what the letter wants done: it counts twice."""
ASKING_VERBS = ("办理", "补办", "申请", "申领", "领取", "开具", "办")
SUBJECT_WEIGHT = 0.5
"""The bureau named counts less than any word of a business: naming it says who is addressed, not whose
business it is."""


@dataclass(frozen=True)
class Department:
    """Another department: its short name and the words of its business."""

    name: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class DepartmentMatch:
    """The department a post belongs to, its civil-affairs topic when it is ours, and why."""

    department: str
    topic: TopicMatch = field(default_factory=TopicMatch)
    words: tuple[str, ...] = ()
    scores: tuple[tuple[str, float], ...] = ()
    reasons: list[str] = field(default_factory=list)

    @property
    def ours(self) -> bool:
        """True when the post is the bureau's business."""
        return self.department == CIVIL_AFFAIRS


class BusinessVocabulary:
    """The civil-affairs topics, the bureau's subject words and the other departments, ready to match.
    A subject word that holds a topic's keyword (儿童福利院 holds 福利院) counts for that topic too."""

    def __init__(self, topics: Sequence[Topic], departments: Sequence[Department], subjects: Sequence[str] = ()):
        self.topics = tuple(topics)
        self.departments = tuple(departments)
        self.subjects = tuple(subjects)
        owners: dict[str, list[str]] = defaultdict(list)
        for topic in self.topics:
            for word in topic.keywords:
                owners[word.lower()].append(f"topic:{topic.key}")
        for word in self.subjects:
            owners[word.lower()].append("subject")
            owners[word.lower()] += [f"topic:{t.key}" for t in self.topics if any(k in word for k in t.keywords)]
        for department in self.departments:
            for word in department.keywords:
                owners[word.lower()].append(f"dept:{department.name}")
        self.owners = {word: tuple(dict.fromkeys(tags)) for word, tags in owners.items()}

    @cached_property
    def vocabulary(self) -> Vocabulary:
        """Every word of every department, for one longest-first pass."""
        return Vocabulary(self.owners)


def _weighted(text: str, hits: Sequence[Hit], title_end: int) -> Counter[str]:
    """Each distinct word with its weight: 1 in the body, more in the title, twice that right after a
    verb of asking (repeats add nothing)."""
    weights: Counter[str] = Counter()
    for hit in hits:
        weight = TITLE_WEIGHT if hit.start < title_end else 1
        if text[max(0, hit.start - 2):hit.start].endswith(ASKING_VERBS):
            weight *= ASKED_WEIGHT
        weights[hit.term] = max(weights[hit.term], weight)
    return weights


def _topic_of(words: Counter[str], vocab: BusinessVocabulary) -> TopicMatch:
    """The civil-affairs topic whose words weigh most; earlier topics win ties."""
    best: tuple[float, Topic, list[str]] | None = None
    for topic in vocab.topics:
        tag = f"topic:{topic.key}"
        found = [word for word in words if tag in vocab.owners[word]]
        score = sum(words[word] for word in found)
        if found and (best is None or score > best[0]):
            best = (score, topic, found)
    if best is None:
        return TopicMatch(reasons=["未命中任何主题关键词"])
    _, topic, found = best
    owner = f"，归口{topic.section}" if topic.section else ""
    return TopicMatch(topic.key, topic.name, topic.section, topic.owner, tuple(found),
                      [f"主题“{topic.name}”：命中关键词 {'、'.join(found)}{owner}"])


def _department_scores(words: Counter[str], vocab: BusinessVocabulary) -> dict[str, float]:
    scores: dict[str, float] = defaultdict(float)
    for word, weight in words.items():
        tags = vocab.owners[word]
        if any(tag.startswith("topic:") for tag in tags):
            scores[CIVIL_AFFAIRS] += weight
        elif "subject" in tags:
            scores[CIVIL_AFFAIRS] += weight * SUBJECT_WEIGHT
        for tag in tags:
            if tag.startswith("dept:"):
                scores[tag[5:]] += weight
    return scores


def judge_department(text: str, vocab: BusinessVocabulary, title: str = "",
                     government: bool = True) -> DepartmentMatch:
    """Whose business the post (title and text) is; ``government`` says whether it addresses a
    government body at all (a board message does), deciding between 其他 and nobody when no
    department's words are found."""
    joined = post_text(title, text)
    hits = vocab.vocabulary.find(joined)
    words = _weighted(joined, hits, title_end(title, text))
    scores = _department_scores(words, vocab)
    ranked = tuple(sorted(scores.items(), key=lambda kv: (-kv[1], kv[0] != CIVIL_AFFAIRS)))
    if not ranked:
        fallback = OTHER if government else ""
        reason = "未命中任何部门的业务用语" + ("，按其他部门处理" if government else "")
        return DepartmentMatch(fallback, reasons=[reason])
    name, score = ranked[0]
    mine = tuple(w for w in words if any(_belongs(tag, name) for tag in vocab.owners[w]))
    topic = _topic_of(words, vocab) if name == CIVIL_AFFAIRS else TopicMatch()
    shown = "、".join(mine[:6])
    if name == CIVIL_AFFAIRS:
        reasons = [f"民政业务：命中“{shown}”（得分 {score:g}）", *topic.reasons]
    else:
        reasons = [f"属{name}业务：命中“{shown}”（得分 {score:g}），建议转办{name}"]
    return DepartmentMatch(name, topic, mine, ranked, reasons)


def _belongs(tag: str, department: str) -> bool:
    if department == CIVIL_AFFAIRS:
        return tag == "subject" or tag.startswith("topic:")
    return tag == f"dept:{department}"


def vocabulary_from(lists: dict) -> BusinessVocabulary:
    """A vocabulary from plain lists: ``topics`` and ``departments`` as dicts, ``subjects`` as words."""
    topics = [Topic(t["key"], t["name"], tuple(t["keywords"]), t.get("section", ""), t.get("owner", ""))
              for t in lists.get("topics", [])]
    departments = [Department(d["name"], tuple(d["keywords"])) for d in lists.get("departments", [])]
    return BusinessVocabulary(topics, departments, lists.get("subjects", ()))
