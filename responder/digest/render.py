"""The digest as an HTML email (inline CSS, images by Content-ID) and as plain text."""

from __future__ import annotations

import base64
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from responder.digest.charts import ChartImage
from responder.digest.figures import Figures
from responder.digest.formatting import FILTERS
from responder.digest.labels import LEVEL_COLOURS, SENTIMENTS
from responder.digest.volume import negative_share
from yuqing.core.config import Settings

TEMPLATES = Path(__file__).resolve().parent / "templates"


@cache
def environment() -> Environment:
    """The Jinja2 environment: HTML templates autoescaped, text templates not."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    return env


def _context(figures: Figures, settings: Settings, images: list[ChartImage]) -> dict:
    return {
        "f": figures,
        "images": images,
        "sentiments": SENTIMENTS,
        "level_colours": LEVEL_COLOURS,
        "negative_share": negative_share,
        "platform_label": lambda key: settings.digest.platform_labels.get(key, key),
        "tz": settings.app.timezone,
        "attach_docx": settings.digest.attach_docx,
    }


def render_html(figures: Figures, settings: Settings, images: list[ChartImage]) -> str:
    """The HTML body; charts are referenced as cid: URLs of the inline images."""
    return environment().get_template("digest.html.j2").render(_context(figures, settings, images))


def render_text(figures: Figures, settings: Settings) -> str:
    """The plain-text alternative with the same sections and figures."""
    return environment().get_template("digest.txt.j2").render(_context(figures, settings, []))


def embed_images(html: str, images: list[ChartImage]) -> str:
    """The HTML with cid: references replaced by data: URLs, for browsers and the web preview."""
    for image in images:
        data = base64.b64encode(image.png).decode("ascii")
        html = html.replace(f"cid:{image.content_id}", f"data:image/png;base64,{data}")
    return html
