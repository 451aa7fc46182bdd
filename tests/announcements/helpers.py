"""Publishing a real edit of the La Crosse policy, for the announcement tests."""

from __future__ import annotations

import re

from bot.app import App
from bot.publishing import publisher
from knowledge.documents import read_document
from knowledge.sources import seed_sources


def reworded_la_crosse() -> str:
    """The seed text with clause 3 saying "must" where it said "shall"."""
    [seed] = [s for s in seed_sources() if s.meta.id == "la-crosse"]
    return re.sub(r"(?m)^3\. Employees shall", "3. Employees must", seed.text)


def publish_change(app: App) -> publisher.Published:
    """Publish the reworded text as HR would; the announcement is queued with it."""
    document = read_document("social-media-v2.txt", reworded_la_crosse().encode())
    draft = publisher.prepare(app.db, app.library, app.config, document, policy_id="la-crosse")
    return publisher.publish(
        app.db, app.library, draft, by="hana", by_person_id=None, now=app.bot.clock()
    )
