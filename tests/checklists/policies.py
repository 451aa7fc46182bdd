"""Policy texts for the checklist tests, written for these tests.

La Crosse version 2 is the shipped version 1 edited the way the issue describes HR editing it:
clause 9 reworded (the same rule, tidier words), a new clause 10 on AI-generated images inserted
(so the old clause 10 becomes clause 11) and the old clause 11 removed. Maple Falls is a city
the bot has never seen, its policy written here from scratch.
"""

from __future__ import annotations

import re
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[2] / "knowledge" / "policies"
LA_CROSSE = (SEEDS / "la-crosse" / "policy.txt").read_text(encoding="utf-8")

CLAUSE_9_V2 = (
    "9. Employees cannot post the name, trademark or logo of the City, privileged information "
    "(including copyrighted information and City-issued documents), or photographs or video of "
    "other employees, residents, vendors or suppliers taken in their capacity as City employees."
)
AI_CLAUSE = (
    "10. Employees shall not post images, video or audio that were generated or altered with "
    "artificial intelligence tools and that show City employees, residents or City property, "
    "unless the post says plainly that the content was generated."
)


def la_crosse_version_2() -> str:
    """Version 1 with clause 9 reworded, an AI clause inserted as 10, and clause 11 removed."""
    lines = LA_CROSSE.rstrip().splitlines()
    edited = []
    for line in lines:
        if line.startswith("9. "):
            edited.append(CLAUSE_9_V2)
        elif line.startswith("10. "):
            edited += [AI_CLAUSE, "11. " + line.removeprefix("10. ")]
        elif line.startswith("11. "):
            continue
        else:
            edited.append(line)
    text = "\n".join(edited) + "\n"
    assert not re.search(r"legal discovery", text)
    return text


MAPLE_FALLS_TITLE = "City of Maple Falls Social Media Policy"
MAPLE_FALLS = """# City of Maple Falls Social Media Policy

This policy explains how employees of the City of Maple Falls may use social media in their \
personal lives. The City values free expression and expects employees to use good judgment \
online, because what they post can reflect on the City and on the trust residents place in it.

1. Personal use of social media during working hours is limited to breaks, and employees may \
not use City computers, phones or networks for personal social media unless their supervisor \
approves it in advance.
2. Employees must not disclose confidential or non-public information they learn through their \
work, including personnel matters, pending contracts and information about residents.
3. Employees who discuss City matters online must make clear that they speak only for \
themselves by adding a disclaimer such as "These views are my own and not those of the City of \
Maple Falls."
4. Only the Communications Office may speak on behalf of the City. Employees must not present \
personal posts as official statements of the City.
5. The City seal, logo and uniform patches may not be used in personal posts.
6. Employees shall not post content that harasses, threatens or discriminates against \
co-workers, residents or anyone else.
7. Employees may not campaign for candidates or ballot measures while on duty or in City \
uniform.
8. Violations of this policy may result in discipline, up to and including termination.
9. Posts on social media may be public records and may be requested by anyone under state law.
"""
