"""A login page's QR code as text: the image (a screenshot of the page's QR element, so an <img>
and a <canvas> alike) is decoded with zxing-cpp and drawn again with segno in terminal blocks.
When decoding fails (a logo over the code, a blurred image), the PNG is still saved and its path
shown, so the person can open it."""

from __future__ import annotations

import io
from dataclasses import dataclass


@dataclass
class ShownQr:
    """A QR code as shown to the person who scans it."""

    png: bytes
    content: str | None
    text: str | None


def decode(png: bytes) -> str | None:
    """The text of the first QR code in a PNG, None when none can be read."""
    import zxingcpp
    from PIL import Image

    try:
        image = Image.open(io.BytesIO(png)).convert("RGB")
    except OSError:
        return None
    found = [code.text for code in zxingcpp.read_barcodes(image) if code.text]
    return found[0] if found else None


def terminal_text(content: str) -> str:
    """A QR code of `content` in Unicode half blocks for a terminal (dark on light)."""
    import segno

    out = io.StringIO()
    segno.make(content, error="m").terminal(out=out, compact=True)
    return out.getvalue()


def shown(png: bytes) -> ShownQr:
    """The screenshot with its decoded content and terminal drawing (None where it cannot be read)."""
    content = decode(png)
    return ShownQr(png, content, terminal_text(content) if content else None)
