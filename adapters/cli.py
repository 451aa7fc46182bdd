"""The `policybot` command: chat, ask, check, reports and the database in the terminal.

Platform SDKs are imported only by the commands that need them, so terminal commands start fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from adapters.cli_help import (
    SuggestingParser,
    policy_help,
    serve_environment_text,
    short_usage,
)
from adapters.console import checklist_commands, reports
from bot.app import App, open_app
from bot.config import (
    DATABASE_URL_ENV,
    ConfigError,
    find_config_file,
    load_config,
    user_database_path,
)
from bot.policies.library import UnknownPolicy
from bot.storage.database import Database, StorageError
from knowledge.sources import KnowledgeError


def build_parser() -> SuggestingParser:
    """All subcommands and their options, with help a person can read."""
    parser = SuggestingParser(
        prog="policybot",
        description="Answers employees' questions about their city's social media policy, in "
        "this terminal, Slack and Microsoft Teams. Start with `policybot chat`.",
        epilog=f"""Where the data lives: app.yaml's database.path (relative to app.yaml), or
POLICYBOT_DATABASE_URL; with no app.yaml, {user_database_path()}.

environment:
  POLICYBOT_CONFIG        the app.yaml to use (like --config)
  POLICYBOT_DATABASE_URL  a PostgreSQL URL, instead of the SQLite file
  NO_COLOR                any value: no colour in the terminal
  COLUMNS                 the width to wrap to (default: the terminal's)""",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="path to app.yaml (default: $POLICYBOT_CONFIG or ./app.yaml, else the embedded "
        "defaults with the data in your own data folder)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    chat = commands.add_parser(
        "chat",
        help="talk to the bot in the terminal",
        description="Talk to the bot in this terminal: ask about the policy in your own words, "
        "`check` whether you may post something, `ack` to acknowledge the policy, `status`, "
        "`help` for everything you can do, `quit` or Ctrl-D to leave. Up and down arrows bring "
        "back what you typed. With input that is not a terminal, reads one message a line and "
        "writes the replies, for scripts.",
    )
    chat.add_argument("--policy", help=policy_help() + " (default: your organization's)")
    chat.add_argument("--user", help="who you are, your staff-list handle (default: your login)")

    ask = commands.add_parser(
        "ask",
        help="answer questions for scripts",
        description="Answer one question, or one per line of standard input, with the clauses "
        "that match best. --json writes one object a line: question, policy, version, answered, "
        "outcome and the matches (policy, clause, citation, title, text, lead_in, score).",
    )
    ask.add_argument("--policy", required=True, help=policy_help())
    ask.add_argument("--top", type=_top_k, default=3, metavar="K", help="matches to list (1-10)")
    ask.add_argument("--json", action="store_true", help="one JSON object per question")
    ask.add_argument("question", nargs="?", help="the question; without it, one per input line")

    check = commands.add_parser(
        "check",
        help='walk the "can I post this?" checklist',
        description='The "can I post this?" checklist of your policy, one yes/no question at '
        "a time, ending in a verdict with its reasons cited (the same as typing `check` in chat). "
        "--list prints the checklist instead.",
    )
    check.add_argument("--policy", help=policy_help() + " (default: your organization's)")
    check.add_argument("--user", help="who you are, your staff-list handle (default: your login)")
    check.add_argument("--list", action="store_true", help="print the checklist instead")
    check.add_argument("--json", action="store_true", help="with --list: as JSON")

    serve = commands.add_parser(
        "serve",
        help="serve Slack, Teams and HR's dashboard over HTTP",
        description="One HTTP server for what app.yaml enables: Slack at /slack/events, Teams at "
        "/api/messages, HR's dashboard at /dashboard/, and /healthz and /readyz. A missing "
        "secret stops it at start with one line naming the variable.",
        epilog=serve_environment_text(),
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, for a proxy on this machine; "
        "0.0.0.0 for every interface)",
    )
    serve.add_argument(
        "--port",
        type=_port,
        default=3000,
        help="port to listen on (default: 3000; 0 picks a free one)",
    )
    serve.add_argument(
        "--socket-mode",
        action="store_true",
        help="reach Slack over Socket Mode (needs SLACK_APP_TOKEN) instead of its request URL",
    )

    teams = commands.add_parser(
        "teams",
        help="Microsoft Teams tools",
        description="Tools for Microsoft Teams; `policybot teams package --help` for the app "
        "package.",
    )
    teams_commands = teams.add_subparsers(dest="teams_command", metavar="TOOL", required=True)
    package = teams_commands.add_parser(
        "package",
        help="build the Teams app package (zip)",
        description="Build the zip to upload in Teams: the manifest with your app id, and the "
        "two icons Teams needs.",
    )
    package.add_argument("--app-id", required=True, help="the bot's Microsoft App ID (a GUID)")
    package.add_argument("--out", required=True, help="where to write the zip")
    package.add_argument("--developer", default="PolicyBot", help="publisher name")
    package.add_argument("--website-url", help="publisher's web page (https)")
    package.add_argument("--privacy-url", help="privacy statement (https)")
    package.add_argument("--terms-url", help="terms of use (https)")
    package.add_argument("--version", default="1.0.0", help="app version (default: 1.0.0)")

    _report_parser(commands)

    people = commands.add_parser(
        "people", help="the staff list", description="Manage the staff list."
    )
    people_commands = people.add_subparsers(dest="people_command", metavar="ACTION", required=True)
    importing = people_commands.add_parser(
        "import",
        help="import a staff list (CSV)",
        description="Import a staff list: rows it cannot take are listed with the reason and the "
        "rest imported. Roles: employee, supervisor, department_director, "
        "social_media_administrator, hr (several separated by ;).",
    )
    importing.add_argument(
        "file", help="CSV with columns handle,name,department,supervisor,roles,slack,teams"
    )

    _policy_parser(commands)
    checklist_commands.add_parser(commands)

    remind = commands.add_parser(
        "remind",
        help="remind people who have not acknowledged",
        description="Queue reminders for people who have not acknowledged: everyone pending on "
        "a policy now (--policy), or only the reminders whose time has come (--due, for cron).",
    )
    remind.add_argument(
        "--policy", help="remind everyone pending on this policy now: " + policy_help()
    )
    remind.add_argument(
        "--due", action="store_true", help="send only the reminders whose time has come"
    )

    approvals = commands.add_parser(
        "approvals",
        help="the authorization workflow",
        description="The authorization workflow's timers (`serve` runs them every five minutes).",
    )
    approval_commands = approvals.add_subparsers(
        dest="approvals_command", metavar="ACTION", required=True
    )
    approval_commands.add_parser(
        "run",
        help="send due reminders, escalations and expiries now",
        description="Send the approval reminders, escalations and expiries that are due now.",
    )

    database = commands.add_parser(
        "db",
        help="the database's schema, for deployments",
        description="The database's schema, for deployments that migrate as a separate step "
        "(every command migrates at start anyway). Exit 2 when the configuration or the "
        "database cannot be used.",
    )
    actions = database.add_subparsers(dest="db_action", metavar="{upgrade,check}", required=True)
    actions.add_parser(
        "upgrade",
        help="bring the schema up to date and print its revision",
        description="Bring the schema up to date and print the revision reached.",
    )
    actions.add_parser(
        "check",
        help="say whether the schema is up to date (exit 0) or why not (exit 1)",
        description="Say whether the schema is up to date (exit 0) or what is out of date "
        "(exit 1); changes nothing.",
    )
    return parser


