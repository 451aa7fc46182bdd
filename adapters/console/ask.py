"""`policybot ask`: answers for scripts, one question per argument or per input line."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from typing import TextIO

from adapters.console.render import show
from adapters.console.terminal import Terminal
from bot.app import App
from bot.conversation.core import clean_input
from bot.messages import Incoming
from knowledge.matcher import MatchResult


def run_ask(
    app: App,
    *,
    policy_id: str,
    question: str | None,
    top_k: int,
    as_json: bool,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
) -> int:
    """Answer each question; with --json, one object a line. Exit 1 if any input was unusable."""
    app.library.policy(policy_id)  # fail early, with the known ids, on an unknown policy
    status = 0
    for raw in _questions(question, stdin):
        text = clean_input(raw)
        if not text:
            why = "empty" if text == "" else "too long"
            sys.stderr.write(f"policybot ask: skipped a question that is {why}\n")
            status = 1
            continue
        if as_json:
            result = app.bot.consult(policy_id, text, top_k=top_k)
            stdout.write(json.dumps(to_json(result), ensure_ascii=False) + "\n")
        else:
            reply = app.bot.answer(_message(policy_id), policy_id, text)
            stdout.write(show(reply, Terminal.of(stdout)) + "\n\n")
    return status


def to_json(result: MatchResult) -> dict[str, object]:
    """The documented JSON shape of one answer, best match first."""
    policy = result.policy
    return {
        "question": result.question,
        "policy": policy.id,
        "version": policy.version,
        "answered": result.answered,
        "outcome": result.outcome.value,
        "matches": [
            {
                "policy": policy.id,
                "clause": match.clause.id,
                "citation": policy.citation(match.clause),
                "title": match.clause.caption,
                "text": match.clause.text,
                "lead_in": policy.lead_in(match.clause),
                "score": match.confidence,
            }
            for match in result.matches
        ],
    }


def _questions(question: str | None, stdin: TextIO) -> Iterator[str]:
    if question is not None:
        yield question
        return
    lines: Iterable[str] = stdin
    for line in lines:
        if line.strip():
            yield line.rstrip("\n")


def _message(policy_id: str) -> Incoming:
    return Incoming("cli", "script", "cli", "", policy_id=policy_id)
