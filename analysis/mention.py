"""Is a post about the bureau? The monitoring scheme (监测方案) as Chinese 舆情 tools configure it.

Usage::

    scheme = MonitoringScheme.build(names=["榆川市民政局"], aliases=["榆川民政"], regions=["榆川", "榆东区"],
                                    subjects=["民政局"], weak=["殡仪馆"], evasive=["民政菊"], vague=["有关部门"],
                                    exclusions=["榆林市民政局"], exclusion_contexts=["民政路"])
    match = find_mention(text, scheme, business=judge_department(text, vocabulary))
    match.label                     # "region+subject:榆川+民政局", stored on the post

The rules, first that holds (exclusions are blanked out first):
1. ``name`` / ``alias``: an official name, or an alias or account;
2. ``thread``: a comment under one of the bureau's own posts;
3. ``region+subject`` / ``local+subject``: an evasive name (民政菊) with a region word anywhere in
   the post, a subject word (generic name, a unit of the bureau) with one in the same sentence,
   or either on the city's own source (a forum post that names another city and not ours does not
   count there; a letter to the city's board always does); in a letter to the board a weak
   subject (a unit, the bare 民政) counts only in the title or when the letter is civil-affairs
   business, since a housing complaint may name a nearby 敬老院 in passing;
4. ``region+event`` / ``local+event``: the post is civil-affairs business by its event words (the
   department judgement says 民政), with a region word or on the city's own source;
5. ``region+vague``: a vague name (有关部门, 某局) with a region word where no other department's
   business shows (on the city's own board nearly every letter says 有关部门, so not there).
Words are matched at jieba's word boundaries, so 人民政府 and 惠民政策 never read as 民政. A subject
word right after another place's name (隔壁城市民政局, B市民政局) does not count, even on the city's
own sources.

Pure: takes plain values, imports nothing from yuqing/, crawler/ or responder/.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property

from analysis.department import DepartmentMatch
from analysis.vocabulary import Hit, Vocabulary, mask

_PLACE_SUFFIXES = "省市县区州旗镇乡"
_PLACE = re.compile(r"([\u4e00-\u9fff]{2})([市县])")
_NOT_PLACES = frozenset("城市 超市 门市 股市 夜市 菜市 上市 本市 我市 全市 该市 各市 外市 邻市 同市 省市 县市 花市 集市 黑市 早市 "
                        "街市 本县 我县 全县 该县 各县 外县".split())
_SENTENCE_MARKS = "。！？!?；;\n"


@dataclass(frozen=True)
class MentionMatch:
    """Which rule matched and the words that triggered it."""

    rule: str
    term: str

    @property
    def label(self) -> str:
        """A short stored form such as ``alias:榆川民政`` or ``region+subject:榆东区+民政局``."""
        return f"{self.rule}:{self.term}"

    @property
    def reason(self) -> str:
        """The rule in words, for the post's reasons."""
        return f"提及本局（{RULE_NAMES.get(self.rule, self.rule)}：{self.term}）"


RULE_NAMES = {
    "name": "正式名称", "alias": "别称或账号", "thread": "本局账号下的评论", "repost": "转发已收录的帖子",
    "region+subject": "地域词+主体词", "local+subject": "本地来源+主体词",
    "region+event": "地域词+民政事项", "local+event": "本地来源+民政事项",
    "region+vague": "地域词+模糊指称",
}


