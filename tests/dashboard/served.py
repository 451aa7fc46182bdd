"""A real `policybot serve` with the dashboard, the `policybot` command, and headless Chromium."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.processes import inherited

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
READY_SECONDS = 60


def environment() -> dict[str, str]:
    """What a `policybot` process of the test gets: the test's database and the secret."""
    passed = ("POLICYBOT_DATABASE_URL", "POLICYBOT_DASHBOARD_SECRET")
    return {
        "PATH": "/usr/bin:/bin",
        **inherited(),
        "HOME": str(Path.home()),
        "POLICYBOT_LOG_LEVEL": "WARNING",
        **{k: v for k, v in os.environ.items() if k in passed},
    }


def policybot(config: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run the `policybot` command as a person would, to the end."""
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli", "--config", str(config), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=environment(),
    )


def chat(config: Path, user: str, *lines: str) -> str:
    """What the terminal bot answers `user`, one message a line."""
    done = policybot(config, "chat", "--user", user, stdin="".join(f"{line}\n" for line in lines))
    assert done.returncode == 0, done.stderr
    return done.stdout


def sign_in_link(config: Path, user: str) -> str:
    """The link the terminal bot gives `user` for `dashboard`."""
    found = re.search(r"https?://\S+/dashboard/sign-in\?token=\S+", chat(config, user, "dashboard"))
    assert found, f"no sign-in link for {user}"
    return found.group(0)


# The dashboard's address in app.yaml until the server has bound a port of its own choosing;
# `serve` then writes the real one, for the sign-in links `policybot` prints from then on.
PENDING_BASE_URL = "http://127.0.0.1:9"


@dataclass
class Server:
    """A running `policybot serve`; its standard error is read as it comes, so it never blocks."""

    process: subprocess.Popen[str]
    url: str = ""
    lines: list[str] = field(default_factory=list)
    ready: threading.Event = field(default_factory=threading.Event)

    def drain(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)
            if match := re.search(r"PolicyBot serving on (http://127\.0\.0\.1:\d+)", line):
                self.url = match.group(1)
                self.ready.set()
        self.ready.set()  # ended: whoever waits sees no URL and the output


def serve(config: Path) -> Iterator[Server]:
    """Start `policybot serve` on a port it binds itself (port 0: nothing is picked here and
    freed for it to take later, which another suite could take first), wait for the line saying
    where it serves, point the dashboard's links there, and stop it after."""
    process = subprocess.Popen(
        [sys.executable, "-m", "adapters.cli", "--config", str(config), "serve", *_at(0)],
        stderr=subprocess.PIPE,
        text=True,
        env=environment(),
    )
    server = Server(process)
    threading.Thread(target=server.drain, daemon=True).start()
    try:
        assert server.ready.wait(READY_SECONDS) and server.url, "".join(server.lines)
        text = config.read_text()
        assert PENDING_BASE_URL in text, "the test's app.yaml should use served.PENDING_BASE_URL"
        config.write_text(text.replace(PENDING_BASE_URL, server.url))
        yield server
    finally:
        process.terminate()
        process.wait(30)


def _at(port: int) -> list[str]:
    return ["--host", "127.0.0.1", "--port", str(port)]


def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless, through Playwright (no browser download)."""
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: ./scripts/test installs it"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def screenshot(page: Page, name: str) -> None:
    """Keep a picture of the page for review (test-artifacts/screenshots, not in git)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sign_in(context: BrowserContext, link: str) -> Page:
    """Open a sign-in link in a new page and press its button, as HR does; the home page."""
    page = context.new_page()
    page.goto(link)
    page.get_by_role("button", name="Sign in as").click()
    expect(page.get_by_role("heading", level=1, name="Policies at a glance")).to_be_visible()
    return page
