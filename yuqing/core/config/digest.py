"""The weekly 舆情 digest: schedule, recipients and presentation."""

from pydantic import Field

from yuqing.core.config.base import Section
from yuqing.core.config.replies import NarrativeConfig

DEFAULT_PLATFORMS = {
    "weibo": "微博",
    "news": "新闻网站",
    "feed": "新闻网站",
    "forum": "论坛",
    "html": "论坛",
    "tieba": "贴吧",
    "board": "留言板",
    "wechat": "微信",
    "video": "短视频",
}


class DigestConfig(Section):
    """When the weekly digest goes out, to whom, and what it shows."""

    weekday: int = Field(default=0, ge=0, le=6, description="0 = Monday")
    time: str = Field(default="09:00", pattern=r"^\d{2}:\d{2}$")
    recipients: list[str] = Field(default_factory=list)
    title: str = "网络舆情周报"
    top_events: int = Field(default=10, ge=1)
    consultation_examples: int = Field(default=5, ge=0, description="Answered consultations quoted")
    platform_labels: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_PLATFORMS), description="Chinese names of platform keys"
    )
    font_path: str = Field(default="", description="A CJK font file for charts; empty = the packaged Noto Sans CJK (mplfonts)")
    attach_docx: bool = Field(default=True, description="Attach the report as a .docx document")
    mask_personal: bool = Field(
        default=True, description="Mask phone and ID numbers quoted from posts (HTML, text and .docx alike)"
    )
    narrative: NarrativeConfig = Field(
        default_factory=NarrativeConfig,
        description="Optional local model drafting an event's summary and the 专报's narrative (off by default)")
