"""`yuqing queue`: the reply queue at a terminal — list, show, act on cases, run intake/clocks/outbox."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Callable

import click

from yuqing.core.app import App, YuqingError
from yuqing.shell.cli import AppHolder, pass_app
from yuqing.core.storage.db import MAX_ROW_ID, row_id_in_range



class CaseId(click.ParamType):
    """A case number: ASCII digits within the id column's range (larger ids overflow the database driver)."""

    name = "case_id"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        """The case number, or a one-line usage error saying which numbers exist."""
        text = str(value).strip()
        if text.isascii() and text.isdigit() and len(text) <= 10 and row_id_in_range(int(text)):
            return int(text)
        self.fail(f"工单编号应为 1 到 {MAX_ROW_ID} 之间的整数，收到 {text[:40]}（超出范围或不是数字）", param, ctx)


CASE_ID = CaseId()
ACTOR = click.option("--as", "actor", required=True, envvar="YUQING_AS",
                     help="操作人的人员代号（staff.yaml 中的 key；也可用 YUQING_AS）")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _app(holder: AppHolder) -> App:
    app = holder.get()
    app.upgrade_schema()
    return app


def _reader(holder: AppHolder) -> App:
    app = holder.get()
    app.require_schema()
    return app


def _summary(app: App, case) -> dict[str, Any]:
    from responder.states import level_label, state_label

    return {"id": case.id, "title": case.title, "level": case.level, "level_label": level_label(case.level),
            "kind": case.kind, "state": case.state, "state_label": state_label(case.state), "owner": case.owner,
            "deadline": case.deadline_at.isoformat() if case.deadline_at else None,
            "suggestions": case.suggestions}


def _detail(app: App, case, actor: str | None) -> dict[str, Any]:
    from dataclasses import asdict

    from responder.clocks import case_metrics
    from responder.workflow import allowed_actions

    data = _summary(app, case)
    data |= {"topic": case.topic, "platform": case.platform, "approvers": case.approvers,
             "published_url": case.published_url, "metrics": asdict(case_metrics(case, _now())),
             "posts": [{"id": link.post.id, "platform": link.post.platform, "url": link.post.url,
                        "text": link.post.clean_text} for link in case.posts],
             "drafts": [{"version": d.version, "status": d.status, "author": d.author, "text": d.text}
                        for d in case.drafts],
             "actions": [{"at": a.at.isoformat(), "actor": a.actor, "action": a.action, "from": a.from_state,
                          "to": a.to_state, "reason": a.reason, "draft_version": a.draft_version}
                         for a in case.actions],
             "revisits": [_revisit_json(r) for r in case.revisits]}
    from yuqing.shell.cli.rumour_cmds import transfer_json, verification_json

    data |= {"verifications": verification_json(case), "transfers": transfer_json(case)}
    if actor:
        data["allowed_actions"] = allowed_actions(case, actor, app.settings)
    return data


def _revisit_json(task) -> dict[str, Any]:
    from responder.revisits import SATISFACTION_LABELS

    return {"case_id": task.case_id, "round": task.round, "owner": task.owner, "due": task.due_at.isoformat(),
            "done_at": task.done_at.isoformat() if task.done_at else None, "done_by": task.done_by,
            "method": task.method, "outcome": task.outcome, "satisfaction": task.satisfaction,
            "satisfaction_label": SATISFACTION_LABELS.get(task.satisfaction, "")}


@click.group("queue")
def queue() -> None:
    """回应工单队列：查看、认领、起草、审核、登记发布，以及生成工单、检查时限、发送提醒。"""


