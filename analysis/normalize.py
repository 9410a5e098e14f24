"""Turn scraped text into clean simplified Chinese: characters no document may carry dropped, HTML to
text, traditional to simplified, stray pinyin annotations removed, full-width letters and digits
narrowed, whitespace tidied.

Usage: ``clean_text(raw_html_or_text)``; the single steps are public for callers that need one.
``post_text(title, text)`` is the one way a post's title and body are joined.
Pure: imports nothing from yuqing/, crawler/ or responder/.
"""

from __future__ import annotations

import html as html_lib
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import lxml.html
import opencc
from lxml import etree

_BLOCK_TAGS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
               "blockquote", "pre", "table", "ul", "ol", "dd", "dt"}
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe")
_TAG_HINT = re.compile(r"<[a-zA-Z/!][^>]*>")

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PY = f"[a-zü{_TONED}]"
_SYLLABLE = rf"(?:{_PY}{{0,5}}[{_TONED}]{_PY}{{0,5}}|[a-zü]{{1,6}}[1-5])"
# A Han character followed by pinyin in brackets that carries tone marks or tone digits.
_PINYIN_NOTE = re.compile(rf"(?<=[\u3400-\u9fff])[(（]\s*{_SYLLABLE}(?:\s+{_SYLLABLE})*\s*[)）]")
# Control characters (C0 except tab and newline, DEL, C1), bidi embeddings, overrides and isolates,
# lone surrogates and the noncharacters U+FFFE/U+FFFF: invisible in a post, they reorder what a reader
# sees or make an XML document (the digest's .docx) impossible to write.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
                     "\ud800-\udfff\ufffe\uffff]")
# A numeric character reference (&#x1; &#8;), which parsers decode into the character it names.
_CHAR_REF = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")
_NEWLINES = re.compile(r"\s*\n\s*")


def drop_unsafe_chars(text: str) -> str:
    """The text without control characters (tab and newline kept; a carriage return becomes a newline),
    bidi controls, lone surrogates or noncharacters: the one sanitiser for text from outside."""
    return _UNSAFE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _drop_unsafe_ref(match: re.Match[str]) -> str:
    code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
    unsafe = code == 0 or code > 0x10FFFF or _UNSAFE.match(chr(code))
    return "" if unsafe else match.group(0)


def drop_unsafe_refs(markup: str) -> str:
    """The markup without character references to unsafe characters (a feed's ``&#x1;``), which an
    HTML parser would decode into text it then refuses to handle."""
    return _CHAR_REF.sub(_drop_unsafe_ref, markup)


def looks_like_html(text: str) -> bool:
    """True when the text contains markup tags."""
    return bool(_TAG_HINT.search(text))


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment; block tags become line breaks, image alt text (emoji) is kept."""
    if not markup.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return html_lib.unescape(_TAG_HINT.sub(" ", markup))
    for bad in root.iter(*_DROP_TAGS):
        bad.drop_tree()
    for img in root.iter("img"):
        img.tail = (img.get("alt") or "") + (img.tail or "")
    for element in root.iter(*_BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
    return root.text_content()


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def traditional_chars() -> frozenset[str]:
    """Characters that t2s changes; text without any of them needs no conversion."""
    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    chars = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        source, _, targets = line.partition("\t")
        if source and targets.split(" ")[0] != source:
            chars.add(source)
    return frozenset(chars)


def to_simplified(text: str, min_share: float = 0.1) -> str:
    """Traditional Chinese converted to simplified. Text in which fewer than `min_share` of the Han
    characters are traditional-only is simplified text that merely uses characters such as 著 or 乾
    (著名, 乾隆); it is returned unchanged, which is also the fast path."""
    known = traditional_chars()
    if known.isdisjoint(text):
        return text
    traditional = sum(1 for char in text if char in known)
    han = sum(1 for char in text if "\u3400" <= char <= "\u9fff")
    return _converter().convert(text) if traditional >= min_share * han else text


def strip_pinyin_annotations(text: str) -> str:
    """Remove pinyin readings pasted after characters, e.g. 總結(jié) -> 總結, 灾(zāi)后 -> 灾后."""
    return _PINYIN_NOTE.sub("", text)


def to_half_width(text: str) -> str:
    """Full-width ASCII letters, digits and symbols narrowed; Chinese punctuation (，。！？：；（）) kept."""
    keep = "，。！？：；（）"
    out = []
    for char in text:
        code = ord(char)
        if 0xFF01 <= code <= 0xFF5E and char not in keep:
            out.append(chr(code - 0xFEE0))
        elif code == 0x3000:
            out.append(" ")
        else:
            out.append(char)
    return "".join(out)


def tidy_whitespace(text: str) -> str:
    """Zero-width characters removed, runs of spaces collapsed, blank lines dropped, ends trimmed."""
    text = _ZERO_WIDTH.sub("", text)
    text = _SPACES.sub(" ", text)
    return _NEWLINES.sub("\n", text).strip()


def clean_text(raw: str) -> str:
    """The full cleaning chain for a post body or title (HTML or plain text).

    Unsafe characters and references to them are dropped before parsing, and characters again after
    it, since an entity such as ``&amp;#x202e;`` only becomes one when decoded.
    """
    raw = drop_unsafe_chars(drop_unsafe_refs(raw))
    text = html_to_text(raw) if looks_like_html(raw) else html_lib.unescape(raw)
    text = unicodedata.normalize("NFC", drop_unsafe_chars(text))
    text = strip_pinyin_annotations(to_simplified(text))
    return tidy_whitespace(to_half_width(text))


def kept_title(title: str, text: str) -> str:
    """The title worth reading beside the body: none when the body already starts with it."""
    return title if title and not text.startswith(title) else ""


def post_text(title: str, text: str) -> str:
    """A post as one text, the same for the crawl's filters, the analysis and `yuqing score`: the kept
    title on its own line, then the body."""
    title = kept_title(title, text)
    return f"{title}\n{text}" if title else text


def title_end(title: str, text: str) -> int:
    """Where the body starts in `post_text(title, text)` (0 without a kept title)."""
    title = kept_title(title, text)
    return len(title) + 1 if title else 0
