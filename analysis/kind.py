"""What a post is: complaint, consultation (a question to the bureau), request (asks for an action
without a grievance), rumour (a claim to verify), praise or other, with the reasons a person can
check; and whether it needs a government voice (actionable), whatever its tone."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from analysis.sentiment.base import SentimentResult
from analysis.sentiment.lexicon import find_cues

Kind = Literal["complaint", "consultation", "request", "rumour", "praise", "other"]
KIND_NAMES: dict[str, str] = {
    "complaint": "投诉", "consultation": "咨询", "request": "诉求", "rumour": "待核实传闻", "praise": "表扬",
    "other": "其他",
}

_ASKING = re.compile(r"请问|咨询一下|咨询：|咨询:|想问|想了解|(?<!过)问一下|(?<!过)问问|求问|请教|有谁知道|谁知道")
_QUESTION = re.compile(r"(?:怎么|怎麼|如何|哪里|哪裡|哪个|哪些|多少|多久|几|幾|什么|什麼|啥|是否|能不能|可不可以"
                       r"|可以.{0,12}吗|需要.{0,12}吗|吗|嗎|呢|还是|是不是|有没有|算不算|(\w)不\1|不)[^。！!？?]{0,12}[？?]")
_PRAISE_WORDS = re.compile(r"表扬|夸一下|夸夸|要夸|推荐|公道话|没得说|做得(?:好|不错|还行|很好)|值得|很好|挺好|不错|暖|\[(?:赞|鼓掌|心|good)\]")
_UNMARKED_QUESTION = re.compile(r"(?:吗|嗎|什么|什麼|啥|哪里|哪裡|哪儿|多少|几点|怎么办|咋办|咩|边度|邊度|有冇|点算|點算)"
                                r"[\s~～。.…]*$|(?:咩|边度|邊度|有冇|系咪|係咪|点样|點樣|几时|幾時|啥子|咋个)[^。！!]{0,20}[？?]"
                                r"|\b(?:how|what|where|when|which|who|can|could|is|are|does|do)\b[^.!?。！？]*\?", re.IGNORECASE)
"""A question without a question mark (民政局周六上班吗), in Cantonese or other dialect words, or in English."""
_NEWS = re.compile(r"^.{0,12}讯|据.{0,8}报道|记者|通报|热搜|新闻|发布会|^【.{2,30}】")
_FIRST_PERSON = re.compile(r"我|俺|咱")
_REQUEST = re.compile(r"建议|希望|恳请|恳求|请求|呼吁|盼望|期盼|望.{0,4}(?:尽快|早日|能够|予以)|请.{0,8}(?:解决|处理|落实|安排|增设|"
                      r"加快|协调|帮助|帮忙|关注|重视|考虑|核实|查处|督促)|能否|可否|要求.{0,8}(?:增设|安装|开通|解决)")
ACTIONABLE_KINDS = frozenset({"complaint", "consultation", "request", "rumour"})
_HEARSAY = re.compile(r"网传|听说|据说|传言|传闻|有人说|内部消息|在传|爆料|朋友说")


@dataclass(frozen=True)
class KindResult:
    """The kind of a post and why."""

    kind: Kind
    reasons: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The kind's Chinese name."""
        return KIND_NAMES[self.kind]


def _consultation(text: str, negative: bool) -> list[str]:
    asking = _ASKING.search(text)
    if asking:
        return [f"咨询：含提问用语“{asking.group(0)}”"]
    question = _QUESTION.search(text)
    if question and not negative:
        return [f"咨询：以问句提问“{question.group(0)}”"]
    return []


def _is_news(text: str) -> bool:
    return bool(_NEWS.search(text)) and not _FIRST_PERSON.search(text)


def classify_kind(text: str, sentiment: SentimentResult) -> KindResult:
    """The post's kind from its wording and its sentiment (a question counts even when neutral)."""
    negative = sentiment.label == "negative"
    cues = find_cues(text)
    grievances = [cue for cue in cues if cue.grievance and cue.group != "传闻指控"]
    praise = [cue.text for cue in cues if not cue.grievance]
    hearsay = _HEARSAY.search(text)
    if hearsay and (negative or grievances):
        return KindResult("rumour", [f"传闻：含“{hearsay.group(0)}”且内容负面，需核实"])
    request = _REQUEST.search(text)
    if request and not negative and not grievances and not _ASKING.search(text):
        return KindResult("request", [f"诉求：提出请求“{request.group(0)}”，无投诉情绪"])
    asked = _consultation(text, negative)
    if asked:
        return KindResult("consultation", asked)
    if _is_news(text):
        return KindResult("other", ["其他：新闻报道或通报，按事件与等级处理"])
    if negative or grievances:
        found = "、".join(dict.fromkeys(cue.text for cue in grievances)) or "、".join(sentiment.cues[:3])
        return KindResult("complaint", [f"投诉：情感负面，诉求线索“{found}”" if found else "投诉：情感负面"])
    praise += [match.group(0) for match in _PRAISE_WORDS.finditer(text)]
    if praise:
        return KindResult("praise", [f"表扬：含“{'、'.join(dict.fromkeys(praise))}”且情感不负面"])
    if hearsay:
        return KindResult("rumour", [f"传闻：含“{hearsay.group(0)}”，需核实"])
    return KindResult("other", ["其他：无投诉、咨询、传闻或表扬特征"])


def settle_kind(kind: KindResult, text: str, stance: str, about_us: bool = False) -> KindResult:
    """The kind once the stance and the mention are known: praise that reads negative is a
    complaint (sarcasm); praise that reads neutral is a request or a question that says thanks,
    else none (方便 in a report is not thanks); a complaint that reads calm and asks for something
    is a request; a post about the bureau (``about_us``) that is of no other kind is a complaint
    when it reads negative and is no news (排队排到冻死, 局长的话你信吗), a consultation when it asks
    without a question mark, in dialect or in English (民政局周六上班吗)."""
    if kind.kind == "other" and stance == "negative" and about_us and not _is_news(text):
        return KindResult("complaint", ["投诉：谈及本局且立场负面，不是新闻报道"])
    if kind.kind == "other" and stance != "negative" and about_us and (question := _UNMARKED_QUESTION.search(text)):
        return KindResult("consultation", [f"咨询：向本局提问“{question.group(0).strip()}”"])
    if kind.kind == "praise" and stance == "negative":
        return KindResult("complaint", ["投诉：表扬用语但立场负面（反讽）"])
    if kind.kind == "praise" and stance == "neutral":
        if request := _REQUEST.search(text):
            return KindResult("request", [f"诉求：提出请求“{request.group(0)}”，致谢用语不是表扬"])
        if asked := _consultation(text, False):
            return KindResult("consultation", [*asked, "致谢用语不是表扬"])
        return KindResult("other", ["其他：含表扬用语但立场中性"])
    if kind.kind == "complaint" and stance != "negative" and (request := _REQUEST.search(text)):
        return KindResult("request", [f"诉求：提出请求“{request.group(0)}”，立场不负面"])
    return kind


def is_actionable(kind: str, board: bool = False) -> tuple[bool, str]:
    """Whether the post needs a government voice, and why: complaints, consultations, requests
    and rumours do; on the city's own board every message but praise is addressed to government."""
    if kind in ACTIONABLE_KINDS:
        return True, f"需回应：{KIND_NAMES[kind]}"
    if board and kind != "praise":
        return True, "需回应：留言板来信均为向政府提出的事项"
    return False, f"无需回应：{KIND_NAMES[kind]}"