@queue.command("list")
@click.option("--state", "states", multiple=True, help="只看这些状态（可重复，如 --state assigned）")
@click.option("--mine", "mine", default=None, help="只看该人员负责的工单")
@click.option("--all", "show_all", is_flag=True, help="包括已关闭与无需回应的工单")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@pass_app
def list_cases(holder: AppHolder, states: tuple[str, ...], mine: str | None, show_all: bool, as_json: bool) -> None:
    """列出工单（默认只列未办结的，按级别和时限排序）。"""
    from responder.alerts import local_text
    from responder.reply_queue import QueueFilter, list_queue
    from responder.states import LEVEL_NUMERALS, state_label

    app = _reader(holder)
    filters = QueueFilter(states=states, owner=mine or "", include_finished=show_all)
    with app.sessions() as session:
        cases = list_queue(session, filters)
        if as_json:
            click.echo(json.dumps([_summary(app, c) for c in cases], ensure_ascii=False, indent=2))
            return
        for c in cases:
            click.echo(f"#{c.id:<5} {LEVEL_NUMERALS.get(c.level, c.level)}级 {state_label(c.state):<6} "
                       f"{c.owner or '待分派':<14} 时限 {local_text(app.settings, c.deadline_at)}  {c.title[:40]}")
        click.echo(f"共 {len(cases)} 个工单。")


def _load(session, case_id: int):
    from yuqing.core.storage.models import Case

    case = session.get(Case, case_id)
    if case is None:
        raise YuqingError(f"工单 #{case_id} 不存在")
    return case


def _print_detail(data: dict[str, Any]) -> None:
    click.echo(f"工单 #{data['id']}  {data['level_label']}  {data['state_label']}  负责人 {data['owner'] or '待分派'}")
    click.echo(f"标题: {data['title']}\n时限: {data['deadline'] or '—'}  审核人: {', '.join(data['approvers'])}")
    for post in data["posts"]:
        click.echo(f"  帖子 [{post['platform']}] {post['url']}  {post['text'][:60]}")
    for i, item in enumerate(data["suggestions"], 1):
        click.echo(f"建议回复 {i}（{len(item['text'])}/{item['limit']} 字）: {item['text']}")
        click.echo("  出处: " + "；".join(s["source"] for s in item["sentences"]))
        if item.get("missing"):
            click.echo(f"  缺少: {item['missing']}")
    for a in data["actions"]:
        click.echo(f"  {a['at'][:16]} {a['actor']:<14} {a['action']:<16} {a['from'] or '—'} → {a['to']}  {a['reason']}")
    for r in data["revisits"]:
        done = f"{r['done_at'][:16]} {r['method']} {r['satisfaction_label']} {r['outcome']}" if r["done_at"] else "待回访"
        click.echo(f"  回访第 {r['round']} 次（到期 {r['due'][:16]}，{r['owner']}）：{done}")
    from yuqing.shell.cli.rumour_cmds import print_rumour

    print_rumour(data)
    if "allowed_actions" in data:
        click.echo("可执行: " + ", ".join(data["allowed_actions"]))


@queue.command("show")
@click.argument("case_id", type=CASE_ID)
@click.option("--as", "actor", default=None, envvar="YUQING_AS", help="显示该人员可执行的操作")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@pass_app
def show_case(holder: AppHolder, case_id: int, actor: str | None, as_json: bool) -> None:
    """显示一个工单：帖子、建议回复及出处、草稿、审计记录、可执行操作。"""
    app = _reader(holder)
    with app.sessions() as session:
        data = _detail(app, _load(session, case_id), actor)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _print_detail(data)


def _act(holder: AppHolder, case_id: int, action: str, actor: str, **fields: Any) -> None:
    from responder.states import action_label, state_label
    from responder.workflow import WorkflowError, apply
    from yuqing.core.storage.db import transaction

    app = _app(holder)
    try:
        with transaction(app.sessions) as session:
            case = apply(session, case_id, action, actor, _now(), settings=app.settings, **fields)
            state = case.state
    except WorkflowError as exc:
        raise YuqingError(str(exc)) from None
    click.echo(f"工单 #{case_id}：{action_label(action)} 完成，当前状态「{state_label(state)}」。")


def _suggestion_text(holder: AppHolder, case_id: int, use: int | None, text: str | None) -> str | None:
    if text or use is None:
        return text
    with holder.get().sessions() as session:
        suggestions = _load(session, case_id).suggestions
    if not 1 <= use <= len(suggestions):
        raise YuqingError(f"没有第 {use} 条建议回复（共 {len(suggestions)} 条）")
    return suggestions[use - 1]["text"]


