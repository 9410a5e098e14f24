"""How the shipped model is made: weibo2018 ``train.csv`` plus the domain train split (and,
when retraining from the desk, staff labels), cleaned as the pipeline cleans, fitted with NB-LR.

    python -m analysis.sentiment.recipe ../shared/data/sentiment/train.csv \
        -o analysis/sentiment/model/linear.npz
"""

from __future__ import annotations

import argparse
from datetime import datetime, timezone
from pathlib import Path

from analysis.normalize import clean_text
from analysis.sentiment.datasets import Labelled, read_domain, read_labelled
from analysis.sentiment.training import LinearWeights, TrainingOptions, train_linear

SHIPPED_OPTIONS = TrainingOptions(c=1.0, alpha=1.0, domain_weight=5.0, negative_weight=1.6, context_bias=1.0)


def fit(general: Labelled, domain: Labelled, options: TrainingOptions = SHIPPED_OPTIONS,
        sources: list[str] | None = None, trained_at: datetime | None = None) -> LinearWeights:
    """Train on general texts plus domain texts (weighted up), both cleaned like the pipeline."""
    texts = [clean_text(text) for text in general.texts + domain.texts]
    flags = [False] * len(general) + [True] * len(domain)
    stamp = (trained_at or datetime.now(timezone.utc)).strftime("%Y%m%dT%H%MZ")
    info = {"trained": stamp, "sources": sources or [], "general_rows": len(general), "domain_rows": len(domain)}
    return train_linear(texts, general.labels + domain.labels, flags, options, info)


def main(argv: list[str] | None = None) -> None:
    """Train the shipped model from a general labelled CSV plus the domain train split."""
    parser = argparse.ArgumentParser(description="训练随包发布的情感模型")
    parser.add_argument("train_csv", type=Path, help="通用标注数据（text,label）")
    parser.add_argument("-o", "--out", type=Path, default=Path(__file__).parent / "model" / "linear.npz")
    args = parser.parse_args(argv)
    sources = [f"{args.train_csv.name} (weibo2018)", "analysis/data/domain.csv split=train"]
    weights = fit(read_labelled(args.train_csv), read_domain("train"), sources=sources)
    print(f"已保存 {weights.save(args.out)}：{weights.info}")


if __name__ == "__main__":
    main()
