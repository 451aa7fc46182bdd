"""Plain-text policies numbered the ways cities number them: each clause is the smallest unit a
person cites, with the document's own number, its citation and a heading that is never glued
into its text. The documents are the tests' own."""

from __future__ import annotations

from knowledge.models import Clause, Policy, PolicyMetadata
from knowledge.parser import parse_clauses

META = PolicyMetadata(id="town", title="Town Code", organization="Town", source="test")


def parsed(text: str, meta: PolicyMetadata = META) -> list[Clause]:
    return parse_clauses(text, meta)


def table(clauses: list[Clause]) -> list[tuple[str, int, str]]:
    """(number, level, first three words) of each clause."""
    return [(c.number, c.level, " ".join(c.text.split()[:3])) for c in clauses]


CODE_OF_ORDINANCES = """\
CHAPTER 12: EMPLOYEE CONDUCT

§ 12.01 DEFINITIONS.
   For the purposes of this chapter, these words have the meanings given.
   (A)   SOCIAL MEDIA. Any website or application where users share content.
   (B)   DEPARTMENT HEAD. The person who directs a town department.
(Ord. 7-2021, passed 3-2-2021)

§ 12.02 USE OF TOWN ACCOUNTS.
   (A)   Only employees named by their department head may post to a town account.
   (B)   Posts on a town account must:
      (1)   be accurate and current;
      (2)   link to the official source where one exists; and
      (3)   be kept as public records.
   (C)   An employee who is unsure whether a post is appropriate shall ask the department
head before posting it, as subsection
(B) above requires.
"""


def test_code_of_ordinances_sections_items_and_sub_items() -> None:
    clauses = parsed(CODE_OF_ORDINANCES)
    assert table(clauses) == [
        ("12.01", 0, "For the purposes"),
        ("12.01(A)", 1, "SOCIAL MEDIA. Any"),
        ("12.01(B)", 1, "DEPARTMENT HEAD. The"),
        ("12.02(A)", 1, "Only employees named"),
        ("12.02(B)", 1, "Posts on a"),
        ("12.02(B)(1)", 2, "be accurate and"),
        ("12.02(B)(2)", 2, "link to the"),
        ("12.02(B)(3)", 2, "be kept as"),
        ("12.02(C)", 1, "An employee who"),
    ]
    policy = Policy(META, CODE_OF_ORDINANCES, tuple(clauses))
    assert policy.citation(clauses[5]) == "Town Code, § 12.02(B)(1)"
    assert clauses[5].id == "section-12-02-b-1"
    # The section heading is the clause's title and context, never its text.
    assert clauses[0].title == "Definitions" and not clauses[0].text.startswith("§")
    assert clauses[3].heading == "§ 12.02 Use of town accounts"
    # The lead-in is the parent item's own text; the history note is not a clause.
    assert clauses[4].text == "Posts on a town account must:"
    assert not any("Ord. 7-2021" in c.text for c in clauses)
    # A line that continues a sentence is not an item because it starts with "(B)".
    assert clauses[-1].text.endswith("as subsection (B) above requires.")


MUNICIPAL_MANUAL = """\
31-4-1: PURPOSE:
This chapter sets the rules for how city employees use social media.

31-4-2: PERSONAL USE:
A. Employees may use personal accounts on their own time.
B. Employees who say they work for the city shall:
1. state that their views are their own; and
2. not use the city seal or logo.
C. Employees shall not post confidential records.
"""


def test_municipal_code_ids_with_lettered_and_numbered_items() -> None:
    clauses = parsed(MUNICIPAL_MANUAL)
    assert table(clauses) == [
        ("31-4-1", 0, "This chapter sets"),
        ("31-4-2(A)", 1, "Employees may use"),
        ("31-4-2(B)", 1, "Employees who say"),
        ("31-4-2(B)(1)", 2, "state that their"),
        ("31-4-2(B)(2)", 2, "not use the"),
        ("31-4-2(C)", 1, "Employees shall not"),
    ]
    assert [c.label for c in clauses][:2] == ["section 31-4-1", "section 31-4-2(A)"]
    assert clauses[0].title == "Purpose"
    # "C." closes the numbered sub-items: it is not glued onto item 2.
    assert clauses[4].text == "not use the city seal or logo."