def _simple(name: str, action: str, doc: str, *options: Callable[[Any], Any]) -> click.Command:
    @queue.command(name, help=doc)
    @click.argument("case_id", type=CASE_ID)
    @ACTOR
    @pass_app
    def command(holder: AppHolder, case_id: int, actor: str, **fields: Any) -> None:
        _act(holder, case_id, action, actor, **{k: v for k, v in fields.items() if v is not None})

    for option in reversed(options):
        command = option(command)
    return command


REASON = click.option("--reason", default=None, help="原因（退回、转办、无需回应、调级、重开时必填）")
REASON_REQUIRED = click.option("--reason", required=True, help="原因")
_simple("claim", "claim", "认领工单（由本人负责）。")
_simple("triage", "triage", "研判工单（确认需要处理）。", REASON)
_simple("assign", "assign", "分办给某位人员（不在岗时自动交其代理人）。",
        click.option("--to", required=True, help="人员代号"), REASON)
_simple("approve", "approve", "审核通过待审回复（不能审核自己起草的回复）。", REASON)
_simple("send-back", "send_back", "退回待审回复并说明原因。", REASON_REQUIRED)
_simple("publish", "record_published", "登记回复已由本人在官方账号发布，并记录链接。",
        click.option("--url", required=True, help="已发布回复的链接"))
_simple("follow", "follow", "回应后继续跟踪。", REASON)
_simple("close", "close", "关闭工单。", REASON)
_simple("escalate", "escalate", "升级到上一级处理人。", REASON)
_simple("transfer", "transfer", "转办给其他部门（如谣言转公安、网信）。",
        click.option("--to", required=True, help="接收单位"), REASON_REQUIRED)
_simple("dismiss", "dismiss", "标记为无需回应（须填写原因）。", REASON_REQUIRED)
_simple("relabel", "relabel", "调整级别（1-4 或 Ⅰ-Ⅳ）或情感（negative/neutral/positive）。",
        click.option("--label", required=True, help="新级别或情感"), REASON_REQUIRED)
_simple("reopen", "reopen", "重新打开已关闭、无需回应或已转办的工单。", REASON_REQUIRED)
_simple("comment", "comment", "给工单加一条备注（写入审计记录，不改变状态）。", REASON_REQUIRED)
_simple("confirm", "confirm", "人工确认回复已出现在发布链接上（系统打不开该页面时使用；须说明）。", REASON_REQUIRED)
_simple("revisit", "revisit", "登记回访：联系方式、回访情况和满意度（不满意则工单重新打开）。",
        click.option("--method", required=True, help="联系方式（response.yaml revisit.methods，如 电话、短信）"),
        click.option("--satisfaction", "label", required=True, help="满意 / 基本满意 / 不满意"),
        click.option("--outcome", "reason", required=True, help="回访情况"))


@queue.command("revisits")
@click.option("--mine", "mine", default=None, help="只看该人员的回访")
@click.option("--all", "show_all", is_flag=True, help="包括已完成的回访")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@pass_app
def list_revisits(holder: AppHolder, mine: str | None, show_all: bool, as_json: bool) -> None:
    """列出回访任务（默认只列待回访的，按到期时间排序）。"""
    from responder.alerts import local_text
    from responder.revisits import tasks as revisit_tasks

    app = _reader(holder)
    with app.sessions() as session:
        tasks = [(_revisit_json(t), t.case.title) for t in revisit_tasks(session, mine, show_all)]
    if as_json:
        click.echo(json.dumps([data for data, _ in tasks], ensure_ascii=False, indent=2))
        return
    for data, title in tasks:
        state = data["satisfaction_label"] or ("已超期" if datetime.fromisoformat(data["due"]) < _now() else "待回访")
        due = local_text(app.settings, datetime.fromisoformat(data["due"]))
        click.echo(f"#{data['case_id']:<5} 第{data['round']}次 {state:<4} {data['owner'] or '待分派':<14} 到期 {due}  {title[:40]}")
    click.echo(f"共 {len(tasks)} 个回访。")


