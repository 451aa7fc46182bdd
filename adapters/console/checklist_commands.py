"""`policybot checklist show|publish`: HR's "can I post this?" checklist from the terminal.

`show` prints where the live checklist comes from, its items and what needs HR's review;
`--yaml` prints the text to edit (a proposal for a policy that has none). `publish` validates a
file against the current version's clauses and makes it live in every worker.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import TextIO

from adapters.cli_help import SuggestingParser, policy_help
from bot.app import App
from bot.publishing import checklists
from bot.publishing.checklists import ChecklistPublishError
from knowledge.checklist import MAX_CHECKLIST_CHARS, ChecklistError


def add_parser(commands: argparse._SubParsersAction[SuggestingParser]) -> None:
    """The `checklist` subcommand and its actions."""
    checklist = commands.add_parser(
        "checklist",
        help='HR: see and publish the "can I post this?" checklist',
        description='HR\'s "can I post this?" checklist of a policy: `show` it (and what needs '
        "review after a new version), then `publish` the edited file.",
    )
    actions = checklist.add_subparsers(dest="checklist_command", metavar="ACTION", required=True)
    show = actions.add_parser(
        "show",
        help="the live checklist, and what needs HR's review",
        description="Where the live checklist comes from, its questions, outcomes and "
        "reminders, and the items a new version set aside for HR (the clause each cited then "
        "and that clause now). With --yaml, the text to edit and publish; for a policy without "
        "a checklist, the one PolicyBot proposes from its clauses.",
    )
    show.add_argument("--policy", help=policy_help("policy id (default: the default policy)"))
    show.add_argument("--yaml", action="store_true", help="print the YAML to edit and publish")
    publish = actions.add_parser(
        "publish",
        help="validate a checklist file and make it live",
        description="Check a checklist file against the clauses of the policy's current version "
        "(every problem is listed, and nothing changes if there is one), store it as the "
        "policy's next checklist version, audited; every worker uses it from its next message.",
    )
    publish.add_argument("file", help="the checklist (YAML), as `show --yaml` prints it")
    publish.add_argument("--policy", required=True, help=policy_help("the policy it is for"))
    publish.add_argument("--by", help="who publishes it, for the record (default: your login)")
    publish.add_argument("--note", metavar="TEXT", help="why, for the record")


def run_checklist(
    app: App, args: argparse.Namespace, stdout: TextIO = sys.stdout, stderr: TextIO = sys.stderr
) -> int:
    """Run `checklist show` or `checklist publish`; a refusal is said plainly, exit 2."""
    policy_id = args.policy or app.config.default_policy
    try:
        if args.checklist_command == "show":
            if args.yaml:
                stdout.write(checklists.editable_text(app.library, policy_id))
            else:
                stdout.write(checklists.describe(app.library, policy_id) + "\n")
            return 0
        return _publish(app, args, policy_id, stdout)
    except ChecklistError as error:
        stderr.write(f"policybot: error: nothing was published. {error}\n")
        return 2
    except ChecklistPublishError as error:
        stderr.write(f"policybot: error: {error}\n")
        return 2


def _publish(app: App, args: argparse.Namespace, policy_id: str, stdout: TextIO) -> int:
    path = Path(args.file)
    try:
        if path.stat().st_size > MAX_CHECKLIST_CHARS * 4:
            raise ChecklistPublishError(
                f"{path} is too large for a checklist (at most {MAX_CHECKLIST_CHARS:,} characters)"
            )
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ChecklistPublishError(f"{path} is not UTF-8 text; save it as UTF-8") from None
    except OSError as error:
        raise ChecklistPublishError(f"cannot read {path}: {error.strerror or error}") from None
    done = checklists.publish_checklist(
        app.db,
        app.library,
        policy_id=policy_id,
        text=text,
        source=path.name,
        by=args.by or getpass.getuser(),
        by_person_id=None,
        now=app.bot.clock(),
        note=args.note,
    )
    policy = app.library.policy(policy_id)
    lines = [
        f"Published checklist version {done.number} of the {policy.title} (checked against "
        f"policy version {done.basis_version}): {done.questions} questions, live now in every "
        "worker."
    ]
    if done.titles:
        lines.append("Clause titles set: " + ", ".join(done.titles) + ".")
    if done.set_aside:
        lines.append(
            f"{done.set_aside} item(s) are still set aside for review: 'policybot checklist show "
            f"--policy {policy_id}' lists them."
        )
    stdout.write("\n".join(lines) + "\n")
    return 0
