"""HR's dashboard plugged into `policybot serve`: its routes under /dashboard/."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from aiohttp import web

from adapters.dashboard import exports, pages
from adapters.dashboard.acks import AckPages
from adapters.dashboard.checklist_pages import ChecklistPages
from adapters.dashboard.site import Site
from adapters.mounting import Mount
from bot.app import App
from bot.hr_access.links import SIGN_IN_PATH, dashboard_secret
from bot.hr_access.reads import APPROVAL_GROUPS
from bot.hr_access.sessions import SessionInfo
from bot.policies.library import UnknownPolicy
from bot.policies.phrasings import PhrasingError, add_phrasing

DONE = {
    "phrasing": "Phrasing added: the bot answers with it from the next question on.",
}


def mount_dashboard(app: App, environ: Mapping[str, str]) -> Mount:
    """The dashboard's routes; ConfigError (one line) when its signing secret is missing."""
    site = Site(app, dashboard_secret(environ))
    views = Views(site)
    acks = AckPages(site)
    checklist_pages = ChecklistPages(site)
    guard = site.hr_only
    routes = [
        web.get(SIGN_IN_PATH, site.sign_in_page),
        web.post(SIGN_IN_PATH, site.sign_in),
        web.post("/dashboard/sign-out", guard(site.sign_out)),
        web.get("/dashboard/static/dashboard.css", site.stylesheet),
        web.get("/dashboard", _to_home),
        web.get("/dashboard/", guard(views.home)),
        web.get("/dashboard/approvals", guard(views.approvals)),
        web.get("/dashboard/approvals/{request_id:\\d+}", guard(views.approval)),
        web.get("/dashboard/exports", guard(views.exports)),
        web.get("/dashboard/exports/{name}.csv", guard(views.export)),
        web.get("/dashboard/policies/{policy_id}", guard(views.policy)),
        web.get("/dashboard/policies/{policy_id}/feedback", guard(views.feedback)),
        web.get("/dashboard/policies/{policy_id}/questions", guard(views.questions)),
        web.post("/dashboard/policies/{policy_id}/phrasings", guard(views.add_phrasing)),
        *acks.routes(guard),
        *checklist_pages.routes(guard),
    ]
    banner = [
        f"HR dashboard at {app.config.dashboard.base_url}/dashboard/ "
        "(HR signs in by typing 'dashboard' to the bot)"
    ]
    return Mount("dashboard", routes=routes, banner=banner)


async def _to_home(_request: web.Request) -> web.StreamResponse:
    raise web.HTTPPermanentRedirect("/dashboard/")


class Views:
    """The dashboard's pages other than acknowledgements."""

    def __init__(self, site: Site) -> None:
        self.site, self.app = site, site.app

    async def home(self, _request: web.Request, session: SessionInfo) -> web.StreamResponse:
        context = await asyncio.to_thread(pages.home, self.app)
        return self.site.render("home.html", context, session=session)

    async def policy(self, request: web.Request, session: SessionInfo) -> web.StreamResponse:
        policy_id = request.match_info["policy_id"]
        return await self._policy_page(session, "policy.html", pages.policy_versions, policy_id)

    async def feedback(self, request: web.Request, session: SessionInfo) -> web.StreamResponse:
        policy_id = request.match_info["policy_id"]
        return await self._policy_page(session, "feedback.html", pages.clause_feedback, policy_id)

    async def questions(self, request: web.Request, session: SessionInfo) -> web.StreamResponse:
        policy_id = request.match_info["policy_id"]
        notice = DONE.get(request.query.get("done", ""))
        return await self._policy_page(
            session, "questions.html", pages.questions, policy_id, notice=notice
        )

    async def add_phrasing(self, request: web.Request, session: SessionInfo) -> web.StreamResponse:
        """POST a phrasing for a clause; back to the questions with a notice, or the problem."""
        policy_id = request.match_info["policy_id"]
        form = await request.post()
        try:
            await asyncio.to_thread(
                add_phrasing,
                self.app.db,
                self.app.library,
                actor=session.person,
                policy_id=policy_id,
                clause_id=str(form.get("clause_id", "")),
                text=str(form.get("text", "")),
                now=self.site.now(),
            )
        except PhrasingError as error:
            return await self._policy_page(
                session,
                "questions.html",
                pages.questions,
                policy_id,
                problem=str(error),
                status=422,
            )
        raise web.HTTPSeeOther(f"/dashboard/policies/{policy_id}/questions?done=phrasing")

    async def approvals(self, request: web.Request, session: SessionInfo) -> web.StreamResponse:
        group = request.query.get("show", "pending")
        if group not in APPROVAL_GROUPS:
            group = "pending"
        number = _page_number(request)
        context = await asyncio.to_thread(pages.approvals, self.app, group, number)
        return self.site.render("approvals.html", context, session=session)

    async def approval(self, request: web.Request, session: SessionInfo) -> web.StreamResponse:
        request_id = int(request.match_info["request_id"])
        context = await asyncio.to_thread(pages.approval, self.app, request_id)
        if context is None:
            return self._not_found(session, f"There is no request #{request_id}.")
        return self.site.render("approval.html", context, session=session)

    async def exports(self, _request: web.Request, session: SessionInfo) -> web.StreamResponse:
        context = {
            "title": "Exports",
            "tables": exports.TABLES,
            "policies": self.app.library.policy_ids,
        }
        return self.site.render("exports.html", context, session=session)

    async def export(self, request: web.Request, session: SessionInfo) -> web.StreamResponse:
        """A table as CSV, cells safe from spreadsheet formulas."""
        name = request.match_info["name"]
        policy_id = request.query.get("policy") or self.app.config.default_policy
        try:
            text = await asyncio.to_thread(exports.export, self.app, name, policy_id)
        except (KeyError, UnknownPolicy):
            return self._not_found(session, f"There is no export {name!r} for {policy_id!r}.")
        return web.Response(
            text=text,
            content_type="text/csv",
            charset="utf-8",
            headers={"Content-Disposition": f'attachment; filename="{policy_id}-{name}.csv"'},
        )

    async def _policy_page(
        self,
        session: SessionInfo,
        template: str,
        build: pages.PolicyBuilder,
        policy_id: str,
        *,
        notice: str | None = None,
        problem: str | None = None,
        status: int = 200,
    ) -> web.StreamResponse:
        try:
            context = await asyncio.to_thread(build, self.app, policy_id)
        except UnknownPolicy as error:
            return self._not_found(session, f"Sorry, {error.args[0]}.")
        context |= {"notice": notice, "problem": problem}
        return self.site.render(template, context, session=session, status=status)

    def _not_found(self, session: SessionInfo, text: str) -> web.StreamResponse:
        return self.site.render(
            "message.html", {"title": "Not found", "text": text}, session=session, status=404
        )


def _page_number(request: web.Request) -> int:
    raw = request.query.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < len(raw) < 7 else 1
