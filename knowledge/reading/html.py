"""HTML exports (Laserfiche, Word saved as HTML, code publishers' pages) as plain lines.

The parser reads lines, so HTML is turned into the lines a reader sees: headings as Markdown
(`## Title`), ordered lists with the numbers the browser would show (`<ol type="a" start="3">`
gives `c.`), nested lists indented, table rows one per line, `<br>` a line break and `<p>` a
paragraph. Tables of contents (`<nav>`, an element whose id or class says toc/contents, or a list
whose every item is only an in-page link) are left out: they repeat headings, they are not rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from knowledge.structure.markers import format_value, read_marker

_PARAGRAPH = frozenset(
    "p li tr table ul ol dl dt dd blockquote pre section article h1 h2 h3 h4 h5 h6 hr".split()
)
_LINE = frozenset({"br", "div"})
_SKIPPED = frozenset({"script", "style", "head", "nav", "noscript", "template", "svg", "footer"})
_VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())
_TOC = re.compile(r"(?i)\btoc\b|table[-_ ]?of[-_ ]?contents|\bcontents\b")
_OL_SCHEMES = {"1": "decimal", "a": "lower", "A": "upper", "i": "lower-roman", "I": "upper-roman"}
_INDENT = "\x01"  # one nesting level of a list item, made four spaces at the end
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*\b[^<>]*>|&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")


def looks_like_html(text: str) -> bool:
    """Whether a stored text carries HTML tags or entities."""
    return _MARKUP.search(text) is not None


@dataclass
class _List:
    ordered: bool
    scheme: str
    next_value: int
    start: int  # index in the output where the list began
    items: int = 0
    link_only_items: int = 0


@dataclass
class _Item:
    text_chars: int = 0
    link_chars: int = 0


@dataclass
class _State:
    out: list[str] = field(default_factory=list)
    lists: list[_List] = field(default_factory=list)
    items: list[_Item] = field(default_factory=list)
    skipping: list[str] = field(default_factory=list)  # tags whose content is left out
    heading: list[str] | None = None  # collecting a heading's text on one line
    heading_level: int = 0
    in_link: int = 0  # depth inside an in-page link (<a href="#...">)
    in_pre: bool = False


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.state = _State()

    # -- tags -----------------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        state = self.state
        attributes = {name: value or "" for name, value in attrs}
        if state.skipping:
            if tag not in _VOID:
                state.skipping.append(tag)
            return
        if tag in _SKIPPED or _TOC.search(
            f"{attributes.get('id', '')} {attributes.get('class', '')}"
        ):
            if tag not in _VOID:
                state.skipping.append(tag)
            return
        if tag in ("ul", "ol"):
            self._break(paragraph=True)
            scheme = _OL_SCHEMES.get(attributes.get("type", "1"), "decimal")
            start = _int(attributes.get("start"), 1)
            state.lists.append(_List(tag == "ol", scheme, start, len(state.out)))
        elif tag == "li":
            self._break(paragraph=True)
            self._open_item(attributes)
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._break(paragraph=True)
            state.heading, state.heading_level = [], int(tag[1])
        elif tag == "a" and attributes.get("href", "").startswith("#"):
            state.in_link += 1
        elif tag == "pre":
            self._break(paragraph=True)
            state.in_pre = True
        elif tag in ("td", "th"):
            self._write(" ")
        elif tag in _PARAGRAPH:
            self._break(paragraph=True)
        elif tag in _LINE:
            self._break(paragraph=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        state = self.state
        if state.skipping:
            if tag in state.skipping:
                while state.skipping and state.skipping.pop() != tag:
                    pass
            return
        if tag in ("ul", "ol") and state.lists:
            self._close_list(state.lists.pop())
        elif tag == "li":
            self._close_item()
            self._break(paragraph=True)
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6") and state.heading is not None:
            text = " ".join(" ".join(state.heading).split())
            state.heading = None
            if text:
                state.out.append(f"\n\n{'#' * state.heading_level} {text}\n\n")
        elif tag == "a" and state.in_link:
            state.in_link -= 1
        elif tag == "pre":
            state.in_pre = False
            self._break(paragraph=True)
        elif tag in _PARAGRAPH:
            self._break(paragraph=True)
        elif tag in _LINE:
            self._break(paragraph=False)

    def handle_data(self, data: str) -> None:
        state = self.state
        if state.skipping:
            return
        if state.heading is not None:
            state.heading.append(data)
            return
        if state.items:
            visible = len(data.strip())
            state.items[-1].text_chars += visible
            if state.in_link:
                state.items[-1].link_chars += visible
        self._write(data if state.in_pre else re.sub(r"\s+", " ", data))

    # -- helpers --------------------------------------------------------------------------
    def _write(self, text: str) -> None:
        self.state.out.append(text)

    def _break(self, *, paragraph: bool) -> None:
        self.state.out.append("\n\n" if paragraph else "\n")

    def _open_item(self, attributes: dict[str, str]) -> None:
        state = self.state
        state.items.append(_Item())
        if not state.lists:
            state.out.append("• ")
            return
        current = state.lists[-1]
        current.items += 1
        indent = _INDENT * (len(state.lists) - 1)
        if current.ordered:
            value = _int(attributes.get("value"), current.next_value)
            current.next_value = value + 1
            state.out.append(f"{indent}{format_value(current.scheme, value)}. ")
        else:
            state.out.append(f"{indent}• ")
        state.out.append("\x00")  # where the item's own text starts (see _close_item)

    def _close_item(self) -> None:
        state = self.state
        if not state.items:
            return
        item = state.items.pop()
        if state.lists and item.text_chars and item.link_chars >= item.text_chars:
            state.lists[-1].link_only_items += 1
        _drop_doubled_marker(state.out)

    def _close_list(self, closed: _List) -> None:
        state = self.state
        if closed.items >= 2 and closed.link_only_items == closed.items:
            del state.out[closed.start :]  # a table of contents: in-page links only
        self._break(paragraph=True)


def _drop_doubled_marker(out: list[str]) -> None:
    """An item whose text already starts with its number ("<li>1. Text") keeps only that one."""
    try:
        start = len(out) - 1 - out[::-1].index("\x00")
    except ValueError:
        return
    own = "".join(out[start + 1 :]).lstrip()
    if read_marker(own) is not None and start >= 1:
        out[start - 1] = re.sub(r"\S+ $", "", out[start - 1])
    out[start] = ""


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def html_to_text(raw: str) -> str:
    """The lines a reader sees in an HTML export (see the module docstring)."""
    reader = _Reader()
    reader.feed(raw)
    reader.close()
    text = "".join(reader.state.out).replace("\x00", "")
    lines = [line.strip(" \t").replace(_INDENT, "    ") for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
