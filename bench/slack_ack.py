"""Slack ack latency: signed requests fired at a real `policybot serve` from another process.

Usage: python bench/slack_ack.py [--seconds 5] [--rates 50,100,200]
Starts a fake Slack Web API (a thread in this process), then `policybot serve` as a separate
process on a fresh SQLite database, then fires signed slash commands and DM events at fixed
rates (open loop: requests are sent on schedule whatever the answers) and prints, per rate, the
ack latency p50/p99, errors and achieved requests per second; then the sustained rate with 16
requests always in flight. The bot does its real work after each ack (answers post to the fake).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from aiohttp.test_utils import TestServer
from slack_sdk.signature import SignatureVerifier

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.slack.fake_slack import FakeSlack  # noqa: E402

SECRET = "bench-signing-secret"
QUESTIONS = [
    "can I post photos of my crew?",
    "do i need a disclaimer",
    "can i use my city email for facebook",
    "can i get fired for a tweet",
]


def run_in_thread(setup: Callable[[], Awaitable[None]]) -> None:
    """Run `setup` in a thread with its own event loop, then keep that loop serving."""
    ready = threading.Event()

    def run() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)

        async def serve() -> None:
            await setup()
            ready.set()
            await asyncio.Event().wait()

        loop.run_until_complete(serve())

    threading.Thread(target=run, daemon=True).start()
    ready.wait(30)


def start_fake_slack() -> FakeSlack:
    """Run the fake Slack in a thread with its own event loop; return it once it listens."""
    fake = FakeSlack()

    async def setup() -> None:
        fake.server = TestServer(fake.application(), host="127.0.0.1")
        await fake.server.start_server()

    run_in_thread(setup)
    return fake


SLACK_CONFIG = (
    "database:\n  path: bench.sqlite3\n"
    "organizations:\n  - {id: lax, name: City of La Crosse, policy: la-crosse}\n"
    "slack:\n  enabled: true\n  default_organization: lax\n"
)


async def start_server(
    fake: FakeSlack,
    folder: Path,
    config_text: str = SLACK_CONFIG,
    extra_env: dict[str, str] | None = None,
) -> tuple[asyncio.subprocess.Process, str]:
    """Start `policybot serve --port 0` (config in `folder`); return it and its base URL."""
    config = folder / "app.yaml"
    config.write_text(config_text)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(Path.home()),
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.api_url,
        "POLICYBOT_LOG_LEVEL": "WARNING",
        **(extra_env or {}),
    }
    process = await asyncio.create_subprocess_exec(
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
        stderr=asyncio.subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    assert process.stderr is not None
    said: list[str] = []
    while True:
        line = (await process.stderr.readline()).decode()
        if not line:
            raise SystemExit("policybot serve stopped before it was ready:\n" + "".join(said[-20:]))
        said.append(line)
        if match := re.search(r"serving on (http://\S+) ", line):
            _DRAINS.add(asyncio.create_task(_drain(process.stderr)))
            return process, match.group(1)


_DRAINS: set[asyncio.Task[None]] = set()


async def _drain(stream: asyncio.StreamReader) -> None:
    """Keep reading the server's log so that a full pipe never blocks it."""
    while await stream.readline():
        pass


class Requests:
    """Signed bodies, alternating slash commands and DM events with fresh event ids."""

    def __init__(self, fake: FakeSlack) -> None:
        self.fake = fake
        self.counter = itertools.count()
        self.verifier = SignatureVerifier(SECRET)

    def next(self) -> tuple[bytes, dict[str, str]]:
        n = next(self.counter)
        question = QUESTIONS[n % len(QUESTIONS)]
        if n % 2:
            body = urlencode(
                {
                    "command": "/policy",
                    "text": question,
                    "user_id": f"U{n % 50}",
                    "channel_id": "C1",
                    "team_id": "T1",
                    "response_url": self.fake.response_url(f"bench-{n}"),
                    "trigger_id": "t",
                }
            )
            kind = "application/x-www-form-urlencoded"
        else:
            event = {
                "type": "message",
                "channel_type": "im",
                "channel": f"D{n % 50}",
                "user": f"U{n % 50}",
                "text": question,
                "ts": f"{n}.0",
            }
            body = json.dumps(
                {"type": "event_callback", "event_id": f"Ev{n}", "team_id": "T1", "event": event}
            )
            kind = "application/json"
        stamp = str(int(time.time()))
        return body.encode(), {
            "Content-Type": kind,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": self.verifier.generate_signature(timestamp=stamp, body=body),
        }


Request = tuple[str, bytes, dict[str, str]]  # URL, body, headers


async def one(session: aiohttp.ClientSession, request: Request) -> tuple[float, bool]:
    """Send one request; its latency in ms and whether it got a 2xx."""
    url, body, headers = request
    started = time.perf_counter()
    try:
        async with session.post(url, data=body, headers=headers) as response:
            await response.read()
            ok = 200 <= response.status < 300
    except aiohttp.ClientError:
        ok = False
    return (time.perf_counter() - started) * 1000, ok


async def fire(
    make: Callable[[], Request], rate: int, seconds: float
) -> tuple[list[tuple[float, bool]], float]:
    """Open loop: `rate` requests a second for `seconds`, sent on schedule whatever the answers."""
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        tasks = []
        started = time.perf_counter()
        for n in range(int(rate * seconds)):
            delay = started + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(session, make())))
        results = await asyncio.gather(*tasks)
        return results, time.perf_counter() - started


async def at_rate(url: str, requests: Requests, rate: int, seconds: float) -> None:
    results, elapsed = await fire(lambda: (url, *requests.next()), rate, seconds)
    report(f"{rate:>4} req/s offered", results, elapsed)


async def sustained(url: str, requests: Requests, seconds: float, in_flight: int = 16) -> None:
    results: list[tuple[float, bool]] = []
    deadline = time.perf_counter() + seconds

    async def worker(session: aiohttp.ClientSession) -> None:
        while time.perf_counter() < deadline:
            results.append(await one(session, (url, *requests.next())))

    started = time.perf_counter()
    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*(worker(session) for _ in range(in_flight)))
    report(f"sustained ({in_flight} in flight)", results, time.perf_counter() - started)


def report(label: str, results: list[tuple[float, bool]], elapsed: float) -> None:
    latencies = sorted(latency for latency, _ in results)
    errors = sum(1 for _, ok in results if not ok)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(
        f"{label:<26} {len(results):>5} requests  p50 {statistics.median(latencies):6.1f} ms  "
        f"p99 {p99:6.1f} ms  errors {errors}  achieved {len(results) / elapsed:6.1f} req/s"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rates", default="50,100,200")
    args = parser.parse_args()
    fake = start_fake_slack()
    with tempfile.TemporaryDirectory() as folder:
        process, base = await start_server(fake, Path(folder))  # SQLite
        url = f"{base}/slack/events"
        requests = Requests(fake)
        try:
            await at_rate(url, requests, 20, 1.0)  # warm-up, not reported separately
            print(f"policybot serve on {os.cpu_count()} cores, SQLite; ack latency per request")
            for rate in (int(r) for r in args.rates.split(",")):
                await at_rate(url, requests, rate, args.seconds)
            await sustained(url, requests, args.seconds)
        finally:
            process.terminate()
            await process.wait()
    replies = len(fake.of("chat.postMessage")) + len(fake.responses)
    print(f"replies delivered to the fake Slack after the acks: {replies}")


if __name__ == "__main__":
    asyncio.run(main())
