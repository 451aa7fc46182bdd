"""Reading what the person types: line editing and history in a terminal, plain lines otherwise.

In a terminal, Python's `input` with the `readline` module (GNU readline or libedit) gives the
arrow keys, Home/End, Ctrl-R and the session's history, so an arrow key never arrives as a
message "^[[A". Where readline is missing (Windows without pyreadline), escape sequences that
come through anyway are removed before the text is used. The history is kept for the session
only: typed questions are not written to disk.
"""

from __future__ import annotations

import contextlib
import sys
from typing import TextIO

from adapters.console.terminal import strip_escapes


class LineReader:
    """The next line typed, or None at the end of input (Ctrl-D, or the script ran out)."""

    def __init__(self, stdin: TextIO, stdout: TextIO, interactive: bool) -> None:
        self.stdin, self.stdout = stdin, stdout
        self.at_end = False  # the input ended (Ctrl-D), as opposed to the person typing 'quit'
        # `input` edits lines only on the process's own terminal; other streams are read as is.
        self.editing = interactive and stdin is sys.stdin and stdout is sys.stdout
        if self.editing:
            with contextlib.suppress(ImportError):  # no line editing, escapes are removed
                import readline  # noqa: F401  (importing it is what gives `input` line editing)

    def read(self, prompt: str) -> str | None:
        """One line without its newline and escape sequences; KeyboardInterrupt passes through."""
        if self.editing:
            try:
                line = input(prompt)
            except EOFError:
                self.at_end = True
                return None
        else:
            if prompt:
                self.stdout.write(prompt)
                self.stdout.flush()
            line = self.stdin.readline()
            if not line:
                self.at_end = True
                return None
        return strip_escapes(line.rstrip("\r\n"))
