"""Publication-to-alert latency of the real daemon, run by hand: ``python bench/latency.py [--minutes 3]``.

Starts local sites (a Weibo real-time search polled every minute and a 留言板 polled every two), a
local SMTP server and a local group-robot receiver, then the real daemon (`yuqing run`, real clock)
on a profile pointing at them. Once the daemon has finished its first analysis (models loaded), the
sites publish made-up posts at random moments of the window; after a tail long enough for the slowest
source the daemon is stopped and, for each source, the delay from publication to each stage is
printed: stored, analysed, case opened, alert received by SMTP, alert received by the robot (p50, p95,
max, beside the source's interval). The last line is ``p95 publication-to-alert: N s; interval: M s``
for the fastest source, taking the slower of the two alert channels (goal: p95 ≤ interval + 30 s).

Each post is written to become a case of its own, so that every publication has an alert to wait
for; a post that joined another post's case is counted but has no alert of its own.
"""

from __future__ import annotations

import argparse
import email
import json
import math
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.policy import default as default_policy
from pathlib import Path

import yaml
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from yuqing.shell.demo.mailsink import free_port  # noqa: E402
from yuqing.shell.demo.profile import write_demo_profile  # noqa: E402
from yuqing.shell.demo.robot import RobotReceiver  # noqa: E402
from yuqing.shell.demo.sites import JSON_TYPE, Call, Reply, SampleSite  # noqa: E402

CST = timezone(timedelta(hours=8))
PLACES = ["榆东区", "榆西区", "川北区", "新港区", "白石县", "人民街道", "东湖街道", "北关街道", "川口镇", "白石镇", "柳河乡"]
TEMPLATES = [  # made up; each negative and naming a sensitive word, so each is a level Ⅲ case of its own
    "{p}敬老院护工殴打老人，家属去讨说法被推出门外，榆川市民政局装聋作哑",
    "{p}救助站把流浪老人赶出门，第二天人就冻死在桥洞里，榆川市民政局必须给个交代",
    "{p}福利院的孩子长期被虐待，身上全是伤痕，榆川市民政局的监管去哪了",
    "{p}一位低保老人被停了救助金，家里断粮差点饿死，榆川市民政局太冷血了",
    "{p}养老院食堂发生食物中毒，十几位老人送医，榆川市民政局至今瞒着不通报，太恶心了",
    "{p}救助站弄丢了一名智障男子，失踪半个月家属急疯了，榆川市民政局还在推卸责任，太气人了",
    "{p}殡仪馆乱收费逼得家属去上访，榆川市民政局不闻不问，太让人寒心",
    "几十名困难老人聚集在{p}讨要被克扣的补贴，榆川市民政局没有一个人出来，太寒心了",
    "{p}社会福利院一名老人摔成重伤，院方瞒报，榆川市民政局却说不知情，简直是失职",
    "{p}民办养老机构卷走预付款跑路，老人们围堵大门哭诉，榆川市民政局审批把关形同虚设",
    "{p}敬老院一位独居老人去世三天才被发现，榆川市民政局的检查全是走过场",
    "{p}安置点临时板房夜里坍塌，受灾群众无处可去，榆川市民政局迟迟不见人",
    "{p}临时救助拖了两个月，当事人绝望到说要跳楼，榆川市民政局还在踢皮球",
    "{p}公墓违规迁坟把遗骨随意堆放，有老人气得当场身亡，榆川市民政局必须追责",
]


@dataclass
class Published:
    """One post a site made visible, and when."""

    source: str
    key: str
    text: str
    at: datetime


