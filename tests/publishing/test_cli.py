"""`policybot policy publish|history|diff`, reports and reminders, as HR runs them in a terminal,
each in its own process; and a second worker on the same database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bot.app import open_app
from tests.conftest import Clock
from tests.processes import inherited
from tests.publishing.conftest import LA_CROSSE, LA_CROSSE_PHOTOS, outbox, say


def run(*args: str, config: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k == "POLICYBOT_DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli", "--config", str(config), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "HOME": str(Path.home()), **inherited(), **env},
    )


def _photos_file(tmp_path: Path) -> Path:
    path = tmp_path / "Social Media Policy 2026.txt"
    path.write_text(LA_CROSSE_PHOTOS, encoding="utf-8")
    return path


def test_publish_with_preview_and_yes(config_file: Path, tmp_path: Path) -> None:
    file = _photos_file(tmp_path)
    done = run(
        "policy", "publish", str(file), "--policy", "la-crosse", "--effective", "2026-12-01",
        "--note", "Photos of people need their consent now.", "--by", "hana",
        config=config_file, stdin="y\n",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "This becomes version 2 (version 1 is current). What changed: 1 clause reworded." in (
        done.stdout
    )
    assert "{+employees, unless each person shown agrees in writing.+}" in done.stdout
    assert "Publish version 2 now? [y/N]" in done.stdout
    assert "Published version 2 of the City of La Crosse Social Media Policy" in done.stdout
    assert "Announced to 6 people" in done.stdout
    asked = run("ask", "--policy", "la-crosse", "--json", "can I post photos of my crew?",
                config=config_file)  # fmt: skip
    answer = json.loads(asked.stdout)
    assert answer["version"] == 2 and answer["matches"][0]["clause"] == "clause-9"
    assert "agrees in writing" in answer["matches"][0]["text"]
    history = run("policy", "history", "--policy", "la-crosse", config=config_file)
    assert history.returncode == 0, history.stderr
    rows = history.stdout.splitlines()
    assert rows[0].split()[:4] == ["version", "published_at_utc", "by", "origin"]
    assert any(r.split()[0] == "1" and " seed " in r for r in rows)
    assert any(r.split()[0] == "2" and " hana " in r and " published " in r for r in rows)
    assert "2026-12-01" in history.stdout and "Social Media Policy 2026.txt" in history.stdout
    assert "version 2: Photos of people need their consent now." in history.stdout
    assert "2 version(s); SHA-256 of the current one:" in history.stdout
    diff = run("policy", "diff", "--policy", "la-crosse", "1", "2", config=config_file)
    assert diff.stdout.startswith("la-crosse: version 1 -> version 2: 1 clause reworded.\n")
    assert "• clause 9, reworded: Employees cannot post the name" in diff.stdout
    missing = run("policy", "diff", "--policy", "la-crosse", "1", "7", config=config_file)
    assert missing.returncode == 2
    assert missing.stderr == "policybot: error: 'la-crosse' has no version 7 (versions: 1, 2).\n"


def test_without_yes_and_no_answer_nothing_is_published(
    config_file: Path, database_url: str, tmp_path: Path
) -> None:
    file = _photos_file(tmp_path)
    refused = run("policy", "publish", str(file), "--policy", "la-crosse", config=config_file)
    assert refused.returncode == 1
    assert "(no answer: pass --yes to publish from a script)" in refused.stdout
    assert "Not published. Nothing changed." in refused.stdout
    declined = run("policy", "publish", str(file), "--policy", "la-crosse", config=config_file,
                   stdin="n\n")  # fmt: skip
    assert declined.returncode == 1 and "Not published. Nothing changed." in declined.stdout
    history = run("policy", "history", "--policy", "la-crosse", config=config_file)
    assert "1 version(s)" in history.stdout
    app = open_app(str(config_file))
    try:
        assert outbox(app) == []
    finally:
        app.close()


def test_refusal_is_one_clear_line(config_file: Path, tmp_path: Path) -> None:
    file = tmp_path / "policy.txt"
    file.write_text(LA_CROSSE, encoding="utf-8")
    same = run("policy", "publish", str(file), "--policy", "la-crosse", "--yes",
               config=config_file)  # fmt: skip
    assert same.returncode == 2 and same.stdout == ""
    assert same.stderr == (
        "policybot: error: This text is identical to version 1 of the City of La Crosse Social "
        "Media Policy; there is nothing new to publish.\n"
    )
    gone = run("policy", "publish", str(tmp_path / "nope.pdf"), "--policy", "la-crosse",
               config=config_file)  # fmt: skip
    assert gone.returncode == 2 and gone.stderr.startswith("policybot: error: cannot read ")
    assert "Traceback" not in gone.stderr


def test_new_policy_id_creates_a_policy(config_file: Path, tmp_path: Path) -> None:
    file = tmp_path / "library.md"
    file.write_text(
        "# Library Patron Photo Policy\n\n"
        + LA_CROSSE.split("\n\n", 2)[2].replace("City of La Crosse", "La Crosse Public Library"),
        encoding="utf-8",
    )
    untitled = run("policy", "publish", str(file), "--policy", "lax-library", "--yes",
                   config=config_file)  # fmt: skip
    assert untitled.returncode == 2 and "please give it a title (--title)" in untitled.stderr
    done = run("policy", "publish", str(file), "--policy", "lax-library", "--title",
               "Library Social Media Policy", "--organization", "lax", "--yes",
               config=config_file)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "This creates the policy as version 1." in done.stdout
    assert "Everyone at City of La Crosse will be asked to acknowledge it." in done.stdout
    asked = run("ask", "--policy", "lax-library", "--json", "can I post photos of my crew?",
                config=config_file)  # fmt: skip
    answer = json.loads(asked.stdout)
    assert answer["policy"] == "lax-library" and answer["version"] == 1
    assert answer["matches"][0]["citation"] == "Library Social Media Policy, clause 9"


def test_a_restart_keeps_the_published_version(config_file: Path, tmp_path: Path) -> None:
    file = _photos_file(tmp_path)
    run("policy", "publish", str(file), "--policy", "la-crosse", "--yes", config=config_file)
    for _ in range(2):  # each run is a fresh start that syncs the seed files
        asked = run("ask", "--policy", "la-crosse", "--json", "can I post photos of my crew?",
                    config=config_file)  # fmt: skip
        assert json.loads(asked.stdout)["version"] == 2
    history = run("policy", "history", "--policy", "la-crosse", config=config_file)
    assert "2 version(s)" in history.stdout


def test_a_second_worker_answers_from_the_new_version(
    config_file: Path, database_url: str, tmp_path: Path, clock: Clock
) -> None:
    first, second = open_app(str(config_file), clock=clock), open_app(str(config_file), clock=clock)
    try:
        before = say(second, "pat", "can I post photos of my crew?")
        assert before.quote is not None and before.quote.version == 1
        done = run("policy", "publish", str(_photos_file(tmp_path)), "--policy", "la-crosse",
                   "--yes", config=config_file)  # fmt: skip
        assert done.returncode == 0, done.stderr
        for worker in (first, second):
            after = say(worker, "pat", "can I post photos of my crew?")
            assert after.quote is not None and after.quote.version == 2
            assert "agrees in writing" in after.quote.sentences[0]
    finally:
        first.close()
        second.close()


def test_hr_lists_how_a_new_policy_is_linked_to_the_topic_map(
    config_file: Path, tmp_path: Path
) -> None:
    file = tmp_path / "pool.txt"
    file.write_text(
        "Pool staff online rules\n\n"
        "These rules apply to every lifeguard, cashier and instructor at the municipal pool, "
        "on their own accounts as well as on the pool's page, during the season and after it.\n\n"
        "1. Lifeguards must not post photographs of swimmers, children or families at the pool "
        "without their written consent, even when nobody can be recognised in them.\n\n"
        "2. Staff who break these rules face disciplinary action, up to and including "
        "termination of their seasonal contract.\n",
        encoding="utf-8",
    )
    done = run("policy", "publish", str(file), "--policy", "pool", "--title", "Pool Rules",
               "--organization", "lax", "--yes", config=config_file)  # fmt: skip
    assert done.returncode == 0, done.stderr
    listed = run("policy", "topics", "--policy", "pool", config=config_file)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0] == "Pool Rules (pool), version 1: topics and clauses"
    photos = lines.index("photos-and-recordings:")
    assert lines[photos + 1].startswith("  clause 1 (")
    discipline = lines.index("discipline:")
    assert lines[discipline + 1].startswith("  clause 2 (")
    assert not any(line.startswith("  preamble") for line in lines[photos : photos + 2])
    assert lines[-1].startswith("not in this policy: ") and "political-activity" in lines[-1]
    unknown = run("policy", "topics", "--policy", "nope", config=config_file)
    assert unknown.returncode != 0 and "Traceback" not in unknown.stderr
