"""Word documents whose numbers are Word's own (numbering.xml), read as Word displays them."""

from __future__ import annotations

from knowledge.documents import read_document
from knowledge.models import Clause, PolicyMetadata
from knowledge.parser import parse_clauses
from tests.knowledge.documents import Para, level, numbering, styles, word

META = PolicyMetadata(id="town", title="Town Code", organization="Town", source="test")


def clauses_of(data: bytes) -> list[Clause]:
    return parse_clauses(read_document("policy.docx", data).text, META)


CODE_LISTS = numbering(
    {1: [level(0, "upperLetter", "(%1)"), level(1, "decimal", "(%2)")]},
    {10: (1, {0: 1, 1: 1}), 11: (1, {0: 1, 1: 1})},
)


def test_code_sections_with_automatic_letters_restarting_in_each_section() -> None:
    data = word(
        [
            Para("§ 5.10 CONDUCT ONLINE.", style="Heading2"),
            Para("Employees represent the town when they say they work for it.", num=(10, 0)),
            Para("Employees shall not harass residents online.", num=(10, 0)),
            Para("§ 5.11 TOWN ACCOUNTS.", style="Heading2"),
            Para("Town accounts follow these rules:", num=(11, 0)),
            Para("Posts are approved by a supervisor.", num=(11, 1)),
            Para("Comments are moderated daily.", num=(11, 1)),
            Para("Passwords are kept by the IT department.", num=(11, 0)),
        ],
        CODE_LISTS,
        styles(("Heading2", "heading 2", None)),
        header="Town Code - Personnel Chapter",
    )
    clauses = clauses_of(data)
    assert [(c.number, c.level, c.text.split()[0]) for c in clauses] == [
        ("5.10(A)", 1, "Employees"),
        ("5.10(B)", 1, "Employees"),
        ("5.11(A)", 1, "Town"),
        ("5.11(A)(1)", 2, "Posts"),
        ("5.11(A)(2)", 2, "Comments"),
        ("5.11(B)", 1, "Passwords"),
    ]
    assert clauses[3].label == "§ 5.11(A)(1)"
    assert clauses[0].heading == "§ 5.10 Conduct online"
    assert "Personnel Chapter" not in " ".join(c.text for c in clauses)


def test_lists_sharing_a_definition_continue_and_an_override_restarts() -> None:
    lists = numbering(
        {1: [level(0, "decimal", "%1.")]},
        {3: (1, {}), 4: (1, {}), 5: (1, {0: 1})},
    )
    data = word(
        [
            Para("Employees must use their own accounts.", num=(3, 0)),
            Para("Employees must not use the town logo.", num=(3, 0)),
            Para("The next rules are about photographs of residents and staff."),
            Para("Photographs of staff need their consent.", num=(4, 0)),
            Para("These rules are about records."),
            Para("Posts are public records.", num=(5, 0)),
        ],
        lists,
    )
    document = read_document("policy.docx", data).text
    assert "3. Photographs of staff" in document  # continues the list of numId 3
    assert "1. Posts are public records." in document  # numId 5 restarts at 1
    numbers = [c.number for c in clauses_of(data) if not c.number.startswith("¶")]
    assert numbers == ["1", "2", "3", "1"]


def test_outline_levels_letters_roman_and_legal_numbers() -> None:
    lists = numbering(
        {
            1: [
                level(0, "decimal", "%1."),
                level(1, "lowerLetter", "%2."),
                level(2, "lowerRoman", "(%3)"),
            ],
            2: [level(0, "decimal", "%1."), level(1, "decimal", "%1.%2.")],
        },
        {1: (1, {}), 2: (2, {})},
    )
    data = word(
        [
            Para("Social Media Standards", style="Title"),
            Para("Employees follow these standards:", num=(1, 0)),
            Para("be honest about who they are;", num=(1, 1)),
            Para("never share:", num=(1, 1)),
            Para("passwords;", num=(1, 2)),
            Para("home addresses.", num=(1, 2)),
            Para("Supervisors answer questions about them.", num=(1, 0)),
            Para("Records", style="Heading1"),
            Para("Posts are records.", num=(2, 0)),
            Para("The clerk keeps them.", num=(2, 1)),
            Para("Residents may ask for them.", num=(2, 1)),
        ],
        lists,
    )
    clauses = clauses_of(data)
    assert [(c.number, c.level) for c in clauses] == [
        ("1", 0),
        ("1.a", 1),
        ("1.b", 1),
        ("1.b(i)", 2),
        ("1.b(ii)", 2),
        ("2", 0),
        ("1", 0),
        ("1.1", 1),
        ("1.2", 1),
    ]
    # The second list is under its own heading: its ids say so instead of colliding.
    assert clauses[6].id == "records-clause-1" and clauses[6].heading == "Records"
    assert "Social Media Standards" not in " ".join(c.text for c in clauses)


def test_numbering_that_comes_from_the_paragraph_style() -> None:
    lists = numbering(
        {1: [level(0, "decimal", "%1)")], 2: [level(0, "bullet", "\uf0b7")]},
        {5: (1, {}), 6: (2, {})},
    )
    data = word(
        [
            Para("Purpose of the rules", style="Kop1"),
            Para("These rules protect residents' privacy."),
            Para("Ask before you photograph a resident.", style="ListNumber"),
            Para("Blur faces of children.", style="ListNumber"),
            Para(
                "A note that is not numbered although its style is.", style="ListNumber", num=(0, 0)
            ),
            Para("Report a mistake at once.", style="ListBullet"),
        ],
        lists,
        styles(
            ("Kop1", "heading 1", None),
            ("ListNumber", "List Number", (5, 0)),
            ("ListBullet", "List Bullet", (6, 0)),
        ),
    )
    text = read_document("policy.docx", data).text
    assert "1) Ask before you photograph a resident." in text
    assert "2) Blur faces of children." in text
    assert "\n\nA note that is not numbered" in text
    assert "• Report a mistake at once." in text
    assert text.startswith("# Purpose of the rules")
