"""Near-copies are found through MinHash LSH; repost chains are split."""

import numpy as np

from analysis.neardup import (
    NUM_PERM, MinHashIndex, decode_signature, encode_signature, matching_text, signature, similarity,
    split_repost_chain,
)

ARTICLE = ("榆川市民政局近日发布通知，自十二月一日起调整城乡最低生活保障标准，城市低保标准由每人每月七百八十元"
           "提高到八百二十元，农村低保标准同步提高。市民可以到所在街道办事处或者乡镇政府咨询办理，"
           "也可以拨打民政服务热线了解详情。")
SYNONYMS = (ARTICLE.replace("近日", "日前").replace("调整", "上调").replace("市民", "居民")
            .replace("咨询办理", "咨询").replace("了解详情", "了解具体情况"))
OTHER = ("榆川市民政局发布通知，明年起调整城乡特困人员救助供养标准，城市特困人员基本生活标准提高到每人每月"
         "一千一百元，农村同步提高。详情可拨打民政服务热线咨询。")


def test_repost_chain_is_split_into_own_words_and_earlier_comments():
    chain = split_repost_chain("说得对//@网友甲:榆川民政局太慢了//@网友乙：转发微博")
    assert chain.own_text == "说得对"
    assert chain.chain == (("网友甲", "榆川民政局太慢了"), ("网友乙", "转发微博"))
    assert split_repost_chain("转发微博//@网友甲:原话").is_bare
    assert not split_repost_chain("说得对//@网友甲:原话").is_bare


def test_matching_text_drops_markers_and_punctuation():
    assert matching_text("好！//@网友甲: 低保，太慢") == "好低保太慢"


def test_synonym_swapped_copy_is_similar_and_other_story_is_not():
    assert similarity(signature(ARTICLE), signature(SYNONYMS)) >= 0.5
    assert similarity(signature(ARTICLE), signature(OTHER)) < 0.35


def test_index_finds_the_original_of_a_near_copy_among_many():
    index = MinHashIndex()
    rng = np.random.default_rng(7)
    noise = rng.integers(0, 2**16, (5000, NUM_PERM), dtype=np.uint16)
    index.add_many([f"n{i}" for i in range(5000)], noise)
    index.add("news:1", signature(ARTICLE))
    index.add("news:2", signature(OTHER))
    assert index.best(signature(SYNONYMS))[0] == "news:1"
    assert index.best(signature("完全无关的一条帖子，说的是天气和美食")) is None
    assert len(index) == 5002 and "news:1" in index


def test_best_or_add_answers_a_copy_and_indexes_a_new_story():
    index = MinHashIndex()
    assert index.best_or_add("news:1", signature(ARTICLE)) is None and "news:1" in index
    assert index.best_or_add("news:9", signature(SYNONYMS))[0] == "news:1" and "news:9" not in index
    assert index.best_or_add("news:2", signature(OTHER)) is None and len(index) == 2


def test_pending_rows_are_found_before_and_after_merging():
    index = MinHashIndex(merge_every=3)
    for i in range(5):
        index.add(f"k{i}", signature(f"第{i}条完全不同的内容" * (i + 1)))
    index.add("k0", signature(OTHER))
    for i in range(5):
        assert index.best(signature(f"第{i}条完全不同的内容" * (i + 1)))[0] == f"k{i}"


def test_signature_round_trips_through_text_and_junk_is_refused():
    sig = signature(ARTICLE)
    assert (decode_signature(encode_signature(sig)) == sig).all()
    assert decode_signature("not base64!") is None and decode_signature("AAAA") is None


def test_estimated_similarity_is_unbiased_against_true_jaccard():
    from analysis.neardup import shingles

    rng = np.random.default_rng(0)
    chars = [chr(0x4E00 + i) for i in range(2000)]
    errors = []
    for _ in range(100):
        base = "".join(rng.choice(chars, 120))
        cut = int(rng.integers(0, 60))
        other = base[:cut] + "".join(rng.choice(chars, 60)) + base[cut + 60:]
        first, second = shingles(base), shingles(other)
        errors.append(similarity(signature(base), signature(other)) - len(first & second) / len(first | second))
    assert abs(float(np.mean(errors))) < 0.02