@dataclass(frozen=True)
class MonitoringScheme:
    """The scheme's word lists: names, regions, subjects, vague names, exclusions."""

    names: tuple[str, ...]
    aliases: tuple[str, ...]
    regions: tuple[str, ...]
    subjects: tuple[str, ...]
    weak: tuple[str, ...]
    evasive: tuple[str, ...]
    vague: tuple[str, ...]
    exclusions: tuple[str, ...]
    city: str = ""

    @classmethod
    def build(cls, names: Iterable[str], aliases: Iterable[str] = (), regions: Iterable[str] = (),
              subjects: Iterable[str] = (), weak: Iterable[str] = (), evasive: Iterable[str] = (),
              vague: Iterable[str] = (), exclusions: Iterable[str] = (),
              exclusion_contexts: Iterable[str] = ()) -> MonitoringScheme:
        """A scheme from plain lists: official names and aliases or accounts (count alone), region
        words (city, districts, towns), subject words (generic names: with a region in the same
        sentence), weak subject words (units, the bare 民政), evasive names (民政菊: with a region
        anywhere in the post), vague names, and exclusions (other bureaus, and contexts where a
        word means something else)."""
        regions = [r.strip() for r in regions if r and r.strip()]
        return cls(_clean(names), _clean(aliases), _clean(regions), _clean(subjects), _clean(weak), _clean(evasive),
                   _clean(vague), _clean([*exclusions, *exclusion_contexts]), regions[0] if regions else "")

    @cached_property
    def vocabulary(self) -> Vocabulary:
        """All of the scheme's words, for one pass at word boundaries."""
        return Vocabulary([*self.names, *self.aliases, *self.regions, *self.subjects, *self.weak, *self.evasive, *self.vague,
                           *self.exclusions])

    def prepare(self) -> None:
        """Load the word cutter and jieba's part-of-speech tags now, before the first post waits on them."""
        self.vocabulary.prepare()
        _word_tags()

    def search_keywords(self, events: Iterable[str] = (), limit: int = 10) -> list[str]:
        """Search keywords a platform can take: names first, then the city (the first region word)
        with subject and event words."""
        pairs = [f"{self.city} {word}" for word in (*self.subjects[:1], *events) if self.city]
        return list(dict.fromkeys([*self.names, *self.aliases, *pairs]))[:limit]


def _clean(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({w.strip().lower() for w in words if w and w.strip()}, key=len, reverse=True))


def _of(hits: list[Hit], words: tuple[str, ...]) -> list[Hit]:
    chosen = set(words)
    return [hit for hit in hits if hit.term in chosen]


