"""A whole post assessed from plain data: reasons from every part, level from its own signals."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from analysis.assess import AnalysisRules, PostFacts, assess_post, assess_texts
from analysis.hotness import Snapshot
from analysis.sentiment import get_sentiment_model
from analysis.topics import Topic

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=timezone.utc)
RULES = AnalysisRules(topics=(Topic("elderly-care", "养老服务", ("敬老院", "老人"), "养老科", "elderly-chief"),),
                      sensitive_words=("殴打",), emergency_words=("火灾",), media_tiers={1: ("人民日报",)})


def test_a_media_report_of_abuse_is_orange_with_reasons():
    text = "江南市一家敬老院护工殴打老人，家属投诉无门"
    facts = PostFacts(text, author="人民日报", reposts=800, comments=300, likes=2000, followers=10_000_000,
                      verified_type=3, snapshots=(Snapshot(NOW - timedelta(hours=1), 100, 50, 400),))
    [assessed_text] = assess_texts([text], get_sentiment_model("yuqing"), RULES.topics)
    result = assess_post(facts, assessed_text, RULES, NOW)
    assert result.level.level == 2 and result.media_tier == 1 and result.sensitive_words == ("殴打",)
    assert result.hotness.score > 80
    reasons = "\n".join(result.reasons)
    assert "情感负面" in reasons and "养老服务" in reasons and "主流媒体介入" in reasons


def test_a_quiet_question_stays_blue():
    text = "请问敬老院可以短期托养老人吗？"
    [assessed_text] = assess_texts([text], get_sentiment_model("yuqing"), RULES.topics)
    result = assess_post(PostFacts(text, likes=1), assessed_text, RULES, NOW)
    assert result.level.level == 4 and assessed_text.kind.kind == "consultation"
    assert assessed_text.owner == "elderly-chief"