def _report_parser(commands: argparse._SubParsersAction[SuggestingParser]) -> None:
    report = commands.add_parser(
        "report",
        help="reports for HR",
        description="Reports for HR. Tables fit the terminal (long cells wrap; a table too wide "
        "is shown one record at a time); --csv or --json give every column in full.",
    )
    kinds = report.add_subparsers(dest="report", metavar="REPORT", required=True)
    acks = kinds.add_parser(
        "acks",
        help="who acknowledged the policy, and when",
        description="Completion by department (least complete first), then every person: "
        "acknowledged which version when, or pending since when.",
    )
    acks.add_argument("--policy", required=True, help=policy_help())
    acks.add_argument("--version", type=int, help="a version number (default: the current one)")
    _formats(acks, "one row per person")
    votes = kinds.add_parser(
        "feedback",
        help="helpful / not helpful votes per clause",
        description="Helpful and not-helpful votes per clause, then the questions the bot "
        "could not answer.",
    )
    votes.add_argument("--policy", help=policy_help() + " (default: all)")
    _formats(votes, "the votes")
    unanswered = kinds.add_parser(
        "unanswered",
        help="questions the bot could not answer",
        description="Questions the bot could not answer, logged without the asker's name.",
    )
    unanswered.add_argument("--policy", help=policy_help() + " (default: all)")
    _formats(unanswered, "the questions")
    authorizations = kinds.add_parser(
        "authorizations",
        help="authorization requests and decisions",
        description="Every authorization request with its decisions; --audit for the whole "
        "audit log (requests, decisions, reminders, escalations, expiries, role changes).",
    )
    authorizations.add_argument("--audit", action="store_true", help="the full audit log instead")
    _formats(authorizations, "the requests")
    undelivered = kinds.add_parser(
        "undelivered",
        help="messages nobody could be reached with",
        description="Messages that could not reach their person, and why.",
    )
    _formats(undelivered, "the messages")
    for kind in (acks, votes, unanswered, authorizations, undelivered):
        kind.add_argument(
            "--organization",
            metavar="ID",
            help="only this app.yaml organization, as its HR sees it (default: every one)",
        )


