"""HR sees a document's structure from the terminal before and after it goes live
(`policybot policy clauses`, the publish preview's warnings), and `policy publish` refuses
hostile files with one line, inside 2 GB of address space, each in its own process."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

from tests.knowledge.documents import inflating_docx, page_tree_bomb, pdf, typeset
from tests.processes import inherited
from tests.publishing.conftest import LA_CROSSE

ADDRESS_SPACE = 2_000_000 * 1024  # `ulimit -v 2000000`


def run(
    *args: str, config: Path, stdin: str = "", limit: bool = False
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k == "POLICYBOT_DATABASE_URL"}

    def within_two_gigabytes() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))

    return subprocess.run(
        [sys.executable, "-m", "adapters.cli", "--config", str(config), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=30,
        env={"PATH": "/usr/bin:/bin", "HOME": str(Path.home()), **inherited(), **env},
        preexec_fn=within_two_gigabytes if limit else None,
    )


CODE = [
    ("title", "Town of Example Code, Chapter 4"),
    ("heading", "§ 4.01 PERSONAL ACCOUNTS."),
    ("item", "(A) Employees may say where they work, and must say they speak for themselves."),
    ("item", "(B) Employees must not post photographs of residents taken at work."),
    ("heading", "§ 4.02 TOWN ACCOUNTS."),
    ("item", "(A) Only employees named by a department head may post, and only about:"),
    ("subitem", "(1) town events and services;"),
    ("subitem", "(2) emergencies and closures."),
    ("item", "(B) Department heads review their accounts every month."),
]


def test_clauses_of_a_published_pdf_as_json_and_as_a_tree(
    config_file: Path, tmp_path: Path
) -> None:
    file = tmp_path / "chapter-4.pdf"
    file.write_bytes(pdf(typeset(CODE, header="Town of Example Code", lines_per_page=5)))
    done = run("policy", "publish", str(file), "--policy", "example-code", "--title",
               "Example Code", "--organization", "lax", "--yes", config=config_file)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Structure: nothing looks out of place." in done.stdout
    listed = run("policy", "clauses", "--policy", "example-code", "--json", config=config_file)
    assert listed.returncode == 0, listed.stderr
    clauses = json.loads(listed.stdout)
    assert [(c["number"], c["level"]) for c in clauses] == [
        ("4.01(A)", 1), ("4.01(B)", 1), ("4.02(A)", 1), ("4.02(A)(1)", 2), ("4.02(A)(2)", 2),
        ("4.02(B)", 1),
    ]  # fmt: skip
    third = clauses[3]
    assert third["id"] == "section-4-02-a-1"
    assert third["citation"] == "Example Code, § 4.02(A)(1)"
    assert third["text"] == "town events and services;"
    assert (
        clauses[2]["text"] == "Only employees named by a department head may post, and only about:"
    )
    assert {"id", "number", "citation", "title", "text", "level"} <= set(third)
    tree = run("policy", "clauses", "--policy", "example-code", config=config_file)
    lines = tree.stdout.splitlines()
    assert lines[0] == "Example Code (example-code), version 1: 6 clauses"
    assert "§ 4.02 Town accounts" in lines
    assert "    § 4.02(A)(1)  [section-4-02-a-1]  town events and services;" in lines


def test_clauses_of_the_seed_and_of_an_older_version(config_file: Path, tmp_path: Path) -> None:
    edited = tmp_path / "policy.txt"
    edited.write_text(LA_CROSSE.replace("Employees cannot post", "Employees must not post"))
    assert run("policy", "publish", str(edited), "--policy", "la-crosse", "--yes",
               config=config_file).returncode == 0  # fmt: skip
    current = json.loads(
        run("policy", "clauses", "--policy", "la-crosse", "--json", config=config_file).stdout
    )
    first = json.loads(run("policy", "clauses", "--policy", "la-crosse", "--version", "1",
                           "--json", config=config_file).stdout)  # fmt: skip
    assert [c["id"] for c in current] == ["preamble"] + [f"clause-{n}" for n in range(1, 12)]
    assert current[9]["citation"] == "City of La Crosse Social Media Policy, clause 9"
    assert current[9]["text"].startswith("Employees must not post")
    assert first[9]["text"].startswith("Employees cannot post")
    missing = run("policy", "clauses", "--policy", "la-crosse", "--version", "9",
                  config=config_file)  # fmt: skip
    assert missing.returncode == 2
    assert missing.stderr == "policybot: error: 'la-crosse' has no version 9 (versions: 1, 2).\n"


def test_the_preview_flags_numbering_that_skips(config_file: Path, tmp_path: Path) -> None:
    lines = LA_CROSSE.splitlines()
    without_five = "\n".join(line for line in lines if not line.startswith("5. "))
    file = tmp_path / "policy.txt"
    file.write_text(without_five)
    preview = run("policy", "publish", str(file), "--policy", "la-crosse", config=config_file,
                  stdin="n\n")  # fmt: skip
    assert "Check the structure before publishing:" in preview.stdout
    assert "  ! The numbering skips from clause 4 to clause 6: is something missing?" in (
        preview.stdout
    )
    assert "Not published. Nothing changed." in preview.stdout


def test_hostile_files_are_refused_with_one_line_in_two_gigabytes(
    config_file: Path, tmp_path: Path
) -> None:
    fifo = tmp_path / "policy.txt"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.pdf"
    folder.mkdir()
    bomb = tmp_path / "policy.docx"
    bomb.write_bytes(inflating_docx(1 << 30))
    pages = tmp_path / "policy.pdf"
    pages.write_bytes(page_tree_bomb(100_000))
    expected = {
        "/dev/zero": "/dev/zero is a device, not a document file.",
        str(fifo): f"{fifo} is a pipe (FIFO), not a document file.",
        str(folder): f"{folder} is a directory, not a document file.",
        str(bomb): "policy.docx unpacks to more than 32 MB (word/document.xml); that is not a "
        "policy document I can read.",
        str(pages): "policy.pdf has more than 500 pages; a policy document should be shorter. "
        "Please send the policy itself.",
    }
    for path, reason in expected.items():
        done = run("policy", "publish", path, "--policy", "la-crosse", "--yes",
                   config=config_file, limit=True)  # fmt: skip
        assert (done.returncode, done.stdout) == (2, ""), path
        assert done.stderr == f"policybot: error: {reason}\n"
