"""The dashboard's web plumbing: signing in and out, the HR check on every request, CSRF,
rendering pages with Jinja2 and the security headers every response carries."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
from aiohttp import web

from bot.app import App
from bot.hr_access.links import LinkClaim, LinkError, check_unused, read_token
from bot.hr_access.sessions import (
    SessionInfo,
    end_session,
    link_holder,
    session_of,
    start_session,
)
from bot.people.scope import Scope, hr_scope
from knowledge.text import without_direction_controls

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}
SIGN_IN_HELP = (
    "To sign in, type 'dashboard' to PolicyBot in Slack, Teams or the terminal: it answers "
    "with a link that signs you in."
)

Page = Callable[[web.Request, SessionInfo], Awaitable[web.StreamResponse]]


def _when(value: datetime | None) -> str:
    return "" if value is None else value.strftime("%Y-%m-%d %H:%M UTC")


def _duration(value: timedelta) -> str:
    """How long, in the largest whole unit that reads naturally: "3 days", "5 hours"."""
    seconds = max(0, int(value.total_seconds()))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return "less than a minute"


def _detail(value: Any) -> str:
    """An audit entry's value in words: lists joined, role names without underscores."""
    if isinstance(value, (list, tuple)):
        return ", ".join(_detail(item) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and " " not in value:
        return value.replace("_", " ")  # a name such as social_media_administrator
    return str(value)


class Site:
    """The app, the signing secret and the templates, shared by every dashboard handler."""

    def __init__(self, app: App, secret: bytes) -> None:
        self.app, self.secret = app, secret
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            finalize=_as_typed,
        )
        self.templates.filters["when"] = _when
        self.templates.filters["duration"] = _duration
        self.templates.filters["detail"] = _detail

    @property
    def cookie_name(self) -> str:
        """`__Host-` (Secure, whole site, no domain) when served over https."""
        secure = self.app.config.dashboard.secure
        return "__Host-policybot_session" if secure else "policybot_session"

    def now(self) -> datetime:
        return self.app.bot.clock()

    def scope(self, session: SessionInfo) -> Scope:
        """What the signed-in HR person may see: their organization's (app.yaml's
        `deployment_hr`: every organization's). Read with their record on every request."""
        return hr_scope(self.app.config, session.person)

    def render(
        self,
        template: str,
        context: Mapping[str, Any],
        *,
        session: SessionInfo | None = None,
        status: int = 200,
    ) -> web.Response:
        """A page from its template, with who is signed in and their CSRF token."""
        page = self.templates.get_template(template).render(
            me=session.person if session else None,
            csrf=session.csrf_token if session else "",
            **({"notice": None, "problem": None} | dict(context)),
        )
        response = web.Response(text=page, status=status, content_type="text/html")
        response.headers.update(HEADERS)
        return response

    def message(self, status: int, title: str, text: str) -> web.Response:
        """A page that only says something: a refusal, a sign-in problem, a signed-out notice."""
        return self.render("message.html", {"title": title, "text": text}, status=status)

    def hr_only(self, page: Page) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        """Wrap a page: a live session of someone who has the HR role now, and for a form post,
        that session's CSRF token."""

        async def guarded(request: web.Request) -> web.StreamResponse:
            cookie = request.cookies.get(self.cookie_name)
            session = await asyncio.to_thread(session_of, self.app.db, cookie, now=self.now())
            if session is None:
                return self.message(401, "Please sign in", SIGN_IN_HELP)
            if not session.person.has("hr"):
                await asyncio.to_thread(end_session, self.app.db, session.id, now=self.now())
                return self.message(
                    403,
                    "HR only",
                    "The dashboard is for HR staff, and you no longer have the HR "
                    "role, so you have been signed out.",
                )
            if request.method == "POST":
                form = await read_form(request)
                token = form.get("csrf_token")
                if not session.csrf_ok(token if isinstance(token, str) else None):
                    return self.message(
                        403,
                        "Form refused",
                        "That form did not come from your dashboard session, so nothing was "
                        "changed. Go back, reload the page and try again.",
                    )
            response = await page(request, session)
            response.headers.update(HEADERS)
            return response

        return guarded

    async def sign_in_page(self, request: web.Request) -> web.StreamResponse:
        """GET the link from chat: check it and ask to confirm, without using it up, so that a
        chat app previewing the link cannot spend it."""
        token = request.query.get("token", "")
        try:
            claim = self._claim(token)
            await asyncio.to_thread(check_unused, self.app.db, claim, now=self.now())
            holder = await asyncio.to_thread(link_holder, self.app.db, claim)
        except LinkError as error:
            return self.message(403, "This link does not sign you in", str(error))
        context = {"title": "Sign in", "token": token, "name": holder.name}
        return self.render("sign_in.html", context)

    async def sign_in(self, request: web.Request) -> web.StreamResponse:
        """POST the confirmation: use the link up, set the session cookie, go to the dashboard."""
        settings = self.app.config.dashboard
        form = await read_form(request)
        try:
            claim = self._claim(str(form.get("token", "")))
            started = await asyncio.to_thread(
                start_session, self.app.db, self.app.config, claim, now=self.now()
            )
        except LinkError as error:
            return self.message(403, "This link does not sign you in", str(error))
        response = web.HTTPSeeOther("/dashboard/")
        response.headers.update(HEADERS)
        response.set_cookie(
            self.cookie_name,
            started.cookie,
            path="/",
            httponly=True,
            secure=settings.secure,
            samesite="Lax",
            max_age=settings.session_hours * 3600,
        )
        return response

    def _claim(self, token: str) -> LinkClaim:
        minutes = self.app.config.dashboard.link_minutes
        return read_token(self.secret, token, now=self.now(), valid_for=timedelta(minutes=minutes))

    async def sign_out(self, request: web.Request, session: SessionInfo) -> web.StreamResponse:
        """POST /dashboard/sign-out: end the session in the database and forget the cookie."""
        await asyncio.to_thread(end_session, self.app.db, session.id, now=self.now())
        response = self.message(200, "Signed out", "You are signed out. " + SIGN_IN_HELP)
        response.del_cookie(self.cookie_name, path="/")
        return response

    async def stylesheet(self, _request: web.Request) -> web.StreamResponse:
        """The one stylesheet."""
        response = web.FileResponse(STATIC / "dashboard.css")
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


async def read_form(request: web.Request) -> Any:
    """The posted form (cached by aiohttp for the page's own reading); the dashboard's forms are
    URL-encoded, so anything else is refused (415), and a body that does not read as a form is a
    400, never a 500."""
    if request.content_type != "application/x-www-form-urlencoded":
        raise web.HTTPUnsupportedMediaType(
            text="send the form as application/x-www-form-urlencoded"
        )
    try:
        return await request.post()
    except (ValueError, UnicodeDecodeError):
        raise web.HTTPBadRequest(text="the form could not be read") from None


def _as_typed(value: Any) -> Any:
    """Every value a page shows, without bidirectional controls: a question's U+202E made
    "evil" read "live" on HR's page."""
    if isinstance(value, markupsafe.Markup):
        return markupsafe.Markup(without_direction_controls(str(value)))
    return without_direction_controls(value) if isinstance(value, str) else value
