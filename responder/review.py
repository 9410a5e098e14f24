"""Drafts and approval: versions, one pending reply per case, nobody approves their own reply."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from responder import alerts, deadlines
from responder.audit import WorkflowError, move
from responder.people import leaders_for
from yuqing.core.config import Settings
from yuqing.core.storage.case_data import case_data, update_case_data
from yuqing.core.storage.models import Case, CaseAction, Draft


def reply_limit(settings: Settings, platform: str) -> int:
    """The character limit for replies on a platform (platform_limits, else 'default', else 150)."""
    limits = settings.response.platform_limits
    return limits.get(platform, limits.get("default", 150))


def latest(case: Case, status: str | None = None) -> Draft | None:
    """The newest draft, optionally only one with this status."""
    drafts = [d for d in case.drafts if status is None or d.status == status]
    return drafts[-1] if drafts else None


def required_approvers(case: Case, draft: Draft, settings: Settings) -> list[str]:
    """The case's approvers except the author; if that leaves nobody, the leader in charge."""
    keys = [k for k in case.approvers if k != draft.author]
    return keys or [k for k in leaders_for(settings, case.topic) if k != draft.author]


def _check_text(settings: Settings, case: Case, text: str) -> str:
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise WorkflowError("回复内容不能为空", 400)
    limit = reply_limit(settings, case.platform)
    if len(text) > limit:
        raise WorkflowError(f"回复共 {len(text)} 字，超过该平台上限 {limit} 字", 400)
    return text


def _new_draft(session: Session, case: Case, text: str, actor: str, now: datetime, status: str) -> Draft:
    version = max((d.version for d in case.drafts), default=0) + 1
    draft = Draft(case=case, version=version, text=text, platform=case.platform, author=actor, status=status,
                  citations=_citations(case, text), created_at=now)
    session.add(draft)
    return draft


def _citations(case: Case, text: str) -> list[dict]:
    """Suggestion sentences the draft kept word for word, with their sources."""
    sentences = [s for item in case.suggestions for s in item.get("sentences", [])]
    return [s for s in {s["text"]: s for s in sentences}.values() if s["text"] in text]


def draft(session: Session, settings: Settings, case: Case, actor: str, now: datetime, text: str | None) -> None:
    """Save a new draft version."""
    version = _new_draft(session, case, _check_text(settings, case, text or ""), actor, now, "draft")
    move(session, case, "draft", actor, now, "drafting", draft_version=version.version)


def submit(session: Session, settings: Settings, case: Case, actor: str, now: datetime, text: str | None) -> None:
    """Put a reply up for approval: the given text as a new version, else the latest draft."""
    if text:
        chosen = _new_draft(session, case, _check_text(settings, case, text), actor, now, "pending")
    else:
        chosen = latest(case, "draft")
        if chosen is None:
            raise WorkflowError("还没有草稿，请先填写回复内容", 400)
        _check_text(settings, case, chosen.text)
        chosen.status = "pending"
    update_case_data(case, approvals={**case_data(case).get("approvals", {}), str(chosen.version): []})
    move(session, case, "submit", actor, now, "pending_approval", draft_version=chosen.version)
    alerts.submitted(session, settings, case, now, chosen.version, chosen.author)


def may_approve(case: Case, actor: str, settings: Settings) -> str:
    """Why this person may not approve the pending reply ('' when they may)."""
    pending = latest(case, "pending")
    if pending is None:
        return "没有待审核的回复"
    if actor == pending.author:
        return "不能审核自己起草的回复"
    if actor not in required_approvers(case, pending, settings):
        return "您不是该工单的审核人"
    if actor in case_data(case).get("approvals", {}).get(str(pending.version), []):
        return "您已审核通过该稿"
    return ""


def approve(session: Session, settings: Settings, case: Case, actor: str, now: datetime, reason: str) -> None:
    """Record one approval; when every required approver has approved, the reply is approved."""
    pending = latest(case, "pending")
    approvals = case_data(case).get("approvals", {})
    signed = [*approvals.get(str(pending.version), []), actor]
    update_case_data(case, approvals={**approvals, str(pending.version): signed})
    done = set(required_approvers(case, pending, settings)) <= set(signed)
    if done:
        pending.status, pending.decided_by, pending.decided_at = "approved", ",".join(signed), now
    move(session, case, "approve", actor, now, "approved" if done else None, reason=reason,
         draft_version=pending.version, data={"approved_by": signed, "complete": done})


def send_back(session: Session, settings: Settings, case: Case, actor: str, now: datetime, reason: str) -> None:
    """Return the pending (or approved, unpublished) reply to its author with a reason."""
    chosen = latest(case, "pending") or latest(case, "approved")
    chosen.status, chosen.decided_by, chosen.decided_at = "sent_back", actor, now
    move(session, case, "send_back", actor, now, "sent_back", reason=reason, draft_version=chosen.version)
    alerts.sent_back(session, settings, case, now, chosen.version, reason)


def record_published(session: Session, case: Case, actor: str, now: datetime, url: str | None) -> CaseAction:
    """A person published the approved reply: keep the link, meet the next clock milestone; returns the audit row."""
    if not url or not url.startswith(("http://", "https://")):
        raise WorkflowError("请填写发布链接（以 http:// 或 https:// 开头）", 400)
    chosen = latest(case, "approved")
    chosen.status = "published"
    case.published_url = url
    case.first_response_at = case.first_response_at or now
    met = deadlines.complete_next(case, now)
    publications = [*case_data(case).get("publications", []), {"url": url, "at": now.isoformat(), "by": actor,
                                                            "draft_version": chosen.version, "clock": met}]
    update_case_data(case, publications=publications)
    return move(session, case, "record_published", actor, now, "responded", draft_version=chosen.version,
                data={"url": url, "clock": met})
