"""Texts that staff have labelled while working cases, as training rows for the sentiment model."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from analysis.sentiment.datasets import Labelled
from yuqing.core.storage.models import Assessment, CaseAction, CasePost, Post


def staff_labelled(sessions: sessionmaker[Session]) -> Labelled:
    """Texts labelled by staff: sentiment re-labels, and 误报 dismissals of posts called negative."""
    texts, labels = [], []
    with sessions() as session:
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
