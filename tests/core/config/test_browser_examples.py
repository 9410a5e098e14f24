"""The example browser profiles in docs/examples load as sources: the keys, JMESPaths and patterns
a bureau copies are valid, and every one is shipped switched off until tried."""

from pathlib import Path

import yaml

from yuqing.core.config.sources import BrowserSource, SourcesConfig

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples" / "browser-sources.yaml"


def test_every_example_profile_is_a_valid_disabled_browser_source():
    config = SourcesConfig.model_validate(yaml.safe_load(EXAMPLES.read_text(encoding="utf-8")))
    assert {s.platform for s in config.sources} == {"douyin", "xiaohongshu", "bilibili", "zhihu", "toutiao"}
    assert all(isinstance(s, BrowserSource) and not s.enabled for s in config.sources)
