"""The checklist across policy versions, end to end: HR publishes La Crosse version 2 (clause 9
reworded, a clause 10 on AI images inserted, clause 11 removed) and employees keep walking the
checklist, every verdict citing the right clause of version 2; only the reminder that cited the
removed clause is set aside, and HR brings it back with `policybot checklist publish`, without
a restart, in a second worker too."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import App, open_app
from bot.messages import Incoming, Reply
from knowledge.checklist import Checklist, Question, Verdict, load_policy_checklist
from knowledge.sources import SEED_DIRECTORY, build_policy, seed_sources
from tests.checklists.policies import la_crosse_version_2
from tests.conftest import Clock
from tests.publishing.conftest import publish
from tests.publishing.test_cli import run

# What each clause of version 1 is called in version 2: the link clause moved from 10 to 11,
# the legal discovery clause (11) is gone, the rest kept their numbers.
V1_TO_V2 = {"clause-10": "clause-11", "clause-11": None}


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "app.yaml"
    path.write_text(
        "database:\n  path: data/bot.sqlite3\n"
        "organizations:\n"
        "  - {id: lax, name: City of La Crosse, policy: la-crosse, hr_contact: HR at City Hall}\n"
        "people:\n"
        "  - {handle: hana, name: Hana Ito, department: HR, roles: [hr]}\n"
        "  - {handle: sam, name: Sam Ortiz, department: Parks, roles: [supervisor]}\n"
        "  - {handle: pat, name: Pat Lee, department: Parks, supervisor: sam}\n"
    )
    return path


@pytest.fixture
def second(config_file: Path, database_url: str, clock: Clock, app: App) -> Iterator[App]:
    """A second worker on the same database, started before version 2 was published."""
    worker = open_app(str(config_file), clock=clock)
    yield worker
    worker.close()


def send(app: App, text: str, person: str = "pat") -> list[Reply]:
    return app.bot.handle(Incoming("slack", person, f"D-{person}", text, person, "la-crosse"))


def walk(app: App, answers: dict[str, bool], person: str = "pat") -> Reply:
    """Walk `check` in chat, answering each question from `answers` (no when not listed)."""
    reply = send(app, "check", person)[-1]
    while reply.kind == "checklist_question":
        question = reply.data["question"]
        reply = send(app, "yes" if answers.get(question) else "no", person)[-1]
    assert reply.kind == "checklist_verdict", reply.text
    return reply


def every_path(checklist: Checklist) -> Iterator[tuple[dict[str, bool], Verdict]]:
    """Every way through the checklist: the answers, and the verdict they lead to."""
    todo: list[dict[str, bool]] = [{}]
    while todo:
        answers = todo.pop()
        step = checklist.next_step(answers)
        if isinstance(step, Question):
            todo += [{**answers, step.id: True}, {**answers, step.id: False}]
        else:
            yield answers, step


def test_version_2_keeps_the_checklist_running_citing_version_2(app: App, clock: Clock) -> None:
    _, result = publish(app, "policy-v2.txt", la_crosse_version_2())
    policy = app.library.policy("la-crosse")
    assert policy.version == 2
    state = app.library.checklist_state("la-crosse")
    assert [item.key for item in state.set_aside] == ["reminder:legal-discovery"]
    assert (
        "the checklist's reminder 'legal-discovery' cites clause-11, which version 2 removes: set "
        "aside until HR re-points, edits or retires it" in result.flags
    )

    # Every path, every reason: the clauses version 1 cited, each where it is in version 2.
    shipped = seed_sources()[0]
    v1 = load_policy_checklist(SEED_DIRECTORY / "la-crosse", build_policy(shipped).clause_ids)
    live = app.library.checklist("la-crosse")
    assert live is not None
    paths = 0
    for answers, verdict in every_path(live):
        paths += 1
        for reason in verdict.reasons:
            expected = [V1_TO_V2.get(c, c) for c in v1.outcomes[reason.id].clauses]
            assert list(reason.clauses) == expected, (answers, reason.id)
        assert [r.id for r in verdict.reminders] == ["personal-liability", "discipline"]
        assert verdict.under_review == ()  # no question or outcome was set aside
        assert set(verdict.clauses) <= policy.clause_ids - {"clause-10"}  # not the AI clause
    assert paths > 30

    # And in chat, as an employee walks it: the link needs both permissions, clause 11 now.
    link = walk(app, {"identifies_employee": True, "city_site_link": True})
    assert link.text.startswith("Verdict: Needs authorization first.")
    assert "City of La Crosse Social Media Policy, clause 11)" in link.text
    assert "clause 10" not in link.text and "legal discovery" not in link.text
    permitted = walk(app, {"identifies_employee": True, "city_site_link": True,
                           "link_permission": True})  # fmt: skip
    assert "as clause 11 requires" in permitted.text  # HR's own words follow the number too
    photos = walk(app, {"about_city": True, "work_photos": True})
    assert photos.text.startswith("Verdict: Do not post.")
    assert "(City of La Crosse Social Media Policy, clause 9)" in photos.text
    clause_11 = policy.clause("clause-11").text
    assert clause_11.startswith("Employees should not link from a City internal")


def test_hr_repoints_the_set_aside_item_and_every_worker_has_it_back(
    app: App, second: App, config_file: Path, tmp_path: Path
) -> None:
    walk(second, {})  # the second worker has the version 1 checklist indexed
    publish(app, "policy-v2.txt", la_crosse_version_2())
    before = walk(second, {}, person="kim")  # it notices version 2 on its next message
    assert "legal discovery" not in before.text

    chatted = run("chat", "--user", "pat", config=config_file, stdin="check\n")
    assert chatted.returncode == 0 and chatted.stderr == ""  # nothing for HR in a chat
    assert "set aside" not in chatted.stdout and "Question 1 of at most" in chatted.stdout

    shown = run("checklist", "show", "--policy", "la-crosse", config=config_file)
    assert shown.returncode == 0, shown.stderr
    assert "Needs HR's review" in shown.stdout
    assert "reminder 'legal-discovery'" in shown.stdout and "Version 2 removed it." in shown.stdout
    text = run("checklist", "show", "--policy", "la-crosse", "--yaml", config=config_file).stdout
    assert "clauses: [clause-11@v1]" in text and "NEEDS REVIEW" in text

    refused = tmp_path / "unchanged.yaml"
    refused.write_text(text.replace("clause-5", "clause-55"), encoding="utf-8")
    bad = run("checklist", "publish", str(refused), "--policy", "la-crosse", config=config_file)
    assert bad.returncode == 2 and "nothing was published" in bad.stderr
    assert "'clause-55' is not a clause of this policy" in bad.stderr

    fixed = tmp_path / "checklist.yaml"
    fixed.write_text(
        text.replace("clauses: [clause-11@v1]", "clauses: [clause-7]"), encoding="utf-8"
    )
    done = run("checklist", "publish", str(fixed), "--policy", "la-crosse", "--by", "hana",
               config=config_file)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Published checklist version 1 of the City of La Crosse Social Media Policy" in (
        done.stdout
    )
    for worker, person in ((app, "lou"), (second, "max")):
        back = walk(worker, {}, person=person)
        assert "Social media may be subject to legal discovery" in back.text
        reminder = next(line for line in back.text.splitlines() if "legal discovery" in line)
        assert reminder.endswith("(City of La Crosse Social Media Policy, clause 7)")
        assert worker.library.checklist_state("la-crosse").set_aside == ()
    again = run("checklist", "publish", str(fixed), "--policy", "la-crosse", config=config_file)
    assert again.returncode == 2 and "there is nothing new to publish" in again.stderr
    audit = run("report", "authorizations", "--audit", config=config_file)
    assert "checklist_published" in audit.stdout
