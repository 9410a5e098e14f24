"""The rendered HTML in headless Chromium: a PNG kept under test-artifacts/ for people to look at."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from matplotlib import image as mpimg

from responder.digest import build_digest
from tests.responder.digest.world import WEEK

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars"]


def _screenshot(html: Path, png: Path, height: int) -> None:
    command = [CHROMIUM, *FLAGS, f"--user-data-dir={html.parent / 'chromium-profile'}",
               f"--window-size=820,{height}", f"--screenshot={png}", html.as_uri()]
    subprocess.run(command, check=True, capture_output=True, timeout=120)


@pytest.mark.browser
def test_rendered_html_screenshot(sessions, settings, world, digest_now, tmp_path, database_url):
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (apt-get install chromium fonts-wqy-microhei)")
    rendered = build_digest(sessions, settings, WEEK, digest_now)
    html = rendered.write_to(tmp_path / "digest.html")
    backend = database_url.split(":", 1)[0].split("+")[0]
    ARTIFACTS.mkdir(exist_ok=True)
    png = ARTIFACTS / f"digest-{WEEK}-{backend}.png"
    png.unlink(missing_ok=True)
    _screenshot(html, png, 6400)
    pixels = mpimg.imread(png)
    assert pixels.shape[1] == 820
    dark = (pixels[:, :, :3].mean(axis=2) < 0.5).mean()
    assert dark > 0.01, "the screenshot is (nearly) blank"
    header = pixels[40:60, 100:700, :3].mean(axis=(0, 1))
    assert header[0] > 0.5 > header[1], "the red title band is missing"
