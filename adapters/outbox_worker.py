"""The outbox delivery loop every platform shares: claim due messages, send, mark.

Each platform gives a `send` coroutine for one message; it raises `DeliveryFailed` (permanent
when retrying cannot help, such as a person the platform does not know). The loop wakes every
few seconds, and at once when `poke` says something may have been queued.
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


class OutboxWorker:
    """Delivers one platform's share of the outbox."""

    def __init__(self, app: App, platform: str, send: Send, interval: float = 5.0) -> None:
        self.app, self.platform, self.send, self.interval = app, platform, send, interval
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
        db, clock = self.app.db, self.app.bot.clock
        items = await asyncio.to_thread(outbox.claim_due, db, platform=self.platform, now=clock())
        sent = 0
        for item in items:
            try:
                await self.send(item)
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
