"""Benchmark: sentiment on weibo2018 dev.csv, the domain test split and the independent
domain holdout, side by side.

For stock SnowNLP, SnowNLP retrained here (into a temporary directory, on the same training
data as ours: train.csv plus the domain train split) and our shipped linear model, prints
accuracy, macro-F1 and negative precision/recall/F1 at threshold 0.5, and texts per second
on one core (ratio against stock SnowNLP). Ours reads texts cleaned as the pipeline cleans.

    python bench/sentiment.py [DATA_DIR]   # DATA_DIR defaults to ../shared/data/sentiment
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import unicodedata  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.normalize import clean_text  # noqa: E402
from analysis.sentiment import SentimentModel, get_sentiment_model  # noqa: E402
from analysis.kind import classify_kind  # noqa: E402
from analysis.kind_model import PIPELINE_THRESHOLDS, shipped_kind_model  # noqa: E402
from analysis.sentiment.datasets import (  # noqa: E402
    DOMAIN_CSV, HOLDOUT_CSV, Labelled, read_domain, read_holdout, read_labelled, read_rows,
)
from analysis.sentiment.features import forget_cuts  # noqa: E402
from analysis.sentiment.metrics import Scores, score_binary  # noqa: E402
from analysis.sentiment.snownlp_model import train_snownlp  # noqa: E402

TARGETS = ("目标：dev 准确率 ≥ 0.86 且负面 F1 ≥ 0.85；领域测试集（及独立留出集）负面召回 ≥ 0.90 且准确率 ≥ 0.85；"
           "速度 ≥ 10× 原版 SnowNLP")
SETS = (("dev", "weibo2018 dev.csv"), ("domain", "民政领域测试集 domain.csv split=test"),
        ("holdout", "民政独立留出集 domain_holdout.csv（他人撰写，从未用于训练或调参）"))


def timed_scores(predict: Callable[[Sequence[str]], list[float]], data: Labelled) -> tuple[Scores, float]:
    """Scores on a data set and texts per second, after one untimed call loads what the model loads
    lazily, with no jieba cut remembered from an earlier model's run."""
    predict(data.texts[:1])
    forget_cuts()
    started = time.perf_counter()
    positives = predict(data.texts)
    elapsed = time.perf_counter() - started
    return score_binary(data.labels, positives), len(data) / elapsed


def as_predict(model: SentimentModel, clean: bool) -> Callable[[Sequence[str]], list[float]]:
    """A function from texts to probabilities of positive (cleaning first when asked)."""
    def predict(texts: Sequence[str]) -> list[float]:
        prepared = [clean_text(text) for text in texts] if clean else list(texts)
        return [result.positive for result in model.predict(prepared)]
    return predict


def pad(text: str, width: int) -> str:
    """The text padded to a display width (CJK characters take two columns)."""
    shown = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    return text + " " * max(0, width - shown)


def row(name: str, scores: Scores) -> str:
    """One table row of figures."""
    figures = (scores.accuracy, scores.macro_f1, scores.negative_precision, scores.negative_recall,
               scores.negative_f1)
    return "  " + pad(name, 22) + "".join(f"{value:>9.4f}" for value in figures)


def report(results: dict[str, dict[str, tuple[Scores, float]]]) -> None:
    """Print the three tables and the speed line."""
    stock_speed = results["SnowNLP（原版）"]["dev"][1]
    for set_name, title in SETS:
        first = next(iter(results.values()))[set_name][0]
        print(f"\n{title}（{first.count} 条，阈值 0.5）")
        print("  " + pad("模型", 22) + "".join(" " + pad(h, 8) for h in ("准确率", "宏F1", "负面P", "负面R", "负面F1")))
        for name, sets in results.items():
            print(row(name, sets[set_name][0]))
    print("\n速度（dev，单核，条/秒）")
    for name, sets in results.items():
        speed = sets["dev"][1]
        print(f"  {pad(name, 22)}{speed:>10.1f}   {speed / stock_speed:>6.1f}×")
    print(f"\n{TARGETS}")


def kind_accuracy(model: SentimentModel, path: Path, name: str, split: str | None = None) -> str:
    """Kind accuracy on a domain file (one split of it when given), with the pipeline's sentiment
    labels: the rules alone, and the shipped kind model that corrects them."""
    rows = read_rows(path, split)
    texts = [clean_text(row["text"]) for row in rows]
    results = model.predict(texts)
    learned = shipped_kind_model()
    figures = []
    for label, classify in (("规则", classify_kind), ("规则+类别模型", learned.classify)):
        hits = sum(classify(text, result).kind == row["kind"] for text, result, row in zip(texts, results, rows))
        figures.append(f"{label} {hits / len(rows):.4f}（{hits}/{len(rows)}）")
    return f"类别（kind）准确率，{name}：{'；'.join(figures)}"


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", nargs="?", type=Path, default=Path("../shared/data/sentiment"))
    args = parser.parse_args(argv)
    data_dir = args.data_dir if args.data_dir.exists() else (ROOT / args.data_dir).resolve()
    evaluated = {"dev": read_labelled(data_dir / "dev.csv"), "domain": read_domain("test"), "holdout": read_holdout()}
    training = read_labelled(data_dir / "train.csv") + read_domain("train")
    with tempfile.TemporaryDirectory() as tmp:
        retrained = train_snownlp(training.texts, training.labels, Path(tmp) / "sentiment.marshal")
        models = {
            "SnowNLP（原版）": (get_sentiment_model("snownlp"), False),
            "SnowNLP（重新训练）": (get_sentiment_model("snownlp", model_path=retrained), False),
            "本项目 linear": (get_sentiment_model("linear"), True),
            "本项目 yuqing（linear+GRU）": (get_sentiment_model("yuqing"), True),
        }
        results = {
            name: {set_name: timed_scores(as_predict(model, clean), data) for set_name, data in evaluated.items()}
            for name, (model, clean) in models.items()
        }
    report(results)
    pipeline_model = get_sentiment_model("yuqing", **PIPELINE_THRESHOLDS)
    print(kind_accuracy(pipeline_model, DOMAIN_CSV, "领域测试集", "test"))
    print(kind_accuracy(pipeline_model, HOLDOUT_CSV, "独立留出集"))


if __name__ == "__main__":
    main()