def _text_command(name: str, action: str, doc: str):
    @queue.command(name, help=doc)
    @click.argument("case_id", type=CASE_ID)
    @ACTOR
    @click.option("--text", default=None, help="回复全文")
    @click.option("--use", type=int, default=None, help="采用第 N 条建议回复")
    @pass_app
    def command(holder: AppHolder, case_id: int, actor: str, text: str | None, use: int | None) -> None:
        _act(holder, case_id, action, actor, text=_suggestion_text(holder, case_id, use, text))

    return command


_text_command("draft", "draft", "保存回复草稿（新版本）。")
_text_command("reply", "submit", "提交回复送审（--text 或 --use N；不填则提交最新草稿）。")


@queue.command("intake")
@pass_app
def intake(holder: AppHolder) -> None:
    """把达到阈值的已分析帖子生成工单（同一事件并入同一工单）并分派。"""
    from responder.intake import open_cases

    app = _app(holder)
    report = open_cases(app.sessions, app.settings, _now())
    click.echo(f"新建工单 {len(report.created)} 个，并入新帖 {report.attached} 条，级别上升 {len(report.raised)} 个，"
               f"无人可分派 {len(report.unrouted)} 个。")


@queue.command("suggest")
@click.argument("case_id", type=CASE_ID)
@pass_app
def refresh(holder: AppHolder, case_id: int) -> None:
    """按当前的模板与政策答复重新生成工单的建议回复（补充 replies.yaml 后使用）。"""
    from responder.intake import refresh_suggestions
    from yuqing.core.storage.db import transaction

    app = _app(holder)
    with transaction(app.sessions) as session:
        case = _load(session, case_id)
        refresh_suggestions(app.settings, case)
        suggestions = case.suggestions
    for i, item in enumerate(suggestions, 1):
        click.echo(f"建议回复 {i}（{len(item['text'])}/{item['limit']} 字）: {item['text']}")
        if item.get("missing"):
            click.echo(f"  缺少: {item['missing']}")


@queue.command("clocks")
@pass_app
def clocks(holder: AppHolder) -> None:
    """检查回应时限：发送提醒、超时升级、改派无人处理的工单。"""
    from responder.clocks import check_clocks

    app = _app(holder)
    report = check_clocks(app.sessions, app.settings, _now())
    click.echo(f"提醒 {report.reminders} 次，升级 {report.escalations} 次，改派 {report.reoffered} 个，"
               f"研判超时提醒 {report.triage_alerts} 个，回访到期提醒 {report.revisits_overdue} 个，"
               f"核实到期提醒 {report.verifications_overdue} 个。")


@queue.command("check-links")
@pass_app
def check_links(holder: AppHolder) -> None:
    """打开到期检查的发布链接：见到本局账号的回复则「已确认」，超时未见或回复消失则提醒。"""
    from responder.confirm import confirm_responses

    app = _app(holder)
    report = confirm_responses(app.sessions, app.settings, _now())
    click.echo(f"检查发布链接 {report.checked} 个，确认 {report.confirmed} 个，未见提醒 {report.missing_alerts} 个，"
               f"消失提醒 {report.gone_alerts} 个。")
    for line in report.errors:
        click.echo(f"  {line}", err=True)


@queue.command("deliver")
@pass_app
def deliver(holder: AppHolder) -> None:
    """发送到期的通知（失败的稍后按退避重试）。"""
    from responder.outbox import deliver_due

    app = _app(holder)
    report = deliver_due(app.sessions, app.settings, _now())
    click.echo(f"已发送 {report.sent} 条，稍后重试 {report.retried} 条，放弃 {report.failed} 条。")
    for line in report.errors:
        click.echo(f"  {line}", err=True)


@queue.command("retry-failed")
@pass_app
def retry_failed(holder: AppHolder) -> None:
    """把已放弃的通知重新放回发件箱（渠道修好后使用）。"""
    from responder.outbox import retry_failed as requeue_failed

    app = _app(holder)
    click.echo(f"已重新排队 {requeue_failed(app.sessions, _now())} 条通知。")


# The rumour workflow's commands join this group (imported last: they use the helpers above).
from yuqing.shell.cli import rumour_cmds  # noqa: E402, F401
