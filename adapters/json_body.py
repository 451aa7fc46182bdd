"""JSON from outside (Slack's and Teams' request bodies) read with a nesting limit.

Python's json module recurses once per level: a body of 100,000 opening brackets raised
RecursionError, a 500 with a traceback, before any signature or token was checked. Real
payloads nest about a dozen levels (a Slack message's blocks, a Teams card); deeper is refused
as malformed before it is parsed. So is a NUL character (`\u0000`): neither platform sends one,
and PostgreSQL stores none (a Teams name holding one was a 500 there).
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

MAX_DEPTH = 64
_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_NUL = re.compile(r"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)  # an unescaped \u0000
_STEP = str.maketrans({"[": "+", "{": "+", "]": "-", "}": "-"})


class JsonRefused(ValueError):
    """The text is not JSON, or nests deeper than a payload may; the message says which."""


def nesting_depth(text: str) -> int:
    """How deep the brackets outside strings nest (0 for a scalar)."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text)).translate(_STEP)
    return max(accumulate(1 if step == "+" else -1 for step in brackets), default=0)


def load_json(text: str, max_depth: int = MAX_DEPTH) -> Any:
    """The parsed value; JsonRefused when it is not JSON or nests deeper than `max_depth`."""
    openings = text.count("[") + text.count("{")  # few: cannot nest deeper, skip the scan
    if openings > max_depth and nesting_depth(text) > max_depth:
        raise JsonRefused(f"the JSON nests deeper than {max_depth} levels")
    if "\\u0000" in text.lower() and _NUL.search(text):
        raise JsonRefused("the JSON holds a NUL character")
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise JsonRefused("the body is not valid JSON") from None
