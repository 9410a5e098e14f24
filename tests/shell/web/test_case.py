"""The case page: posts, suggestions with citations, the editor's limit, actions through the workflow."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.shell.web.conftest import act, csrf_from, sign_in, sqlite_url
from yuqing.core.storage.models import Case, CaseAction


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """The workflow is tested on both backends by the responder's tests; the case page runs on SQLite."""
    return sqlite_url(tmp_path)


def test_case_page_shows_posts_spread_suggestions_and_citations(as_role, seeded):
    page = as_role("commentator").get(f"/cases/{seeded.case_id}").text
    assert "请问榆川低保怎么申请" in page
    assert "<b>12</b> 转发" in page and "<b>2</b> 个平台" in page
    assert "出自政策答复「低保怎么申请？」（《榆川市最低生活保障实施办法》第十条）" in page
    assert "多平台出现同类咨询" in page and "回复上限 140 字" in page


def test_only_allowed_actions_are_offered(as_role, seeded):
    client = as_role("commentator")
    page = client.get(f"/cases/{seeded.case_id}").text
    assert 'value="claim"' in page and 'value="approve"' not in page and 'value="dismiss"' not in page
    assert 'id="reply-text"' not in page
    act(client, seeded.case_id, "claim")
    page = client.get(f"/cases/{seeded.case_id}").text
    assert 'id="reply-text"' in page and 'data-limit="140"' in page


def test_full_flow_claim_submit_approve_publish_is_audited(client, seeded):
    sign_in(client, "commentator")
    assert act(client, seeded.case_id, "claim").status_code == 303
    assert act(client, seeded.case_id, "submit", text="您好，低保可向户籍所在地街道提出申请。").status_code == 303
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/queue").text)})
    sign_in(client, "spokesperson")
    assert act(client, seeded.case_id, "approve").status_code == 303
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/queue").text)})
    sign_in(client, "commentator")
    assert act(client, seeded.case_id, "record_published", url="https://weibo.example/reply/1").status_code == 303
    page = client.get(f"/cases/{seeded.case_id}").text
    for label in ("认领", "提交审核", "审核通过", "登记已发布"):
        assert f"<td>{label}</td>" in page
    assert "https://weibo.example/reply/1" in page


def test_reply_past_the_platform_limit_is_refused_by_the_server(as_role, seeded, desk_app):
    client = as_role("commentator")
    act(client, seeded.case_id, "claim")
    response = act(client, seeded.case_id, "submit", text="字" * 141)
    assert response.status_code == 400 and "超过平台上限 140 字" in response.text
    with desk_app.sessions() as session:
        assert session.get(Case, seeded.case_id).state == "assigned"


def test_crlf_line_ends_count_as_one_character(as_role, seeded):
    client = as_role("commentator")
    act(client, seeded.case_id, "claim")
    assert act(client, seeded.case_id, "submit", text="字" * 69 + "\r\n" + "字" * 70).status_code == 303


def test_illegal_transition_is_a_409_page_with_the_workflow_message(as_role, seeded):
    response = act(as_role("commentator"), seeded.case_id, "record_published", url="https://x.example/1")
    assert response.status_code == 409 and "不能「登记已发布」" in response.text


def test_dismiss_without_reason_is_refused(as_role, seeded, desk_app):
    response = act(as_role("spokesperson"), seeded.case_id, "dismiss", reason="  ")
    assert response.status_code == 400 and "请填写原因" in response.text
    with desk_app.sessions() as session:
        actions = session.scalars(select(CaseAction.action).where(CaseAction.case_id == seeded.case_id)).all()
        assert "dismiss" not in actions and session.get(Case, seeded.case_id).state == "assigned"


def test_stale_form_is_refused_after_someone_else_acted(as_role, seeded):
    client = as_role("other_commentator")
    page = client.get(f"/cases/{seeded.case_id}").text
    form = {"action": "claim", "csrf_token": csrf_from(page), "version": re.search(r'name="version" value="(\d+)"', page)[1]}
    first = client.post(f"/cases/{seeded.case_id}/act", data=form)
    again = client.post(f"/cases/{seeded.case_id}/act", data=form)
    assert first.status_code == 303 and again.status_code == 409 and "刷新" in again.text


def test_missing_case_is_a_chinese_404_page(as_role, seeded):
    response = as_role("commentator").get("/cases/9999")
    assert response.status_code == 404 and "没有编号为 9999 的工单" in response.text


def test_spokesperson_relabels_sentiment_with_a_reason(as_role, seeded, desk_app):
    client = as_role("spokesperson")
    assert "更正标注（情感或级别）" in client.get(f"/cases/{seeded.case_id}").text
    assert act(client, seeded.case_id, "relabel", label="neutral", reason="实为咨询").status_code == 303
    page = client.get(f"/cases/{seeded.case_id}").text
    assert page.count("中性（负面概率") == 2 and "<td>实为咨询</td>" in page


def test_spokesperson_marks_no_response_needed_with_a_reason(as_role, seeded, desk_app):
    client = as_role("spokesperson")
    assert act(client, seeded.case_id, "dismiss", reason="重复信息，已在他案答复").status_code == 303
    with desk_app.sessions() as session:
        assert session.get(Case, seeded.case_id).state == "no_response"


def test_every_offered_action_asks_for_what_it_needs(as_role, seeded):
    page = as_role("spokesperson").get(f"/cases/{seeded.case_id}").text
    dismiss = page[page.index('class="action action-dismiss"'):]
    assert '<input name="reason" placeholder="必填" required>' in dismiss[:dismiss.index("</form>")]
    transfer = page[page.index('class="action action-transfer"'):]
    assert 'name="unit"' in transfer[:transfer.index("</form>")]