def _formats(report: argparse.ArgumentParser, what: str) -> None:
    formats = report.add_mutually_exclusive_group()
    formats.add_argument("--csv", action="store_true", help=f"{what} as CSV, every column")
    formats.add_argument("--json", action="store_true", help=f"{what} as JSON, every column")


def _policy_parser(commands: argparse._SubParsersAction[SuggestingParser]) -> None:
    policy = commands.add_parser(
        "policy",
        help="publish policy versions, see their history",
        description="Publish a new version of a policy (everyone is told and asked to "
        "acknowledge again when its clauses changed), list its versions, compare two.",
    )
    actions = policy.add_subparsers(dest="policy_command", metavar="ACTION", required=True)
    publish = actions.add_parser(
        "publish",
        help="publish a new version (.txt, .md, .html, .pdf or .docx)",
        description="Publish a new version: shows the clauses as parsed and what changed, then "
        "asks to confirm (--yes skips the question).",
    )
    publish.add_argument("file", help="the policy document")
    publish.add_argument(
        "--policy", required=True, help=policy_help() + "; a new id creates a policy"
    )
    publish.add_argument("--title", help="the policy's title (default: the current one)")
    publish.add_argument("--effective", metavar="DATE", help="when the version takes effect")
    publish.add_argument("--note", metavar="TEXT", help="a note for everyone, sent with it")
    publish.add_argument("--organization", help="app.yaml organization id, for a new policy")
    publish.add_argument("--by", help="who publishes it, for the record (default: your login)")
    publish.add_argument("--yes", action="store_true", help="publish without asking to confirm")
    clauses = actions.add_parser(
        "clauses",
        help="the clauses of a version as they are read: numbers, citations, text",
        description="The clauses of a version as PolicyBot reads them: id, number, citation, "
        "title and text, in the document's order.",
    )
    clauses.add_argument("--policy", required=True, help=policy_help())
    clauses.add_argument("--version", type=int, help="a version number (default: the current one)")
    clauses.add_argument("--json", action="store_true", help="as a JSON list of clauses")
    topics = actions.add_parser(
        "topics",
        help="which clauses each topic of the domain's topic map is linked to",
        description="How the current version's clauses are linked to the topic map "
        "(knowledge/topics.yaml), strongest first, and which topics the policy does not cover.",
    )
    topics.add_argument("--policy", required=True, help=policy_help())
    history = actions.add_parser(
        "history",
        help="every version of a policy",
        description="Every version of a policy: number, SHA-256, who published it, when.",
    )
    history.add_argument("--policy", required=True, help=policy_help())
    diff = actions.add_parser(
        "diff",
        help="what changed between two versions, clause by clause",
        description="What changed between two versions, clause by clause, changed words marked.",
    )
    diff.add_argument("--policy", required=True, help=policy_help())
    diff.add_argument("a", type=int, help="the older version number")
    diff.add_argument("b", type=int, help="the newer version number")


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; errors become one clear line on standard error and a non-zero exit."""
    parser = build_parser()
    parser.check_options(sys.argv[1:] if argv is None else argv)
    args, extras = parser.parse_known_args(argv)
    if extras:
        parser.chosen(args).reject_extras(extras, parser)
    if args.command is None:  # `policybot` alone: a usage error, like a missing subcommand (2)
        sys.stderr.write(short_usage(parser))
        return 2
    if args.command == "teams":  # builds a file; needs no configuration or database
        return _teams_package(args)
    if args.command == "db":
        return _database(args)
    new_user_database = _new_user_database(args.config)
    try:
        app = open_app(args.config)
    except (ConfigError, StorageError, KnowledgeError) as error:
        return _fail(str(error), 2)
    if new_user_database is not None:
        sys.stderr.write(
            f"policybot: no app.yaml here, so your data is kept in {new_user_database} "
            "(the same file wherever you start policybot; --config or POLICYBOT_CONFIG "
            "names another configuration).\n"
        )
    try:
        return _dispatch(app, args)
    except UnknownPolicy as error:
        return _fail(error.args[0], 2)
    except StorageError as error:
        return _fail(str(error), 1)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (`policybot ask ... | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    finally:
        app.close()


def _new_user_database(config: str | None) -> Path | None:
    """The per-user database file about to be created, when no app.yaml or URL says where."""
    if find_config_file(config) is not None or os.environ.get(DATABASE_URL_ENV):
        return None
    path = user_database_path()
    return None if path.exists() else path


def _dispatch(app: App, args: argparse.Namespace) -> int:
    handlers: dict[str, Callable[[App, argparse.Namespace], int]] = {
        "chat": _chat,
        "ask": _ask,
        "check": _check,
        "report": reports.run_report,
        "serve": _serve,
        "people": _people,
        "approvals": _approvals,
        "policy": _policy,
        "checklist": checklist_commands.run_checklist,
        "remind": _remind,
    }
    return handlers[args.command](app, args)


def _chat(app: App, args: argparse.Namespace) -> int:
    from adapters.console.chat import run_chat

    return run_chat(app, policy_id=args.policy, user=args.user)


def _ask(app: App, args: argparse.Namespace) -> int:
    from adapters.console.ask import run_ask

    return run_ask(
        app, policy_id=args.policy, question=args.question, top_k=args.top, as_json=args.json
    )


def _check(app: App, args: argparse.Namespace) -> int:
    from adapters.console.chat import run_chat, run_checklist_listing

    if args.list:
        return run_checklist_listing(app, policy_id=args.policy, as_json=args.json)
    return run_chat(app, policy_id=args.policy, user=args.user, first_message="check")


def _people(app: App, args: argparse.Namespace) -> int:
    from adapters.console.people_import import run_import
    from bot.people.staff_list import StaffListError

    try:
        return run_import(app, args.file)
    except StaffListError as error:
        return _fail(str(error), 2)


def _policy(app: App, args: argparse.Namespace) -> int:
    from adapters.console.policy_commands import run_policy

    return run_policy(app, args)


def _remind(app: App, args: argparse.Namespace) -> int:
    from bot.acknowledgements import reminders

    if args.due == bool(args.policy):
        return _fail("say either --policy ID (remind now) or --due (the scheduled reminders)", 2)
    if args.due:
        done = reminders.run_due(app.db, app.config, app.bot.clock())
    else:
        policy = app.library.policy(args.policy)
        done = reminders.remind_now(app.db, app.config, policy.id, now=app.bot.clock())
    print(f"{done.people} reminder(s) and {done.supervisors} supervisor summary(ies) queued.")
    return 0


def _approvals(app: App, _args: argparse.Namespace) -> int:
    from bot.approvals.timers import run_due

    done = run_due(app.db, app.config.approvals, app.bot.clock())
    print(
        f"{done.reminded} reminder(s), {done.escalated} escalation(s), {done.expired} expiry(ies)."
    )
    return 0


def _serve(app: App, args: argparse.Namespace) -> int:
    from adapters.server import serve

    try:
        return serve(app, host=args.host, port=args.port, socket_mode=args.socket_mode)
    except ConfigError as error:
        return _fail(str(error), 2)


def _teams_package(args: argparse.Namespace) -> int:
    from adapters.teams.package import Publisher, build_package

    defaults = Publisher()
    publisher = Publisher(
        name=args.developer,
        website_url=args.website_url or defaults.website_url,
        privacy_url=args.privacy_url or defaults.privacy_url,
        terms_url=args.terms_url or defaults.terms_url,
    )
    try:
        out = build_package(args.app_id, Path(args.out), publisher, args.version)
    except ConfigError as error:
        return _fail(str(error), 2)
    except OSError as error:
        return _fail(f"cannot write {args.out}: {error.strerror or error}", 1)
    print(f"Wrote {out}: upload it in Teams (Apps > Manage your apps > Upload an app).")
    if not (args.website_url and args.privacy_url and args.terms_url):
        sys.stderr.write(
            "policybot: note: the package links to placeholder pages; pass --website-url, "
            "--privacy-url and --terms-url with your organization's pages.\n"
        )
    return 0


def _database(args: argparse.Namespace) -> int:
    """`policybot db upgrade|check`: the schema alone, without starting the bot (which migrates).

    Exit 0: done, or up to date; 1: `check` found the schema out of date; 2: the configuration
    or the database cannot be used.
    """
    try:
        db = Database(load_config(find_config_file(args.config)).database_url)
    except (ConfigError, StorageError) as error:
        return _fail(str(error), 2)
    try:
        if args.db_action == "upgrade":
            before = db.revision()
            db.migrate()
            after = db.revision()
            if before == after:
                print(f"the database at {db.where} is already at revision {after}")
            else:
                print(f"upgraded the database at {db.where} from {before or 'empty'} to {after}")
            return 0
        problem = db.check()
        if problem is not None:
            print(problem)
            return 1
        print(f"the database at {db.where} is up to date (revision {db.revision()})")
        return 0
    except StorageError as error:
        return _fail(str(error), 2)
    finally:
        db.dispose()


def _port(value: str) -> int:
    if not value.isdigit() or not 0 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 0 to 65535, got {value!r}")
    return int(value)


def _top_k(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if not 1 <= number <= 10:
        raise argparse.ArgumentTypeError("must be from 1 to 10")
    return number


def _fail(message: str, code: int) -> int:
    sys.stderr.write(f"policybot: error: {message}\n")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