class LiveSite(SampleSite):
    """A Weibo real-time search (posts containing the searched word) and a 留言板 whose posts appear
    while the daemon runs, newest first."""

    def __init__(self) -> None:
        super().__init__()
        self.weibo: list[Published] = []
        self.board: list[Published] = []
        self.serial = 9000

    def publish(self, source: str, text: str) -> Published:
        """Make a post visible now on the Weibo search or the board."""
        with self._lock:
            self.serial += 1
            platform = "weibo" if source == "weibo-live" else "board"
            post = Published(source, f"{platform}:{self.serial}", text, datetime.now(timezone.utc))
            (self.weibo if source == "weibo-live" else self.board).insert(0, post)
            return post

    def answer(self, call: Call) -> Reply:
        """The search API, the board's list and content API, robots.txt; 404 otherwise."""
        with self._lock:
            weibo, board = list(self.weibo), list(self.board)
        if call.path == "/api/container/getIndex":
            return weibo_search(weibo, call)
        if call.path == "/v1/threads/list/df":
            return _json(board_page(board, call.json_param()))
        if call.path == "/v1/threads/content":
            tid = str(call.json_param().get("tid", ""))
            post = next((p for p in board if p.key == f"board:{tid}"), None)
            entries = [{"dataType": 1, "content": post.text}] if post else []
            return _json({"resultData": {"contentList": entries}})
        if call.path == "/robots.txt":
            return Reply("User-agent: *\nAllow: /\n", content_type="text/plain")
        return Reply("<html><body>404</body></html>", status=404)


def _json(data: dict) -> Reply:
    return Reply(json.dumps(data, ensure_ascii=False), content_type=JSON_TYPE)


def weibo_search(posts: list[Published], call: Call) -> Reply:
    """The real-time search's answer: the page asked for of the posts holding the searched word."""
    word = call.query.get("containerid", "").partition("&q=")[2]
    matching = [post for post in posts if word and word in post.text]
    return _json(weibo_page(matching, int(call.query.get("page", "1") or 1)))


def weibo_page(posts: list[Published], page: int, size: int = 10) -> dict:
    """One page of the real-time search, Weibo's JSON envelope; past the end its 'nothing here'."""
    rows = posts[(page - 1) * size: page * size]
    if not rows:
        return {"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}}
    cards = [{"card_type": 9, "mblog": {
        "id": post.key.split(":")[1], "idstr": post.key.split(":")[1], "text": post.text,
        "created_at": post.at.astimezone(CST).strftime("%a %b %d %H:%M:%S %z %Y"),
        "reposts_count": 0, "comments_count": 0, "attitudes_count": 1,
        "user": {"id": 7000 + i, "screen_name": f"市民{i}", "followers_count": 30, "verified_type": -1}}}
        for i, post in enumerate(rows)]
    more = len(posts) > page * size
    return {"ok": 1, "data": {"cardlistInfo": {"page": page + 1 if more else None}, "cards": cards}}


def board_page(posts: list[Published], param: dict) -> dict:
    """Messages after `lastItem`, `rows` at a time, newest first."""
    last, rows = str(param.get("lastItem") or ""), int(param.get("rows") or 10)
    start = next((i + 1 for i, p in enumerate(posts) if p.key == f"board:{last}"), 0) if last else 0
    data = [{"tid": int(p.key.split(":")[1]), "subject": p.text[:20], "nickName": "网友",
             "createDateline": int(p.at.timestamp()), "stateInfo": "未回复", "typeName": "投诉"}
            for p in posts[start:start + rows]]
    return {"resultData": {"data": data}, "resultCode": 200}


class Arrivals:
    """Alerts received by the local SMTP server and robot receiver: (case id, when), first per case."""

    CASE = re.compile(r"#(\d+)")

    def __init__(self) -> None:
        self.mail: dict[int, datetime] = {}
        self.robot: dict[int, datetime] = {}
        self._lock = threading.Lock()

    def note(self, channel: dict[int, datetime], text: str) -> None:
        """Remember the first arrival of an alert about the case named in text."""
        found = self.CASE.search(text or "")
        if found:
            with self._lock:
                channel.setdefault(int(found.group(1)), datetime.now(timezone.utc))

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd API)
        """aiosmtpd: one message received."""
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=default_policy)
        self.note(self.mail, str(message["Subject"] or ""))
        return "250 OK"

    def robot_message(self, body: bytes) -> None:
        """The robot receiver's hook: one WeCom-style message received."""
        self.note(self.robot, (json.loads(body or b"{}").get("text") or {}).get("content", ""))


