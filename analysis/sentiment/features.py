"""Hashed binary features of a text: character n-grams, jieba words and word pairs, emoticons
and lexicon cues, each doubled with a context copy when the text speaks of the bureau's services
(so the model can learn what a word means there, as in "frustratingly easy" domain adaptation).
Hashing keeps the shipped parameters free of any text fragment."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

import numpy as np
import rjieba
from scipy import sparse
from sklearn.feature_extraction import FeatureHasher
from sklearn.utils import murmurhash3_32

from analysis.sentiment.lexicon import find_cues, in_context, summary_tokens

N_FEATURES = 2**20
CHAR_NGRAMS = (1, 2, 3)
CUT_CACHE = 2048
"""Texts whose cut is remembered: more than one analysis batch (500) or score chunk (1,000)."""
TOKEN_CACHE = 1 << 17
"""Word and cue tokens repeat across texts: their column and readable form are remembered."""
CONTEXT_TOKEN = "x:ctx"
CONTEXT_PREFIX = "x|"
_MARKUP = re.compile(r"\{%#?|#?%\}|https?://\S+")
_EMOTICON = re.compile(r"\[[^\[\]\s]{1,8}\]")
_PUNCT_OR_SPACE = re.compile(r"^[\s\W_]+$")


def prepare(text: str) -> str:
    """The text as the model reads it: Weibo topic markup and links removed, lower case."""
    return _MARKUP.sub(" ", text).lower().strip()


def load_dictionary() -> None:
    """Load the word cutter's dictionary now, not when the first text is cut."""
    rjieba.cut("预热", hmm=False)


def words(text: str) -> list[str]:
    """jieba's words of a prepared text, without punctuation and spaces."""
    return list(_cut(text))


@lru_cache(maxsize=CUT_CACHE)
def _cut(text: str) -> tuple[str, ...]:
    """The cut itself, remembered for recent texts: sentiment and kind both read each post's
    words. rjieba (jieba's algorithm and dictionary in Rust) cuts as ``jieba.lcut(text, HMM=False)``
    does, about ten times faster; the two differ only in how they break ties between equally likely
    cuts of a repeated character (哈哈哈哈哈哈哈)."""
    return tuple(word for word in rjieba.cut(text, hmm=False) if not _PUNCT_OR_SPACE.match(word))


def forget_cuts() -> None:
    """Drop the remembered cuts, token sets and token columns, so that a benchmark times the work on every text."""
    for cached in (_cut, _tokens, token_index, readable):
        cached.cache_clear()


class TokenSet(frozenset):
    """A text's feature tokens, knowing the readable text of those a reason can show (``shown``:
    words, pairs, emoticons and cues, as ``readable`` gives it), which tokens carry no context
    prefix (``plain``) and, once ``token_matrix`` has hashed them, the columns at ``N_FEATURES``
    of the plain tokens and of the others (``columns``)."""

    __slots__ = ("shown", "plain", "columns")

    shown: dict[str, str]
    plain: frozenset[str]
    columns: tuple[np.ndarray, np.ndarray] | None

    def __new__(cls, found: Iterable[str] = (), shown: dict[str, str] | None = None,
                plain: frozenset[str] = frozenset()) -> TokenSet:
        made = super().__new__(cls, found)
        made.shown, made.plain, made.columns = shown or {}, plain, None
        return made


def tokens(text: str) -> TokenSet:
    """The distinct feature tokens of a raw text. Remembered for recent texts: sentiment, kind
    and stance each read every post's tokens."""
    return _tokens(text)


_NOT_SHOWN = ("any", "many")
"""Token bodies never shown as a reason: the cue summaries' (g:any, g:many, p:any), and so the words too."""


@lru_cache(maxsize=CUT_CACHE)
def _tokens(text: str) -> TokenSet:
    prepared = prepare(text)
    grams = {"c:" + prepared[i:i + n] for n in CHAR_NGRAMS for i in range(len(prepared) - n + 1)}
    word_list = words(prepared)
    pairs = list(zip(word_list, word_list[1:]))
    emoticons = _EMOTICON.findall(prepared)
    cues = find_cues(prepared)
    named = {"w:" + word for word in word_list}
    named.update(f"b:{first} {second}" for first, second in pairs)
    named.update("e:" + emoticon for emoticon in emoticons)
    marks = {cue.token for cue in cues} | summary_tokens(cues)
    named |= marks
    shown = {"w:" + word: word for word in word_list if len(word) > 1 and word not in _NOT_SHOWN}
    shown.update({f"b:{first} {second}": first + second for first, second in pairs
                  if len(first) > 1 and len(second) > 1})
    shown.update({"e:" + emoticon: emoticon for emoticon in emoticons})
    shown.update({token: text for token in marks if (text := readable(token))})
    plain = frozenset(grams | named)
    if not in_context(prepared):
        return TokenSet(plain, shown, plain)
    shown.update({CONTEXT_PREFIX + token: text for token, text in list(shown.items())})
    context = {CONTEXT_PREFIX + token for token in (*grams, *named)}
    return TokenSet(plain | context | {CONTEXT_TOKEN}, shown, plain | {CONTEXT_TOKEN})


