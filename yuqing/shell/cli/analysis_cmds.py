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

from yuqing.core.app import YuqingError
from yuqing.shell.cli import AppHolder, pass_app

CHUNK = 1000


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
    from yuqing.stages.score import SCORE_COLUMNS, Scorer, UnknownSource, kept_name

    scorer = Scorer(holder.get().settings)
    with open(in_csv, encoding="utf-8-sig", newline="") as source, \
            open(out_csv, "w", encoding="utf-8", newline="") as target:
        reader = csv.DictReader(source)
        if "text" not in (reader.fieldnames or []):
            raise YuqingError(f"{in_csv} 缺少 text 列")
        writer = csv.DictWriter(target, [*map(kept_name, reader.fieldnames), *SCORE_COLUMNS], extrasaction="ignore")
        writer.writeheader()
        with _progress(in_csv) as bar:
            for chunk in _chunks(reader, CHUNK):
                try:
                    writer.writerows(scorer.score([{kept_name(k): v for k, v in row.items()} for row in chunk]))
                except UnknownSource as exc:
                    raise YuqingError(str(exc)) from None
                bar.update(len(chunk))
    click.echo(f"已写入 {out_csv}：{scorer.rows} 行，提及本局 {scorer.mentions} 行，近似重复 {scorer.duplicates} 行")


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
    from yuqing.stages.staff_labels import staff_labelled

    extra = read_domain("train") if domain else Labelled([], [])
    if staff_labels:
        app = holder.get()
        app.upgrade_schema()
        extra = extra + staff_labelled(app.sessions)
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
    from yuqing.core.config.scheme import business_lists

    path = train_shipped(vocabulary_from(business_lists(holder.get().settings)), out or DEFAULT_DEPARTMENT_MODEL)
    click.echo(f"已保存 {path}")
