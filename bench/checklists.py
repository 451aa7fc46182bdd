"""How long the checklist work across versions takes: following clauses from one version to the
next, a worker's library rebuild when HR publishes a version or a checklist, and a proposal.

Every worker rebuilds its library on the first message after a publication, so the rebuild is
the pause one message sees. Run: `python bench/checklists.py` (prints figures, asserts nothing).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.speed import generated_policy
from bot.app import open_app
from bot.publishing import checklists, publisher
from knowledge.checklist_proposal import propose_checklist
from knowledge.clause_map import follow_clauses
from knowledge.documents import read_document
from tests.checklists.policies import MAPLE_FALLS, la_crosse_version_2

ROUNDS = 7


def timed(work: Callable[[], object], rounds: int = ROUNDS) -> str:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    return f"median {statistics.median(samples):.1f} ms, max {max(samples):.1f} ms ({rounds} runs)"


def main() -> None:
    big = generated_policy(5_000)
    inserted = list(big.clauses)
    inserted.insert(2_500, replace(inserted[0], id="clause-new", text="Employees never juggle."))
    print("follow 5,000 clauses, one inserted in the middle:",
          timed(lambda: follow_clauses(big.clauses, inserted), 3))  # fmt: skip
    print("propose a checklist for 5,000 clauses:",
          timed(lambda: propose_checklist(big, organization="City of X"), 3))  # fmt: skip

    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "app.yaml"
        config.write_text("database:\n  path: bot.sqlite3\n")
        app = open_app(str(config))
        try:

            def rebuild() -> None:
                app.library._snapshot = replace(app.library._snapshot, signature=())
                app.library.refresh(app.db)

            print("library rebuild, seed policies:", timed(rebuild))
            draft = publisher.prepare(
                app.db, app.library, app.config,
                read_document("v2.txt", la_crosse_version_2().encode()), policy_id="la-crosse",
            )  # fmt: skip
            publisher.publish(app.db, app.library, draft, by="bench", by_person_id=None,
                              now=app.bot.clock())  # fmt: skip
            print("library rebuild, La Crosse v2 following the v1 seed checklist:", timed(rebuild))
            text = checklists.editable_text(app.library, "la-crosse").replace(
                "clause-11@v1", "clause-7"
            )
            checklists.publish_checklist(
                app.db, app.library, policy_id="la-crosse", text=text, source="bench",
                by="bench", by_person_id=None, now=app.bot.clock(),
            )  # fmt: skip
            print("library rebuild, with HR's published checklist:", timed(rebuild))
            maple = publisher.prepare(
                app.db, app.library, app.config, read_document("m.md", MAPLE_FALLS.encode()),
                policy_id="maple-falls", title="City of Maple Falls Social Media Policy",
            )  # fmt: skip
            publisher.publish(app.db, app.library, maple, by="bench", by_person_id=None,
                              now=app.bot.clock())  # fmt: skip
            policy = app.library.policy("maple-falls")
            print("propose Maple Falls' checklist:",
                  timed(lambda: propose_checklist(policy, organization="x")))  # fmt: skip
        finally:
            app.close()


if __name__ == "__main__":
    main()
