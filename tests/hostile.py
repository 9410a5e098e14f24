"""Hostile posts for the property-based suites (tests/**/test_hostile_*.py): strategies and the checks
every output must pass: nothing unescaped, no unsafe link, no unmasked phone or ID number."""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import unquote

import lxml.html
from hypothesis import HealthCheck, settings, strategies as st

# Examples per suite are kept small enough for the whole hostile suite to run in about two minutes.
FAST = settings(max_examples=100, deadline=None, database=None)
SLOW = settings(max_examples=15, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])

CONTROL = st.sampled_from([chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0x85, 0x9F]])
BIDI = st.sampled_from(["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
                        "\u200e", "\u200f", "\u061c"])
SURROGATE = st.integers(0xD800, 0xDFFF).map(chr)
ENTITY = st.sampled_from(["&#x1;", "&#8;", "&#x202e;", "&#0;", "&#xD800;", "&lt;script&gt;", "&amp;#x1;", "&#65279;"])
BROKEN_HTML = st.sampled_from([
    '<script>alert("x")</script>', "<img src=x onerror=alert(1)>", '<a href="javascript:alert(1)">点我</a>',
    "<svg onload=alert(1)>", "</textarea><script>alert(2)</script>", "<p><b>未闭合", "<!-- <p>", "<![CDATA[x]]>",
    "<div style='x'>", '"><iframe src=javascript:alert(3)>', "{{ 7*7 }}{% raw %}", "<<p>>", "<",
])
WORDS = st.sampled_from(["低保", "榆川市民政局", "投诉", "养老院收费", "咨询", "谣言", "辦理臨時救助", "總結(jié)", "ＡＢＣ１２"])
UNSAFE_URL = st.sampled_from([
    "javascript:alert(1)", " JavaScript:alert(document.cookie)", "java\tscript:alert(1)", "\x01javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)", "//evil.example/x", "jav&#x09;ascript:alert(1)", "\u202ejavascript:alert(1)",
])
SEPARATORS = st.sampled_from(["", " ", "-", ".", "%20", "%2D", "+", "\u3000"])


def _digits(count: int) -> st.SearchStrategy[str]:
    return st.text(st.sampled_from("0123456789"), min_size=count, max_size=count)


MOBILE = st.builds(lambda second, rest: f"1{second}{rest}", st.sampled_from("3456789"), _digits(9))
ID_CARD = st.builds(lambda first, rest, check: f"{first}{rest}{check}", st.sampled_from("1234568"), _digits(16),
                    st.sampled_from("0123456789X"))
LANDLINE = st.builds(lambda area, rest: f"0{area}{rest}", _digits(3), _digits(8))


@st.composite
def written_number(draw) -> tuple[str, str]:
    """(digits, as written): a mobile, ID or landline number in one of the ways people write them."""
    kind = draw(st.sampled_from(["mobile", "id", "landline"]))
    digits = draw({"mobile": MOBILE, "id": ID_CARD, "landline": LANDLINE}[kind])
    sep = draw(SEPARATORS)
    groups = {"mobile": (3, 4, 4), "id": (6, 8, 4), "landline": (4, 8)}[kind]
    if kind == "id" and draw(st.booleans()):
        groups = (6, 4, 4, 4)
    parts, at = [], 0
    for size in groups:
        parts.append(digits[at:at + size])
        at += size
    written = sep.join(parts)
    if kind == "mobile" and draw(st.booleans()):
        written = draw(st.sampled_from(["+86", "+86 ", "0086", "86-"])) + written
    return digits, written


@st.composite
def number_in_context(draw) -> tuple[str, str]:
    """(digits, text): a written number as plain text, after Latin letters, or inside a URL."""
    digits, written = draw(written_number())
    frame = draw(st.sampled_from(["电话{}。", "ID{}，", "tel:{}；", "https://bbs.example.cn/t?tel={}&a=1 ",
                                  "http://x.example/p/{}/q ", "联系（{}）"]))
    return digits, frame.format(written)


