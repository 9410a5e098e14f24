"""`yuqing queue` commands of the rumour workflow (辟谣): 核实 with evidence, the rebuttal from approved
templates, referrals to 网信 or 公安 and their answers, and the rumour's against the rebuttal's spread."""

from __future__ import annotations

import json
from typing import Any

import click

from yuqing.core.app import YuqingError
from yuqing.shell.cli import AppHolder, pass_app
from yuqing.shell.cli.queue_cmds import ACTOR, CASE_ID, REASON, REASON_REQUIRED, _act, _now, _reader, _simple, queue

_simple("verify-open", "verify_open", "发起核实（谣言类工单）：建立核实任务，工单进入「核实中」。", REASON)
_simple("evidence", "evidence", "给核实任务添加证据：来源，以及说明、链接或文件名（至少一项）。",
        click.option("--source", required=True, help="证据来源（如 区民政局发放台账、当事人电话核实）"),
        click.option("--note", "reason", default=None, help="证据说明"),
        click.option("--link", "url", default=None, help="证据链接（http:// 或 https://）"),
        click.option("--file", "file_name", default=None, help="证据文件名"))
_simple("verify", "verify", "下核实结论（不实 / 部分不实 / 属实）并写明核实情况（须已附证据）。",
        click.option("--verdict", "label", required=True, help="不实 / 部分不实 / 属实"),
        click.option("--finding", "reason", required=True, help="核实情况（辟谣稿只用这句事实）"))
_simple("refer", "refer", "移送网信或公安（response.yaml rumour.units），工单仍由本局辟谣。",
        click.option("--to", required=True, help="移送单位，如 公安、网信"), REASON_REQUIRED)
_simple("transfer-answer", "transfer_answer", "登记转办或移送单位的答复。",
        click.option("--to", default=None, help="答复单位（不填则为最早一件未答复的转办）"),
        click.option("--answer", "reason", required=True, help="答复内容"))


@queue.command("rebut")
@click.argument("case_id", type=CASE_ID)
@ACTOR
@click.option("--template", "templates", multiple=True,
              help="采用的核准辟谣模板（replies.yaml 中 kind: rumour 的 key，可重复；不填用默认开头和结尾）")
@pass_app
def rebut(holder: AppHolder, case_id: int, actor: str, templates: tuple[str, ...]) -> None:
    """按核准模板和核实结论生成辟谣稿（须先核实且结论为不实或部分不实）；之后用 queue reply 送审。"""
    _act(holder, case_id, "rebut", actor, label=",".join(templates))


def verification_json(case) -> list[dict[str, Any]]:
    """A case's verifications with their evidence, for `queue show`."""
    from responder.rumour import VERDICT_LABELS

    return [{"id": v.id, "owner": v.owner, "opened_by": v.opened_by, "created_at": v.created_at.isoformat(),
             "due": v.due_at.isoformat(), "done_at": v.done_at.isoformat() if v.done_at else None,
             "done_by": v.done_by, "verdict": v.verdict, "verdict_label": VERDICT_LABELS.get(v.verdict, ""),
             "finding": v.finding,
             "evidence": [{"id": e.id, "added_by": e.added_by, "added_at": e.added_at.isoformat(), "source": e.source,
                           "note": e.note, "link": e.link, "file_name": e.file_name} for e in v.evidence]}
            for v in case.verifications]


def transfer_json(case) -> list[dict[str, Any]]:
    """A case's transfers and referrals with the units' answers, for `queue show`."""
    return [{"id": t.id, "unit": t.unit, "sent_by": t.sent_by, "sent_at": t.sent_at.isoformat(), "note": t.note,
             "answer": t.answer, "answered_at": t.answered_at.isoformat() if t.answered_at else None,
             "recorded_by": t.recorded_by} for t in case.transfers]


def print_rumour(data: dict[str, Any]) -> None:
    """The verification, evidence and transfer lines of `queue show`."""
    for v in data["verifications"]:
        done = f"{v['verdict_label']}：{v['finding']}（{v['done_by']} {v['done_at'][:16]}）" if v["done_at"] else "核实中"
        click.echo(f"  核实 #{v['id']}（{v['owner']}，到期 {v['due'][:16]}）：{done}")
        for e in v["evidence"]:
            click.echo(f"    证据 {e['added_at'][:16]} {e['added_by']} 来源「{e['source']}」 "
                       f"{'；'.join(x for x in (e['note'], e['link'], e['file_name']) if x)}")
    for t in data["transfers"]:
        answer = f"{t['answered_at'][:16]} 答复：{t['answer']}" if t["answered_at"] else "待答复"
        click.echo(f"  转办 {t['sent_at'][:16]} {t['sent_by']} → {t['unit']}（{t['note']}）：{answer}")


@queue.command("spread")
@click.argument("case_id", type=CASE_ID)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@pass_app
def spread(holder: AppHolder, case_id: int, as_json: bool) -> None:
    """谣言与辟谣的传播：发布前24小时、发布后24/72小时和逐日的传谣帖与转述辟谣帖数量。"""
    from responder.effect_query import rumour_spread

    app = _reader(holder)
    with app.sessions() as session:
        result = rumour_spread(session, app.settings, case_id, _now())
    if result is None:
        raise YuqingError(f"工单 #{case_id} 不是已发布辟谣稿的谣言类工单")
    rows = [*result.windows, *result.days]
    if as_json:
        click.echo(json.dumps([{"name": r.name, "start": r.start.isoformat(), "end": r.end.isoformat(),
                                "rumour": r.rumour, "rebuttal": r.rebuttal, "complete": r.complete} for r in rows],
                              ensure_ascii=False, indent=2))
        return
    for r in rows:
        click.echo(f"{r.name:<10} 传谣 {r.rumour:>4} 条  转述辟谣 {r.rebuttal:>4} 条{'' if r.complete else '（截至目前）'}")
