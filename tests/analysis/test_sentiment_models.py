"""The sentiment registry, the shipped linear weights and the benchmark metrics."""

from __future__ import annotations

import pickle
import numpy as np
import pytest

from analysis.sentiment import UnknownSentimentModel, get_sentiment_model, label_for, model_names
from analysis.sentiment.features import (
    CONTEXT_TOKEN, N_FEATURES, forget_cuts, hash_tokens, readable, readable_columns, token_index, token_matrix, tokens,
    words,
)
from analysis.sentiment.lexicon import find_cues, in_context
from analysis.sentiment.linear import DEFAULT_MODEL, LinearSentiment
from analysis.sentiment.metrics import score_binary
from analysis.sentiment.training import LinearWeights, TrainingOptions, train_linear


@pytest.fixture(scope="module")
def shipped() -> LinearSentiment:
    return LinearSentiment()


def test_unknown_name_is_a_clear_error():
    with pytest.raises(UnknownSentimentModel, match="未知的情感模型 'bert'.*linear.*snownlp"):
        get_sentiment_model("bert")


def test_registry_names_and_instances():
    assert {"snownlp", "linear", "yuqing"} <= set(model_names())
    assert isinstance(get_sentiment_model("linear"), LinearSentiment)
    assert get_sentiment_model("snownlp").predict_one("这家店的东西很好，物流也快").positive > 0.5


def test_shipped_weights_are_small_numbers_only():
    assert DEFAULT_MODEL.stat().st_size < 20 * 1024 * 1024
    with np.load(DEFAULT_MODEL, allow_pickle=False) as data:
        assert set(data.files) == {"indices", "values", "intercept", "context_bias", "n_features", "info"}
        assert data["values"].dtype == np.float32


@pytest.mark.parametrize("text", [
    "低保申请交上去五十天了还没有结果，电话一直没人接。",
    "高龄补贴三个月没发了，社区说等通知。",
    "婚姻登记预约网站又打不开了，折腾了一晚上。",
    "民政局推诿扯皮，投诉无门[怒]",
    "婚姻登记处排队太久了，一早去排到中午还没办完。",
    "救助申请到底要拖多久？",
])
def test_grievances_score_negative_with_cues(shipped, text):
    result = shipped.predict_one(text)
    assert result.label == "negative" and result.positive < 0.5
    assert result.cues


@pytest.mark.parametrize("text", [
    "感谢社区工作人员上门帮我们办好了补贴，服务很贴心！",
    "敬老院的护工对老人特别耐心，给你们点赞[赞]",
])
def test_praise_scores_positive(shipped, text):
    assert shipped.predict_one(text).label == "positive"


def test_thresholds_make_a_neutral_band():
    assert label_for(0.3, 0.4, 0.6) == "negative"
    assert label_for(0.5, 0.4, 0.6) == "neutral"
    assert label_for(0.6, 0.4, 0.6) == "positive"
    with pytest.raises(ValueError):
        LinearSentiment(negative_below=0.7, positive_above=0.3)


def test_training_round_trip(tmp_path):
    texts = ["服务很好很满意", "态度很差没人管", "办事快很贴心", "拖了三个月还没发"] * 5
    weights = train_linear(texts, [1, 0, 1, 0] * 5, options=TrainingOptions(n_features=2**12))
    model = LinearSentiment(weights.save(tmp_path / "tiny.npz"))
    assert model.predict_one("服务很好").positive > model.predict_one("态度很差").positive
    assert LinearWeights.load(tmp_path / "tiny.npz").info["rows"] == 20


def test_service_words_add_context_copies_of_every_token():
    found = tokens("低保金还没到账")
    assert in_context("低保金还没到账") and CONTEXT_TOKEN in found
    assert {"w:低保金", "x|w:低保金", "g:未发放", "x|g:未发放"} <= found
    assert readable("x|w:低保金") == "低保金" and readable(CONTEXT_TOKEN) == ""
    assert readable("b:怎么 申请") == "怎么申请" and readable("b:了 三个") == "" and readable("b:请问 榆") == ""
    assert readable("rule:consultation") == "" and readable("sent:1") == ""
    assert not in_context("今天天气不错") and CONTEXT_TOKEN not in tokens("今天天气不错")


