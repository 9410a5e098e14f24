"""The learned kind model: it corrects the rules, says so in its reasons, and survives a save."""

from __future__ import annotations

import pytest

from analysis.kind import classify_kind
from analysis.kind_model import KindModel, KindWeights, shipped_kind_model, train_kind
from analysis.sentiment import SentimentResult
from analysis.sentiment.features import plain_matrix

CALM = SentimentResult(0.5, "neutral", [])
SORE = SentimentResult(0.2, "negative", [])

# Made-up examples: on this little desk, "还没到账" questions are complaints, whatever the
# rules say about the question mark.
EXAMPLES = [
    ("请问低保怎么申请？", "consultation", CALM),
    ("想了解一下高龄津贴几岁开始领？", "consultation", CALM),
    ("婚姻登记处周六上班吗？", "consultation", CALM),
    ("请问补贴为什么三个月了还没到账？", "complaint", SORE),
    ("高龄津贴怎么还没到账？", "complaint", SORE),
    ("救助金还没到账，到底什么时候发？", "complaint", SORE),
    ("感谢社区和民政局帮忙办好了低保", "praise", CALM),
    ("窗口工作人员很耐心，点赞", "praise", CALM),
    ("网传民政局挪用救灾款", "rumour", SORE),
    ("市民政局召开冬季救助工作会议", "other", CALM),
]


@pytest.fixture(scope="module")
def desk_model(tmp_path_factory) -> KindModel:
    texts, kinds, sentiments = zip(*EXAMPLES)
    weights = train_kind(texts, kinds, sentiments, c=10.0, info={"trained": "test"})
    return KindModel(weights.save(tmp_path_factory.mktemp("kind") / "kind.npz"))


def test_where_the_model_overrules_the_rules_it_says_what_the_rules_said(desk_model):
    text = "养老补贴还没到账，请问啥时候发？"
    assert classify_kind(text, SORE).kind == "consultation"
    result = desk_model.classify(text, SORE)
    assert result.kind == "complaint"
    assert result.reasons[0].startswith("投诉：类别模型")
    assert "规则原判为咨询：" in result.reasons[0] and "依据“未发放" in result.reasons[0]


def test_where_both_agree_the_rules_reasons_are_kept(desk_model):
    text = "请问临时救助怎么申请？"
    assert desk_model.classify(text, CALM) == classify_kind(text, CALM)


def test_a_batch_on_a_shared_matrix_judges_as_one_by_one(desk_model):
    texts = [text for text, _, _ in EXAMPLES] + ["养老补贴还没到账，请问啥时候发？"]
    sentiments = [sentiment for _, _, sentiment in EXAMPLES] + [SORE]
    shared = plain_matrix(texts, desk_model.width)
    assert desk_model.classify_all(texts, sentiments, plain=shared) == [
        desk_model.classify(text, sentiment) for text, sentiment in zip(texts, sentiments)]
    assert desk_model.classify_all([], []) == []


def test_weights_round_trip(desk_model, tmp_path):
    copy = KindWeights.load(KindWeights.load(desk_model.model_path).save(tmp_path / "copy.npz"))
    original = KindWeights.load(desk_model.model_path)
    assert copy.kinds == original.kinds and (copy.weights == original.weights).all()
    assert copy.info["trained"] == "test" and desk_model.version == "kind:test"


@pytest.mark.parametrize("text, sentiment, kind", [
    ("请问低保怎么申请？", CALM, "consultation"),
    ("低保材料交了三个月，打电话一直没人接", SORE, "complaint"),
    ("感谢民政局的工作人员，临时救助两天就批下来了", SentimentResult(0.9, "positive", []), "praise"),
    ("网传市民政局把救灾款挪去盖办公楼了，是真的吗", SORE, "rumour"),
    ("建议在小区附近增设一个老年助餐点，方便老人就近吃饭", CALM, "request"),
    ("今天心情好差，什么都不想干", SORE, "other"),
    ("希望疫情早点过去，大家都平平安安", SentimentResult(0.9, "positive", []), "other"),
])
def test_the_shipped_model_reads_plain_cases(text, sentiment, kind):
    assert shipped_kind_model().classify(text, sentiment).kind == kind
