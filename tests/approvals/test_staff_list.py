"""The staff list import, in bulk: the record it leaves, the rows it refuses, and the files it
will not open. (Its speed at 100,000 rows is measured by bench/people_import.py.)"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.console.people_import import run_import
from bot.app import App
from bot.people import directory
from bot.people.staff_list import StaffListError, import_staff_list
from bot.storage import audit

NOW = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
HEADER = "handle,name,department,supervisor,roles,slack,teams\n"


def load(app: App, text: str) -> tuple[int, int, list[tuple[int, str]]]:
    report = import_staff_list(app.db, text.splitlines(keepends=True), source="t.csv", now=NOW)
    return report.created, report.updated, report.rejected


def person(app: App, handle: str) -> directory.PersonInfo:
    found = directory.person_on(app.db, "console", handle, NOW)
    assert found is not None, handle
    return found


def test_new_people_get_their_roles_identities_supervisor_and_one_audit_entry(app: App) -> None:
    created, updated, rejected = load(app, HEADER + (
        "kim,Kim Ray,Streets,ray,employee,U-KIM,aad-kim\n"
        "ray,Ray Dunn,Streets,,supervisor;director,,\n"
    ))  # fmt: skip
    assert (created, updated, rejected) == (2, 0, [])
    kim, ray = person(app, "kim"), person(app, "ray")
    assert kim.supervisor_id == ray.id and kim.department == "Streets"
    assert set(ray.roles) == {"supervisor", "department_director"}
    assert directory.person_on(app.db, "slack", "U-KIM", NOW) == kim
    assert directory.person_on(app.db, "teams", "aad-kim", NOW) == kim
    [entry] = audit.entries(app.db, subject_id=kim.id)
    assert entry.action == "person_imported"
    assert entry.details == {"roles": ["employee"], "supervisor": "ray", "source": "t.csv"}


def test_a_second_import_changes_only_what_changed_and_audits_each_change(app: App) -> None:
    load(app, HEADER + "kim,Kim Ray,Streets,ray,employee,U-KIM,\n"
              "ray,Ray Dunn,Streets,,supervisor,,\nlou,Lou Park,Library,,,,\n")  # fmt: skip
    created, updated, _ = load(app, HEADER + (
        "kim,Kim Ray-Dunn,Parks,lou,employee;hr,U-KIM,\n"
        "ray,Ray Dunn,Streets,,supervisor,,\n"
        "lou,Lou Park,Library,,,,\n"
    ))  # fmt: skip
    assert (created, updated) == (0, 3)
    kim = person(app, "kim")
    assert (kim.name, kim.department, kim.supervisor_id) == (
        "Kim Ray-Dunn", "Parks", person(app, "lou").id,
    )  # fmt: skip
    assert set(kim.roles) == {"employee", "hr"}
    changes = [(e.action, e.details) for e in audit.entries(app.db, subject_id=kim.id)][1:]
    assert changes == [
        ("role_added", {"role": "hr", "source": "t.csv"}),
        ("supervisor_set", {"supervisor": "lou", "source": "t.csv"}),
    ]
    assert len(audit.entries(app.db, subject_id=person(app, "ray").id)) == 1  # unchanged
    load(app, HEADER + "kim,Kim Ray-Dunn,Parks,lou,employee,U-KIM,\n")
    assert set(person(app, "kim").roles) == {"employee"}
    assert audit.entries(app.db, subject_id=kim.id)[-1].action == "role_removed"


def test_loops_and_the_people_under_a_rejected_row_are_refused_with_reasons(app: App) -> None:
    created, _, rejected = load(app, HEADER + (
        "a,A,X,b,,,\n"          # a -> b -> a: a loop
        "b,B,X,a,,,\n"
        "c,C,X,a,,,\n"          # c reports into the loop
        "d,D,X,nobody,,,\n"     # d's supervisor is nowhere
        "e,E,X,d,,,\n"          # e's supervisor was refused
        "f,F,X,e,,,\n"          # and so on down
        "g,G,X,,,U-1,\n"
        "h,H,X,g,,U-1,\n"       # the same Slack id twice
    ))  # fmt: skip
    assert created == 1
    reasons = dict(rejected)
    assert reasons[2] == "a's supervisor chain loops back to a"
    assert reasons[3] == "b's supervisor chain loops back to b"
    assert reasons[4] == "c's supervisor chain loops back to a"
    assert reasons[5] == "d's supervisor 'nobody' is not in the file or the staff list"
    assert reasons[6] == "e's supervisor 'd' was rejected"
    assert reasons[7] == "f's supervisor 'e' was rejected"
    assert reasons[9] == "slack id U-1 is already given to g"


def test_a_supervisor_already_listed_keeps_their_people_when_their_row_is_refused(
    app: App,
) -> None:
    load(app, HEADER + "ray,Ray Dunn,Streets,,supervisor,,\n")
    created, updated, rejected = load(app, HEADER + "ray,Ray Dunn,Streets,,wizard,,\n"
                                              "kim,Kim Ray,Streets,ray,,,\n")  # fmt: skip
    assert (created, updated) == (1, 0) and [line for line, _ in rejected] == [2]
    assert person(app, "kim").supervisor_id == person(app, "ray").id


def test_a_device_a_fifo_or_an_oversized_file_is_refused_before_it_is_read(
    app: App, tmp_path: Path
) -> None:
    fifo = tmp_path / "staff.fifo"
    os.mkfifo(fifo)
    for path, reason in [("/dev/zero", "not a regular file"), (str(fifo), "not a regular file"),
                         (str(tmp_path), "not a regular file")]:  # fmt: skip
        with pytest.raises(StaffListError, match=reason):
            run_import(app, path)
    big = tmp_path / "big.csv"
    with big.open("wb") as file:
        file.truncate(200_000_000)  # sparse: its size alone refuses it
    with pytest.raises(StaffListError, match="may be at most 100 MB"):
        run_import(app, str(big))
