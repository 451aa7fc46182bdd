"""How to type a command, for a command word whose arguments do not fit.

`role add` alone, `approve 12abc` or `feedback x maybe` are commands typed wrong, not
questions about the policy: they get the command's form instead of an "I don't know" (which
would also log them for HR as unanswered questions).
"""

from __future__ import annotations

import re

from bot.messages import Reply

_FORMS = {
    r"(?:approve|deny|reject)(?: #?\d.*)?": (
        "approve N [comment] or deny N [comment], N being the request's number (see 'inbox')"
    ),
    r"withdraw(?: request)?(?: #?\d.*)?": (
        "withdraw N, N being your request's number (see 'requests')"
    ),
    r"role(?: (?:add|remove)(?: .*)?)?": "role add NAME ROLE or role remove NAME ROLE",
    r"supervisor set(?: .*)?": "supervisor set NAME to NAME",
    r"feedback(?: \S+){0,2}": "feedback CLAUSE yes or feedback CLAUSE no",
}


def usage_reply(text: str) -> Reply | None:
    """The form of the command `text` starts like, if it is a command typed wrong."""
    for pattern, form in _FORMS.items():
        if re.fullmatch(pattern, text.strip(), re.IGNORECASE | re.DOTALL):
            return Reply(kind="usage", text=f"That command is typed like this: {form}.")
    return None
