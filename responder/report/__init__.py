"""The special report (专报) on one serious event: figures from the database, HTML and Word."""

from responder.report.build import ReportError, SpecialReport, build_report

__all__ = ["ReportError", "SpecialReport", "build_report"]
