"""`yuqing queue`: intake, list/show as JSON, and a case driven to closed from the terminal."""

import json
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner

from yuqing.shell.cli import cli
from yuqing.core.storage.db import make_engine, session_factory, transaction, upgrade
from yuqing.core.storage.models import Assessment, Post


@pytest.fixture
def run(profile_dir, tmp_path):
    """Invoke `yuqing` on a database holding one analysed complaint post."""
    url = f"sqlite:///{tmp_path / 'queue.db'}"
    engine = make_engine(url)
    upgrade(engine)
    at = datetime.now(timezone.utc)
    with transaction(session_factory(engine)) as session:
        post = Post(dedup_key="weibo:1", platform="weibo", clean_text="请问低保怎么申请，要带什么材料？",
                    fetched_at=at, updated_at=at, url="https://weibo.example/1")
        session.add(post)
        session.flush()
        session.add(Assessment(post_id=post.id, sentiment=0.2, sentiment_label="negative", kind="consultation",
                               topic="subsistence", level=3, assessed_at=at))
    engine.dispose()

    def invoke(*args: str, code: int = 0) -> str:
        result = CliRunner().invoke(cli, ["--config", str(profile_dir), "--database-url", url, "queue", *args])
        assert result.exit_code == code, result.output
        return result.output

    return invoke


def test_intake_then_list_and_show_as_json(run):
    assert "新建工单 1 个" in run("intake")
    [item] = json.loads(run("list", "--json"))
    assert {k: item[k] for k in ("id", "level", "kind", "state", "owner")} == {
        "id": 1, "level": 3, "kind": "consultation", "state": "assigned", "owner": "relief-chief"}
    assert item["deadline"] and item["suggestions"][0]["sentences"][1]["source"] == "policy:dibao-apply"
    detail = json.loads(run("show", "1", "--json", "--as", "relief-chief"))
    assert "claim" in detail["allowed_actions"] and detail["actions"][0]["action"] == "open"
    assert "建议回复 1" in run("show", "1")


def test_a_case_from_claim_to_close_with_self_approval_refused(run):
    run("intake")
    run("claim", "1", "--as", "relief-chief")
    assert "待审核" in run("reply", "1", "--use", "1", "--as", "relief-chief")
    refused = run("approve", "1", "--as", "relief-chief", code=1)
    assert "无权" in refused or "自己" in refused or "审核人" in refused
    run("approve", "1", "--as", "spokesperson")
    run("publish", "1", "--url", "https://weibo.example/reply/1", "--as", "relief-chief")
    assert "已关闭" in run("close", "1", "--as", "spokesperson")
    assert "--reason" in run("dismiss", "1", "--as", "spokesperson", code=2)
    [item] = json.loads(run("list", "--json", "--all"))
    assert item["state"] == "closed"


def test_a_consultation_is_revisited_from_the_terminal_and_unsatisfied_reopens_it(run):
    run("intake")
    run("claim", "1", "--as", "relief-chief")
    run("reply", "1", "--use", "1", "--as", "relief-chief")
    run("approve", "1", "--as", "spokesperson")
    run("publish", "1", "--url", "https://weibo.example/reply/1", "--as", "relief-chief")
    [task] = json.loads(run("revisits", "--json"))
    assert (task["case_id"], task["round"], task["owner"], task["done_at"]) == (1, 1, "relief-chief", None)
    assert "第1次 待回访" in run("revisits")
    bad = run("revisit", "1", "--as", "relief-chief", "--method", "电话", "--satisfaction", "一般",
              "--outcome", "已联系", code=1)
    assert bad.startswith("错误: 请选择回访满意度") and bad.count("\n") == 1
    out = run("revisit", "1", "--as", "relief-chief", "--method", "电话", "--satisfaction", "不满意",
              "--outcome", "群众仍不清楚需要哪些材料")
    assert "当前状态「已分办」" in out
    detail = json.loads(run("show", "1", "--json"))
    assert detail["revisits"][0]["satisfaction_label"] == "不满意"
    assert detail["actions"][-1]["reason"] == "回访不满意：群众仍不清楚需要哪些材料"
    assert json.loads(run("revisits", "--json")) == [] and len(json.loads(run("revisits", "--all", "--json"))) == 1


def test_illegal_action_is_one_clear_line(run):
    run("intake")
    output = run("publish", "1", "--url", "https://x.example", "--as", "relief-chief", code=1)
    assert output.startswith("错误: 工单 #1 当前为「已分办」，不能「登记已发布」") and "Traceback" not in output


def test_suggestions_refresh_after_the_missing_policy_answer_is_added(run, profile_dir):
    path = profile_dir / "replies.yaml"
    full = path.read_text(encoding="utf-8")
    path.write_text(full.split("policies:")[0] + "policies: []\n", encoding="utf-8")
    run("intake")
    before = json.loads(run("show", "1", "--json"))["suggestions"]
    assert before[0]["missing"].startswith("缺少与")
    path.write_text(full, encoding="utf-8")
    assert "缺少" not in run("suggest", "1")
    after = json.loads(run("show", "1", "--json"))["suggestions"]
    assert after[0]["missing"] == "" and after[0]["sentences"][1]["source"] == "policy:dibao-apply"
