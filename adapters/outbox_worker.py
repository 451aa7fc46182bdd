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

from aiohttp import web

from adapters.mounting import SHUTDOWN_GRACE_SECONDS, Hook
from bot.app import App
from bot.delivery import outbox
from bot.delivery.outbox import OutboxItem
from bot.storage.database import StorageError

log = logging.getLogger("policybot.outbox")
MAX_HOLDS = 20  # 429s in a row for one message before it is put back for a later round
HELD_BACK_SECONDS = 30.0
LONGEST_HOLD_SECONDS = 30.0  # a longer Retry-After puts the message back instead of holding it
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

    def __init__(
        self, app: App, platform: str, send: Send, interval: float = 5.0, concurrency: int = 1
    ) -> None:
        """`concurrency` sends may be in flight at once: more than one only for a platform
        whose sender can tell, after a crash, whether a message in doubt arrived (Slack)."""
        self.app, self.platform, self.send, self.interval = app, platform, send, interval
        self.concurrency = concurrency
        self.pacer = Pacer(app.config.delivery.per_second(platform))
        self._wake = asyncio.Event()
        self.waiting = asyncio.Event()  # set while the loop waits for its next round
        self._round = asyncio.Lock()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None

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
        while not self._stopping:
            await self.pacer.settle()
            items = await asyncio.to_thread(
                outbox.claim_due, db, platform=self.platform, now=clock()
            )
            if not items:
                return sent
            sent += await self._deliver(items)
        return sent

    async def _deliver(self, items: list[OutboxItem]) -> int:
        """Send claimed messages, a few at a time at the paced rate; the number that got through."""
        gate = asyncio.Semaphore(self.concurrency)

        async def one(item: OutboxItem) -> bool:
            async with gate:
                return await self._send_one(item)

        return sum(await asyncio.gather(*(one(item) for item in items)))

    async def _send_one(self, item: OutboxItem) -> bool:
        """Send one message, waiting out the platform's holds; record what happened."""
        db, clock = self.app.db, self.app.bot.clock
        for _ in range(MAX_HOLDS):
            await self.pacer.wait()
            if self._stopping:  # shutting down: release it now rather than at the lease's end
                await asyncio.to_thread(
                    outbox.put_back, db, item.id, wait_seconds=0, now=clock(), claim=item.claim
                )
                return False
            checks = self.app.send_time_checks
            if not await asyncio.to_thread(outbox.still_wanted, db, item, checks, clock()):
                return False  # acknowledged, decided or overtaken since it was queued
            try:
                await self.send(item)
            except RateLimited as limited:
                log.info("%s asked to slow down for %g s", self.platform, limited.retry_after)
                if limited.retry_after > LONGEST_HOLD_SECONDS:  # longer than a claim should last
                    await asyncio.to_thread(
                        outbox.put_back,
                        db,
                        item.id,
                        wait_seconds=limited.retry_after,
                        now=clock(),
                        claim=item.claim,
                    )
                    return False
                self.pacer.hold(limited.retry_after)
                continue
            except DeliveryFailed as failed:
                await asyncio.to_thread(
                    outbox.mark_failed,
                    db,
                    item.id,
                    error=failed.reason,
                    now=clock(),
                    permanent=failed.permanent,
                    claim=item.claim,
                )
                return False
            except Exception as error:  # the network or a bug: try again later
                log.warning("delivery of outbox message %s failed: %s", item.id, error)
                await asyncio.to_thread(
                    outbox.mark_failed,
                    db,
                    item.id,
                    error=f"{type(error).__name__}: {error}",
                    now=clock(),
                    claim=item.claim,
                )
                return False
            await asyncio.to_thread(outbox.mark_sent, db, item.id, clock())
            return True
        await asyncio.to_thread(  # still held back: leave it for a later round
            outbox.put_back,
            db,
            item.id,
            wait_seconds=HELD_BACK_SECONDS,
            now=clock(),
            claim=item.claim,
        )
        return False

    async def run(self) -> None:
        """Deliver until stopped: when this process queues a message, on every poke, and every
        `interval` seconds (for messages other processes queued)."""
        loop = asyncio.get_running_loop()

        def queued() -> None:  # called in the thread that committed
            loop.call_soon_threadsafe(self.poke)

        unsubscribe = self.app.db.subscribe(outbox.QUEUED, queued)
        try:
            await self._loop()
        finally:
            unsubscribe()

    async def _loop(self) -> None:
        """A round at once (messages queued while no worker ran), then one per wake-up."""
        while not self._stopping:
            self._wake.clear()
            try:
                await self.deliver_due()
            except StorageError as error:  # the database is away: one line, not a traceback
                log.warning(
                    "outbox delivery to %s waits for the database: %s", self.platform, error
                )
            except Exception:
                log.exception("outbox delivery to %s failed; will try again", self.platform)
            self.waiting.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)
            self.waiting.clear()

    async def start(self) -> None:
        """Run the loop in a task of its own until :meth:`stop`."""
        self._task = asyncio.create_task(self.run())

    async def stop(self) -> None:
        """Stop the loop: sends under way finish (up to the server's grace period) and claimed
        messages not yet sent are released."""
        self._stopping = True
        self._wake.set()
        if self._task is None:
            return
        try:
            await asyncio.wait_for(self._task, SHUTDOWN_GRACE_SECONDS)
        except TimeoutError:
            log.warning("outbox delivery to %s cut short at shutdown", self.platform)

    def hooks(self) -> tuple[Hook, Hook]:
        """The server's start-up and clean-up hooks for :meth:`start` and :meth:`stop`."""

        async def start(_web_app: web.Application) -> None:
            await self.start()

        async def stop(_web_app: web.Application) -> None:
            await self.stop()

        return start, stop
