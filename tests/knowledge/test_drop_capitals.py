"""A paragraph printed with a drop capital reads "T his policy" once its text is extracted; the
bot quotes it as "This policy", and leaves real one-letter words and labels alone."""

from __future__ import annotations

from knowledge.documents import read_document
from knowledge.models import PolicyMetadata
from knowledge.parser import parse_clauses
from tests.shared_files import shared_directory

TEXT = """Town of Elm Falls - Social Media

1.0 PURPOSE
T he Town values the trust of the residents it serves.

2.0 SCOPE
T his policy applies to all employees. A supervisor may answer questions about this policy.

3.0 EXAMPLES
B employees in the records division follow the records schedule as well.
"""


def test_split_capitals_are_joined_where_the_document_uses_the_word() -> None:
    text = read_document("elm-falls.txt", TEXT.encode()).text
    assert "The Town values the trust" in text
    assert "This policy applies to all employees. A supervisor" in text
    assert "B employees in the records division" in text  # "bemployees" is no word of it


def test_quotes_of_a_real_policy_with_drop_capitals_read_whole_words() -> None:
    path = shared_directory() / "eval" / "corpus" / "policies" / "greensboro-nc.txt"
    raw = path.read_bytes()
    assert b"T his policy exists" in raw  # as the corpus captured it
    document = read_document(path.name, raw)
    meta = PolicyMetadata("greensboro-nc", "Social Media", "Greensboro", path.name)
    texts = [clause.text for clause in parse_clauses(document.text, meta)]
    assert any(text.startswith("This policy exists") for text in texts)
    assert not any(text.startswith(("T his ", "T he ")) for text in texts)
