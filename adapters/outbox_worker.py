"""The outbox delivery loop every platform shares: claim due messages, send, mark.

Each platform gives a `send` coroutine for one message; it raises `DeliveryFailed` (permanent
when retrying cannot help, such as a person the platform does not know) or `RateLimited` (the
platform said to wait: the message goes back in the queue for that long and the whole loop
pauses, so a 429 storm slows delivery down instead of failing it). Sends are paced at the
platform's configured rate, below its documented limit. The loop wakes every few seconds, and
at once when `poke` says something may have been queued.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from adapters.server import Hook, background_hooks
from bot import outbox
from bot.app import App
from bot.outbox import OutboxItem

log = logging.getLogger("policybot.outbox")
Send = Callable[[OutboxItem], Awaitable[None]]


class DeliveryFailed(Exception):
    """A message did not get through; `permanent` when trying again cannot help."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason, self.permanent = reason, permanent


class RateLimited(Exception):
    """The platform answered "too many requests": wait `retry_after` seconds before any more."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited for {retry_after:g} s")
        self.retry_after = max(0.0, retry_after)


class Pacer:
    """Spaces sends evenly at `per_second` (None: as fast as they go)."""

    def __init__(self, per_second: float | None) -> None:
        self.gap = 1.0 / per_second if per_second else 0.0
        self._next = 0.0
        self._held_until = 0.0

    async def wait(self) -> None:
        """Return when the next send may go."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        start = max(now, self._next, self._held_until)
        self._next = start + self.gap
        if start > now:
            await asyncio.sleep(start - now)

    async def settle(self) -> None:
        """Return once a hold the platform asked for is over."""
        wait = self._held_until - asyncio.get_running_loop().time()
        if wait > 0:
            await asyncio.sleep(wait)

    def hold(self, seconds: float) -> None:
        """Send nothing more for `seconds` (the platform's Retry-After)."""
        self._held_until = max(self._held_until, asyncio.get_running_loop().time() + seconds)


class OutboxWorker:
    """Delivers one platform's share of the outbox."""

    def __init__(self, app: App, platform: str, send: Send, interval: float = 5.0) -> None:
        self.app, self.platform, self.send, self.interval = app, platform, send, interval
        self.pacer = Pacer(app.config.delivery.per_second(platform))
        self._wake = asyncio.Event()
        self._round = asyncio.Lock()

    def poke(self) -> None:
        """Deliver soon: something may just have been queued."""
        self._wake.set()

    async def deliver_due(self) -> int:
        """Send every due message once; the number delivered.

        Rounds never overlap: a call waits for a round under way, then runs its own, so when it
        returns everything due has been tried.
        """
        async with self._round:
            return await self._deliver_round()

    async def _deliver_round(self) -> int:
        """Claim and send batches until nothing is due (waiting out any hold between them)."""
        db, clock = self.app.db, self.app.bot.clock
        sent = 0
        while True:
            await self.pacer.settle()
            items = await asyncio.to_thread(
                outbox.claim_due, db, platform=self.platform, now=clock()
            )
            if not items:
                return sent
            sent += await self._deliver(items)

    async def _deliver(self, items: list[OutboxItem]) -> int:
        """Send claimed messages in order; the number that got through."""
        db, clock = self.app.db, self.app.bot.clock
        sent = 0
        for index, item in enumerate(items):
            await self.pacer.wait()
            try:
                await self.send(item)
            except RateLimited as limited:
                self.pacer.hold(limited.retry_after)
                for waiting in items[index:]:
                    await asyncio.to_thread(
                        outbox.put_back,
                        db,
                        waiting.id,
                        wait_seconds=limited.retry_after,
                        now=clock(),
                    )
                log.info("%s asked to slow down for %g s", self.platform, limited.retry_after)
                return sent
            except DeliveryFailed as failed:
                await asyncio.to_thread(
                    outbox.mark_failed,
                    db,
                    item.id,
                    error=failed.reason,
                    now=clock(),
                    permanent=failed.permanent,
                )
                continue
            except Exception as error:  # the network or a bug: try again later
                log.warning("delivery of outbox message %s failed: %s", item.id, error)
                await asyncio.to_thread(
                    outbox.mark_failed,
                    db,
                    item.id,
                    error=f"{type(error).__name__}: {error}",
                    now=clock(),
                )
                continue
            await asyncio.to_thread(outbox.mark_sent, db, item.id, clock())
            sent += 1
        return sent

    async def run(self) -> None:
        """Deliver forever: on every poke, and every `interval` seconds."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)
            self._wake.clear()
            try:
                await self.deliver_due()
            except Exception:
                log.exception("outbox delivery to %s failed; will try again", self.platform)

    def hooks(self) -> tuple[Hook, Hook]:
        """Start-up and clean-up hooks running the loop."""
        return background_hooks(self.run)
