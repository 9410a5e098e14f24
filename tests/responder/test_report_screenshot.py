"""The 专报 HTML in headless Chromium: a PNG kept under test-artifacts/ for people to look at."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from matplotlib import image as mpimg

from responder.report import build_report
from tests.responder.digest.test_digest_screenshot import ARTIFACTS, CHROMIUM, _screenshot
from tests.responder.test_report import event_id  # noqa: F401 (the fixture)


@pytest.mark.browser
def test_report_html_screenshot(sessions, settings, now, event_id, tmp_path, database_url):  # noqa: F811
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (apt-get install chromium fonts-wqy-microhei)")
    built = build_report(sessions, settings, event_id, now + timedelta(hours=8))
    html = tmp_path / "report.html"
    html.write_text(built.html, encoding="utf-8")
    backend = database_url.split(":", 1)[0].split("+")[0]
    ARTIFACTS.mkdir(exist_ok=True)
    png = ARTIFACTS / f"report-event-{backend}.png"
    png.unlink(missing_ok=True)
    _screenshot(html, png, 2600)
    pixels = mpimg.imread(png)
    assert pixels.shape[1] == 820
    dark = (pixels[:, :, :3].mean(axis=2) < 0.5).mean()
    assert dark > 0.01, "the screenshot is (nearly) blank"
