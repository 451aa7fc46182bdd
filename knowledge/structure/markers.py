"""The numbering marker a line starts with: its scheme, its style and its value.

People number policies in many ways: `1.` `1)` `(1)` `1.2.3`, `A.` `(a)`, roman `IV.` `(ii)`,
`Section 4.`, `Sec. 2-101`, `§ 39.19`, municipal-code ids such as `52-7-5:`, and bullets. Reading
a marker only says what it could be; a single letter such as `i` or `C` may be a letter or a roman
numeral, so both readings are returned and the outline picks the one that continues the list it
is in (`(i)` after `(h)` is a letter, `(i)` opening a list is roman one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Section-like ids: "§ 39.19", "Sec. 2-101.", "Section 4.", "Article IV", "Chapter 9".
_SECTION = re.compile(
    r"(?P<word>§§?|(?i:sec(?:tion)?\.?|article|art\.|chapter|ch\.|part|rule))\s*"
    r"(?P<id>\d{1,4}[A-Za-z]?(?:[.\-–]\d{1,4}[A-Za-z]?)*|[IVXLC]{1,7}|[A-Z])"
    r"(?P<punct>[.:]|\s*[—–-](?=\s))?(?:\s+(?P<rest>.*)|$)"
)
# Municipal-code ids: "52-7-5:" "2-101." (at least one hyphen, then a colon or a period).
_CODE = re.compile(r"(?P<id>\d{1,4}(?:-\d{1,4}[A-Za-z]?){1,4})(?P<punct>[:.])(?:\s+(?P<rest>.*)|$)")
# Decimal outlines: "4.1 Blog", "1.0 POLICY", "1.2.3. Text".
_DOTTED = re.compile(r"(?P<id>\d{1,3}(?:\.\d{1,3}){1,4})(?P<punct>[.)])?(?:\s+(?P<rest>.*)|$)")
# "(1)" "(a)" "(iv)" "(A)".
_PAREN = re.compile(r"\((?P<id>\d{1,3}|[A-Za-z]|[ivxlc]{2,7}|[IVXLC]{2,7})\)(?:\s+(?P<rest>.*)|$)")
# "1." "1)" "a." "A)" "iv." "IV.".
_SUFFIXED = re.compile(
    r"(?P<id>\d{1,3}|[A-Za-z]|[ivxlc]{2,7}|[IVXLC]{2,7})(?P<punct>[.)])(?:\s+(?P<rest>.*)|$)"
)
_BULLET = re.compile(
    r"(?:[•·▪◦●‣∙*■□➢►✓✔○\uf0a7\uf0b7\uf076\uf0d8\uf0fc]|-(?!-)|–|o(?=\s))\s+(?P<rest>.*)"
)
_SEPARATOR = re.compile(r"^[-–—]+\s*")  # "Sec. 2-101. - Definitions." (Municode's dash)
_ROMAN = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})", re.IGNORECASE)
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
_MAX_ROMAN = 50  # "di" is 501 in roman, but at a line start it is a word, not item 501

_SECTION_WORDS = {"§§": "§", "sec": "section", "art": "article", "ch": "chapter"}


@dataclass(frozen=True)
class Marker:
    """One reading of a line's numbering marker.

    `scheme`: decimal, upper, lower, upper-roman, lower-roman, dotted, section, code or bullet.
    `style`: how it is printed: dot (`1.`), close (`1)`), paren (`(1)`), dotted, bullet, or the
    section word (§, section, article, chapter, part, rule) or code.
    `value`: its place in the scheme (A=1, iv=4); 0 where order is not counted (sections).
    `printed`: the marker as printed; `segment`: what it adds to a number path ("A", "39.19").
    """

    scheme: str
    style: str
    value: int
    printed: str
    segment: str

    @property
    def signature(self) -> tuple[str, str]:
        """Markers with one signature are siblings in one list."""
        return (self.scheme, self.style)

    @property
    def is_list(self) -> bool:
        """Counted list markers (1., (a), iv.), as opposed to section ids, outlines and bullets."""
        return self.scheme in ("decimal", "upper", "lower", "upper-roman", "lower-roman")

    @property
    def resets_path(self) -> bool:
        """Section ids and decimal outlines carry their whole number themselves."""
        return self.scheme in ("section", "code", "dotted")

    @property
    def parts(self) -> tuple[int, ...]:
        """A decimal outline's components without trailing zeros: "4.0" -> (4,), "4.1" -> (4, 1)."""
        if self.scheme != "dotted":
            return ()
        numbers = [int(part) for part in self.segment.split(".")]
        while len(numbers) > 1 and numbers[-1] == 0:
            numbers.pop()
        return tuple(numbers)


