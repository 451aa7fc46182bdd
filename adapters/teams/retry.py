"""Retrying calls to the Bot Connector: 429, 412, 502 and 504 with backoff, honouring Retry-After.

Teams throttles per conversation (about 7 messages a second) and per tenant; the connector asks
the bot to wait with HTTP 429 and a Retry-After header. Other refusals (403: the bot was removed,
404: no such conversation) are final and reported to the caller at once.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar

RETRYABLE_STATUSES = frozenset({412, 429, 502, 504})
log = logging.getLogger(__name__)
T = TypeVar("T")


class ConnectorError(Exception):
    """The Bot Connector refused a call (status set) or could not be reached (status None)."""

    def __init__(self, status: int | None, reason: str, retry_after: float | None = None) -> None:
        super().__init__(f"HTTP {status}: {reason}" if status else reason)
        self.status = status
        self.reason = reason
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        """Whether the connector said "try again later" rather than "no"."""
        return self.status in RETRYABLE_STATUSES


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry: exponential backoff with jitter, capped."""

    attempts: int = 4
    base_seconds: float = 0.5
    max_seconds: float = 20.0

    def delay(
        self, attempt: int, retry_after: float | None, rand: Callable[[], float] = random.random
    ) -> float | None:
        """Seconds to wait after failed attempt number `attempt` (from 1); None means give up.

        A Retry-After longer than `max_seconds` gives up rather than hold the request open.
        """
        if attempt >= self.attempts:
            return None
        if retry_after is not None:
            return retry_after if retry_after <= self.max_seconds else None
        backoff = self.base_seconds * 2.0 ** (attempt - 1)
        return min(self.max_seconds, backoff * (0.5 + rand()))


async def with_retries(
    call: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    """Run `call`, retrying the connector's "try again later" answers as the policy allows."""
    attempt = 1
    while True:
        try:
            return await call()
        except ConnectorError as error:
            wait = policy.delay(attempt, error.retry_after) if error.retryable else None
            if wait is None:
                raise
            log.warning("Teams connector said %s; retry %d in %.2fs", error, attempt, wait)
            await sleep(wait)
            attempt += 1


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds: a number of seconds or an HTTP date; None if absent or invalid."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