def test_readable_columns_are_the_readable_tokens_where_the_hasher_puts_them():
    found = tokens("低保金还没到账")
    expected = sorted((token_index(token, 2**12), readable(token)) for token in found if readable(token))
    assert sorted(readable_columns(found, 2**12)) == expected
    assert sorted(readable_columns(set(found), 2**12)) == expected
    assert "低保金" in {text for _, text in expected}


@pytest.mark.parametrize("width", [N_FEATURES, 2**18, 2**12, 1000])
def test_token_matrix_is_the_hashers_matrix_at_any_width_and_part(width):
    forget_cuts()
    texts = ["低保金还没到账", "今天天气不错", "", "低保金还没到账"]
    found = [tokens(text) for text in texts]
    token_matrix(found[:1], 2**16)
    for plain in (False, True):
        expected = hash_tokens([f.plain if plain else f for f in found], width)
        assert (token_matrix(found, width, plain) != expected).nnz == 0
    assert found[0].columns is not None and found[0] is found[3]


def test_a_texts_tokens_know_what_a_reason_can_show_and_their_context_free_part():
    found = tokens("低保金还没到账")
    assert found.shown == {token: readable(token) for token in found if readable(token)}
    assert found.shown["w:低保金"] == found.shown["x|w:低保金"] == "低保金"
    assert found.plain == {token for token in found if not token.startswith("x|")}
    copied = pickle.loads(pickle.dumps(found))
    assert copied == found and copied.shown == found.shown and copied.plain == found.plain


def test_context_bias_moves_only_service_texts_toward_negative(tmp_path):
    texts = ["服务很好很满意", "态度很差没人管", "办事快很贴心", "拖了三个月还没发"] * 5
    plain = train_linear(texts, [1, 0, 1, 0] * 5, options=TrainingOptions(n_features=2**12))
    biased = train_linear(texts, [1, 0, 1, 0] * 5, options=TrainingOptions(n_features=2**12, context_bias=1.0))
    before = LinearSentiment(plain.save(tmp_path / "plain.npz"))
    after = LinearSentiment(biased.save(tmp_path / "biased.npz"))
    assert LinearWeights.load(tmp_path / "biased.npz").context_bias == 1.0
    assert after.predict_one("社区办事很快").positive < before.predict_one("社区办事很快").positive
    assert after.predict_one("今天很满意").positive == pytest.approx(before.predict_one("今天很满意").positive)


def test_metrics():
    scores = score_binary([0, 0, 1, 1], [0.1, 0.9, 0.8, 0.7])
    assert scores.accuracy == 0.75 and scores.negative_precision == 1.0 and scores.negative_recall == 0.5


def test_a_negated_grievance_is_not_a_cue():
    assert find_cues("政策宣讲会上说，办事群众以后不用来回跑了") == []
    assert [cue.text for cue in find_cues("来回跑了三趟还没办好")][:1] == ["来回跑"]


def test_remembered_cuts_are_copies_and_can_be_forgotten():
    first = words("低保金还没到账")
    first.append("被改")
    assert words("低保金还没到账") == first[:-1]
    forget_cuts()
    assert words("低保金还没到账") == first[:-1]


@pytest.mark.parametrize("text", [
    "榆东区的低保申请交上去四十天了，还是没有结果",
    "请问离婚冷静期从哪天开始算？谢谢 [微笑]",
    "养老院的护工态度很好，apple watch 也能预约 2024年",
    "第一行\r\n第二行\t空格  结尾",
])
def test_words_are_jiebas_cut_without_its_hmm(text):
    import jieba
    expected = [w for w in jieba.lcut(text, HMM=False) if w.strip() and not all(not c.isalnum() for c in w)]
    assert words(text) == expected
