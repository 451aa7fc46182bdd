"""`policybot` on a real pseudo-terminal of a chosen size, typed at like a keyboard.

The process gets the pty as its controlling terminal, so Ctrl-C is a real SIGINT from the line
discipline and readline sees real arrow keys. Reads wait for the expected text to appear
(readiness), never for a fixed time.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

SGR = re.compile(r"\x1b\[[0-9;]*m")
ANY_ESCAPE = re.compile(r"\x1b(?:\[[0-9;?]*[ -/]*[@-~]|[()][0-9A-B]|[=>])|[\x01\x02\x07]")
KEYS = {
    "up": b"\x1b[A",
    "down": b"\x1b[B",
    "right": b"\x1b[C",
    "left": b"\x1b[D",
    "ctrl-c": b"\x03",
    "ctrl-d": b"\x04",
    "enter": b"\r",
}


class TerminalSession:
    """One `policybot` process on a pty `columns` wide."""

    def __init__(self, args: list[str], env: dict[str, str], columns: int = 80) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "adapters.cli", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=Path(__file__).resolve().parents[2],
            start_new_session=True,
            preexec_fn=_take_terminal,
        )
        os.close(slave)
        self.raw = b""

    def type(self, *keys: str) -> None:
        """Type text, or a named key from KEYS."""
        for key in keys:
            os.write(self.master, KEYS.get(key, key.encode()))

    def wait_for(self, text: str, timeout: float = 30, count: int = 1) -> str:
        """Everything shown so far, once `text` has appeared on screen `count` times."""
        deadline = time.monotonic() + timeout
        while self.screen().count(text) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._read(remaining):
                raise AssertionError(f"{text!r} never appeared; the screen shows:\n{self.screen()}")
        return self.screen()

    def prompt(self, number: int) -> str:
        """Wait for the `number`th prompt: the bot is ready for the next line."""
        return self.wait_for("you> ", count=number)

    def finish(self, timeout: float = 30) -> int:
        """Read until the process ends; its exit code."""
        deadline = time.monotonic() + timeout
        while self._read(max(0.0, deadline - time.monotonic())):
            pass
        code = self.process.wait(timeout=max(1.0, deadline - time.monotonic()))
        os.close(self.master)
        return code

    def text(self) -> str:
        """Everything shown, decoded, with the terminal's \\r\\n as \\n (colour codes kept)."""
        return self.raw.decode("utf-8", "replace").replace("\r\n", "\n")

    def screen(self) -> str:
        """What a person reads: no colour or other escape sequences."""
        return ANY_ESCAPE.sub("", self.text())

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # the process ended and closed its side
            return False
        self.raw += chunk
        return bool(chunk)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        with contextlib.suppress(OSError):  # already closed by finish()
            os.close(self.master)


def _take_terminal() -> None:
    """In the child: make the pty its controlling terminal (Ctrl-C then sends SIGINT), with
    SIGINT's default action, as a shell gives its foreground job. The test run itself may ignore
    SIGINT (`scripts/test` runs the PostgreSQL pass as a background job, and a script's
    background jobs ignore it); Python keeps an inherited SIG_IGN, so Ctrl-C would do nothing."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