def live_sources(site_url: str, intervals: dict[str, int]) -> list[dict]:
    """The two live sources at their intervals."""
    return [
        {"key": "weibo-live", "kind": "weibo", "name": "微博实时搜索", "base_url": site_url, "keywords": ["榆川市民政局"],
         "interval_minutes": intervals["weibo-live"], "obey_robots": False, "max_pages": 3, "fetch_long_text": False},
        {"key": "board-live", "kind": "board", "name": "领导留言板", "base_url": site_url, "page_size": 10,
         "interval_minutes": intervals["board-live"], "forums": [{"id": 5801, "addressee": "榆川市市长"}]},
    ]


def write_profile(folder: Path, sources: list[dict], database_url: str, smtp_port: int, **app: str) -> Path:
    """The demo profile with these sources, the packaged politeness and `app` laid over app.yaml."""
    write_demo_profile(folder, sources, database_url, smtp_port)
    for name, extra in (("sources.yaml", {"download_delay_seconds": 1.0, "autothrottle": True}), ("app.yaml", app)):
        path = folder / name
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data.update(extra)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def yuqing_command(config: Path, *args: str) -> list[str]:
    """`yuqing --config DIR ARGS...`, through this interpreter (the checkout's code comes first on its path)."""
    return [sys.executable, "-c", "import sys; from yuqing.shell.cli import main; sys.exit(main())", "--config", str(config),
            *args]


def checkout_env(**extra: str) -> dict[str, str]:
    """The environment for the checkout's own processes: its code first on the path, plus `extra`."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            **extra}


WARM = re.compile(r'"job": "analyze".*"result": "AnalyzeReport\(analyzed=[1-9]')


def wait_for_first_analysis(log: Path, daemon: subprocess.Popen, timeout: float) -> float:
    """Seconds until the daemon logged its first analysis of a post (its models are loaded)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if daemon.poll() is not None:
            raise SystemExit(f"yuqing run exited early with status {daemon.returncode}")
        if log.exists() and WARM.search(log.read_text(encoding="utf-8", errors="replace")):
            return time.monotonic() - started
        time.sleep(0.5)
    raise SystemExit(f"yuqing run did not finish an analysis within {timeout:.0f} s")


def publish_at_random(site: LiveSite, rng: random.Random, window: float, counts: dict[str, int]) -> list[Published]:
    """Publish the posts at random moments of the window (blocking); returns them."""
    texts = [template.format(p=rng.choice(PLACES)) for template in rng.sample(TEMPLATES, sum(counts.values()))]
    plan = sorted((rng.uniform(0, window), source) for source, n in counts.items() for _ in range(n))
    start, published = time.monotonic(), []
    for (offset, source), text in zip(plan, texts):
        time.sleep(max(0.0, start + offset - time.monotonic()))
        published.append(site.publish(source, text))
    return published


def stage_times(database_url: str, published: list[Published], arrivals: Arrivals) -> dict[str, dict[str, datetime]]:
    """For each published post (by key): when it was stored, analysed, put on a case, and alerted."""
    from sqlalchemy import select

    from yuqing.core.storage.db import make_engine, session_factory
    from yuqing.core.storage.models import Case, CasePost, Post

    engine = make_engine(database_url)
    times: dict[str, dict[str, datetime]] = {p.key: {} for p in published}
    with session_factory(engine)() as session:
        rows = session.execute(select(Post.dedup_key, Post.fetched_at, Post.analyzed_at, CasePost.attached_at,
                                      Case.id, Case.created_at)
                               .outerjoin(CasePost, CasePost.post_id == Post.id)
                               .outerjoin(Case, Case.id == CasePost.case_id)
                               .where(Post.dedup_key.in_(list(times))))
        for key, stored, analysed, attached, case_id, created in rows:
            found = times[key]
            found.update(stored=stored, analysed=analysed)
            if attached is not None:
                found["case"] = attached
            if case_id is not None and attached == created:
                found.update({name: arrival[case_id] for name, arrival in
                              (("mail", arrivals.mail), ("robot", arrivals.robot)) if case_id in arrival})
            elif case_id is not None:
                found["joined"] = attached
    engine.dispose()
    return times


