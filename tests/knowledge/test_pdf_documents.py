"""PDFs as a word processor prints them: running headers and page footers are not policy text,
a clause broken by a page break is one clause, the title stays out of the first clause, and a
word hyphenated at a line's end is whole again."""

from __future__ import annotations

from knowledge.documents import read_document
from knowledge.models import Clause, PolicyMetadata
from knowledge.parser import parse_clauses
from tests.knowledge.documents import Run, pdf, typeset

META = PolicyMetadata(id="town", title="Town Policy", organization="Town", source="test")

LEAD = (
    "This policy applies to every employee of the town who uses social media, at work or at "
    "home, and explains what they may post and what they must never post."
)
ITEMS = {
    "1(a)": "Employees may keep personal accounts and may mention where they work, as long as "
    "they make clear that they speak for themselves and not for the town or its departments.",
    "1(b)": "Employees must not post photographs taken at work that show residents, children in "
    "town programs, or the inside of secure town buildings, unless their supervisor agreed.",
    "2(a)": "Only employees named in writing by a department head may post to a town account.",
    "2(b)": "Posts on a town account must follow these rules at all times:",
    "2(b)(1)": "they are checked for accuracy against the official source before they go out, "
    "and corrected in the open when a mistake is found later;",
    "2(b)(2)": "they never include personal opinions about elected officials or candidates.",
    "2(c)": "Department heads review their accounts every month and close the ones nobody uses.",
}


def blocks() -> list[tuple[str, str]]:
    kinds = {"1(a)": "(a)", "1(b)": "(b)", "2(a)": "(a)", "2(b)": "(b)", "2(c)": "(c)"}
    title = (
        "Town of Example Policy on Social Media: Personal Accounts, Town Accounts and Their Records"
    )
    out = [("title", title), ("text", LEAD)]  # the title wraps onto a second line
    out.append(("heading", "Section 1. Personal accounts"))
    out += [("item", f"{kinds[n]} {ITEMS[n]}") for n in ("1(a)", "1(b)")]
    out.append(("heading", "Section 2. Town accounts"))
    out += [("item", f"{kinds[n]} {ITEMS[n]}") for n in ("2(a)", "2(b)")]
    out += [("subitem", f"({n[-2]}) {ITEMS[n]}") for n in ("2(b)(1)", "2(b)(2)")]
    out.append(("item", f"(c) {ITEMS['2(c)']}"))
    return out


def read(data: bytes) -> list[Clause]:
    return parse_clauses(read_document("policy.pdf", data).text, META)


def test_headers_footers_and_page_breaks_do_not_change_the_clauses() -> None:
    pages = typeset(blocks(), header="Town of Example - Social Media Policy", lines_per_page=9)
    assert len(pages) >= 3
    clauses = read(pdf(pages))
    assert [c.number for c in clauses] == ["¶1", *ITEMS]
    assert clauses[0].text == LEAD  # the title is not in it
    for clause in clauses[1:]:
        assert clause.text == ITEMS[clause.number], clause.number
    everything = " ".join(c.text for c in clauses)
    assert "Page " not in everything and "Town of Example - Social" not in everything
    assert clauses[4].label == "section 2(b)" and clauses[4].heading == "Section 2 Town accounts"


def test_a_clause_continued_on_the_next_page_is_one_clause() -> None:
    pages = typeset(blocks(), header="Town of Example - Social Media Policy", lines_per_page=4)
    broken = [
        n for n, page in enumerate(pages[:-1]) if not pages[n + 1][1].text.startswith(("(", "S"))
    ]
    assert broken, "the layout should break at least one clause across pages"
    assert [c.text for c in read(pdf(pages))][1:] == list(ITEMS.values())


def test_hyphenated_words_at_line_ends() -> None:
    lines = [
        "1. Employees protect the organi-",
        "zation's records, answer e-",
        "mail from residents within a day and are self-",
        "employed only with the approval of their depart-",
        "ment head.",
        "2. Nothing else changes.",
    ]
    page = [Run(72, 700 - 14 * i, line) for i, line in enumerate(lines)]
    first = read(pdf([page]))[0]
    assert first.text == (
        "Employees protect the organization's records, answer e-mail from residents within a "
        "day and are self-employed only with the approval of their department head."
    )


def test_a_page_number_alone_is_not_text() -> None:
    page = [
        Run(72, 720, "1. Employees must be polite to residents online."),
        Run(72, 706, "2. Employees must not share passwords."),
        Run(300, 40, "- 1 -"),
    ]
    assert [c.text for c in read(pdf([page]))] == [
        "Employees must be polite to residents online.",
        "Employees must not share passwords.",
    ]