ARTICLE = """\
ARTICLE II. SOCIAL MEDIA

Sec. 2-101. Scope.
This article applies to all employees.

Sec. 2-102. Rules.
(a) Employees shall not speak for the city without approval.
(b) Employees shall not disclose confidential information, including:
(1) personnel records;
(2) security plans.
"""


def test_sec_ids_inside_an_article() -> None:
    clauses = parsed(ARTICLE)
    assert [(c.label, c.level) for c in clauses] == [
        ("section 2-101", 0),
        ("section 2-102(a)", 1),
        ("section 2-102(b)", 1),
        ("section 2-102(b)(1)", 2),
        ("section 2-102(b)(2)", 2),
    ]
    assert clauses[0].text == "This article applies to all employees."
    assert clauses[0].heading == "ARTICLE II Social media"


ROMAN_OUTLINE = """\
SOCIAL MEDIA GUIDELINES

I. PURPOSE
The city uses social media to inform residents.

II. RULES
A. Employees must be respectful.
B. Employees must not share:
(i) passwords;
(ii) home addresses of staff.
C. Employees must report threats.

III. ENFORCEMENT
Violations may lead to discipline.
"""


def test_roman_numerals_and_all_caps_headings() -> None:
    clauses = parsed(ROMAN_OUTLINE)
    assert [(c.number, c.level) for c in clauses] == [
        ("I", 0),
        ("II.A", 1),
        ("II.B", 1),
        ("II.B(i)", 2),
        ("II.B(ii)", 2),
        ("II.C", 1),
        ("III", 0),
    ]
    assert [c.title for c in clauses if c.number in ("I", "III")] == ["Purpose", "Enforcement"]
    assert clauses[-1].text == "Violations may lead to discipline."
    assert "SOCIAL MEDIA GUIDELINES" not in " ".join(c.text for c in clauses)


def test_a_lettered_list_reaches_i_without_turning_roman() -> None:
    letters = "abcdefghij"
    text = "Employees shall not post:\n" + "\n".join(
        f"({letter}) item {letter} of the list;" for letter in letters
    )
    clauses = parsed(text)
    assert [c.number for c in clauses] == ["¶1", *(f"({letter})" for letter in letters)]
    assert all(c.level == 0 for c in clauses)


HEADINGS_AND_LEAD_INS = """\
Town of Example Social Media Policy

PURPOSE: This policy tells employees how to use social media responsibly.

SCOPE: It applies to all employees, volunteers and contractors.

PERSONAL ACCOUNTS
Employees may keep personal social media accounts.
They must not post on behalf of the town.

CONSEQUENCES
Breaking this policy may lead to discipline.
"""


def test_unnumbered_policy_with_headings_and_purpose_lead_ins() -> None:
    clauses = parsed(HEADINGS_AND_LEAD_INS)
    assert [(c.id, c.label, c.text) for c in clauses] == [
        ("purpose", "Purpose", "This policy tells employees how to use social media responsibly."),
        ("scope", "Scope", "It applies to all employees, volunteers and contractors."),
        (
            "personal-accounts",
            "Personal accounts",
            "Employees may keep personal social media accounts. They must not post on behalf "
            "of the town.",
        ),
        ("consequences", "Consequences", "Breaking this policy may lead to discipline."),
    ]


def test_paragraph_ids_only_when_a_document_has_no_numbering_and_no_headings() -> None:
    plain = parsed("First paragraph of rules.\n\nSecond paragraph.\n\nThird paragraph.")
    assert [c.id for c in plain] == ["paragraph-1", "paragraph-2", "paragraph-3"]
    numbered = parsed(
        "Read this first.\n\n1. Be polite online.\n2. Do not share secrets.\n\nQuestions go to HR."
    )
    assert [c.id for c in numbered] == ["preamble", "clause-1", "clause-2", "closing"]
    assert not any(c.id.startswith("paragraph-") for c in numbered)


DECIMAL_OUTLINE = """\
1.0 PURPOSE
This policy explains personal use of social media.
2.0 RULES
2.1 Employees speak for themselves.
2.2 Employees protect confidential information:
2.2.1 personnel files;
2.2.2 investigations.
3.0 CONTACT
Human Resources answers questions.
"""


