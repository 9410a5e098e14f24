"""Who is who for a case: approvers by level, deputies for absent staff, the escalation ladder."""

from __future__ import annotations

from yuqing.core.config import Settings
from yuqing.core.config.staff import StaffMember

MANAGER_ROLES = frozenset({"spokesperson", "leader", "director"})
NO_SECTION = "相关科室"


def find_member(settings: Settings, key: str) -> StaffMember | None:
    """The staff member with this key, or None."""
    try:
        return settings.member(key)
    except KeyError:
        return None


def cover_for(settings: Settings, key: str) -> str:
    """The person actually on duty for `key`: the key itself, or its deputy chain when away."""
    seen: set[str] = set()
    while key and key not in seen:
        seen.add(key)
        person = find_member(settings, key)
        if person is None or not person.away:
            return key
        key = person.deputy
    return ""


def leaders_for(settings: Settings, topic: str) -> list[str]:
    """The leader(s) in charge of a topic: those listing it, else the first leader."""
    leaders = settings.with_role("leader")
    owning = [p.key for p in leaders if topic and topic in p.topics]
    return owning or [p.key for p in leaders[:1]]


def approvers_for(settings: Settings, level: int, topic: str) -> list[str]:
    """Who must approve a reply: spokesperson; Ⅱ+ also the leader in charge; Ⅰ also the director."""
    keys = [settings.spokesperson.key]
    if level <= 2:
        keys += leaders_for(settings, topic)
    if level <= 1:
        keys += [p.key for p in settings.with_role("director")]
    return list(dict.fromkeys(keys))


def section_of(settings: Settings, topic: str, owner: str) -> str:
    """The section answering for a case: its topic's section, else its owner's, else a neutral phrase."""
    for item in settings.topics.topics:
        if item.key == topic and item.section:
            return item.section
    person = find_member(settings, owner)
    return person.section if person and person.section else NO_SECTION


def ladder_rung(settings: Settings, owner: str, step: int) -> list[str]:
    """Staff keys at rung `step` of the escalation ladder (0 = the owner); empty rungs are skipped."""
    ladder = settings.response.routing.escalation_ladder
    rungs = [keys for keys in (_rung_keys(settings, owner, rung) for rung in ladder) if keys]
    if not rungs:
        return [settings.spokesperson.key]
    return rungs[min(step, len(rungs) - 1)]


def ladder_height(settings: Settings, owner: str) -> int:
    """How many filled rungs the ladder has for this owner."""
    return sum(1 for r in settings.response.routing.escalation_ladder if _rung_keys(settings, owner, r))


def _rung_keys(settings: Settings, owner: str, rung: str) -> list[str]:
    if rung == "commentator":
        return [owner] if owner else []
    if rung == "section_head":
        person = find_member(settings, owner)
        if person is None or person.section_head or not person.section:
            return []
        return [p.key for p in settings.staff.members if p.section == person.section and p.section_head]
    return [cover_for(settings, p.key) or p.key for p in settings.with_role(rung)]


def admin_addresses(settings: Settings) -> list[tuple[StaffMember, str, str]]:
    """(admin, channel, recipient) for every enabled channel of every admin."""
    found = []
    for admin in settings.with_role("admin"):
        for name in admin.channels:
            config = settings.response.channels.get(name)
            if config is None or not config.enabled:
                continue
            recipient = admin.email if config.type == "email" else name
            if recipient:
                found.append((admin, name, recipient))
    return found
