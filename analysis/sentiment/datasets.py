"""Reading labelled CSV files: ``text`` and ``label`` (0 negative, 1 positive), optional ``split``."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

DOMAIN_CSV = Path(__file__).resolve().parents[1] / "data" / "domain.csv"
HOLDOUT_CSV = DOMAIN_CSV.with_name("domain_holdout.csv")


@dataclass(frozen=True)
class Labelled:
    """Texts and their labels, in file order."""

    texts: list[str]
    labels: list[int]

    def __add__(self, other: Labelled) -> Labelled:
        return Labelled(self.texts + other.texts, self.labels + other.labels)

    def __len__(self) -> int:
        return len(self.texts)


def read_rows(path: str | Path, split: str | None = None) -> list[dict[str, str]]:
    """Every row of a CSV as a dict of its columns, only ``split`` rows when given."""
    with open(path, encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if split is None or row.get("split") == split]


def read_labelled(path: str | Path, split: str | None = None) -> Labelled:
    """The rows of a CSV with ``text`` and ``label`` columns, only ``split`` rows when given."""
    rows = read_rows(path, split)
    return Labelled([row["text"] for row in rows], [int(row["label"]) for row in rows])


def read_domain(split: str) -> Labelled:
    """The project's own 民政 domain set, ``train`` or ``test`` split."""
    return read_labelled(DOMAIN_CSV, split)


def read_holdout() -> Labelled:
    """The independent 民政 holdout: posts by other writers, never used for training or tuning."""
    return read_labelled(HOLDOUT_CSV)
