"""Sentiment models: one contract (``base``), a name registry and the implementations."""

from analysis.sentiment.base import SentimentModel, SentimentResult, label_for
from analysis.sentiment.registry import UnknownSentimentModel, get_sentiment_model, model_names

__all__ = [
    "SentimentModel",
    "SentimentResult",
    "UnknownSentimentModel",
    "get_sentiment_model",
    "label_for",
    "model_names",
]
