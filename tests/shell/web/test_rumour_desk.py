"""The rumour workflow on the desk's case page: 核实 with evidence, the rebuttal from chosen approved
templates, approval, publication, a referral with its answer, and the spread table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.shell.web.conftest import act, csrf_from, sign_in, sqlite_url
from yuqing.core.storage.db import transaction
from yuqing.core.storage.models import Case

FINDING = "低保申请渠道未作调整，街道和线上平台均可受理"


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """The workflow is tested on both backends by the responder's tests; the page runs on SQLite."""
    return sqlite_url(tmp_path)


@pytest.fixture
def rumour(desk_app, seeded) -> int:
    """The seeded case, taken as a rumour."""
    with transaction(desk_app.sessions) as session:
        session.get(Case, seeded.case_id).kind = "rumour"
    return seeded.case_id


def _switch(client, role: str) -> None:
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/queue").text)})
    sign_in(client, role)


def _section(page: str) -> str:
    return re.search(r'<section class="panel" id="rumour">(.*?)</section>', page, re.S).group(1)


def test_a_rumour_is_verified_rebutted_published_and_tracked_on_the_case_page(client, rumour):
    sign_in(client, "commentator")
    act(client, rumour, "claim")
    refused = act(client, rumour, "rebut")
    assert refused.status_code == 409 and "尚未核实" in refused.text
    assert act(client, rumour, "verify_open", reason="联系街道核实").status_code == 303
    missing = act(client, rumour, "evidence", reason="电话核实")
    assert missing.status_code == 400 and "证据来源" in missing.text
    act(client, rumour, "evidence", source="人民街道社会事务办", reason="电话核实受理情况",
        url="https://yc.example/notice/2", file_name="通话记录.txt")
    act(client, rumour, "verify", verdict="false", reason=FINDING)
    bad = act(client, rumour, "rebut", templates=["rumour-open", "consult-open"])
    assert bad.status_code == 400 and "不是辟谣模板" in bad.text
    act(client, rumour, "rebut", templates=["rumour-open", "rumour-follow"])
    page = client.get(f"/cases/{rumour}").text
    assert 'id="btn-draft"' not in page and 'id="btn-submit"' in page
    section = _section(page)
    assert "不实" in section and FINDING in section and "人民街道社会事务办" in section and "通话记录.txt" in section
    text = re.search(r'<textarea name="text"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    assert f"经核实，{FINDING}。" in text and text.endswith("核实情况将通过榆川市民政局官方渠道及时发布。")
    assert act(client, rumour, "submit", text=text + "另外").status_code == 409
    assert act(client, rumour, "submit", text=text).status_code == 303
    _switch(client, "spokesperson")
    act(client, rumour, "approve")
    assert act(client, rumour, "refer", unit="公安", reason="造谣账号可查").status_code == 303
    _switch(client, "commentator")
    act(client, rumour, "record_published", url="https://weibo.example/rebuttal/1")
    act(client, rumour, "transfer_answer", unit="公安", reason="已约谈发帖人")
    section = _section(client.get(f"/cases/{rumour}").text)
    transfer = re.search(r'<tr data-transfer="\d+">(.*?)</tr>', section, re.S).group(1)
    assert "公安" in transfer and "造谣账号可查" in transfer and "已约谈发帖人" in transfer
    before = re.search(r'<tr data-window="发布前24小时">(.*?)</tr>', section, re.S).group(1)
    assert re.findall(r'<td class="num">(\d+)</td>', before) == ["2", "0"]
    assert '<tr data-window="第1天"><td>第1天（截至目前）</td>' in section
    audit = client.get(f"/cases/{rumour}").text
    for action in ("verify_open", "evidence", "verify", "rebut", "refer", "transfer_answer"):
        assert f'<tr data-action="{action}">' in audit
