"""Reading the whole policy in chat, a page at a time, before acknowledging it.

`policy` (or `read`, "show me the whole policy") shows the current version's first page: each
clause with its number as the document gives it; `more` (or the button) turns the page. Where a
person is in the policy is kept in the conversation's memory, so any worker can turn the page;
if HR publishes meanwhile, reading starts again on the new version rather than mixing two.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from bot.commands import Command, Turn, pattern, words
from bot.messages import Button, Incoming, Reply
from bot.policies.library import Library
from bot.storage import memory
from bot.storage.database import Database
from knowledge.models import Clause

KEY = "reading"
PAGE_CHARS = 1_800  # a chat message people read without scrolling far; a longer clause is alone
MORE = "read more"


class PolicyReader:
    """Pages through the person's policy, clause by clause, with their numbers."""

    def __init__(self, db: Database, library: Library, clock: Callable[[], datetime]) -> None:
        self.db, self.library, self.clock = db, library, clock

    def commands(self) -> list[Command]:
        """The reading commands in the command table."""
        return [
            Command(
                words(
                    "policy",
                    "read",
                    "read the policy",
                    "read policy",
                    "the whole policy",
                    "whole policy",
                    "full policy",
                    "show the policy",
                    "show me the policy",
                    "show the whole policy",
                    "show me the whole policy",
                ),
                lambda turn, _: self.page(turn.message, turn.policy_id, 1),
                name="policy",
                summary="read the whole policy, a page at a time (then 'more')",
            ),
            Command(
                pattern(r"(?:read )?(?:more|next|next page)[.!]*"),
                lambda turn, _: self._more(turn),
            ),
            Command(
                pattern(r"(?:read|policy) page (?P<page>\d{1,4})[.!]*"),
                lambda turn, match: self.page(turn.message, turn.policy_id, int(match["page"])),
            ),
        ]

    def page(self, message: Incoming, policy_id: str, number: int) -> Reply:
        """Page `number` of the current version (the last page if there are fewer)."""
        policy = self.library.policy(policy_id)
        pages = paginate(policy.clauses)
        number = min(max(number, 1), len(pages))
        last = number == len(pages)
        if last:
            memory.forget(self.db, message, KEY)
        else:
            state = {"policy_id": policy.id, "version": policy.version, "page": number}
            memory.remember(self.db, message, KEY, state, self.clock())
        body = "\n\n".join(_page_text(pages[number - 1]))
        ending = f"Page {number} of {len(pages)}. " + (
            "That is the whole policy. Type 'ack' to acknowledge that you have read it."
            if last
            else f"Type '{MORE}' for page {number + 1}."
        )
        buttons = (
            (Button("I acknowledge the policy", "ack", "primary"),)
            if last
            else (
                Button(f"Next page ({number + 1} of {len(pages)})", MORE, "primary"),
                Button("I acknowledge the policy", "ack"),
            )
        )
        return Reply(
            kind="policy_page",
            title=f"{policy.title}, version {policy.version} (page {number} of {len(pages)})",
            text=f"{body}\n\n{ending}",
            buttons=buttons,
            data={"policy": policy.id, "version": policy.version, "page": number},
        )

    def _more(self, turn: Turn) -> Reply:
        """The next page of what the person is reading."""
        state = memory.recall(self.db, turn.message, KEY)
        if state is None:
            return Reply(
                kind="policy_page_none",
                text="There is no page to turn: type 'policy' to read the whole policy from the "
                "start.",
                buttons=(Button("Read the policy", "policy"),),
            )
        policy = self.library.policy(str(state["policy_id"]))
        if policy.version != state["version"]:
            return self.page(turn.message, policy.id, 1)
        return self.page(turn.message, policy.id, int(state["page"]) + 1)


def paginate(clauses: tuple[Clause, ...], budget: int = PAGE_CHARS) -> list[list[Clause]]:
    """Clauses in document order, grouped into pages of about `budget` characters."""
    pages: list[list[Clause]] = [[]]
    size = 0
    for clause in clauses:
        if pages[-1] and size + len(clause.text) > budget:
            pages.append([])
            size = 0
        pages[-1].append(clause)
        size += len(clause.text)
    return pages


def _page_text(clauses: list[Clause]) -> list[str]:
    """A page's clauses, each section heading shown once where its section starts."""
    parts, heading = [], ""
    for clause in clauses:
        if clause.heading and clause.heading != heading:
            parts.append(clause.heading)
        heading = clause.heading
        parts.append(_clause_text(clause))
    return parts


def _clause_text(clause: Clause) -> str:
    """A clause as the document numbers it: its label, its title when it has a real one (HR's,
    or a short first sentence the text does not simply begin with), then its text."""
    label = clause.label[:1].upper() + clause.label[1:]
    title = clause.display_title
    if not title or _squash(clause.text).startswith(_squash(title)):
        return f"{label}\n{clause.text}"
    return f"{label}: {title}\n{clause.text}"


def _squash(value: str) -> str:
    return re.sub(r"\W+", " ", value).strip().lower()
