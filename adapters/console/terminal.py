"""What the terminal can show: its width, whether it takes colour, and text fitted to it.

Lines are wrapped at word boundaries only (a word longer than the line stays whole on a line of
its own), with list items and "name  summary" rows continuing under their text, so nothing is
cut mid-word at 80 columns. Colour is used only on a terminal, never when NO_COLOR is set
(https://no-color.org: any non-empty value) or TERM is "dumb", so pipes and files get plain
text. The width is read again for every reply: a resized window is honoured. COLUMNS, when set,
wins (also for output that is not a terminal); otherwise output that is not a terminal is not
wrapped, so scripts read whole lines.
"""

from __future__ import annotations

import os
import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TextIO

# SGR codes by the role of the text, not by colour, so a theme is one table.
_STYLES = {
    "heading": "1",  # bold
    "quiet": "2",  # dim: hints and sources
    "good": "1;32",  # bold green: fine to post
    "caution": "1;33",  # bold yellow: with a disclaimer, needs authorization
    "stop": "1;31",  # bold red: do not post
    "prompt": "1;36",  # bold cyan
}
# Where a continued line starts: under the text of a list item ("  - ", "2. ") or of a
# "name  summary" row (two or more spaces after an indented name).
_HANGING = re.compile(r"^(\s*(?:[-*•]|\d+[.)])\s+|\s+\S(?:\S| (?! ))*\s{2,}(?=\S)|\s+)")
_ESCAPES = re.compile(r"\x1b(?:\[[0-9;?]*[ -/]*[@-~]|O.|[@-_])|\^\[\[[0-9;]*[A-Za-z~]")


@dataclass(frozen=True)
class Terminal:
    """How to print for one output stream: `width` None means do not wrap."""

    width: int | None
    colour: bool

    @classmethod
    def of(cls, stream: TextIO, environ: Mapping[str, str] | None = None) -> Terminal:
        env = os.environ if environ is None else environ
        interactive = _isatty(stream)
        colour = interactive and not env.get("NO_COLOR") and env.get("TERM") != "dumb"
        return cls(width=_width(stream, interactive, env), colour=colour)

    def style(self, text: str, role: str | None) -> str:
        """The text in the role's colour, when this terminal takes colour."""
        if not self.colour or role is None or not text:
            return text
        return f"\x1b[{_STYLES[role]}m{text}\x1b[0m"

    def prompt(self, text: str) -> str:
        """A prompt for readline: colour codes wrapped in \\001..\\002 so they take no width."""
        if not self.colour:
            return text
        return f"\001\x1b[{_STYLES['prompt']}m\002{text}\001\x1b[0m\002"

    def lines(self, styled: Sequence[tuple[str, str | None]]) -> str:
        """Lines with their roles, wrapped to the width and coloured; one string."""
        out: list[str] = []
        for line, role in styled:
            out += [self.style(part, role) for part in wrap_line(line, self.width)]
        return "\n".join(out)

    def text(self, text: str, role: str | None = None) -> str:
        return self.lines([(line, role) for line in text.split("\n")])


def wrap_line(line: str, width: int | None) -> list[str]:
    """One line as several no wider than `width`, broken between words only."""
    if width is None or len(line) <= width:
        return [line]
    hanging = _HANGING.match(line)
    indent = len(hanging.group(1)) if hanging else 0
    if indent > width // 2:
        indent = len(line) - len(line.lstrip())
        indent = indent if indent <= width // 2 else 0
    return textwrap.wrap(
        line,
        width,
        subsequent_indent=" " * indent,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [line]


def strip_escapes(text: str) -> str:
    """Typed text without terminal escape sequences (arrow keys where there is no line editing,
    also when they arrive spelled out as "^[[A")."""
    return _ESCAPES.sub("", text)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed, or not a real file
        return False


def _width(stream: TextIO, interactive: bool, env: Mapping[str, str]) -> int | None:
    columns = env.get("COLUMNS", "")
    if columns.isdigit() and int(columns) >= 20:
        return int(columns)
    if not interactive:
        return None
    try:
        size = os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return None
    return size if size >= 20 else None
