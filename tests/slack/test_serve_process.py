"""`policybot serve` as an operator runs it: a separate process, its checks and its stop."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.acknowledgements import acks
from bot.app import open_app
from tests.processes import inherited
from tests.slack.conftest import Served, slack_environment
from tests.slack.fake_slack import FakeSlack


def _environment(extra: dict[str, str]) -> dict[str, str]:
    database = {k: v for k, v in os.environ.items() if k == "POLICYBOT_DATABASE_URL"}
    return {"PATH": "/usr/bin:/bin", "HOME": str(Path.home()), **inherited(), **database, **extra}


async def _start(config: Path, env: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "adapters.cli",
        "--config",
        str(config),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        *args,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )


@pytest.fixture
async def serve_process(
    config_file: Path, fake: FakeSlack
) -> AsyncIterator[tuple[asyncio.subprocess.Process, str]]:
    process = await _start(config_file, _environment(slack_environment(fake)))
    assert process.stderr is not None
    seen = []
    while not (
        match := re.search(r"serving on http://127\.0\.0\.1:(\d+)", seen[-1] if seen else "")
    ):
        line = (await asyncio.wait_for(process.stderr.readline(), 60)).decode()
        assert line, "".join(seen)  # the process ended before it said where it serves
        seen.append(line)
    yield process, f"http://127.0.0.1:{match.group(1)}"
    if process.returncode is None:
        process.kill()
        await process.wait()


async def test_serve_answers_health_checks_and_a_signed_dm_then_stops_cleanly(
    serve_process: tuple[asyncio.subprocess.Process, str], fake: FakeSlack, config_file: Path
) -> None:
    process, url = serve_process
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{url}/healthz") as health:
            assert health.status == 200
        async with session.get(f"{url}/readyz") as ready:
            assert (await ready.json())["status"] == "ready"
        served = Served(url, session, mount=None, fake=fake)  # type: ignore[arg-type]
        await served.dm("ack", "EvP1")
    [reply] = await fake.wait_for(lambda: fake.of("chat.postMessage"))
    assert reply.args["text"].startswith("Thank you. I recorded")
    process.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(process.wait(), 30) == 0
    app = open_app(str(config_file))
    try:
        assert len(acks.list_acknowledgements(app.db, "la-crosse")) == 1
    finally:
        app.close()


@pytest.mark.parametrize(
    ("missing", "extra_args"),
    [
        ("SLACK_SIGNING_SECRET", ()),
        ("SLACK_BOT_TOKEN", ()),
        ("SLACK_APP_TOKEN", ("--socket-mode",)),
    ],
)
async def test_a_missing_secret_stops_start_up_with_its_name(
    config_file: Path, fake: FakeSlack, missing: str, extra_args: tuple[str, ...]
) -> None:
    env = slack_environment(fake)
    del env[missing]
    process = await _start(config_file, _environment(env), *extra_args)
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    [line] = stderr.decode().strip().splitlines()
    assert missing in line and "Traceback" not in line
