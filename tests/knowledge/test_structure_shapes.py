"""Shapes of policy that cities, counties, school districts and state agencies publish and that
the other structure tests do not cover: a list's lead-in typed right under the last item of the
list before it, memo headers, signature blocks, sections numbered again in every article, and
the like. Each test asserts what a person reading the document would cite. The documents are
the tests' own.
"""

from __future__ import annotations

from knowledge.documents import read_document
from knowledge.models import Clause, Policy, PolicyMetadata
from knowledge.parser import parse_clauses
from tests.knowledge.documents import Para, Run, Table, level, numbering, pdf, styles, word

META = PolicyMetadata(id="district", title="Staff Guidelines", organization="District", source="t")


def parsed(text: str) -> list[Clause]:
    return parse_clauses(text, META)


TWO_LISTS_UNDER_ONE_HEADING = """\
Staff Social Media Guidelines

Procedure
Staff who open a classroom page must:
●  get the principal's written approval;
●  register the page with a district e-mail address; and
●  give the principal administrator access to the page.
Staff must not:
●  message current students from a personal account;
●  post photographs of students who have no signed media release.
"""


def test_a_lead_in_under_the_last_item_opens_the_next_list() -> None:
    clauses = parsed(TWO_LISTS_UNDER_ONE_HEADING)
    texts = [c.text for c in clauses]
    # The "must not" sentence is not the end of a "must" item: it is a paragraph of its own.
    assert "give the principal administrator access to the page." in texts
    assert "Staff must not:" in texts
    must_not = texts.index("Staff must not:")
    assert texts[must_not + 1] == "message current students from a personal account;"
    assert not any("page. Staff" in text for text in texts)


def test_an_item_whose_lead_in_introduces_its_own_sub_items_keeps_it() -> None:
    text = (
        "1. Employees keep their passwords private.\n"
        "   Each password must:\n"
        "   a. be at least twelve characters long;\n"
        "   b. never be shared.\n"
        "2. Employees report lost devices at once.\n"
    )
    clauses = parsed(text)
    assert [(c.number, c.text) for c in clauses[:2]] == [
        ("1", "Employees keep their passwords private. Each password must:"),
        ("1.a", "be at least twelve characters long;"),
    ]
    assert Policy(META, text, tuple(clauses)).lead_in(clauses[1]) == "Each password must:"


MEMO = """\
CITY OF EXAMPLE
ADMINISTRATIVE DIRECTIVE 12

TO:       All Department Directors
FROM:     City Manager
DATE:     May 6, 2025
SUBJECT:  Employee use of social media and
          official city accounts

I. PURPOSE
This directive sets rules for city social media accounts.

II. POLICY
A. Only designated employees may post to a city account.
B. Employees may not post confidential records.
"""


def test_a_memo_header_is_neither_a_clause_nor_a_heading() -> None:
    clauses = parsed(MEMO)
    assert [(c.number, c.heading) for c in clauses] == [
        ("I", ""),
        ("II.A", "II Policy"),
        ("II.B", "II Policy"),
    ]
    everything = " ".join(f"{c.text} {c.title} {c.heading}" for c in clauses)
    assert "TO:" not in everything and "City Manager" not in everything
    # Without a letterhead the memo is still not the title, and the first heading stays one.
    headed = parsed("TO: All staff\nFROM: Human Resources\n\nPOLICY STATEMENT\nBe kind online.\n")
    assert [(c.label, c.text) for c in headed] == [("Policy statement", "Be kind online.")]


def test_a_memo_header_typed_in_a_word_table_is_left_out() -> None:
    data = word(
        [
            Para("MEMORANDUM", style="Title"),
            Table((("TO:", "All Staff"), ("FROM:", "Human Resources"), ("RE:", "Election season"))),
            Para("Staff are reminded of these rules."),
            Para("1. Staff may not campaign on city accounts."),
            Para("Definitions", style="Heading1"),
            Table((("Work hours", "Time for which an employee is paid."),)),
        ],
        styles_xml=styles(("Title", "Title", None), ("Heading1", "heading 1", None)),
    )
    clauses = parsed(read_document("memo.docx", data).text)
    assert [(c.label, c.heading, c.text) for c in clauses] == [
        ("preamble", "", "Staff are reminded of these rules."),
        ("clause 1", "", "Staff may not campaign on city accounts."),
        # A term and its meaning stay two lines: the term is the meaning's heading.
        ("Work hours", "Work hours", "Time for which an employee is paid."),
    ]


BOARD_POLICY = """\
Employee Use of Social Media

1. Employees shall not connect with current students on personal accounts.
2. Employees shall keep district accounts open to their principal.

The Superintendent may investigate any report that this policy was broken.

Legal References:
   Education Code 44932
   Government Code 3543

Approved by:

________________________
Superintendent

Adopted: January 14, 2019
"""


