"""The checklist and clause-title pages: HR reviews set-aside items, publishes, titles clauses.

The checklist page shows where the live checklist comes from, each item set aside (the clause it
cited, as it read then, and that clause now) with forms to re-point, reword or retire it, and
the whole checklist as text to edit and publish (a proposal when HR has published none). Every
change is a published checklist version, validated and audited, live in every worker on its
next message. The clauses page gives clauses short titles.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from adapters.dashboard.site import Page, Site
from bot.app import App
from bot.hr_access.sessions import SessionInfo
from bot.policies.library import UnknownPolicy
from bot.policies.titles import TitleError, set_title
from bot.publishing import checklists
from bot.publishing.checklists import ChecklistPublishError
from knowledge.checklist import MAX_CHECKLIST_CHARS, ChecklistError
from knowledge.checklist_review import EditError
from knowledge.structure.review import structure_warnings

Guard = Callable[[Page], Callable[[web.Request], Awaitable[web.StreamResponse]]]
MAX_FIELD_CHARS = 2_000
DONE = {
    "published": "Checklist published: it is live now, for everyone, in every worker.",
    "title": "Title saved: answers, choices and citations use it from the next message on.",
}


class ChecklistPages:
    """GET the pages; POST a whole checklist, one item's edit, or a clause title."""

    def __init__(self, site: Site) -> None:
        self.site, self.app = site, site.app

    def routes(self, guard: Guard) -> list[web.RouteDef]:
        base = "/dashboard/policies/{policy_id}"
        return [
            web.get(f"{base}/checklist", guard(self.page)),
            web.post(f"{base}/checklist", guard(self.publish)),
            web.post(f"{base}/checklist/items", guard(self.edit)),
            web.get(f"{base}/clauses", guard(self.clauses)),
            web.post(f"{base}/clauses", guard(self.title)),
        ]

    async def page(self, request: web.Request, session: SessionInfo) -> web.StreamResponse:
        policy_id = request.match_info["policy_id"]
        done = request.query.get("done", "")
        return await self._render(
            session, policy_id, notice=DONE.get(done), edited=done == "edited"
        )

    async def publish(self, request: web.Request, session: SessionInfo) -> web.StreamResponse:
        """POST the checklist's whole text; back to the page, or the problems with the text."""
        policy_id = request.match_info["policy_id"]
        form = await request.post()
        text = str(form.get("text", ""))
        note = str(form.get("note", ""))[:MAX_FIELD_CHARS]
        if len(text) > MAX_CHECKLIST_CHARS:
            return await self._render(
                session,
                policy_id,
                problems=[f"The checklist is at most {MAX_CHECKLIST_CHARS:,} characters long."],
                text=text[:MAX_CHECKLIST_CHARS],
                status=413,
            )
        try:
            await asyncio.to_thread(
                checklists.publish_checklist,
                self.app.db,
                self.app.library,
                policy_id=policy_id,
                text=text.replace("\r\n", "\n"),
                source="dashboard: the checklist's text",
                by=session.person.name,
                by_person_id=session.person.id,
                now=self.site.now(),
                note=note,
            )
        except ChecklistError as error:
            return await self._render(
                session, policy_id, problems=list(error.problems), text=text, status=422
            )
        except ChecklistPublishError as error:
            return await self._render(
                session, policy_id, problems=[str(error)], text=text, status=422
            )
        except UnknownPolicy as error:
            return self._missing(session, str(error.args[0]))
        raise web.HTTPSeeOther(f"/dashboard/policies/{policy_id}/checklist?done=published")

    async def edit(self, request: web.Request, session: SessionInfo) -> web.StreamResponse:
        """POST one edit of one item (re-point, reword, retire), published at once."""
        policy_id = request.match_info["policy_id"]
        form = await request.post()
        field = {
            name: str(form.get(name, ""))[:MAX_FIELD_CHARS]
            for name in ("action", "key", "reference", "clause_id", "text")
        }
        try:
            await asyncio.to_thread(
                checklists.edit_and_publish,
                self.app.db,
                self.app.library,
                policy_id=policy_id,
                action=field["action"],
                key=field["key"],
                reference=field["reference"],
                clause_id=field["clause_id"],
                text=field["text"],
                by=session.person.name,
                by_person_id=session.person.id,
                now=self.site.now(),
            )
        except ChecklistError as error:
            return await self._render(session, policy_id, problems=list(error.problems), status=422)
        except (ChecklistPublishError, EditError) as error:
            return await self._render(session, policy_id, problems=[str(error)], status=422)
        except UnknownPolicy as error:
            return self._missing(session, str(error.args[0]))
        raise web.HTTPSeeOther(f"/dashboard/policies/{policy_id}/checklist?done=edited")

    async def clauses(self, request: web.Request, session: SessionInfo) -> web.StreamResponse:
        policy_id = request.match_info["policy_id"]
        notice = DONE.get(request.query.get("done", ""))
        return await self._render_clauses(session, policy_id, notice=notice)

    async def title(self, request: web.Request, session: SessionInfo) -> web.StreamResponse:
        """POST a clause's title (empty: take HR's title away)."""
        policy_id = request.match_info["policy_id"]
        form = await request.post()
        try:
            await asyncio.to_thread(
                set_title,
                self.app.db,
                self.app.library,
                actor=session.person,
                policy_id=policy_id,
                clause_id=str(form.get("clause_id", ""))[:200],
                title=str(form.get("title", ""))[:MAX_FIELD_CHARS],
                now=self.site.now(),
            )
        except TitleError as error:
            return await self._render_clauses(session, policy_id, problem=str(error), status=422)
        raise web.HTTPSeeOther(f"/dashboard/policies/{policy_id}/clauses?done=title")

    async def _render(
        self,
        session: SessionInfo,
        policy_id: str,
        *,
        notice: str | None = None,
        problems: list[str] | None = None,
        text: str | None = None,
        status: int = 200,
        edited: bool = False,
    ) -> web.StreamResponse:
        try:
            context = await asyncio.to_thread(checklist_context, self.app, policy_id)
        except UnknownPolicy as error:
            return self._missing(session, str(error.args[0]))
        if edited:  # say what the newest version did, as recorded (nothing from the URL)
            done = (context["state"].source or "").removeprefix("dashboard: ")
            notice = f"Done: {done}. The checklist is live now."
        context |= {"notice": notice, "problems": problems or []}
        if text is not None:
            context["text"] = text
        if problems:
            context["problem"] = "Nothing was published: " + (
                problems[0] if len(problems) == 1 else f"{len(problems)} problems, listed below."
            )
        return self.site.render("checklist.html", context, session=session, status=status)

    async def _render_clauses(
        self,
        session: SessionInfo,
        policy_id: str,
        *,
        notice: str | None = None,
        problem: str | None = None,
        status: int = 200,
    ) -> web.StreamResponse:
        try:
            context = await asyncio.to_thread(clauses_context, self.app, policy_id)
        except UnknownPolicy as error:
            return self._missing(session, str(error.args[0]))
        context |= {"notice": notice, "problem": problem}
        return self.site.render("clauses.html", context, session=session, status=status)

    def _missing(self, session: SessionInfo, why: str) -> web.StreamResponse:
        return self.site.render(
            "message.html",
            {"title": "Not found", "text": f"Sorry, {why}."},
            session=session,
            status=404,
        )


def checklist_context(app: App, policy_id: str) -> dict[str, Any]:
    """What the checklist page shows (run in a worker thread)."""
    app.library.refresh(app.db)
    policy = app.library.policy(policy_id)
    state = app.library.checklist_state(policy_id)
    return {
        "title": f"{policy.title}: checklist",
        "policy": policy,
        "state": state,
        "status": checklists.status_line(state),
        "items": checklists.review_items(app.library, policy_id) if state.document else [],
        "flags": checklists.open_flags(app.db, policy_id),
        "text": checklists.editable_text(app.library, policy_id),
        "questions": len((state.document or app.library.proposal(policy_id).checklist).questions),
    }


def clauses_context(app: App, policy_id: str) -> dict[str, Any]:
    """What the clause titles page shows: the clauses as the document nests them, and what
    looks misread in how the document was read (the publish preview's checks)."""
    app.library.refresh(app.db)
    policy = app.library.policy(policy_id)
    return {
        "title": f"{policy.title}: clause titles",
        "policy": policy,
        "structure": structure_warnings(policy.clauses),
    }
