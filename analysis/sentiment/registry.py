"""Sentiment models chosen by short name from config, with a clear error for an unknown one."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from analysis.sentiment.base import SentimentModel

# name -> "module:Class"; imported on first use so SnowNLP loads only when asked for.
_MODELS: dict[str, str] = {
    "snownlp": "analysis.sentiment.snownlp_model:SnowNLPSentiment",
    "linear": "analysis.sentiment.linear:LinearSentiment",
    "yuqing": "analysis.sentiment.ensemble:EnsembleSentiment",
}


class UnknownSentimentModel(ValueError):
    """Raised for a sentiment model name that is not registered."""


def model_names() -> list[str]:
    """The registered model names, sorted."""
    return sorted(_MODELS)


def get_sentiment_model(name: str, **options: Any) -> SentimentModel:
    """An instance of the model registered under ``name``; options go to its constructor."""
    target = _MODELS.get(name.strip().lower())
    if target is None:
        raise UnknownSentimentModel(
            f"未知的情感模型 {name!r}；可用：{', '.join(model_names())}"
        )
    module_name, class_name = target.split(":")
    model_class = getattr(import_module(module_name), class_name)
    return model_class(**options)
