"""Chat shorthand read as the words it stands for: "supv" is "supervisor", "ppl" "people".

Employees type questions the way they text ("can i post pics of my dept w/o asking my supv"),
and policies are written out in full. A typo corrector cannot recover "supervisor" from "supv"
(four letters apart), and word vectors know "dept" only as a string of pieces. So the
question's words are expanded before anything else reads them. The table is general English
shorthand, the same for every policy; entries are only those that stand for one meaning in an
employee's question about workplace rules ("pm" could be a time, so it is not here).
"""

from __future__ import annotations

SHORTHAND = {
    "abt": "about",
    "acct": "account",
    "accts": "accounts",
    "admin": "administration",
    "approx": "approximately",
    "b4": "before",
    "bc": "because",
    "bday": "birthday",
    "convo": "conversation",
    "cuz": "because",
    "dept": "department",
    "depts": "departments",
    "dm": "direct message",
    "dms": "direct messages",
    "emp": "employee",
    "emps": "employees",
    "gov": "government",
    "govt": "government",
    "info": "information",
    "mgmt": "management",
    "mgr": "manager",
    "mgrs": "managers",
    "msg": "message",
    "msgs": "messages",
    "mtg": "meeting",
    "pic": "picture",
    "pics": "pictures",
    "pls": "please",
    "plz": "please",
    "ppl": "people",
    "pw": "password",
    "pwd": "password",
    "supv": "supervisor",
    "supvr": "supervisor",
    "tho": "though",
    "thru": "through",
    "tmrw": "tomorrow",
    "u": "you",
    "ur": "your",
    "vid": "video",
    "vids": "videos",
    "yr": "year",
    "yrs": "years",
}


def expand_shorthand(said: list[str]) -> list[str]:
    """The question's lowercase words with each shorthand replaced by the words it stands for."""
    expanded: list[str] = []
    for word in said:
        full = SHORTHAND.get(word)
        if full is None:
            expanded.append(word)
        else:
            expanded.extend(full.split())
    return expanded
