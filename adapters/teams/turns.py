"""What the bot does with each Teams activity: answer messages, welcome on install.

The core is synchronous (SQLAlchemy), so its work runs in a worker thread. Each activity is
claimed once in the database before anything happens, so a redelivered activity changes
nothing and gets no second answer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from adapters.downloads import AllowedHosts, DownloadError, fetch_file
from adapters.teams.activities import Inbound, conversation_reference, read_activity
from adapters.teams.cards import render
from adapters.teams.channel import Activity, Channel
from bot.app import App
from bot.conversation.core import records_unavailable
from bot.delivery.contacts import contact_for, remember_contact
from bot.messages import Attachment, Incoming, Reply
from bot.storage.database import StorageError
from bot.storage.events import claim_event, release_event

PLATFORM = "teams"
IN_PLACE_KINDS = frozenset({"checklist_question", "checklist_verdict", "checklist_cancelled"})
log = logging.getLogger(__name__)


class TeamsTurns:
    """The Teams side of the bot: Teams activities in, core replies out as cards."""

    def __init__(self, app: App, file_hosts: AllowedHosts | None = None) -> None:
        """`file_hosts`: where files sent in chat may be fetched from (app.yaml's
        teams.file_hosts); none when not given."""
        self.app = app
        self.file_hosts = file_hosts or AllowedHosts(())

    async def on_activity(self, activity: Activity, channel: Channel) -> None:
        """Handle one authenticated activity; types the bot does not use are ignored."""
        inbound = read_activity(activity)
        if inbound is None:
            return
        if inbound.type == "message":
            work = self._message
        elif inbound.welcome:
            work = self._installed
        else:
            return
        with self.app.db.announcements_held():  # the reply first, then what it queued
            try:
                replies = await asyncio.to_thread(work, inbound, activity)
            except StorageError as error:  # the claim itself failed: nothing was done
                log.warning("the database is unavailable: %s", error)
                replies = [records_unavailable()]
            if replies:
                kinds = ", ".join(r.kind for r in replies)
                log.info("answered a Teams %s: %s", inbound.type, kinds)
                await deliver(channel, replies, replace=_card_to_replace(inbound))

    def _message(self, inbound: Inbound, activity: Activity) -> list[Reply] | None:
        """The core's replies to a message, or None when it was already handled."""
        if not self._claim(inbound):
            return None
        try:
            self._remember(inbound, activity)
            if inbound.unknown_submit:
                return [_unknown_submit()]
            try:
                files = self._files(inbound)
            except DownloadError as error:
                return [Reply(kind="error", text=f"Sorry, {error}. Please try again.")]
            return self.app.bot.handle(self._incoming(inbound, files))
        except BaseException:
            assert inbound.id is not None
            release_event(self.app.db, platform=PLATFORM, event_id=inbound.id)
            raise

    def _files(self, inbound: Inbound) -> tuple[Attachment, ...]:
        """The files sent, fetched only while this HR person's publication waits for its
        document, and only from Teams' file hosts; otherwise none is fetched."""
        if not inbound.files:
            return ()
        if not self.app.bot.awaits_document(self._incoming(inbound)):
            log.info("ignored a file sent in Teams: no publication waits for one here")
            return ()
        return tuple(
            Attachment(name, fetch_file(url, self.file_hosts)) for name, url in inbound.files
        )

    def _installed(self, inbound: Inbound, activity: Activity) -> list[Reply] | None:
        """The welcome card, once per install."""
        if not self._claim(inbound):
            return None
        if inbound.personal:
            self._remember(inbound, activity)
        incoming = self._incoming(inbound)
        policy = self.app.library.policy(self.app.bot.policy_for(incoming))
        bot_name = (activity.get("recipient") or {}).get("name") or "PolicyBot"
        help_text = self.app.bot.help_for(incoming)
        return [welcome_reply(help_text, policy.title, bot_name, inbound.personal)]

    def _claim(self, inbound: Inbound) -> bool:
        if inbound.id is None:
            return True  # nothing to recognise a redelivery by (only install updates lack ids)
        return claim_event(
            self.app.db, platform=PLATFORM, event_id=inbound.id, now=self.app.bot.clock()
        )

    def _remember(self, inbound: Inbound, activity: Activity) -> None:
        """Keep how to reach the person: their own chat always wins over a channel thread."""
        if not inbound.personal and contact_for(
            self.app.db, platform=PLATFORM, person=inbound.person
        ):
            return
        remember_contact(
            self.app.db,
            platform=PLATFORM,
            person=inbound.person,
            reference=conversation_reference(activity),
            now=self.app.bot.clock(),
            display_name=inbound.display_name,
            workspace=inbound.tenant,
        )

    def _incoming(self, inbound: Inbound, files: tuple[Attachment, ...] = ()) -> Incoming:
        return Incoming(
            platform=PLATFORM,
            person=inbound.person,
            conversation=inbound.conversation,
            text=inbound.text,
            display_name=inbound.display_name,
            attachments=files,
            default_policy_id=self._policy_id(inbound),
        )

    def _policy_id(self, inbound: Inbound) -> str:
        return self.app.config.policy_for_workspace(PLATFORM, inbound.tenant)


async def deliver(
    channel: Channel, replies: Sequence[Reply], replace: str | None = None
) -> list[str]:
    """Post the replies in order; the first checklist step replaces the card `replace` names.

    Returns the ids Teams gave the new activities.
    """
    posted = []
    for reply in replies:
        if replace is not None and reply.kind in IN_PLACE_KINDS:
            await channel.update(replace, render(reply, as_card=True))
            replace = None
            continue
        activity_id = await channel.send(render(reply))
        if activity_id:
            posted.append(activity_id)
    return posted


def welcome_reply(help_text: Reply, policy_title: str, bot_name: str, personal: bool) -> Reply:
    """The card shown when the app is installed: what the bot does, and how to ask."""
    how = (
        "Type a question or a command here."
        if personal
        else f"Mention me (@{bot_name}) with your question or a command."
    )
    lines = [
        f"Hello, I'm {bot_name}. I answer questions about the {policy_title}, quoting and "
        'citing the clause; I walk you through the "can I post this?" checklist before you '
        "post; and I record that you have read and acknowledged the policy.",
        how,
        *help_text.text.splitlines()[1:],
    ]
    return Reply(
        kind="welcome",
        text="\n".join(lines),
        title=f"Welcome to {bot_name}",
        buttons=help_text.buttons,
        data=help_text.data,
    )


def _card_to_replace(inbound: Inbound) -> str | None:
    """A checklist card's button press updates that card in place."""
    return inbound.reply_to_id if inbound.card_kind == "checklist_question" else None


def _unknown_submit() -> Reply:
    return Reply(
        kind="unknown_submit",
        text="Sorry, I can't act on that card. Type 'help' to see what I can do.",
    )
