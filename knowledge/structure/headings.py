"""What reads as a heading rather than prose: titles, ALL CAPS lines, `PURPOSE:` lead-ins.

A heading is a clause's title and context, never part of its text. These tests look only at the
words: short, without a sentence's closing punctuation, or written in capitals or Title Case.
"""

from __future__ import annotations

import re

HEADING_MAX_CHARS = 90
_TITLE_MAX_WORDS = 10
_CAPS_MAX_WORDS = 12
_RUN_IN = re.compile(r"(?P<label>[A-Z][A-Z0-9 &/,'’()\-]{1,48}[A-Z0-9)]):\s+(?P<rest>\S.*)")
_TITLED_RUN_IN = re.compile(r"(?P<label>[A-Z][^:.!?;]{1,50}):\s+\S")
_SENTENCE_END = re.compile(r"[.!?:;,]\s*$")
_HISTORY_NOTE = re.compile(r"\((?:[^()]|\([^()]*\))*\)")
_HEADER_FIELD = re.compile(
    r"(?i:to|from|date|subject|subj|re|cc|bcc|through|thru|via|attn|attention|copies|copy"  # memo
    r"|title|number|no\.?|policy\s+(?:number|no\.?|\#)|effective(?:\s+date)?|issued(?:\s+by)?"
    r"|(?:date\s+)?(?:adopted|approved|issued|revised)|approved\s+by|revis(?:ed|ion)(?:\s+date)?"
    r"|last\s+(?:revised|reviewed)|supersedes|(?:next\s+)?review(?:ed)?(?:\s+date)?"
    r"|responsible\s+(?:department|office|party)|department|division)\s*:\s*\S"
)
_CLOSING_MATTER = re.compile(
    r"(?i:(?:legal\s+|cross[\s-]+)?references?|related\s+(?:policies|documents|procedures|forms)"
    r"|approved(?:\s+by)?|adopted(?:\s+by)?|signed|signatures?|authority|authorities"
    r"|attachments?|appendix|appendices|exhibits?|forms?|history|revision\s+history"
    r"|distribution|contacts?|sources?|see\s+also)\s*:"
)
_FIELD_MAX_WORDS = 12
_SENTENCE_MIN_WORDS = 5
_TWO_SENTENCES = re.compile(r"[a-z]{2,}[.!?]\s+[A-Z]")
_SMALL_WORDS = frozenset("a an and as at by for in of on or the to with from".split())


def looks_like_heading(line: str) -> bool:
    """A short line that does not end a sentence ("Social Media Guidelines"), ALL CAPS, or the
    label of a document's closing matter with its colon and nothing after it ("Legal
    References:", "Approved by:"). Other labels ending in a colon ("Don't:", "Prohibited
    Uses:") may open a list: they stay clauses, its lead-in."""
    line = line.strip()
    if not line or len(line) > HEADING_MAX_CHARS:
        return False
    label = line.endswith(":") and is_title(line) and _CLOSING_MATTER.fullmatch(line) is not None
    return not _SENTENCE_END.search(line) or is_caps_heading(line) or label


def is_caps_heading(line: str) -> bool:
    """An ALL CAPS line of a few words ("GENERAL PROVISIONS.", "PURPOSE:")."""
    letters = [ch for ch in line if ch.isalpha()]
    words = line.split()
    return (
        len(letters) >= 3
        and all(ch.isupper() for ch in letters)
        and len(words) <= _CAPS_MAX_WORDS
        and len(line) <= HEADING_MAX_CHARS
        and not line.rstrip().endswith((",", ";"))
    )


def is_title(text: str) -> bool:
    """A numbered item's text that names a section ("PURPOSE", "Personal Use") rather than says
    something ("Be accurate.", "Inappropriateness of posting items with sexual content")."""
    text = text.strip()
    if not text or is_caps_heading(text):
        return bool(text)
    words = text.rstrip(".:").split()
    if len(words) > _TITLE_MAX_WORDS or re.search(r"[!?;,]\s*$|[.!?]\s+\S", text):
        return False
    significant = [w for w in words if w.lower() not in _SMALL_WORDS and w[:1].isalpha()]
    capitalised = [w for w in significant if w[:1].isupper()]
    return bool(significant) and words[0][:1].isupper() and len(capitalised) == len(significant)


def split_run_in(text: str) -> tuple[str, str] | None:
    """("PURPOSE", "This policy ...") from "PURPOSE: This policy ...", or None."""
    match = _RUN_IN.match(text.strip())
    if not match or len(match["label"].split()) > 6:
        return None
    if sum(ch.isalpha() for ch in match["label"]) < 3:
        return None
    return match["label"].strip(), match["rest"]


def run_in_title(text: str) -> str | None:
    """ "Personal Use" from "Personal Use: Employees may ...": a title the text starts with."""
    match = _TITLED_RUN_IN.match(text.strip())
    return match["label"] if match and is_title(match["label"]) else None


def is_history_note(text: str) -> bool:
    """A code's legislative history, "(Ord. 20-2014, passed 5-19-2014)": a source, not a rule."""
    text = text.strip()
    return (
        _HISTORY_NOTE.fullmatch(text) is not None
        and any(ch.isdigit() for ch in text)
        and not re.search(r"[a-z]{3,}[.!?]\s+[A-Z]", text)
    )


def is_header_field(text: str) -> bool:
    """A line of a memo's or a policy's header ("TO: All Department Directors", "SUBJECT:
    Social media", "Effective Date: May 1, 2025", "Policy No.: HR-12"): whom the document went
    to and when it took effect, not a heading the policy's clauses sit under."""
    text = text.strip()
    if not text[:1].isupper() or _HEADER_FIELD.match(text) is None:
        return False
    # A field's value is a name, a date or a number; a sentence after "Review:" or
    # "Department:" is the policy saying something ("Department: Each department designates
    # one account manager.").
    value = text.split(":", 1)[1].split()
    sentence = text.rstrip().endswith(".") and len(value) >= _SENTENCE_MIN_WORDS
    return len(value) <= _FIELD_MAX_WORDS and not sentence and not _TWO_SENTENCES.search(text)


def is_contents_heading(text: str) -> bool:
    """ "Table of Contents", "CONTENTS": what follows lists headings, not clauses."""
    return re.fullmatch(r"(?i)\s*(table\s+of\s+)?contents\s*:?\s*", text) is not None


def pretty(heading: str) -> str:
    """A heading as a title: "REPRESENTING THE VILLAGE." -> "Representing the village"."""
    heading = heading.strip().rstrip(".:").strip()
    if not is_caps_heading(heading):
        return heading
    words = heading.lower().split()
    return " ".join([words[0].capitalize(), *words[1:]]) if words else heading