@dataclass(frozen=True)
class MarkedLine:
    """A line that starts with a marker: its possible readings (best guess first) and its text."""

    readings: tuple[Marker, ...]
    rest: str


def read_marker(line: str) -> MarkedLine | None:
    """The marker a (stripped) line starts with, or None when it starts with plain words."""
    if match := _SECTION.match(line):
        rest = match["rest"] or ""
        if match["punct"] or not rest or not rest[0].islower():
            word = match["word"].lower().rstrip(".")
            style = _SECTION_WORDS.get(word, word)
            punct = match["punct"] if match["punct"] in (".", ":") else ""
            printed = line[: match.end("id")].strip() + (punct or "")
            marker = Marker("section", style, 0, printed, match["id"])
            return MarkedLine((marker,), _SEPARATOR.sub("", rest))
    if match := _CODE.match(line):
        marker = Marker("code", "code", 0, match["id"] + match["punct"], match["id"])
        return MarkedLine((marker,), _SEPARATOR.sub("", match["rest"] or ""))
    if match := _DOTTED.match(line):
        segment = match["id"]
        value = int(segment.rsplit(".", 1)[1])
        printed = segment + (match["punct"] or "")
        return MarkedLine(
            (Marker("dotted", "dotted", value, printed, segment),), match["rest"] or ""
        )
    if match := _PAREN.match(line):
        readings = _readings(match["id"], "paren", f"({match['id']})")
        return MarkedLine(readings, match["rest"] or "") if readings else None
    if match := _SUFFIXED.match(line):
        style = "dot" if match["punct"] == "." else "close"
        readings = _readings(match["id"], style, match["id"] + match["punct"])
        return MarkedLine(readings, match["rest"] or "") if readings else None
    if match := _BULLET.match(line):
        return MarkedLine((Marker("bullet", "bullet", 0, "•", ""),), match["rest"])
    return None


def _readings(token: str, style: str, printed: str) -> tuple[Marker, ...]:
    if token.isdigit():
        return (Marker("decimal", style, int(token), printed, str(int(token))),)
    readings = []
    upper = token.isupper()
    roman = roman_value(token)
    if len(token) == 1:
        letter = Marker("upper" if upper else "lower", style, _letter_value(token), printed, token)
        readings.append(letter)
    if roman is not None:
        scheme = "upper-roman" if upper else "lower-roman"
        reading = Marker(scheme, style, roman, printed, token)
        # "i"/"I" opening a list is roman one far more often than the ninth letter.
        readings.insert(0 if roman == 1 else len(readings), reading)
    return tuple(readings)


def roman_value(token: str) -> int | None:
    """The value of a roman numeral up to 50, or None when the token is not one."""
    if not token or not _ROMAN.fullmatch(token) or not (token.isupper() or token.islower()):
        return None
    total, previous = 0, 0
    for char in reversed(token.lower()):
        value = _ROMAN_VALUES[char]
        total += -value if value < previous else value
        previous = max(previous, value)
    return total if 0 < total <= _MAX_ROMAN else None


def _letter_value(letter: str) -> int:
    return ord(letter.lower()) - ord("a") + 1


def format_value(scheme: str, value: int) -> str:
    """How a value is printed in a scheme: decimal 3, upper C, lower-roman iii."""
    if scheme == "decimal":
        return str(value)
    if scheme in ("upper", "lower"):
        letters = ""
        while value > 0:
            value, remainder = divmod(value - 1, 26)
            letters = chr(ord("a") + remainder) + letters
        return letters.upper() if scheme == "upper" else letters
    if scheme in ("upper-roman", "lower-roman"):
        text = to_roman(value)
        return text if scheme == "upper-roman" else text.lower()
    return str(value)


def to_roman(value: int) -> str:
    """A positive integer in upper-case roman numerals."""
    numerals = [
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ]  # fmt: skip
    out = []
    for number, numeral in numerals:
        while value >= number:
            out.append(numeral)
            value -= number
    return "".join(out)