@lru_cache(maxsize=TOKEN_CACHE)
def token_index(token: str, n_features: int = N_FEATURES) -> int:
    """The column a token hashes to, exactly as ``FeatureHasher`` places it."""
    return abs(murmurhash3_32(token, seed=0)) % n_features


def hash_tokens(token_sets: Iterable[Iterable[str]], n_features: int = N_FEATURES) -> sparse.csr_matrix:
    """A binary sparse matrix, one row per set of tokens."""
    hasher = FeatureHasher(n_features=n_features, input_type="string", alternate_sign=False)
    matrix = hasher.transform(token_sets).tocsr()
    matrix.data = np.ones_like(matrix.data)
    return matrix


def _hash_columns(token_sets: Sequence[TokenSet]) -> None:
    """Give every token set that lacks them its columns at ``N_FEATURES``, hashed in one batch."""
    missing = [found for found in token_sets if found.columns is None]
    if not missing:
        return
    rest = [found - found.plain if len(found) > len(found.plain) else () for found in missing]
    hashed = hash_tokens([*(found.plain for found in missing), *rest], N_FEATURES)
    indices, starts = hashed.indices, hashed.indptr
    for i, found in enumerate(missing):
        j = i + len(missing)
        found.columns = (indices[starts[i]:starts[i + 1]], indices[starts[j]:starts[j + 1]])


def token_matrix(token_sets: Sequence[TokenSet], n_features: int = N_FEATURES, plain: bool = False) -> sparse.csr_matrix:
    """``hash_tokens`` of token sets made by ``tokens`` (of their context-free tokens alone when
    ``plain``). At a width that divides ``N_FEATURES`` each text is hashed once, whatever the width
    and the part: a token's column at a narrower width is its column at ``N_FEATURES`` modulo it."""
    if N_FEATURES % n_features:
        return hash_tokens((found.plain if plain else found for found in token_sets), n_features)
    _hash_columns(token_sets)
    rows = [found.columns[0] if plain else np.concatenate(found.columns) for found in token_sets]
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([len(row) for row in rows], out=indptr[1:])
    indices = np.concatenate(rows) % n_features if rows else np.zeros(0, dtype=np.int32)
    matrix = sparse.csr_matrix((np.ones(len(indices)), indices, indptr), shape=(len(rows), n_features))
    matrix.sum_duplicates()
    matrix.data = np.ones_like(matrix.data)
    return matrix


def plain_matrix(texts: Iterable[str], n_features: int) -> sparse.csr_matrix:
    """The binary matrix of each text's context-free tokens, the part the kind and stance models
    share, hashed once for both."""
    return token_matrix([tokens(text) for text in texts], n_features, plain=True)


def with_tokens(texts: Sequence[str], extra: Iterable[Iterable[str]], n_features: int,
                plain: sparse.csr_matrix | None = None) -> sparse.csr_matrix:
    """The binary matrix of each text's context-free tokens and its extra tokens; ``plain`` is the
    texts' ``plain_matrix`` when the caller has it at this width already."""
    if plain is None or plain.shape[1] != n_features:
        plain = plain_matrix(texts, n_features)
    joined = (plain + hash_tokens(extra, n_features)).tocsr()
    joined.data = np.ones_like(joined.data)
    return joined


def feature_matrix(texts: Iterable[str], n_features: int = N_FEATURES) -> sparse.csr_matrix:
    """A binary sparse matrix, one row per text."""
    return hash_tokens((tokens(text) for text in texts), n_features)


_READABLE_KINDS = ("w", "b", "e", "g", "p")


@lru_cache(maxsize=TOKEN_CACHE)
def readable(token: str) -> str:
    """The readable part of a word, word pair, emoticon or cue token; empty for any other token
    (n-grams, the context token, other models' own tokens), one-character words and pairs with a
    one-character side (such as "了 三个"), which read as fragments."""
    kind, _, body = token.removeprefix(CONTEXT_PREFIX).partition(":")
    if kind not in _READABLE_KINDS or body in _NOT_SHOWN or (kind == "w" and len(body) < 2):
        return ""
    if kind == "b" and min(len(part) for part in body.split(" ")) < 2:
        return ""
    return body.replace(" ", "")


_NGRAMS = ("c:", CONTEXT_PREFIX + "c:")
"""Character n-grams and their context copies: most of a text's tokens, and never readable."""


def readable_columns(found: Iterable[str] | Mapping[str, str], n_features: int = N_FEATURES) -> list[tuple[int, str]]:
    """The column and the readable text of each token that can be shown as a reason (``found``: a
    text's tokens, or readable texts by token as ``TokenSet.shown`` holds them)."""
    if isinstance(found, TokenSet):
        found = found.shown
    pairs = found.items() if isinstance(found, Mapping) else (
        (token, readable(token)) for token in found if not token.startswith(_NGRAMS))
    return [(token_index(token, n_features), text) for token, text in pairs if text]