def test_approvals_page_lists_pending_replies_and_sends_back_with_a_reason(client, seeded, desk_app):
    sign_in(client, "commentator")
    act(client, seeded.case_id, "claim")
    act(client, seeded.case_id, "submit", text="您好，低保可向户籍所在地街道提出申请。")
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/queue").text)})
    sign_in(client, "spokesperson")
    page = client.get("/approvals").text
    assert f'id="approval-{seeded.case_id}"' in page and "您好，低保可向户籍所在地街道提出申请。" in page
    token = csrf_from(page)
    response = client.post(f"/cases/{seeded.case_id}/act",
                           data={"action": "send_back", "reason": "请补充办理时限", "csrf_token": token})
    assert response.status_code == 303
    assert "目前没有待审核的回复" in client.get("/approvals").text
    with desk_app.sessions() as session:
        case = session.get(Case, seeded.case_id)
        assert case.state == "sent_back" and case.actions[-1].reason == "请补充办理时限"


def test_another_departments_matter_shows_for_transfer_and_filters_the_queue(as_role, seeded, desk_app):
    from yuqing.core.storage.db import transaction

    with transaction(desk_app.sessions) as session:
        session.get(Case, seeded.case_id).department = "人社"
    client = as_role("spokesperson")
    assert "建议转办人社" in client.get(f"/cases/{seeded.case_id}").text
    listed = client.get("/queue/team", params={"department": "人社"}).text
    assert f"/cases/{seeded.case_id}\"" in listed and "转办人社" in listed
    assert f"/cases/{seeded.overdue_case_id}\"" not in listed
    api = client.get("/api/cases", params={"department": "人社"}).json()
    assert [row["id"] for row in api] == [seeded.case_id] and api[0]["department"] == "人社"


def test_a_published_link_passes_the_one_url_check(as_role, seeded):
    client = as_role("spokesperson")
    refused = act(client, seeded.case_id, "publish", url="https:///no-host", reason="已发布")
    assert refused.status_code == 400 and "完整网址" in refused.text
    assert act(client, seeded.case_id, "publish", url="javascript:alert(1)").status_code == 400


def _published(client, seeded) -> None:
    """Claim, reply, approve and record the publication of the seeded consultation."""
    sign_in(client, "commentator")
    act(client, seeded.case_id, "claim")
    act(client, seeded.case_id, "submit", text="您好，低保可向户籍所在地街道提出申请。")
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/queue").text)})
    sign_in(client, "spokesperson")
    act(client, seeded.case_id, "approve")
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/queue").text)})
    sign_in(client, "commentator")
    act(client, seeded.case_id, "record_published", url="https://weibo.example/reply/1")


def test_revisit_form_records_the_outcome_and_unsatisfied_reopens_the_case(client, seeded, desk_app):
    _published(client, seeded)
    listed = client.get("/revisits").text
    assert f'data-case="{seeded.case_id}"' in listed and "第 1 次" in listed
    page = client.get(f"/cases/{seeded.case_id}").text
    assert 'value="revisit"' in page and '<option value="电话">' in page and '<option value="unsatisfied">不满意' in page
    refused = act(client, seeded.case_id, "revisit", method="飞鸽", satisfaction="satisfied", reason="已联系")
    assert refused.status_code == 400 and "请选择回访方式" in refused.text
    missing = act(client, seeded.case_id, "revisit", method="电话", reason="已联系")
    assert missing.status_code == 400 and "请选择满意度" in missing.text
    done = act(client, seeded.case_id, "revisit", method="电话", satisfaction="unsatisfied", reason="群众说材料清单不全")
    assert done.status_code == 303
    page = client.get(f"/cases/{seeded.case_id}").text
    assert 'data-satisfaction="unsatisfied"' in page and "<td>不满意</td>" in page
    assert "回访不满意：群众说材料清单不全" in page and 'data-action="reopen"' in page
    with desk_app.sessions() as session:
        assert session.get(Case, seeded.case_id).state == "assigned"
    assert f'data-case="{seeded.case_id}"' not in client.get("/revisits").text


def test_dashboard_reports_response_timeliness_and_satisfaction(client, seeded):
    _published(client, seeded)
    act(client, seeded.case_id, "revisit", method="短信", satisfaction="satisfied", reason="已解决")
    page = client.get("/dashboard").text
    total = re.search(r'<tr data-group="total">(.*?)</tr>', page, re.S).group(1)
    assert "1 / 0 / 0" in total and "100%" in total
    assert page.count('data-group="section"') >= 1 and page.count('data-group="commentator"') >= 3


def test_case_page_shows_whether_the_published_reply_was_seen(client, seeded, desk_app, now):
    from responder.confirm import confirm_responses
    from responder.sighting import Page

    _published(client, seeded)
    assert "等待首次检查" in client.get(f"/cases/{seeded.case_id}").text
    reply = "您好，低保可向户籍所在地街道提出申请。"
    body = f"<p>榆川民政：{reply}</p>".encode()
    report = confirm_responses(desk_app.sessions, desk_app.settings, now, fetch=lambda url: Page(200, "text/html", body))
    assert report.confirmed == 1
    page = client.get(f"/cases/{seeded.case_id}").text
    assert 'data-status="seen"' in page and "见到本局账号「榆川民政」的回复" in page and "已确认" in page