HUGE_REPEAT = 150_000


@dataclass(frozen=True)
class HostilePost:
    """A generated post: title, body, URL, the personal numbers written into it, and a unit repeated
    HUGE_REPEAT times after the body (about 1 MB; kept apart so a failing example prints short)."""

    title: str
    head: str
    url: str
    numbers: tuple[str, ...]
    huge_unit: str = ""

    @property
    def text(self) -> str:
        """The whole body."""
        return self.head + self.huge_unit * HUGE_REPEAT


PIECE = st.one_of(CONTROL, BIDI, SURROGATE, ENTITY, BROKEN_HTML, WORDS, st.text(max_size=20),
                  st.just("\x00"), st.just("\r\n"))


@st.composite
def hostile_text(draw, numbers: list[str]) -> str:
    """Hostile pieces around zero or more personal numbers (their digits are appended to `numbers`)."""
    pieces = draw(st.lists(PIECE, max_size=12))
    for _ in range(draw(st.integers(0, 2))):
        digits, text = draw(number_in_context())
        numbers.append(digits)
        pieces.insert(draw(st.integers(0, len(pieces))), text)
    return "".join(pieces)


@st.composite
def hostile_posts(draw, huge: bool = True) -> HostilePost:
    """A post as a hostile or careless stranger writes it; now and then about 1 MB long."""
    numbers: list[str] = []
    title = draw(hostile_text(numbers))
    text = "榆川市民政局" + draw(hostile_text(numbers))
    unit = draw(st.sampled_from(["低保<b>没人管</b>\x01", "投诉\u202e", "<p>咨询&#x1;"])) if huge and draw(
        st.integers(0, 9)) == 0 else ""
    digits, in_url = draw(number_in_context())
    url = draw(st.one_of(UNSAFE_URL, st.just(f"https://bbs.example.cn/t?tel={digits}"),
                         st.just(in_url.split(" ")[0] if in_url.startswith("http") else "https://a.example/1")))
    if digits in url:
        numbers.append(digits)
    return HostilePost(title, text, url, tuple(numbers), unit)


def storable(text: str) -> str:
    """The text without lone surrogates, which no database driver can encode (everything else stays)."""
    return re.sub("[\ud800-\udfff]", "", text)


# -- checks -----------------------------------------------------------------------------------------

_SEPARATOR_CHARS = re.compile(r"[\s\-.+_\u2010-\u2015\u2212\uff0d\uff0e]")


def digit_view(output: str) -> str:
    """The output as a reader (or a regex) would see its numbers: entities and URL escapes decoded,
    full-width digits narrowed, separators removed."""
    decoded = unicodedata.normalize("NFKC", unquote(html.unescape(output)))
    return _SEPARATOR_CHARS.sub("", decoded)


def assert_masked(output: str, numbers: tuple[str, ...] | list[str]) -> None:
    """No personal number appears in full in the output, however it was written."""
    view = digit_view(output)
    for digits in numbers:
        assert digits not in view, f"unmasked {digits} in output"


SAFE_LINK = re.compile(r"^(https?://[^/\s]|cid:|#|\?|/(?!/)|mailto:|$)", re.IGNORECASE)
LINK_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href")


def assert_safe_html(page: str, own: tuple[str, ...] = ()) -> None:
    """No script or frame but the page's own (`own`: their src prefixes), no inline event handler, no
    link but http(s), cid: or local ones."""
    if not page.strip():
        return
    root = lxml.html.document_fromstring(page)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in ("script", "iframe", "object", "embed"):
            assert own and element.get("src", "").startswith(own), f"unexpected <{element.tag}> in output"
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), f"event handler {name}={value!r} in output"
            if name.lower() in LINK_ATTRIBUTES and not (element.tag == "img" and value.startswith("data:image/png")):
                assert SAFE_LINK.match(value.strip()), f"unsafe link {name}={value!r}"
