"""One post's assessment from plain data: mention, department, topic and owner, sentiment and
stance, kind and whether it needs the bureau's voice, hotness and level, each with reasons. The
pipeline and ``yuqing score`` both call ``assess_texts``/``assess_post``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from analysis.department import BusinessVocabulary, DepartmentMatch, judge_department
from analysis.department_model import DepartmentModel, shipped_department_model
from analysis.hotness import Hotness, HotnessWeights, Snapshot, post_hotness
from analysis.kind import KindResult, classify_kind, is_actionable, settle_kind
from analysis.kind_model import KindModel, shipped_kind_model
from analysis.levels import Level, LevelRules, Signals, assess_level, media_tier, words_in
from analysis.mention import MentionMatch, MonitoringScheme, find_mention
from analysis.normalize import post_text, title_end
from analysis.sentiment.base import SentimentModel, SentimentResult
from analysis.sentiment.features import load_dictionary, plain_matrix
from analysis.stance import STANCE_NAMES, StanceModel, StanceResult, shipped_stance_model
from analysis.topics import TopicMatch



@dataclass(frozen=True)
class AnalysisRules:
    """Everything configurable the analysis needs, as plain values."""

    sensitive_words: tuple[str, ...] = ()
    emergency_words: tuple[str, ...] = ()
    media_tiers: dict[int, tuple[str, ...]] = field(default_factory=dict)
    hotness: HotnessWeights = HotnessWeights()
    levels: LevelRules = LevelRules()


@dataclass(frozen=True)
class SourceContext:
    """Where a text was found: ``local`` when it comes from the city's own source (region given),
    ``addressed`` when it is addressed to government (a board message, a comment under the
    bureau's post), ``own_thread`` the bureau's post it comments on."""

    title: str = ""
    local: bool = False
    addressed: bool = False
    own_thread: str = ""


@dataclass(frozen=True)
class Judges:
    """The models and vocabularies that judge a text, as plain values."""

    sentiment: SentimentModel
    business: BusinessVocabulary
    scheme: MonitoringScheme | None = None
    kinds: KindModel | None = None
    stance: StanceModel | None = None
    departments: DepartmentModel | None = None

    def prepare(self) -> None:
        """Load the word cutters now (seconds of jieba dictionary), before the first text waits on them."""
        load_dictionary()
        self.business.vocabulary.prepare()
        if self.scheme is not None:
            self.scheme.prepare()


@dataclass(frozen=True)
class TextAssessment:
    """What the text alone says: mention, department and topic, sentiment and stance, kind and
    whether it needs the bureau's voice."""

    sentiment: SentimentResult
    kind: KindResult
    topic: TopicMatch
    mentioned: bool = True
    stance: StanceResult | None = None
    department: DepartmentMatch | None = None
    actionable: bool = False
    actionable_reason: str = ""
    mention: MentionMatch | None = None

    @property
    def owner(self) -> str:
        """The staff key the post goes to: the topic's owner, and only for posts about this bureau."""
        return self.topic.owner if self.mentioned else ""

    @property
    def label(self) -> str:
        """The stance label (negative, neutral, positive); the binary sentiment's when no stance."""
        return self.stance.stance if self.stance else self.sentiment.label

    @property
    def negative(self) -> float:
        """The probability that the post is negative."""
        return self.stance.negative if self.stance else 1.0 - self.sentiment.positive

    @property
    def department_name(self) -> str:
        """The department whose business it is (民政 for the bureau's)."""
        return self.department.department if self.department else ""

    @property
    def reasons(self) -> list[str]:
        """Readable reasons: mention, stance and sentiment, kind, voice, department and topic."""
        label = STANCE_NAMES[self.sentiment.label]
        cues = f"，线索：{'、'.join(self.sentiment.cues)}" if self.sentiment.cues else ""
        first = [self.mention.reason] if self.mention else []
        stance = list(self.stance.reasons) if self.stance else [f"情感{label}（正面概率 {self.sentiment.positive:.2f}{cues}）"]
        voice = [self.actionable_reason] if self.actionable_reason else []
        business = self.department.reasons if self.department and not self.department.ours else self.topic.reasons
        routing = [] if self.mentioned else ["未提及本局，不分派"]
        return [*first, *stance, *self.kind.reasons, *voice, *business, *routing]


@dataclass(frozen=True)
class PostFacts:
    """A post as the analysis sees it (no database objects)."""

    text: str
    author: str = ""
    reposts: int = 0
    comments: int = 0
    likes: int = 0
    followers: int = 0
    verified_type: int = -1
    snapshots: tuple[Snapshot, ...] = ()


@dataclass(frozen=True)
class PostAssessment:
    """The full assessment of one post."""

    text: TextAssessment
    hotness: Hotness
    level: Level
    media_tier: int = 0
    sensitive_words: tuple[str, ...] = ()
    emergency_words: tuple[str, ...] = ()

    @property
    def reasons(self) -> list[str]:
        """All reasons: text, hotness, then level."""
        return [*self.text.reasons, *self.hotness.reasons, f"{self.level.name}：{'；'.join(self.level.reasons)}"]


def assess_texts(texts: Sequence[str], judges: Judges, contexts: Sequence[SourceContext] | None = None,
                 mentioned: Sequence[bool] | None = None) -> list[TextAssessment]:
    """Every judgement of each (already cleaned) text in its context; ``mentioned`` overrides the
    scheme's verdict (the crawl already decided it), and without a scheme every text counts."""
    contexts = list(contexts) if contexts is not None else [SourceContext()] * len(texts)
    joined = [post_text(c.title, text) for text, c in zip(texts, contexts)]
    results = judges.sentiment.predict(joined)
    kinds = judges.kinds or shipped_kind_model()
    rules = [classify_kind(text, result) for text, result in zip(joined, results)]
    plain = plain_matrix(joined, kinds.width)
    first = kinds.classify_all(joined, results, rules, plain)
    stances = (judges.stance or shipped_stance_model()).predict(
        joined, results, [rule.kind for rule in rules], [c.addressed for c in contexts], plain)
    matches = [judge_department(text, judges.business, c.title, government=c.addressed) for text, c in zip(texts, contexts)]
    mentions = [_mention(joined[i], title_end(c.title, text), judges, matches[i], c)
                for i, (text, c) in enumerate(zip(texts, contexts))]
    about = [mention is not None for mention in mentions] if mentioned is None else list(mentioned)
    departments = (judges.departments or shipped_department_model()).refine_all(
        texts, [c.title for c in contexts], matches, [not about_us for about_us in about])
    out = []
    for i, context in enumerate(contexts):
        flag = about[i] or (mentioned is None and judges.scheme is None)
        kind = settle_kind(first[i], joined[i], stances[i].stance, about[i])
        actionable, why = is_actionable(kind.kind, context.addressed)
        out.append(TextAssessment(results[i], kind, departments[i].topic, flag, stances[i], departments[i], actionable, why,
                                  mentions[i]))
    return out


def _mention(text: str, body_start: int, judges: Judges, department: DepartmentMatch,
             context: SourceContext) -> MentionMatch | None:
    if judges.scheme is None:
        return None
    return find_mention(text, judges.scheme, department, context.local, context.own_thread, body_start,
                        context.addressed)


def assess_post(post: PostFacts, text: TextAssessment, rules: AnalysisRules, now: datetime) -> PostAssessment:
    """A post's hotness and level on its own at ``now``, given its text assessment."""
    current = Snapshot(now, post.reposts, post.comments, post.likes)
    hot = post_hotness(current, post.snapshots, post.followers, post.verified_type, rules.hotness)
    tier = media_tier(post.author, rules.media_tiers)
    sensitive = words_in(post.text, rules.sensitive_words)
    emergency = words_in(post.text, rules.emergency_words)
    negative = 1.0 if text.label == "negative" else 0.0
    signals = Signals(1, 1, negative, hot.score, 0.0, tier, sensitive, emergency)
    return PostAssessment(text, hot, assess_level(signals, rules.levels), tier, sensitive, emergency)
