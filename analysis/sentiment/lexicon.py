"""Grievance and praise cues for public services, as regular expressions grouped by kind.

Calm complaints about a bureau rarely use angry words: they say what did not happen
("等了四十天还没结果", "电话一直没人接", "补贴三个月没发了", "网站又打不开了"). These cues
become features of the model and, when they fire, readable reasons.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUM = r"[一二两三四五六七八九十几半多\d]+"

GRIEVANCE_PATTERNS: dict[str, str] = {
    "无人应答": r"没人接|没来过|没见到人|没看到|无人接听|不接电话|占线|忙音|没人回|不回复|没回复|没有回复|不回|没下文|没有下文"
    r"|没回音|没有回音|石沉大海|没消息|没有消息|没人联系|没人来|没人管|无人问津|装聋作哑",
    "久拖不决": rf"等了.{{0,10}}(?:还|都|也|仍)(?:没|未|不)|要等{_NUM}(?:天|周|个月)"
    rf"|{_NUM}个?(?:天|周|月|年|工作日)(?:了)?(?:还|都|也|仍)(?:没|未|不见)"
    rf"|{_NUM}个?(?:天|周|月)没(?:发|到账|消息|回|人|结果|下来|批)"
    r"|还没(?:有)?(?:结果|到账|发下来|消息|回复|批下来|办下来|办完|送到)|迟迟|一拖再拖|拖到现在|拖欠|久拖"
    r"|拖多久|要拖|别再拖|还在拖|又拖"
    r"|一直(?:显示)?(?:在)?(?:审核|待审|处理中|走流程)|逾期|过了.{0,4}期限|回去等",
    "未发放": r"没发|未发|没到账|未到账|停发|断了|没领到|一分(?:钱)?(?:都)?没|少了|克扣|截留|冒领|挪用",
    "推诿拒办": r"推诿|踢皮球|互相推|推来推去|扯皮|不归.{0,4}管|不作为|慢作为|敷衍|刁难|卡着不办|被拒|驳回"
    r"|退回|不符合条件就|不给(?:说法|解释|办|看)|不告诉|说法都不一样|要的材料都不一样|投诉无门",
    "排队跑腿": rf"排队{_NUM}|排了{_NUM}|排了半天|叫号|号.{{0,3}}(?:没了|满了|办完了)|跑了{_NUM}趟|跑{_NUM}趟"
    r"|来回跑|白跑|跑断腿|排队太久|排(?:到|了).{0,8}还没|等太久|等了好久",
    "系统故障": r"打不开|崩了|坏了|报错|闪退|空白页|上传.{0,6}失败|提交不了|服务器错误|系统.{0,4}(?:故障|维护|升级)",
    "态度恶劣": r"态度(?:极)?(?:差|恶劣|很差|不好)|冷漠|冷血|不耐烦|翻白眼|甩材料|被训|挂断|赶走|拒之门外",
    "不公腐败": r"关系户|关系保|人情保|官官相护|黑心|乱收费|强制消费|霸王条款|倒卖|腰包|吞了|暗箱",
    "强烈不满": r"寒心|心寒|失望|过分|离谱|无语|气死|气人|恶心|垃圾|骗子|骗鬼|良心|讨说法|给个说法|严查|摆设|套话|算什么",
    "传闻指控": r"网传|听说|据说|传言|传闻|有人说|内部消息|在传|爆料",
}

PRAISE_PATTERNS: dict[str, str] = {
    "感谢": r"感谢|谢谢|多谢|致敬|辛苦了",
    "点赞": r"点赞|好评|点个赞|值得学习|好样的|给力|真好|真棒",
    "服务周到": r"耐心|细心|贴心|暖心|周到|热情|负责|专业|温馨|感动",
    "办事高效": r"很快|及时|准时|效率.{0,2}高|当场|当天就|一次都不用跑|不用跑|方便|解决了|办好了|就到账",
}

CONTEXT_PATTERN = (
    r"民政|低保|救助|特困|五保|养老|敬老院|高龄|殡葬|殡仪|火化|公墓|婚姻登记|结婚证|离婚|福利院|孤儿|留守"
    r"|社会组织|基金会|社团|补贴|津贴|窗口|办事|审核|审批|街道|社区|政务|热线|12345|留言"
)
"""Words of the bureau's services: a text holding one is read in the civil-affairs context."""

_CONTEXT = re.compile(CONTEXT_PATTERN)
_GRIEVANCE = {name: re.compile(pattern) for name, pattern in GRIEVANCE_PATTERNS.items()}
_PRAISE = {name: re.compile(pattern) for name, pattern in PRAISE_PATTERNS.items()}


@dataclass(frozen=True)
class Cue:
    """A cue that fired: its group, whether it is a grievance, and the words that matched."""

    group: str
    grievance: bool
    text: str

    @property
    def token(self) -> str:
        """The feature token the model learns a weight for."""
        return ("g:" if self.grievance else "p:") + self.group


def summary_tokens(cues: list[Cue]) -> set[str]:
    """Tokens for how many grievance and praise groups fired, so the model can weigh their sum."""
    grievances = sum(cue.grievance for cue in cues)
    found = {"g:any"} if grievances else set()
    if grievances >= 2:
        found.add("g:many")
    if len(cues) > grievances:
        found.add("p:any")
    return found


_NEGATION = re.compile(r"(?:不用|不必|无需|无须|不再|免得|免去|避免|防止|杜绝)$")


def _first_affirmed(pattern: re.Pattern[str], text: str, grievance: bool) -> str | None:
    """The first match, skipping grievances that are negated ("不用来回跑" is not a complaint)."""
    for match in pattern.finditer(text):
        if not (grievance and _NEGATION.search(text[max(0, match.start() - 3):match.start()])):
            return match.group(0)
    return None


def find_cues(text: str) -> list[Cue]:
    """Every grievance and praise group that matches the text, with its first match."""
    found = []
    for grievance, patterns in ((True, _GRIEVANCE), (False, _PRAISE)):
        for group, pattern in patterns.items():
            if (matched := _first_affirmed(pattern, text, grievance)) is not None:
                found.append(Cue(group, grievance, matched))
    return found


def in_context(text: str) -> bool:
    """Whether the text speaks of the bureau's services, where calm words can carry a grievance."""
    return _CONTEXT.search(text) is not None
