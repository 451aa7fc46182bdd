"""People's words shown to someone else read in the order they were typed.

A question holding U+202E (RIGHT-TO-LEFT OVERRIDE) made "evil" read "live" on HR's page. The
controls are dropped where people's text comes in (a typed message, a staff list) and again
wherever it is shown to another person (HR's pages and CSV exports, messages queued for
someone, replies that quote others), so text stored before, or by another way in, is shown as
typed too.
"""

from __future__ import annotations

from datetime import UTC, datetime

import aiohttp

from bot.app import App
from bot.conversation.unanswered import list_unanswered, log_unanswered
from bot.delivery import outbox
from bot.messages import Incoming, Reply
from bot.people import directory
from bot.people.staff_list import import_staff_list
from tests.robustness.test_every_route import (  # noqa: F401  (fixtures)
    _dashboard_secret,
    config_file,
    running,
    signed_in,
)

NOW = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
TRICK = "please approve \u202elive\u202c today"  # shows as "please approve evil today"


def shown(text: str) -> bool:
    """Whether any direction control survived."""
    return any(control in text for control in CONTROLS)


def test_hrs_pages_and_exports_show_a_question_as_typed(app: App) -> None:
    log_unanswered(app.db, policy_id="la-crosse", text=TRICK, best_score=0.1, now=NOW)
    cookie, _csrf = signed_in(app)
    with running(app) as (loop, base, _routes):

        async def fetch(path: str) -> str:
            async with (
                aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session,
                session.get(base + path, headers={"Cookie": f"policybot_session={cookie}"}) as r,
            ):
                assert r.status == 200, path
                return await r.text()

        page = loop.run_until_complete(fetch("/dashboard/policies/la-crosse/questions"))
        csv = loop.run_until_complete(fetch("/dashboard/exports/unanswered.csv?policy=la-crosse"))
    assert "please approve live today" in page and not shown(page)
    assert "please approve live today" in csv and not shown(csv)


def test_a_typed_question_is_stored_without_direction_controls(app: App) -> None:
    question = f"who fixes the {TRICK} parking lot lights"  # not the policy's: logged for HR
    app.bot.handle(Incoming("console", "pat", "console:pat", question, "pat"))
    [row] = list_unanswered(app.db, "la-crosse")
    assert "live" in row.text and not shown(row.text)


def test_a_message_queued_for_someone_else_reads_as_typed(app: App) -> None:
    hal = directory.person_on(app.db, "console", "hal", NOW)
    assert hal is not None
    with app.db.session() as session:
        reply = Reply(kind="approval_request", text=f"Pat asks: {TRICK}", title="\u202eA request",
                      notes=(TRICK,))  # fmt: skip
        outbox.enqueue(session, person_id=hal.id, topic="t", reply=reply, now=NOW)
    [delivered] = outbox.deliver_to_console(app.db, hal.id, NOW)
    assert "live" in delivered.text and not shown(delivered.text)
    assert not shown(delivered.title or "") and not shown(" ".join(delivered.notes))


def test_a_staff_list_name_is_stored_as_typed(app: App) -> None:
    lines = ["handle,name,department\n", "eve,Eve \u202eevE,Parks \u2067\n"]
    import_staff_list(app.db, lines, source="t.csv", now=NOW)
    eve = directory.person_on(app.db, "console", "eve", NOW)
    assert eve is not None and eve.name == "Eve evE" and eve.department == "Parks"


def test_a_reply_naming_someone_else_reads_as_typed(app: App) -> None:
    """A name stored before (or seeded from app.yaml) with a control in it: the reply that
    names the person to someone else is cleaned on its way out."""
    with app.db.session() as session:
        directory.new_person(session, "eve", "Eve \u202eevil", "Parks", None, now=NOW)
    [reply] = app.bot.handle(Incoming("console", "hal", "console:hal", "role add eve supervisor"))
    assert "Eve" in reply.text and not shown(reply.text)
