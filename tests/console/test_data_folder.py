"""Where PolicyBot keeps its data when no app.yaml says: the person's own data folder.

Started from two different folders, it finds the same acknowledgements; it never creates a
database in the folder it was started from, and says where the data is the first time. Each
test gives the process a data folder (XDG_DATA_HOME) or a home of its own, never the real one.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.processes import inherited

ROOT = Path(__file__).resolve().parents[2]


def policybot(
    *args: str, cwd: Path, env: dict[str, str], stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), **inherited(), **env},
    )


def test_without_app_yaml_the_data_lives_in_the_users_data_folder(tmp_path: Path) -> None:
    first_folder, second_folder = tmp_path / "downloads", tmp_path / "desktop"
    first_folder.mkdir()
    second_folder.mkdir()
    env = {"HOME": str(tmp_path / "home"), "XDG_DATA_HOME": str(tmp_path / "data")}
    database = tmp_path / "data" / "policybot" / "policybot.sqlite3"

    first = policybot("chat", "--user", "pat", cwd=first_folder, env=env, stdin="ack\n")
    assert first.returncode == 0, first.stderr
    assert database.exists()
    assert f"your data is kept in {database}" in first.stderr
    assert list(first_folder.iterdir()) == []  # nothing in the folder it was started from

    second = policybot("chat", "--user", "pat", cwd=second_folder, env=env, stdin="status\n")
    assert second.returncode == 0, second.stderr
    assert "up to date" in second.stdout  # the same database: the acknowledgement is there
    assert "your data is kept" not in second.stderr  # said once, on first use
    assert list(second_folder.iterdir()) == []


def test_without_xdg_data_home_it_is_under_the_home_folder(tmp_path: Path) -> None:
    home = tmp_path / "home"
    started_in = tmp_path / "somewhere"
    started_in.mkdir()
    result = policybot("db", "upgrade", cwd=started_in, env={"HOME": str(home)})
    assert result.returncode == 0, result.stderr
    assert (home / ".local" / "share" / "policybot" / "policybot.sqlite3").exists()
    assert list(started_in.iterdir()) == []


def test_started_from_the_root_folder_it_does_not_write_into_var(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path / "home"), "XDG_DATA_HOME": str(tmp_path / "data")}
    result = policybot("ask", "--policy", "la-crosse", "can I post photos?", cwd=Path("/"), env=env)
    assert result.returncode == 0, result.stderr
    assert str(tmp_path / "data" / "policybot" / "policybot.sqlite3") in result.stderr
    assert not Path("/var/policybot.sqlite3").exists()


def test_an_app_yaml_in_the_folder_keeps_its_database_path(tmp_path: Path) -> None:
    (tmp_path / "app.yaml").write_text("database:\n  path: here/bot.sqlite3\n")
    env = {"HOME": str(tmp_path / "home"), "XDG_DATA_HOME": str(tmp_path / "data")}
    result = policybot("chat", "--user", "pat", cwd=tmp_path, env=env, stdin="ack\n")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "here" / "bot.sqlite3").exists()
    assert not (tmp_path / "data").exists() and "your data is kept" not in result.stderr
