"""What `policybot` says about itself: each subcommand's help, a suggestion for a mistyped word,
and the short usage printed when it is run with no command.

A newcomer's mistyped `policybot chta` or `--polcy` used to get argparse's bare refusal; it
now names the closest command or option. The help lists what each option accepts: the seed
policy ids, and for `serve` every environment variable it reads (a test checks that every
variable the code reads is listed here, so the list cannot fall behind the code).
"""

from __future__ import annotations

import argparse
import difflib
import re
import textwrap
from collections.abc import Iterator, Sequence
from typing import Any, NoReturn

from knowledge.sources import SEED_DIRECTORY

# Every environment variable `policybot serve` reads, with what it is for, by what needs it.
SERVE_ENVIRONMENT: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Slack (app.yaml slack.enabled)",
        (
            (
                "SLACK_BOT_TOKEN",
                "the bot token, xoxb-... (SLACK_BOT_TOKEN_<TEAM ID> per workspace)",
            ),
            ("SLACK_SIGNING_SECRET", "checks that requests come from Slack (not for Socket Mode)"),
            ("SLACK_APP_TOKEN", "the app-level token, xapp-..., for --socket-mode"),
            ("SLACK_API_URL", "another address for Slack's Web API (a proxy; the tests' fake)"),
        ),
    ),
    (
        "Microsoft Teams (app.yaml teams.enabled)",
        (
            ("MICROSOFT_APP_ID", "the bot's Microsoft App ID; required when Teams is enabled"),
            ("MICROSOFT_APP_PASSWORD", "its client secret"),
            ("MICROSOFT_APP_TYPE", "MultiTenant (default), SingleTenant or UserAssignedMSI"),
            ("MICROSOFT_APP_TENANT_ID", "the bot's tenant, for SingleTenant and UserAssignedMSI"),
            ("POLICYBOT_TEAMS_SEND_ATTEMPTS", "attempts per reply Teams defers (1-10, default 4)"),
            ("POLICYBOT_TEAMS_RETRY_BASE_SECONDS", "first wait between attempts (default 0.5)"),
            ("POLICYBOT_TEAMS_RETRY_MAX_SECONDS", "longest wait between attempts (default 20)"),
            ("POLICYBOT_TEAMS_OPENID_METADATA_URL", "for tests against a local key server only"),
            ("POLICYBOT_TEAMS_AUTH", "off: no authentication, loopback only, local testing"),
            ("POLICYBOT_TEAMS_TOKEN_ISSUER", "for tests against a local key server only"),
        ),
    ),
    (
        "HR's dashboard (app.yaml dashboard.enabled)",
        (("POLICYBOT_DASHBOARD_SECRET", "signs sign-in links; 32 characters or more"),),
    ),
    (
        "Everything",
        (
            ("POLICYBOT_CONFIG", "the app.yaml to use (or --config)"),
            ("POLICYBOT_DATABASE_URL", "a PostgreSQL URL; overrides app.yaml's database.path"),
            ("POLICYBOT_LOG_LEVEL", "DEBUG, INFO (default), WARNING or ERROR"),
            ("POLICYBOT_LOG_FORMAT", "text (default) or json lines"),
        ),
    ),
)


def seed_policy_ids() -> list[str]:
    """The policies shipped with PolicyBot (HR may have published others since)."""
    return sorted(
        folder.name for folder in SEED_DIRECTORY.iterdir() if (folder / "policy.yaml").exists()
    )


def policy_help(what: str = "policy id") -> str:
    """The help of a --policy option, naming the ids it accepts."""
    return f"{what}: {', '.join(seed_policy_ids())}, or one HR has published"


def serve_environment_text() -> str:
    """The environment variables of `serve`, grouped, for its --help."""
    lines = ["environment variables (secrets live here, never in app.yaml):"]
    for heading, names in SERVE_ENVIRONMENT:
        lines.append(f"  {heading}:")
        for name, meaning in names:
            lines += textwrap.wrap(
                f"{name}: {meaning}",
                78,
                initial_indent="    ",
                subsequent_indent="        ",
                break_long_words=False,
                break_on_hyphens=False,
            )
    return "\n".join(lines)