def test_a_label_with_nothing_after_it_is_not_a_clause() -> None:
    clauses = parsed(BOARD_POLICY)
    assert [c.text for c in clauses] == [
        "Employees shall not connect with current students on personal accounts.",
        "Employees shall keep district accounts open to their principal.",
        "The Superintendent may investigate any report that this policy was broken.",
    ]
    # A lead-in that ends with a colon is still the sentence that opens its list.
    listed = parsed("Staff must not post:\n- photographs of students;\n- grades.\n")
    assert listed[0].text == "Staff must not post:"


def test_a_running_header_that_only_the_second_page_has_is_not_policy_text() -> None:
    # Page one carries the letterhead; page two a small running header over the rest of an
    # item that the page break cut in two.
    first = [
        Run(200, 740, "VILLAGE OF EXAMPLE", 16, bold=True),
        Run(72, 690, "1. Employees may post about village events on personal accounts."),
        Run(72, 676, "2. Employees shall not post information about personnel matters,"),
        Run(90, 662, "pending litigation or"),
    ]
    second = [
        Run(72, 760, "Village of Example - Administrative Policy 4", 9),
        Run(90, 700, "police investigations."),
        Run(72, 686, "3. Employees report threats made online to their supervisor."),
    ]
    clauses = parsed(read_document("policy.pdf", pdf([first, second])).text)
    assert [(c.number, c.text) for c in clauses] == [
        ("1", "Employees may post about village events on personal accounts."),
        (
            "2",
            "Employees shall not post information about personnel matters, pending litigation "
            "or police investigations.",
        ),
        ("3", "Employees report threats made online to their supervisor."),
    ]


ARTICLES = """\
Article VII
Social Media

Section 1. Purpose.
This article governs how county employees use social media.

Section 2. County accounts.
1) A county account may be opened only with the Administrator's approval.
2) Each county account shall:
   a) display the county seal; and
   b) link to the county's website.

Article VIII
Enforcement

Section 1. Discipline.
A violation of Article VII may result in discipline.
"""


def test_sections_numbered_again_in_each_article_are_cited_with_their_article() -> None:
    clauses = parsed(ARTICLES)
    assert [(c.label, c.level) for c in clauses] == [
        ("article VII, section 1", 0),
        ("article VII, section 2(1)", 1),
        ("article VII, section 2(2)", 1),
        ("article VII, section 2(2)(a)", 2),
        ("article VII, section 2(2)(b)", 2),
        ("article VIII, section 1", 0),
    ]
    assert [c.id for c in clauses][::5] == ["article-vii-section-1", "article-viii-section-1"]
    assert clauses[-1].text == "A violation of Article VII may result in discipline."
    # Sections numbered through the whole document keep their plain citation.
    once = parsed(ARTICLES.replace("Section 1. Discipline.", "Section 3. Discipline."))
    assert [c.label for c in once][::5] == ["section 1", "section 3"]


WORD_SAVED_AS_HTML = """\
<html><body><div class="WordSection1">
<p class="MsoTitle">Example County Administrative Policy 3.12</p>
<p class="MsoNormal"><b>Subject:</b> Use of Social Media by County Employees</p>
<p class="MsoNormal"><b>Effective Date:</b> February 1, 2025</p>
<p class="MsoNormal"><b>1.&nbsp;&nbsp;&nbsp; PURPOSE</b></p>
<p class="MsoNormal">To set rules for county social media accounts.</p>
<p class="MsoNormal"><b>2.&nbsp;&nbsp;&nbsp; POLICY</b></p>
<p class="MsoListParagraph">a.<span>&nbsp;&nbsp;&nbsp; </span>Only the Public Information
Officer may approve a new county account.</p>
<p class="MsoNormal"><b>3.&nbsp;&nbsp;&nbsp; RESPONSIBILITIES</b></p>
<p class="MsoNormal">Department heads enforce this policy.</p>
</div></body></html>
"""


def test_a_policy_header_of_fields_is_not_the_context_of_its_sections() -> None:
    clauses = parsed(WORD_SAVED_AS_HTML)
    assert [(c.label, c.title, c.heading) for c in clauses] == [
        ("clause 1", "Purpose", ""),
        ("clause 2.a", "Only the Public Information Officer may approve a…", "2 Policy"),
        ("clause 3", "Responsibilities", ""),
    ]
    everything = " ".join(f"{c.text} {c.heading}" for c in clauses)
    assert "February" not in everything and "Subject" not in everything


