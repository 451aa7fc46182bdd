"""The README and docs/ cannot drift from the product.

Every `policybot ...` command shown in a shell block of README.md or docs/*.md is parsed by
the real command line (placeholders such as ID or <app id> filled in, each [optional part]
tried on its own); the README's terminal recipe is run, command by command, from a folder
with no app.yaml; the Slack and dashboard recipes are run up to what needs a real Slack or a
browser; the Slack scopes the set-up guide lists are the manifest's.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from adapters.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PLACEHOLDERS = {
    "ID": "la-crosse",
    "N": "2",
    "K": "3",
    "NAME": "pat",
    "<app id>": "00000000-0000-0000-0000-000000000000",
    "T": "Title",
    "xapp-...": "xapp-1",
    "xoxb-...": "xoxb-1",
}


def shell_blocks(path: Path) -> Iterator[str]:
    for match in re.finditer(r"```(?:sh|bash)\n(.*?)```", path.read_text(), re.DOTALL):
        yield match.group(1)


def block_commands(block: str) -> Iterator[str]:
    """Each `policybot` command of a block: continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n\s*", " ", block)
    for line in text.splitlines():
        line = re.sub(r"\s+#.*$", "", line.strip().removeprefix("$ ")).rstrip("&").strip()
        line = re.sub(r"^(?:echo [^|]*\|\s*)?(?:[A-Z_]+=\S+\s+)*", "", line)
        line = re.sub(r"\s+(?:[<>]\s|\|).*$", "", line)  # redirections and pipes are the shell's
        if line.startswith("policybot ") or line == "policybot":
            yield line


def documented_commands() -> list[tuple[str, str]]:
    return [
        (path.name, command)
        for path in DOCUMENTS
        for block in shell_blocks(path)
        for command in block_commands(block)
    ]


def variants(command: str) -> Iterator[list[str]]:
    """The command without its [optional parts], then with each one (first alternative of a|b)."""
    groups = re.findall(r"\[([^\[\]]*)\]", command)
    base = re.sub(r"\s*\[[^\[\]]*\]", "", command)
    base = re.sub(r"<[^<>]*>", lambda m: PLACEHOLDERS.get(m.group(0), "placeholder"), base)
    for extra in ["", *groups]:
        words = shlex.split(f"{base} {extra}")[1:]
        yield [PLACEHOLDERS.get(word, word.split("|")[0]) for word in words]


def test_the_documents_show_commands_at_all() -> None:
    commands = documented_commands()
    assert len(commands) >= 30
    assert {"README.md", "employees.md", "hr.md", "setup.md"} <= {name for name, _ in commands}


@pytest.mark.parametrize(("document", "command"), documented_commands())
def test_every_documented_command_parses(document: str, command: str) -> None:
    for argv in variants(command):
        parser = build_parser()
        try:
            parser.check_options(argv)
            args, extras = parser.parse_known_args(argv)
        except SystemExit as error:
            raise AssertionError(f"{document}: `{command}` does not parse as {argv}") from error
        assert not extras, f"{document}: `{command}`: policybot does not take {extras}"
        assert args.command is not None, f"{document}: `{command}` names no command"


def readme_block(heading: str) -> str:
    """The first shell block under a README heading."""
    text = (ROOT / "README.md").read_text()
    section = text.split(f"### {heading}\n", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    return next(re.finditer(r"```sh\n(.*?)```", section, re.DOTALL)).group(1)


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(tmp_path / "home"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    return {**env, **extra}


def test_the_terminal_recipe_runs_from_a_folder_without_app_yaml(tmp_path: Path) -> None:
    folder = tmp_path / "somewhere"
    folder.mkdir()
    commands = list(block_commands(readme_block("The terminal")))
    assert len(commands) >= 3 and any(c.startswith("policybot chat") for c in commands)
    for command in commands:
        result = subprocess.run(
            [sys.executable, "-m", "adapters.cli", *shlex.split(command)[1:]],
            input="can I post photos of my crew?\nhelp\nack\nquit\n",
            capture_output=True,
            text=True,
            timeout=60,
            cwd=folder,
            env=environment(tmp_path),
        )
        assert result.returncode == 0, f"{command}: {result.stderr}"
        assert result.stdout.strip(), command
    assert list(folder.iterdir()) == []  # the data went to the data folder, as the README says
    assert (tmp_path / "data" / "policybot" / "policybot.sqlite3").exists()


def run_shell(script: str, folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, timeout=60, cwd=folder, env=env
    )


def test_the_slack_recipe_starts_serving_slack_and_asks_for_its_tokens(tmp_path: Path) -> None:
    block = readme_block("Slack in five minutes, with Socket Mode")
    writing = [line for line in block.splitlines() if line.strip().startswith("printf")]
    assert run_shell("\n".join(writing), tmp_path, environment(tmp_path)).returncode == 0
    [serve] = [c for c in block_commands(block) if " serve" in c]
    result = subprocess.run(
        [sys.executable, "-m", "adapters.cli", *shlex.split(serve)[1:]],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env=environment(tmp_path),  # no tokens: it must stop and name the first one
    )
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN is not set" in result.stderr, result.stderr


def test_the_dashboard_recipe_gives_hr_a_sign_in_link(tmp_path: Path) -> None:
    block = readme_block("HR's dashboard, locally")
    lines = block.splitlines()
    script = "\n".join(lines[: lines.index("EOF") + 1]) + "\n"  # only the heredoc writing the file
    assert script.startswith("cat > dashboard.yaml") and " serve" not in script
    assert run_shell(script, tmp_path, environment(tmp_path)).returncode == 0
    chat = next(line for line in block.splitlines() if line.startswith("echo dashboard"))
    secret = "x" * 40
    result = run_shell(chat, tmp_path, environment(tmp_path, POLICYBOT_DASHBOARD_SECRET=secret))
    assert result.returncode == 0, result.stderr
    assert "http://127.0.0.1:3000/dashboard/" in result.stdout, result.stdout
    [serve] = [c for c in block_commands(block) if " serve" in c]
    args = build_parser().parse_args(shlex.split(serve)[1:])
    assert (args.host, args.port) == ("127.0.0.1", 3000)


def test_the_setup_guide_lists_exactly_the_manifests_scopes() -> None:
    manifest = yaml.safe_load((ROOT / "adapters" / "slack" / "manifest.yaml").read_text())
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    guide = (ROOT / "docs" / "setup.md").read_text()
    sentence = re.search(r"and the scopes(.*?)\.\n", guide, re.DOTALL)
    assert sentence is not None
    listed = set(re.findall(r"`([a-z_]+:[a-z]+|commands)`", sentence.group(1)))
    assert listed == scopes


def test_the_documents_link_to_files_that_exist() -> None:
    for path in DOCUMENTS:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", path.read_text()):
            assert (path.parent / target).exists(), f"{path.name} links to missing {target}"


if os.environ.get("POLICYBOT_DATABASE_URL"):  # these run policybot on files of their own
    pytestmark = pytest.mark.sqlite_only