def _excluded_spans(text: str, exclusions: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where exclusions occur, as plain substrings (an exclusion needs no word boundary)."""
    spans = []
    for word in exclusions:
        start = text.find(word)
        while start >= 0:
            spans.append((start, start + len(word)))
            start = text.find(word, start + 1)
    return spans


def _same_sentence(text: str, hit: Hit, regions: list[Hit]) -> bool:
    """Whether a region word stands in the sentence of the hit."""
    start = max(text.rfind(mark, 0, hit.start) for mark in _SENTENCE_MARKS) + 1
    ends = [i for i in (text.find(mark, hit.end) for mark in _SENTENCE_MARKS) if i >= 0]
    end = min(ends, default=len(text))
    return any(start <= region.start and region.end <= end for region in regions)


_FUNCTION_CHARS = frozenset("了的在去到和是给找向跟对从把被让说个这那些此其每各与及或而也都就还又")
_NOT_PLACE_CHARS = _FUNCTION_CHARS | frozenset("下转问打请来往回催联系报送交经由们局委")
"""Characters that end a phrase before 市/县 (问一下市民政局, 转县民政局), never a place's name."""


_NOT_PLACE_TAGS = frozenset("v vn vd p r m mq f c u d a ad an q".split())
"""jieba's part-of-speech tags of words that never name a place (希望 v, 通过 p, 广大 a, 最近 f)."""
_ASKING_NOUNS = ("建议", "办理")
"""Verbs jieba's dictionary tags as nouns, often right before 市民政局 (建议市民政局公布 ...)."""
_NOT_CITY_WORDS = ("市场", "市民", "市面", "市值", "市井", "市容", "市委", "市政府")
"""Words that 市 begins, where the characters before it are no city (地产市场, 广大市民, 希望市政府)."""


@cache
def _word_tags() -> dict[str, str]:
    import jieba.posseg
    return jieba.posseg.dt.word_tag_tab


def _place_stem(stem: str) -> bool:
    """Whether two characters before 市/县 can name a place: neither a phrase's end (问一下, 转交) nor
    a word jieba's dictionary knows as anything but a name (希望市民政局, 感谢县殡仪馆)."""
    return not (set(stem) & _NOT_PLACE_CHARS or set(stem) & set("市县") or stem in _ASKING_NOUNS
                or _word_tags().get(stem) in _NOT_PLACE_TAGS)


def other_places(text: str, regions: tuple[str, ...]) -> list[str]:
    """Names of other cities and counties (two characters and 市/县) in the text; districts and
    provinces are left out, as local posts name them freely."""
    found = []
    for match in _PLACE.finditer(text):
        stem, name = match.group(1), match.group(0)
        if stem[1:] + match.group(2) in _NOT_PLACES or name in _NOT_PLACES or not _place_stem(stem):
            continue
        following = text[match.start(2):match.start(2) + 3]
        if following.startswith(_NOT_CITY_WORDS) and not following.startswith("市民政"):
            continue
        if not any(name in region or region.startswith(stem) or stem in region for region in regions):
            found.append(name)
    return found


_OWN_PLACES = ("本市", "我市", "全市", "该市", "本区", "我区", "本县", "我县")


def _foreign(text: str, hit: Hit, regions: tuple[str, ...]) -> bool:
    """A subject word right after a place name that is not ours (B市民政局, 隔壁城市民政局); a bare
    level (市民政局, 请问区民政局, 转县民政局) or 本市 is the post's own."""
    before = text[:hit.start].rstrip()
    if not before or before[-1] not in _PLACE_SUFFIXES or before.endswith(_OWN_PLACES):
        return False
    if any(before.endswith(region) or before[:-1].endswith(region) for region in regions):
        return False
    stem = before[-2:-1]
    return bool(stem) and (stem.isascii() and stem.isalnum() or "\u4e00" <= stem <= "\u9fff"
                           and _place_stem(before[-3:-1]))


def find_mention(text: str, scheme: MonitoringScheme, business: DepartmentMatch | None = None,
                 local: bool = False, own_thread: str = "", title_end: int = 0,
                 addressed: bool = False) -> MentionMatch | None:
    """The first rule of the scheme that finds the bureau in the text, or None.

    ``business`` is the post's department judgement (event words); ``local`` says the post comes
    from the city's own source (its board), ``own_thread`` names the bureau's post it comments on;
    the text's first ``title_end`` characters are its title; ``addressed`` marks a letter to the
    city's own board, where another place's name never means another city's bureau."""
    lowered = mask(text.lower(), _excluded_spans(text.lower(), scheme.exclusions))
    hits = scheme.vocabulary.find(lowered)
    for rule, words in (("name", scheme.names), ("alias", scheme.aliases)):
        if found := _of(hits, words):
            return MentionMatch(rule, found[0].term)
    if own_thread:
        return MentionMatch("thread", own_thread)
    regions = _of(hits, scheme.regions)
    if local and not addressed and not regions and other_places(lowered, scheme.regions):
        return None
    place = "local" if local else "region"
    where = [] if local else [regions[0].term] if regions else None
    if where is None:
        return None
    ours = business is not None and business.ours
    weak = [h for h in _of(hits, scheme.weak) if not addressed or ours or h.start < title_end]
    near = [h for h in [*_of(hits, scheme.subjects), *weak]
            if (local or _same_sentence(lowered, h, regions)) and not _foreign(lowered, h, scheme.regions)]
    subjects = [*_of(hits, scheme.evasive), *near]
    if subjects:
        return MentionMatch(f"{place}+subject", "+".join([*where, subjects[0].term]))
    if ours and business.topic.matched:
        return MentionMatch(f"{place}+event", "+".join([*where, business.topic.matched[0]]))
    vague = _of(hits, scheme.vague)
    if vague and not local and (business is None or ours or not business.words):
        return MentionMatch(f"{place}+vague", "+".join([*where, vague[0].term]))
    return None
