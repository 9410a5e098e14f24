"""The weekly 舆情 digest (舆情周报): figures for a week, charts, HTML/text/Word, sent once through the outbox."""

from responder.digest.build import RenderedDigest, build_digest
from responder.digest.delivery import DigestError, DigestResult, send_weekly_digest
from responder.digest.period import WeekError

__all__ = ["DigestError", "DigestResult", "RenderedDigest", "WeekError", "build_digest", "send_weekly_digest"]
