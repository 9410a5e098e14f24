"""Terms are found at jieba's word boundaries; the cutter can be loaded ahead of the first text."""

from analysis.vocabulary import Vocabulary, _tokenizer


def test_terms_are_found_only_at_word_boundaries():
    vocabulary = Vocabulary(["民政", "低保"])
    assert [hit.term for hit in vocabulary.find("区民政办说低保下月发")] == ["民政", "低保"]
    assert vocabulary.find("区人民政府发布通知") == []


def test_prepare_loads_the_cutter_before_any_text():
    vocabulary = Vocabulary(["榆川民政预热词"])
    before = _tokenizer.cache_info().misses
    vocabulary.prepare()
    assert _tokenizer.cache_info().misses == before + 1
    vocabulary.find("榆川民政预热词")
    assert _tokenizer.cache_info().misses == before + 1