STAGES = [("stored", "stored"), ("analysed", "analysed"), ("case", "case opened"), ("mail", "alert via SMTP"),
          ("robot", "alert via robot")]


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summarise(published: list[Published], times: dict[str, dict[str, datetime]],
              intervals: dict[str, int]) -> dict[str, dict[str, list[float]]]:
    """Print per source and stage n, p50, p95, max of the delay from publication; return the delays."""
    delays: dict[str, dict[str, list[float]]] = {}
    for post in published:
        found = times[post.key]
        for stage, _ in STAGES:
            if found.get(stage):
                delays.setdefault(post.source, {}).setdefault(stage, []).append(
                    (found[stage] - post.at).total_seconds())
    print(f"{'source':<12}{'interval':>9}  {'stage':<16}{'n':>4}{'p50 s':>8}{'p95 s':>8}{'max s':>8}")
    for source, interval in intervals.items():
        count = sum(p.source == source for p in published)
        joined = sum(p.source == source and "joined" in times[p.key] for p in published)
        for stage, label in STAGES:
            values = delays.get(source, {}).get(stage, [])
            figures = (f"{percentile(values, .5):8.1f}{percentile(values, .95):8.1f}{max(values):8.1f}" if values
                       else f"{'—':>8}{'—':>8}{'—':>8}")
            print(f"{source:<12}{interval * 60:>8}s  {label:<16}{len(values):>4}{figures}")
        print(f"{'':<12}{'':>9}  published {count}, joined an earlier post's case {joined}")
    return delays


def main(argv: list[str] | None = None) -> int:
    """Run the daemon against the live sites and print the latency figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=3.0, help="publishing window (default 3)")
    parser.add_argument("--tail", type=float, default=150.0, help="seconds after the window for the last alerts")
    parser.add_argument("--weibo-posts", type=int, default=10)
    parser.add_argument("--board-posts", type=int, default=4)
    parser.add_argument("--database-url", default="", help="default: SQLite in a temporary folder")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (profile, logs, database)")
    args = parser.parse_args(argv)
    if args.weibo_posts + args.board_posts > len(TEMPLATES):
        parser.error(f"at most {len(TEMPLATES)} posts in all (one case each)")
    intervals = {"weibo-live": 1, "board-live": 2}
    root = Path(tempfile.mkdtemp(prefix="yuqing-latency-"))
    database_url = args.database_url or f"sqlite:///{root / 'yuqing.db'}"
    site, arrivals = LiveSite().start(), Arrivals()
    smtp = Controller(arrivals, hostname="127.0.0.1", port=free_port())
    smtp.start()
    robot = RobotReceiver(root / "robots", on_message=arrivals.robot_message).start()
    config = write_profile(root / "config", live_sources(site.url, intervals), database_url, smtp.port)
    daemon = subprocess.Popen(yuqing_command(config, "run"), cwd=root, env=checkout_env(YUQING_WECOM_WEBHOOK=robot.url),
                              stdout=subprocess.DEVNULL)
    try:
        site.publish("weibo-live", "榆川市民政局今天发布了冬季救助热线的值班安排")  # warm-up, not measured
        warm = wait_for_first_analysis(root / "logs" / "yuqing.log", daemon, timeout=300)
        print(f"daemon ready after {warm:.0f} s; publishing {args.weibo_posts + args.board_posts} posts at random "
              f"moments of {args.minutes:g} min, then waiting {args.tail:.0f} s", flush=True)
        published = publish_at_random(site, random.Random(args.seed), args.minutes * 60,
                                      {"weibo-live": args.weibo_posts, "board-live": args.board_posts})
        time.sleep(args.tail)
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=300)
        smtp.stop()
        robot.stop()
        site.stop()
    delays = summarise(published, stage_times(database_url, published, arrivals), intervals)
    fastest = min(intervals, key=intervals.get)
    alerts = [delays.get(fastest, {}).get(stage, []) for stage in ("mail", "robot")]
    missing = sum(p.source == fastest for p in published) - min(len(values) for values in alerts)
    p95 = max(percentile(values, .95) if values else math.inf for values in alerts)
    if missing:
        print(f"{fastest}: {missing} posts had no alert of their own (joined an earlier case or not alerted in time)")
    print(f"p95 publication-to-alert: {p95:.0f} s; interval: {intervals[fastest] * 60} s")
    if args.keep:
        print(f"kept: {root}")
    else:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