def test_decimal_outline_nests_by_its_digits() -> None:
    clauses = parsed(DECIMAL_OUTLINE)
    assert [(c.number, c.level) for c in clauses] == [
        ("1.0", 0),
        ("2.1", 1),
        ("2.2", 1),
        ("2.2.1", 2),
        ("2.2.2", 2),
        ("3.0", 0),
    ]
    assert clauses[0].title == "Purpose" and clauses[-1].title == "Contact"
    assert clauses[2].text == "Employees protect confidential information:"


def test_a_table_of_contents_is_not_clauses() -> None:
    text = (
        "TABLE OF CONTENTS\n1. Purpose .......... 1\n2. Rules ............ 2\n\n"
        "1. Purpose\nThis policy explains the rules.\n\n2. Rules\nEmployees must be careful.\n"
    )
    clauses = parsed(text)
    assert [(c.number, c.title, c.text) for c in clauses] == [
        ("1", "Purpose", "This policy explains the rules."),
        ("2", "Rules", "Employees must be careful."),
    ]
    without_leaders = (
        "CONTENTS\nPurpose\nRules\n\nPurpose\nThis policy explains.\n\nRules\nBe kind.\n"
    )
    assert [c.label for c in parsed(without_leaders)] == ["Purpose", "Rules"]


def test_ids_stay_when_a_new_version_keeps_the_numbering() -> None:
    before = {c.id: c.text for c in parsed(CODE_OF_ORDINANCES)}
    edited = CODE_OF_ORDINANCES.replace(
        "   (C)   An employee",
        "   (C)   Replies to residents must be polite.\n   (D)   An employee",
    )
    after = {c.id: c.text for c in parsed(edited)}
    assert set(before) - {"section-12-02-c"} <= set(after)
    assert all(after[i] == before[i] for i in before if i != "section-12-02-c")
    assert after["section-12-02-d"].startswith("An employee who is unsure")


def test_markdown_headings_bullets_and_nested_bullets() -> None:
    text = (
        "# Staff Social Media Rules\n\nThese rules apply to all staff.\n\n## Posting\n\n"
        "1. Staff may post about public events.\n2. Staff must not post about:\n"
        "   - personnel matters;\n   - legal claims.\n\n## Reporting\n\n"
        "- Report impersonation to IT.\n- Report threats to the police.\n"
    )
    clauses = parsed(text)
    assert [(c.id, c.number, c.level, c.heading) for c in clauses] == [
        ("preamble", "¶1", 0, ""),
        ("clause-1", "1", 0, "Posting"),
        ("clause-2", "2", 0, "Posting"),
        ("clause-2-item-1", "2 > •1", 1, "Posting"),
        ("clause-2-item-2", "2 > •2", 1, "Posting"),
        ("item-1", "•1", 0, "Reporting"),
        ("item-2", "•2", 0, "Reporting"),
    ]


def test_municode_dashes_and_title_case_run_in_headings() -> None:
    text = (
        "Sec. 2-201. - Definitions.\nIn this article, words mean what they say.\n\n"
        "Sec. 2-202. - Use of accounts.\n"
        "(a) Personal Use: Employees may post on their own time.\n"
        "(b) Town Use: Only named employees may post for the town.\n"
    )
    clauses = parsed(text)
    assert [(c.label, c.title) for c in clauses] == [
        ("section 2-201", "Definitions"),
        ("section 2-202(a)", "Personal Use"),
        ("section 2-202(b)", "Town Use"),
    ]
    assert clauses[1].text == "Personal Use: Employees may post on their own time."
    assert clauses[1].heading == "Sec. 2-202 Use of accounts"


def test_a_text_export_with_form_feeds_loses_its_page_furniture() -> None:
    pages = [
        "Town of Example Personnel Manual\n\n1. Employees must be polite online and must not\n",
        "Town of Example Personnel Manual\n\nharass anyone.\n2. Employees protect records.\n",
    ]
    text = "".join(f"{page}\n            Page {n} of 2\n\f" for n, page in enumerate(pages, 1))
    clauses = parsed(text)
    assert [c.text for c in clauses] == [
        "Employees must be polite online and must not harass anyone.",
        "Employees protect records.",
    ]


def test_markdown_bold_is_not_part_of_numbers_or_headings() -> None:
    clauses = parsed(
        "**Staff Rules**\n\n**PURPOSE**\n\nThese rules keep residents safe.\n\n"
        "**1.** Be kind online.\n"
    )
    assert [(c.id, c.text) for c in clauses] == [
        ("purpose", "These rules keep residents safe."),
        ("clause-1", "Be kind online."),
    ]
