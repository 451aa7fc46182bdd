"""The acknowledgements page: completion by department, who is pending, and "remind now"."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from aiohttp import web

from adapters.dashboard.ack_tables import page_context
from adapters.dashboard.pages import policy_in_scope
from adapters.dashboard.site import Page, Site
from bot.acknowledgements.reminders import remind_now
from bot.acknowledgements.report import ReportError
from bot.hr_access.sessions import SessionInfo
from bot.policies.library import UnknownPolicy

Guard = Callable[[Page], Callable[[web.Request], Awaitable[web.StreamResponse]]]


class AckPages:
    """GET the page; POST a reminder for one person or for everyone pending."""

    def __init__(self, site: Site) -> None:
        self.site, self.app = site, site.app

    def routes(self, guard: Guard) -> list[web.RouteDef]:
        """The page and its form's target, both for HR only."""
        return [
            web.get("/dashboard/policies/{policy_id}/acks", guard(self.page)),
            web.post("/dashboard/policies/{policy_id}/remind", guard(self.remind)),
        ]

    async def page(self, request: web.Request, session: SessionInfo) -> web.StreamResponse:
        policy_id = request.match_info["policy_id"]
        raw = request.query.get("page", "1")
        number = int(raw) if raw.isdigit() and len(raw) < 7 else 1
        department = request.query.get("department", "")[:200]
        try:
            context = await asyncio.to_thread(
                page_context,
                self.app,
                self.site.scope(session),
                policy_id,
                number,
                department,
                self.site.now(),
            )
        except (UnknownPolicy, ReportError) as error:
            text = f"Sorry, {error.args[0]}."
            return self.site.render(
                "message.html", {"title": "Not found", "text": text}, session=session, status=404
            )
        count = request.query.get("reminded", "")
        if count.isdigit():
            context["notice"] = (
                f"{count} reminder(s) queued. Each person gets it in their chat; "
                "it is listed below under messages queued."
            )
        return self.site.render("acks.html", context, session=session)

    async def remind(self, request: web.Request, session: SessionInfo) -> web.StreamResponse:
        """Queue reminders now: for the person of the row pressed, or everyone pending."""
        policy_id = request.match_info["policy_id"]
        form = await request.post()
        raw = str(form.get("person_id", ""))
        person_ids = {int(raw)} if raw.isdigit() and len(raw) < 12 else None
        try:
            await asyncio.to_thread(policy_in_scope, self.app, self.site.scope(session), policy_id)
            done = await asyncio.to_thread(
                remind_now,
                self.app.db,
                self.app.config,
                policy_id,
                person_ids=person_ids,
                actor_id=session.person.id,
                now=self.site.now(),
            )
        except UnknownPolicy as error:
            return self.site.message(404, "Not found", f"Sorry, {error.args[0]}.")
        except ReportError as error:
            return self.site.message(404, "Not found", f"Sorry, {error}.")
        raise web.HTTPSeeOther(f"/dashboard/policies/{policy_id}/acks?reminded={done.people}")
