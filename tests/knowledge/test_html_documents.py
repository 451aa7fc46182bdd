"""HTML exports: a code publisher's page with navigation and a table of contents, Word saved
as HTML with ordered lists whose numbers only the browser shows, and tables."""

from __future__ import annotations

from knowledge.models import Clause, PolicyMetadata
from knowledge.parser import parse_clauses

META = PolicyMetadata(id="town", title="Town Code", organization="Town", source="test")

CODE_PAGE = """<!DOCTYPE html>
<html><head><title>Chapter 8 | Town Code</title><script>var x = "1. not text";</script>
<style>.toc { color: red }</style></head>
<body>
<nav><a href="/">Home</a> <a href="/codes">Codes</a></nav>
<div class="toc"><p>8.01 Purpose</p><p>8.02 Rules</p></div>
<ul>
  <li><a href="#s801">&sect; 8.01 Purpose</a></li>
  <li><a href="#s802">&sect; 8.02 Rules</a></li>
</ul>
<h2 id="s801">&sect; 8.01 PURPOSE.</h2>
<p>This chapter governs how employees use social media.</p>
<h2 id="s802">&sect; 8.02 RULES.</h2>
<p>(A) Employees speak for themselves, not for the town.</p>
<p>(B) Employees shall not post:</p>
<p>(1) confidential records;</p>
<p>(2) photographs of minors in town programs.</p>
<table><tr><td>(C)</td><td>Employees report threats to their supervisor.</td></tr></table>
<footer>Powered by a code publisher. Print | Share</footer>
</body></html>"""


def parsed(raw: str) -> list[Clause]:
    return parse_clauses(raw, META)


def test_code_publisher_page_without_navigation_or_contents() -> None:
    clauses = parsed(CODE_PAGE)
    assert [(c.label, c.text) for c in clauses] == [
        ("§ 8.01", "This chapter governs how employees use social media."),
        ("§ 8.02(A)", "Employees speak for themselves, not for the town."),
        ("§ 8.02(B)", "Employees shall not post:"),
        ("§ 8.02(B)(1)", "confidential records;"),
        ("§ 8.02(B)(2)", "photographs of minors in town programs."),
        ("§ 8.02(C)", "Employees report threats to their supervisor."),
    ]
    assert clauses[0].title == "Purpose"


def test_ordered_lists_get_the_numbers_the_browser_shows() -> None:
    raw = (
        "<h1>Staff Social Media Rules</h1><p>These rules apply to all staff.</p>"
        '<ol start="3"><li>Staff post only about public events.</li>'
        "<li>Staff must not post about:"
        '<ol type="a"><li>personnel matters;</li><li>legal claims.</li></ol></li>'
        "<li>Staff ask HR when unsure.</li></ol>"
        '<ol type="I"><li>1. A number typed in the text wins over the list\'s own.</li></ol>'
    )
    clauses = parsed(raw)
    assert [(c.number, c.level, c.text) for c in clauses] == [
        ("¶1", 0, "These rules apply to all staff."),
        ("3", 0, "Staff post only about public events."),
        ("4", 0, "Staff must not post about:"),
        ("4.a", 1, "personnel matters;"),
        ("4.b", 1, "legal claims."),
        ("5", 0, "Staff ask HR when unsure."),
        ("1", 0, "A number typed in the text wins over the list's own."),
    ]