class ParagraphFormatter(argparse.HelpFormatter):
    """Descriptions and epilogs filled paragraph by paragraph; indented lines kept as typed."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        out: list[str] = []
        for block in re.split(r"\n\s*\n", text.strip()):
            lines = block.splitlines()
            if all(line.startswith(" ") for line in lines[1:]) and lines[0].endswith(":"):
                out.append("\n".join(indent + line for line in lines))
            else:
                out.append(
                    textwrap.fill(
                        " ".join(lines),
                        width,
                        initial_indent=indent,
                        subsequent_indent=indent,
                        break_long_words=False,
                        break_on_hyphens=False,
                    )
                )
        return "\n\n".join(out)


class SuggestingParser(argparse.ArgumentParser):
    """An ArgumentParser whose refusals name the closest command, report or option."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", ParagraphFormatter)
        super().__init__(*args, **kwargs)

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        choices = action.choices
        if choices is None or value in choices:
            return
        names = [str(choice) for choice in choices]
        hint = closest(str(value), names)
        suggestion = f"; did you mean {hint!r}?" if hint else ""
        raise argparse.ArgumentError(
            action, f"no such choice {value!r}{suggestion} (choose from {', '.join(names)})"
        )

    def subcommands(self) -> dict[str, SuggestingParser]:
        """This parser's subcommands by name (empty when it has none)."""
        found: dict[str, SuggestingParser] = {}
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                found.update(action.choices)
        return found

    def chosen(self, namespace: argparse.Namespace) -> SuggestingParser:
        """The innermost subcommand's parser that the parsed arguments chose."""
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction) and action.dest:
                name = getattr(namespace, action.dest, None)
                parser = action.choices.get(name) if name else None
                if isinstance(parser, SuggestingParser):
                    return parser.chosen(namespace)
        return self

    def option_strings(self) -> list[str]:
        return [option for action in self._actions for option in action.option_strings]

    def check_options(self, argv: Sequence[str]) -> None:
        """Refuse the first option its command does not take, before argparse reads the rest
        (which would otherwise complain first about a required option the typo was meant to be).
        """
        parser = self
        for token in argv:
            if token == "--":
                return
            if token.startswith("-") and len(token) > 1 and not _is_number(token):
                name = token.split("=", 1)[0]
                known = parser.option_strings()
                if not any(option.startswith(name) for option in known):
                    parser.reject_extras([token], self)
            elif (sub := parser.subcommands().get(token)) is not None:
                parser = sub

    def reject_extras(self, extras: Sequence[str], top: SuggestingParser) -> NoReturn:
        """Refuse arguments this subcommand does not take, naming what was probably meant."""
        hints = list(_hints(self, extras, top))
        message = f"unrecognized arguments: {' '.join(extras)}"
        self.error(message + (" (" + "; ".join(hints) + ")" if hints else ""))


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


def closest(word: str, candidates: Sequence[str]) -> str | None:
    """The candidate a typo most likely meant, if one is close enough."""
    found = difflib.get_close_matches(word.lower(), candidates, n=1, cutoff=0.6)
    return found[0] if found else None


def _hints(parser: SuggestingParser, extras: Sequence[str], top: SuggestingParser) -> Iterator[str]:
    for extra in extras:
        if not extra.startswith("-"):
            continue
        option = extra.split("=", 1)[0]
        if match := closest(option, parser.option_strings()):
            yield f"did you mean {match}?"
            continue
        elsewhere = [
            name for name, sub in top.subcommands().items() if option in sub.option_strings()
        ]
        if elsewhere and parser is top:
            yield f"{option} goes after the command, e.g. policybot {elsewhere[0]} {option} ..."
        elif elsewhere:
            yield f"{option} is an option of {', '.join(elsewhere)}"


def short_usage(parser: SuggestingParser) -> str:
    """What `policybot` alone prints: how to start, and where to read more."""
    names = ", ".join(parser.subcommands())
    return (
        "usage: policybot [--config FILE] COMMAND [OPTIONS]\n"
        "\n"
        "Start with `policybot chat` to talk to the bot in this terminal.\n"
        f"Commands: {names}.\n"
        "`policybot COMMAND --help` says what a command does and what it accepts;\n"
        "`policybot --help` describes them all.\n"
    )
