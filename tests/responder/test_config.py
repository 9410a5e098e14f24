"""The responder's configuration: a broken rung or template part stops start-up naming the key."""

import pytest

from yuqing.core.config import ConfigError, load_settings


@pytest.mark.parametrize("file,old,new,key", [
    ("response.yaml", "escalation_ladder: [commentator,", "escalation_ladder: [comentator,",
     "routing.escalation_ladder.0"),
    ("replies.yaml", "    part: closing\n", "    part: end\n", "templates.1.part"),
    ("response.yaml", "retry: {base_seconds: 60", "retry: {base_seconds: -1", "retry.base_seconds"),
    ("response.yaml", "  calendar: CN\n", "  calendar: XX\n", "clocks.calendar"),
])
def test_typos_name_file_and_key(profile_dir, file, old, new, key):
    path = profile_dir / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_settings(profile_dir, environ={})
    assert file in str(error.value) and key in str(error.value)
