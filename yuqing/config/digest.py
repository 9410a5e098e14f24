"""The weekly 舆情 digest: schedule and recipients."""

from pydantic import Field

from yuqing.config.base import Section


class DigestConfig(Section):
    """When the weekly digest goes out and to whom."""

    weekday: int = Field(default=0, ge=0, le=6, description="0 = Monday")
    time: str = Field(default="09:00", pattern=r"^\d{2}:\d{2}$")
    recipients: list[str] = Field(default_factory=list)
    title: str = "网络舆情周报"
    top_events: int = Field(default=10, ge=1)
