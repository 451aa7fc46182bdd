"""Two terminals, an employee and a supervisor, walk a request from asking to decision."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

from tests.console.test_cli import run

# `policybot chat` runs on the real clock: the request's dates are relative to today.
START = (date.today() + timedelta(days=2)).isoformat()
END = (date.today() + timedelta(days=32)).isoformat()


def chat(config: Path, user: str, *lines: str) -> str:
    result = run("chat", "--user", user, config=config, stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_an_employee_and_a_supervisor_in_two_terminals(config_file: Path) -> None:
    asked = chat(
        config_file,
        "pat",
        "request authorization needs-supervisor",
        "Post the pool reopening photos on the Parks Facebook page",
        "Residents keep asking when the pool reopens",
        "Parks Facebook page, from my work computer",
        START,
        END,
        "yes",
    )
    assert "Sent: request #1 is waiting for Sam Ortiz (your supervisor)" in asked
    supervisor = chat(config_file, "sam", "approve 1 Go ahead")
    assert "1 message(s) for you" in supervisor and "Pat Lee (Parks) asks" in supervisor
    assert "Recorded: you approved request #1" in supervisor
    back = chat(config_file, "pat", "status")
    assert "Sam Ortiz, your supervisor, approved your request #1" in back
    assert "Go ahead" in back


def test_people_import_reports_rejected_rows_and_takes_the_rest(
    config_file: Path, tmp_path: Path
) -> None:
    staff = tmp_path / "staff.csv"
    staff.write_text(
        "handle,name,department,supervisor,roles,slack\n"
        "kim,Kim Ray,Streets,ray,employee,U-KIM\n"
        "ray,Ray Dunn,Streets,,supervisor;department_director,\n"
        "bad name,Someone,Streets,,,\n"
        "zed,Zed Ng,Streets,nobody,,\n"
        "kim,Kim Again,Streets,,,\n"
        "wiz,Wiz Ard,IT,,wizard,\n"
        "tom,Tom Bo,IT,,,U-PAT\n"
        "sam,Sam Ortiz,Parks,max,supervisor;hr,\n"
    )
    result = run("people", "import", str(staff), config=config_file)
    assert result.returncode == 1, result.stderr
    out = result.stdout
    assert "2 person(s) added, 1 updated, 5 row(s) rejected." in out
    assert "row 4: handle 'bad name'" in out
    assert "row 5: zed's supervisor 'nobody' is not in the file" in out
    assert "row 6: kim appears twice" in out
    assert "row 7: unknown role 'wizard'" in out
    assert "row 8: slack id U-PAT belongs to pat" in out
    # Ray now directs Streets: Kim's clause 10 request can find its director.
    kim = chat(config_file, "kim", "request authorization needs-link-permission")
    assert "director of your department" in kim


def test_the_authorizations_report_shows_each_decision(config_file: Path) -> None:
    chat(
        config_file,
        "pat",
        "request authorization needs-link-permission",
        "Link my blog from the Parks page",
        "Event photos",
        "parks page",
        START,
        END,
        "yes",
    )
    chat(config_file, "dana", "approve 1 ok by me")
    result = run("report", "authorizations", "--csv", config=config_file)
    assert result.returncode == 0, result.stderr
    [row] = list(csv.DictReader(io.StringIO(result.stdout)))
    assert row["status"] == "pending" and row["requester"] == "Pat Lee"
    assert "department director: approved by Dana Fox" in row["decisions"]
    assert "(ok by me)" in row["decisions"]
    assert "social media administrator: waiting for Alex Kim" in row["decisions"]
    assert row["clauses"] == "clause 10: Links from a city web site to a personal page"
    trail = run("report", "authorizations", "--audit", config=config_file).stdout
    assert "Dana Fox" in trail and "approved" in trail
    assert "roles: department director, social media administrator" in trail
    assert "['" not in trail and "department_director" not in trail
    chat(
        config_file,
        "pat",
        "request authorization needs-link-permission",
        "Link my other blog from the Parks page",
        "More event photos",
        "parks page",
        START,
        END,
        "yes",
    )
    chat(config_file, "dana", "deny 2 not a City page")  # the administrator's is not needed
    report = run("report", "authorizations", "--csv", config=config_file)
    row = list(csv.DictReader(io.StringIO(report.stdout)))[1]
    assert "social media administrator: not needed (request denied)" in row["decisions"]
    assert "closed" not in row["decisions"]
