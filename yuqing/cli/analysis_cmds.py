"""`yuqing analyze`, `yuqing score`, `yuqing train-sentiment` and `yuqing train-department`: the analysis
from the command line."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import click

from yuqing.app import YuqingError
from yuqing.cli import AppHolder, pass_app
from yuqing.config import Settings

SCORE_COLUMNS = ["clean_text", "mention", "mention_rule", "duplicate_of", "sentiment", "label", "stance",
                 "negative", "actionable", "department", "kind", "topic", "owner", "reasons"]
CHUNK = 1000
NEAR_COPY_MIN_CHARS = 20


def utcnow() -> datetime:
    """The current time (aware UTC); one place for tests to freeze."""
    return datetime.now(timezone.utc)


@click.command("analyze")
@pass_app
def analyze(holder: AppHolder) -> None:
    """分析新采集或有变化的帖子：情感、类别、主题与责任人、热度、事件与等级。"""
    from yuqing.stages.analyze import analyze_pending

    app = holder.get()
    app.upgrade_schema()
    report = analyze_pending(app.sessions, app.settings, utcnow())
    levels = "，".join(f"{'ⅠⅡⅢⅣ'[level - 1]}级 {count} 个" for level, count in sorted(report.levels.items()))
    click.echo(f"已分析 {report.analyzed} 条帖子（新增评估 {report.created_assessments}，更新 "
               f"{report.updated_assessments}）；新事件 {report.new_events} 个，更新事件 {report.touched_events} 个"
               + (f"：{levels}" if levels else ""))


def _kept_name(column: str) -> str:
    """An input column's name in the output: ``input_`` in front when a score column has its name."""
    return f"input_{column}" if column in SCORE_COLUMNS else column


def _chunks(reader: csv.DictReader, size: int) -> Iterator[list[dict[str, str]]]:
    chunk: list[dict[str, str]] = []
    for row in reader:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _count_lines(path: Path) -> int:
    with open(path, "rb") as handle:
        return sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b"")) - 1


class _Silent:
    """A progress bar that shows nothing (output is not a terminal)."""

    def update(self, _steps: int) -> None:
        """Ignore progress."""


@contextmanager
def _progress(path: Path) -> Iterator[Any]:
    """A progress bar on stderr when it is a terminal, else a silent stand-in."""
    if not sys.stderr.isatty():
        yield _Silent()
        return
    with click.progressbar(length=max(_count_lines(path), 1), label="打分", file=sys.stderr) as bar:
        yield bar


class Scorer:
    """Scores rows of text as the pipeline does: clean, judge (mention by the monitoring scheme,
    department, stance, kind, actionable, topic and owner), near-copy check within the file. An
    optional ``title`` column is joined to ``text`` as a crawl joins them; an optional ``source``
    column names a configured source, whose region and kind count as in a crawl. Keeps only
    signatures and hashes of rows seen."""

    def __init__(self, settings: Settings) -> None:
        from analysis.neardup import MinHashIndex
        from yuqing.stages.analyze import judges

        self.judges = judges(settings)
        self.sources = {source.key: source for source in settings.sources.sources}
        self.index = MinHashIndex(threshold=settings.sources.near_copy_threshold)
        self.exact: dict[int, int] = {}
        self.rows = self.mentions = self.duplicates = 0

    def duplicate_of(self, text: str) -> int | None:
        """The earlier row (1-based) this text copies or nearly copies; remembers this row."""
        from analysis.neardup import matching_text, signature

        self.rows += 1
        key = hash(matching_text(text))
        if key in self.exact:
            return self.exact[key]
        self.exact[key] = self.rows
        if len(matching_text(text)) < NEAR_COPY_MIN_CHARS:
            return None
        sig = signature(text)
        hit = self.index.best(sig)
        if hit:
            return int(hit[0])
        self.index.add(str(self.rows), sig)
        return None

    def context(self, row: dict[str, str], title: str) -> Any:
        """The row's source context: its title and, when ``source`` names one, that source's kind."""
        from analysis.assess import SourceContext

        key = (row.get("source") or "").strip()
        if key and key not in self.sources:
            raise YuqingError(f"source 列中的 {key!r} 不是已配置的数据源；可用: {', '.join(self.sources)}")
        config = self.sources.get(key)
        return SourceContext(title, bool(config and config.is_local), bool(config and config.is_addressed))

    def score(self, rows: list[dict[str, str]]) -> list[dict[str, Any]]:
        """The rows with the score columns added."""
        from analysis.assess import assess_texts
        from analysis.normalize import clean_text, post_text

        titles = [clean_text(row.get("title") or "") for row in rows]
        cleaned = [clean_text(row.get("text") or "") for row in rows]
        contexts = [self.context(row, title) for row, title in zip(rows, titles)]
        joined = [post_text(title, text) for title, text in zip(titles, cleaned)]
        copies = [self.duplicate_of(text) for text in joined]
        assessed = assess_texts(cleaned, self.judges, contexts)
        self.mentions += sum(a.mentioned for a in assessed)
        self.duplicates += sum(c is not None for c in copies)
        return [{**row, "clean_text": text, "mention": _flag(a.mentioned),
                 "mention_rule": a.mention.label if a.mention else "", "duplicate_of": copy or "",
                 "sentiment": repr(a.sentiment.positive), "label": a.label, "stance": a.label,
                 "negative": f"{a.negative:.4f}", "actionable": _flag(a.actionable), "department": a.department_name,
                 "kind": a.kind.kind, "topic": a.topic.key, "owner": a.owner, "reasons": "；".join(a.reasons)}
                for row, text, copy, a in zip(rows, joined, copies, assessed)]


