"""HR's checklist pages in a real headless Chromium, against a real `policybot serve`: reviewing
the item a new version set aside, titling a clause, and publishing a proposed checklist.

What the pages change is checked the way employees meet it: `policybot chat` and `ask`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.checklists.policies import MAPLE_FALLS, MAPLE_FALLS_TITLE, la_crosse_version_2
from tests.dashboard import served
from tests.dashboard.served import policybot, screenshot, sign_in, sign_in_link


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "app.yaml"
    path.write_text(
        "database:\n  path: data/bot.sqlite3\n"
        "organizations:\n"
        "  - {id: lax, name: City of La Crosse, policy: la-crosse, hr_contact: HR at City Hall}\n"
        f"dashboard: {{enabled: true, base_url: '{served.PENDING_BASE_URL}'}}\n"
        "people:\n"
        "  - {handle: hal, name: Hal Ortiz, department: Human Resources, roles: [employee, hr]}\n"
        "  - {handle: pat, name: Pat Lee, department: Parks, supervisor: sam}\n"
        "  - {handle: sam, name: Sam Ortiz, department: Parks, roles: [supervisor]}\n"
    )
    return path


def publish_policy(config: Path, tmp_path: Path, name: str, text: str, *options: str) -> None:
    document = tmp_path / name
    document.write_text(text, encoding="utf-8")
    done = policybot(config, "policy", "publish", str(document), *options, "--yes", "--by", "hal")
    assert done.returncode == 0, done.stderr


def walk(config: Path, policy: str, *answers: str) -> str:
    """`check` in the terminal, answered in order, the rest "no": the questions asked and the
    verdict (what the bot said from its first question on)."""
    lines = ["check", *answers, *["no"] * 14]
    done = policybot(config, "chat", "--user", "pat", "--policy", policy,
                     stdin="".join(f"{line}\n" for line in lines))  # fmt: skip
    assert done.returncode == 0, done.stderr
    for start in ("Question 1 of", "HR has not published"):
        if start in done.stdout:
            return done.stdout[done.stdout.index(start) :]
    raise AssertionError(done.stdout)


def test_hr_reviews_the_item_a_new_version_set_aside_and_titles_a_clause(
    config_file: Path, server: served.Server, context: BrowserContext, tmp_path: Path
) -> None:
    publish_policy(config_file, tmp_path, "policy-v2.txt", la_crosse_version_2(),
                   "--policy", "la-crosse")  # fmt: skip
    before = walk(config_file, "la-crosse")
    assert "Verdict: Fine to post." in before and "legal discovery" not in before

    page = sign_in(context, sign_in_link(config_file, "hal"))
    page.goto(f"{server.url}/dashboard/policies/la-crosse")
    page.get_by_role("link", name="Checklist").click()
    expect(page.get_by_role("heading", name="Items set aside for your review")).to_be_visible()
    item = page.get_by_role("region", name="Reminder “legal-discovery”")
    expect(item).to_contain_text("clause 11 of version 1: “Employees are advised that social")
    expect(item).to_contain_text("Version 2 removed it.")
    screenshot(page, "20-checklist-set-aside")
    item.get_by_label("Cite instead").select_option("clause-7")
    item.get_by_role("button", name="Re-point").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Done: re-pointed reminder 'legal-discovery' from clause-11@v1 to clause 7."
    )
    expect(page.get_by_text("None: every item cites a clause of version 2")).to_be_visible()
    screenshot(page, "21-checklist-repointed")
    after = walk(config_file, "la-crosse")
    assert (
        "Social media may be subject to legal discovery, including subpoenas in legal "
        "proceedings. (City of La Crosse Social Media Policy, clause 7)" in after
    )

    page.get_by_role("link", name="Clause titles").click()
    page.get_by_label("Title of clause 11").fill("Linking a City site to your page")
    page.get_by_role("button", name="Save clause 11's title").click()
    expect(page.get_by_role("status")).to_contain_text("Title saved")
    screenshot(page, "22-clause-titles")
    asked = policybot(config_file, "ask", "--policy", "la-crosse", "--json",
                      "can I link the parks website to my blog?")  # fmt: skip
    match = json.loads(asked.stdout)["matches"][0]
    assert match["clause"] == "clause-11" and match["title"] == "Linking a City site to your page"
    expect(page.get_by_text("Version 2 has 12 clauses, nested below")).to_be_visible()


def test_the_clauses_page_shows_what_looks_misread_in_a_published_document(
    config_file: Path, server: served.Server, context: BrowserContext, tmp_path: Path
) -> None:
    skipping = (
        "Town of Alder Creek Social Media Rules\n\n"
        "1. Employees who use social media in their private lives speak for themselves and "
        "never on behalf of the Town, unless the Town has authorized them to do so in writing.\n\n"
        "2. Employees must not post confidential, proprietary or nonpublic information that "
        "they learned through their work for the Town, whether on duty or off duty.\n\n"
        "4. Violations of these rules may lead to discipline, up to and including dismissal, "
        "in keeping with the Town's personnel rules and any agreement that applies.\n"
    )
    title = ("--title", "Alder Creek Social Media Rules")
    publish_policy(config_file, tmp_path, "alder.txt", skipping, "--policy", "alder-creek", *title)
    page = sign_in(context, sign_in_link(config_file, "hal"))
    page.goto(f"{server.url}/dashboard/policies/alder-creek/clauses")
    expect(page.get_by_role("heading", name="How the document was read")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="skips")).to_have_text(
        "The numbering skips from clause 2 to clause 4: is something missing?"
    )
    expect(page.get_by_role("row", name="clause 4")).to_contain_text(
        "Violations of these rules may lead"
    )


def test_hr_publishes_the_proposed_checklist_of_a_new_policy(
    config_file: Path, server: served.Server, context: BrowserContext, tmp_path: Path
) -> None:
    publish_policy(config_file, tmp_path, "maple.md", MAPLE_FALLS,
                   "--policy", "maple-falls", "--title", MAPLE_FALLS_TITLE)  # fmt: skip
    assert "HR has not published" in walk(config_file, "maple-falls")

    page = sign_in(context, sign_in_link(config_file, "hal"))
    page.goto(f"{server.url}/dashboard/policies/maple-falls/checklist")
    expect(page.get_by_role("note")).to_contain_text("Not live")
    text = page.get_by_label("Checklist (YAML)")
    proposal = text.input_value()
    assert proposal.startswith("# PROPOSED checklist for the City of Maple Falls")
    assert "La Crosse" not in proposal  # the policy's own city, whoever hosts the bot
    screenshot(page, "23-checklist-proposed")

    text.fill(proposal.replace("clauses: [clause-2]", "clauses: [clause-42]", 1))
    page.get_by_role("button", name="Publish this checklist").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Nothing was published: question 'confidential_information': field 'clauses': "
        "'clause-42' is not a clause of this policy"
    )
    assert "clause-42" in page.get_by_label("Checklist (YAML)").input_value()  # kept to fix
    assert "HR has not published" in walk(config_file, "maple-falls")
    screenshot(page, "24-checklist-refused")

    page.get_by_label("Checklist (YAML)").fill(
        proposal.replace(
            "Does the post share confidential, privileged or non-public information",
            "Does the post share a personnel matter, a pending contract or other information",
        )
    )
    page.get_by_label("Note for the record (optional)").fill("Reviewed with the city attorney")
    page.get_by_role("button", name="Publish this checklist").click()
    expect(page.get_by_role("status")).to_contain_text("Checklist published")
    expect(page.get_by_text("Live checklist: checklist version 1, published")).to_be_visible()
    screenshot(page, "25-checklist-published")

    transcript = walk(config_file, "maple-falls", "no", "no", "no", "yes")
    assert "Does the post share a personnel matter, a pending contract" in transcript
    assert "Verdict: Do not post." in transcript
    assert f"({MAPLE_FALLS_TITLE}, clause 2)" in transcript