def test_a_subtitle_above_numbered_sections_is_not_their_heading() -> None:
    text = (
        "VILLAGE OF EXAMPLE\n\nAdministrative Policy 2.15: Social Media\n\n"
        "I. PURPOSE\nThis policy sets rules for social media.\n\n"
        "II. POLICY\nA. Only authorized employees post for the village.\n\n"
        "III. ENFORCEMENT\nViolations may lead to discipline.\n"
    )
    clauses = parsed(text)
    assert [(c.label, c.heading) for c in clauses] == [
        ("clause I", ""),
        ("clause II.A", "II Policy"),
        ("clause III", ""),
    ]
    # Over plain numbered items, a lone heading is still their section's name.
    plain = parsed("Staff Rules\n\nPURPOSE\n\nThese rules keep residents safe.\n\n1. Be kind.\n")
    assert [c.id for c in plain] == ["purpose", "clause-1"]


def test_paragraphs_that_open_with_a_title_case_run_in_heading_are_named_by_it() -> None:
    text = (
        "Town of Example Social Media Policy\n\n"
        "Purpose: This policy sets expectations for employees who use social media.\n\n"
        "Personal Use: Employees may use personal accounts on their own time. They shall not\n"
        "speak for the town.\n\n"
        "Questions: Ask Human Resources.\n"
    )
    clauses = parsed(text)
    assert [(c.id, c.label, c.title) for c in clauses] == [
        ("purpose", "Purpose", "Purpose"),
        ("personal-use", "Personal Use", "Personal Use"),
        ("questions", "Questions", "Questions"),
    ]
    assert clauses[1].text.endswith("They shall not speak for the town.")


def test_a_word_table_of_contents_without_a_contents_heading_is_left_out() -> None:
    articles = numbering({1: [level(0, "decimal", "ARTICLE %1")]}, {1: (1, {})})
    data = word(
        [
            Para("Example County Social Media Rules", style="Title"),
            Para("ARTICLE 1\tPurpose\t1", style="TOC1"),
            Para("ARTICLE 2\tCounty Accounts\t2", style="TOC1"),
            Para("Purpose", style="Heading1"),
            Para("These rules govern county social media."),
            Para("County Accounts", style="Heading1"),
            Para("Only the Communications Director may open a county account."),
        ],
        articles,
        styles(
            ("Title", "Title", None), ("Heading1", "heading 1", (1, 0)), ("TOC1", "toc 1", None)
        ),
    )
    clauses = parsed(read_document("rules.docx", data).text)
    assert [(c.label, c.title, c.heading, c.text) for c in clauses] == [
        ("article 1", "Purpose", "", "These rules govern county social media."),
        (
            "article 2",
            "County Accounts",
            "",
            "Only the Communications Director may open a county account.",
        ),
    ]


def test_contents_that_leave_out_the_section_numbers_end_at_the_first_section() -> None:
    text = (
        "TABLE OF CONTENTS\nPurpose .......... 1\nRules .......... 2\n\n"
        "I. PURPOSE\nThis policy explains the rules.\n\nII. RULES\nA. Be kind online.\n"
    )
    assert [(c.label, c.title, c.text) for c in parsed(text)] == [
        ("clause I", "Purpose", "This policy explains the rules."),
        ("clause II.A", "Be kind online", "Be kind online."),
    ]


def test_a_first_paragraph_that_opens_like_a_header_field_is_still_policy() -> None:
    clauses = parsed(
        "Review: Every post on a City account is reviewed by the Communications Office before "
        "it is published.\n\n"
        "Department: Each department designates one account manager.\n\n"
        "1. Account managers keep the passwords.\n"
    )
    texts = [c.text for c in clauses]
    assert any(text.startswith("Review: Every post on a City account") for text in texts)
    assert any(text.startswith("Department: Each department designates") for text in texts)
    wrapped = parsed(
        "Subject: Social media use by employees, volunteers and\n"
        "contractors of the City\n\n"
        "Employees identify themselves when they post about City business.\n"
    )
    assert [c.text for c in wrapped] == [
        "Employees identify themselves when they post about City business."
    ]  # the wrapped rest of the subject line is not glued to the first clause


def test_a_footnote_in_small_type_below_the_text_is_policy_text() -> None:
    page = [
        Run(72, 700, "1. Employees may post about village events on personal accounts."),
        Run(72, 686, "2. Village accounts are kept by the Clerk."),
        Run(72, 80, "Note: posts on village accounts are public records and are kept.", 8),
        Run(72, 60, "Administrative Policy 4 - revised 2025", 8),
    ]
    text = read_document("policy.pdf", pdf([page])).text
    assert "posts on village accounts are public records" in text
    assert "revised 2025" not in text  # a footer's title and date still go
