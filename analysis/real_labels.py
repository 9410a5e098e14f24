"""Hand labels of real citizens' text, joined to the texts they label.

The project keeps only ids and labels (``analysis/data/labels/``, guideline beside them); the
texts stay in the shared data folder (``../shared/data/real`` beside the checkout, or
``YUQING_SHARED_DATA``), whose terms allow training and measuring only. Used by the stance,
kind and department recipes and ``bench/detection.py``, never at run time.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

LABELS_DIR = Path(__file__).parent / "data" / "labels"
EMOTION_STANCE = {"happy": "positive", "neural": "neutral", "angry": "negative", "sad": "negative", "fear": "negative"}
"""SMP2020-EWECT emotions as stances; ``surprise`` is left out (it reads either way)."""


def shared_data_dir() -> Path:
    """Where the shared real data lives."""
    configured = os.environ.get("YUQING_SHARED_DATA")
    return Path(configured) if configured else Path(__file__).resolve().parents[2] / "shared" / "data"


@dataclass(frozen=True)
class LabelledPost:
    """A real post with its hand labels; ``board`` marks a message on a government board."""

    id: str
    title: str
    text: str
    board: bool
    mention: bool
    department: str
    topic: str
    stance: str
    kind: str
    actionable: bool
    split: str
    sample: str = ""


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def board_posts(split: str | None = None) -> list[LabelledPost]:
    """Labelled board messages (subject as title, body as text), one split or all."""
    texts = {row["message_id"]: row for row in _read(shared_data_dir() / "real" / "board_messages.csv")}
    return [LabelledPost(row["message_id"], texts[row["message_id"]]["subject"], texts[row["message_id"]]["body"],
                         True, row["mention"] == "1", row["department"], row["topic"], row["stance"], row["kind"],
                         row["actionable"] == "1", row["split"], row["sample"])
            for row in _read(LABELS_DIR / "board.csv") if split is None or row["split"] == split]


def weibo_posts(split: str | None = None) -> list[LabelledPost]:
    """Labelled Weibo posts, one split or all."""
    texts = {row["id"]: row["text"] for row in _read(shared_data_dir() / "real" / "weibo_emotion_train.csv")}
    return [LabelledPost(row["id"], "", texts[row["id"]], False, row["mention"] == "1", row["department"], "",
                         row["stance"], row["kind"], row["actionable"] == "1", row["split"])
            for row in _read(LABELS_DIR / "weibo.csv") if split is None or row["split"] == split]


def emotion_posts(exclude: set[str]) -> list[tuple[str, str]]:
    """(text, stance) of the emotion-labelled Weibo set, without the ids in ``exclude``."""
    rows = _read(shared_data_dir() / "real" / "weibo_emotion_train.csv")
    return [(row["text"], EMOTION_STANCE[row["emotion"]]) for row in rows
            if row["id"] not in exclude and row["emotion"] in EMOTION_STANCE]
