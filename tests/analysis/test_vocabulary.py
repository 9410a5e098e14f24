"""Terms are found at jieba's word boundaries; the cutter can be loaded ahead of the first text."""

import re

from analysis.vocabulary import Vocabulary, _tokenizer


def test_terms_are_found_only_at_word_boundaries():
    vocabulary = Vocabulary(["民政", "低保"])
    assert [hit.term for hit in vocabulary.find("区民政办说低保下月发")] == ["民政", "低保"]
    assert vocabulary.find("区人民政府发布通知") == []


def test_only_the_runs_holding_a_term_are_cut_and_the_starts_are_those_of_the_whole_cut():
    vocabulary = Vocabulary(["民政", "低保", "mz局"])
    text = "区人民政府说：低保下月发，mz局回复了。另外，民政办（三楼）今天不上班！民政"
    offsets = [m.start() for term in ("民政", "低保", "mz局") for m in re.finditer(term, text)]
    whole = {start for _, start, _ in _tokenizer(vocabulary.terms).tokenize(text, HMM=False)}
    assert vocabulary.word_starts(text, offsets) == {offset for offset in offsets if offset in whole}
    assert text.index("人民政府") + 1 not in vocabulary.word_starts(text, offsets)


def test_prepare_loads_the_cutter_before_any_text():
    vocabulary = Vocabulary(["榆川民政预热词"])
    before = _tokenizer.cache_info().misses
    vocabulary.prepare()
    assert _tokenizer.cache_info().misses == before + 1
    vocabulary.find("榆川民政预热词")
    assert _tokenizer.cache_info().misses == before + 1