def _flag(value: bool) -> str:
    return "true" if value else "false"


@click.command("score")
@click.argument("in_csv", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--out", "out_csv", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="输出 CSV：原有各列之后加上清洗文本、是否提及本局、近似重复、情感、立场、负面概率、是否需回应、"
                   "所属部门、类别、主题、责任人与理由")
@pass_app
def score(holder: AppHolder, in_csv: Path, out_csv: Path) -> None:
    """给 CSV 中的文本打分，运行的正是流水线所用的代码。

    IN_CSV 需有 text 列（可选 title：与正文合并后分析；source：已配置数据源的 key，其地域与类型如同采集时
    计入；以及 platform、author、published_at）。逐块流式处理，内存占用有界；
    duplicate_of 为文件内较早一条相同或近似内容的行号（从 1 起，不含表头）；
    与输出列同名的输入列（如 label）改名为 input_label 保留。
    """
    scorer = Scorer(holder.get().settings)
    with open(in_csv, encoding="utf-8-sig", newline="") as source, \
            open(out_csv, "w", encoding="utf-8", newline="") as target:
        reader = csv.DictReader(source)
        if "text" not in (reader.fieldnames or []):
            raise YuqingError(f"{in_csv} 缺少 text 列")
        writer = csv.DictWriter(target, [*map(_kept_name, reader.fieldnames), *SCORE_COLUMNS], extrasaction="ignore")
        writer.writeheader()
        with _progress(in_csv) as bar:
            for chunk in _chunks(reader, CHUNK):
                writer.writerows(scorer.score([{_kept_name(k): v for k, v in row.items()} for row in chunk]))
                bar.update(len(chunk))
    click.echo(f"已写入 {out_csv}：{scorer.rows} 行，提及本局 {scorer.mentions} 行，近似重复 {scorer.duplicates} 行")


def staff_labelled(app: Any) -> Any:
    """Texts labelled by staff: sentiment re-labels, and 误报 dismissals of posts called negative."""
    from sqlalchemy import select

    from analysis.sentiment.datasets import Labelled
    from yuqing.storage.models import Assessment, CaseAction, CasePost, Post

    texts, labels = [], []
    with app.sessions() as session:
        relabelled = select(Post, Assessment.label_override).join(Assessment).where(
            Assessment.label_override.in_(["negative", "positive"]))
        for post, label in session.execute(relabelled):
            texts.append(post.full_text)
            labels.append(int(label == "positive"))
        dismissed = (select(Post).join(Assessment).join(CasePost, CasePost.post_id == Post.id)
                     .join(CaseAction, CaseAction.case_id == CasePost.case_id)
                     .where(CaseAction.action == "dismiss", CaseAction.reason.contains("误报"),
                            Assessment.label_override == "", Assessment.sentiment_label == "negative").distinct())
        for post in session.scalars(dismissed):
            texts.append(post.full_text)
            labels.append(1)
    return Labelled(texts, labels)


@click.command("train-sentiment")
@click.argument("train_csv", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--held-out", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="留出的评估文件（text,label），只用于报告准确率，不参与训练")
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="新权重文件（.npz）；在 analysis.yaml 的 sentiment.model_path 中引用后生效")
@click.option("--staff-labels/--no-staff-labels", default=True, help="是否加入工作人员在工单中改判的标注（默认加入）")
@click.option("--domain/--no-domain", default=True, help="是否加入随包的民政领域训练集（默认加入）")
@pass_app
def train_sentiment(holder: AppHolder, train_csv: Path, held_out: Path, out: Path, staff_labels: bool,
                    domain: bool) -> None:
    """用 CSV（text,label；0 负面、1 正面）加工作人员的改判标注重新训练情感模型，并报告留出集上的准确率。"""
    from analysis.normalize import clean_text
    from analysis.sentiment.datasets import Labelled, read_domain, read_labelled
    from analysis.sentiment import get_sentiment_model
    from analysis.sentiment.metrics import score_binary
    from analysis.sentiment.recipe import fit

    extra = read_domain("train") if domain else Labelled([], [])
    if staff_labels:
        app = holder.get()
        app.upgrade_schema()
        extra = extra + staff_labelled(app)
    general = read_labelled(train_csv)
    click.echo(f"训练：通用 {len(general)} 条，领域与工作人员标注 {len(extra)} 条……")
    path = fit(general, extra, sources=[train_csv.name]).save(out)
    check = read_labelled(held_out)
    model = get_sentiment_model("yuqing", model_path=path)
    positives = [r.positive for r in model.predict([clean_text(t) for t in check.texts])]
    s = score_binary(check.labels, positives)
    click.echo(f"已保存 {path}；留出集 {held_out.name}（{s.count} 条）：准确率 {s.accuracy:.4f}，宏 F1 {s.macro_f1:.4f}，"
               f"负面 P/R/F1 {s.negative_precision:.4f}/{s.negative_recall:.4f}/{s.negative_f1:.4f}")


@click.command("train-department")
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="新权重文件（.npz）；默认覆盖随包的部门模型")
@pass_app
def train_department(holder: AppHolder, out: Path | None) -> None:
    """用真实标注的训练部分和本局画像的部门用语重新训练转办部门模型。"""
    from analysis.department import vocabulary_from
    from analysis.department_model import DEFAULT_DEPARTMENT_MODEL, train_shipped
    from yuqing.config.scheme import business_lists

    path = train_shipped(vocabulary_from(business_lists(holder.get().settings)), out or DEFAULT_DEPARTMENT_MODEL)
    click.echo(f"已保存 {path}")
