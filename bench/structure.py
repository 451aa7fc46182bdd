"""How well the parser reads real policies' structure, and how fast a long PDF previews.

For each corpus policy (../shared/eval/corpus/policies/<id>.{txt,docx,pdf}) with an
`<id>.expected.json`, the document is read and parsed exactly as `policy publish` would, and its
numbered clauses are compared with the expected list by `number` and the first words of the text:
matched, missing, extra (numbered clauses the list does not have), unnumbered clauses (prose and
bullets, which the expected lists leave out), and the longest clause. Then a 50-page PDF with
running headers, page footers and clauses across page breaks is built here and published up to
the preview, as HR would from the terminal (answering "no" at the confirmation).

Usage: python bench/structure.py [--corpus DIR] [--verbose]
The corpus is found next to the repository (../shared), or next to the main worktree when this
is a git worktree; it is required: the script stops with a message when it is absent.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from knowledge.documents import read_document
from knowledge.models import Clause, PolicyMetadata
from knowledge.parser import parse_clauses
from knowledge.text import compact

ROOT = Path(__file__).resolve().parent.parent
LONG_CLAUSE = 1500
FORMATS = (".txt", ".docx", ".pdf")


def find_corpus(given: str | None) -> Path:
    """The corpus directory: --corpus, ../shared next to this checkout or to the main worktree."""
    candidates = [Path(given)] if given else []
    candidates.append(ROOT.parent / "shared" / "eval" / "corpus")
    common = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--path-format=absolute", "--git-common-dir"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if common:
        candidates.append(Path(common).parent.parent / "shared" / "eval" / "corpus")
    for candidate in candidates:
        if (candidate / "policies").is_dir():
            return candidate
    tried = ", ".join(str(c) for c in candidates)
    sys.exit(f"bench/structure.py: the evaluation corpus is not present (looked in: {tried})")


def number_of(clause: Clause) -> str:
    return str(getattr(clause, "number", "") or clause.label)


def is_unnumbered(number: str) -> bool:
    return not number or number[0] in "¶•" or " > " in number


def compare(expected: list[dict[str, Any]], clauses: list[Clause]) -> dict[str, Any]:
    """Expected entries matched in order by number and first words; what is missing or extra."""
    numbered = [c for c in clauses if not is_unnumbered(number_of(c))]
    unnumbered = len(clauses) - len(numbered)
    matched, missing, used, levels_off = 0, [], set(), []
    for entry in expected:
        words = compact(entry["first_words"])
        hit = next(
            (
                i
                for i, clause in enumerate(numbered)
                if i not in used
                and number_of(clause) == entry["number"]
                and compact(clause.text).startswith(words)
            ),
            None,
        )
        if hit is None:
            missing.append(entry["number"])
        else:
            used.add(hit)
            matched += 1
            if getattr(numbered[hit], "level", entry["level"]) != entry["level"]:
                levels_off.append(entry["number"])
    extra = [number_of(c) for i, c in enumerate(numbered) if i not in used]
    starts = [compact(c.text) for c in clauses]
    by_text = sum(any(s.startswith(compact(e["first_words"])) for s in starts) for e in expected)
    in_order = _in_order(expected, numbered)
    return {
        "matched": matched,
        "by_text": by_text,
        "missing": missing,
        "extra": extra,
        "unnumbered": unnumbered,
        "in_order": in_order,
        "levels_off": levels_off,
        "longest": max((len(c.text) for c in clauses), default=0),
    }


def _in_order(expected: list[dict[str, Any]], numbered: list[Clause]) -> bool:
    wanted = [entry["number"] for entry in expected]
    got = [number_of(c) for c in numbered if number_of(c) in set(wanted)]
    return got == wanted


def corpus_table(corpus: Path, verbose: bool) -> bool:
    """Print one row per document and format; True when every expected list is met."""
    print(f"corpus: {corpus}")
    header = f"{'document':<20} {'expected':>8} {'by text':>7} {'matched':>7} {'missing':>7} "
    header += f"{'extra':>5} "
    print(header + f"{'unnumb.':>7} {'longest':>7}  notes")
    all_met = True
    for policy in sorted((corpus / "policies").glob("*.txt")):
        if policy.name.endswith(".source.txt"):
            continue
        stem = policy.name[: -len(".txt")]
        expected_file = policy.with_name(f"{stem}.expected.json")
        expected = json.loads(expected_file.read_text()) if expected_file.exists() else None
        meta = PolicyMetadata(id=stem, title=stem, organization=stem, source=stem)
        for suffix in FORMATS:
            path = policy.with_name(stem + suffix)
            if not path.exists():
                continue
            clauses = parse_clauses(read_document(path.name, path.read_bytes()).text, meta)
            name = f"{stem}{suffix}"
            if expected is None:
                longest = max(len(c.text) for c in clauses)
                blank = " ".join(f"{'-':>{w}}" for w in (8, 7, 7, 7, 5, 7))
                print(f"{name:<20} {blank} {longest:>7}  {len(clauses)} clauses (no expected list)")
                if verbose:
                    _show(clauses)
                continue
            result = compare(expected, clauses)
            notes = []
            if result["missing"]:
                notes.append("missing " + " ".join(result["missing"][:6]))
            if result["extra"]:
                notes.append("extra " + " ".join(result["extra"][:6]))
            if result["levels_off"]:
                notes.append("level differs for " + " ".join(result["levels_off"][:6]))
            if not result["in_order"]:
                notes.append("out of order")
            if result["longest"] > LONG_CLAUSE:
                notes.append(f"clause over {LONG_CLAUSE} chars")
            met = not (result["missing"] or result["extra"] or result["levels_off"])
            met = met and result["in_order"]
            all_met = all_met and met
            print(
                f"{name:<20} {len(expected):>8} {result['by_text']:>7} {result['matched']:>7} "
                f"{len(result['missing']):>7} {len(result['extra']):>5} "
                f"{result['unnumbered']:>7} {result['longest']:>7}  "
                + ("; ".join(notes) or "equal")
            )
            if verbose:
                _show(clauses)
    return all_met


def _show(clauses: list[Clause]) -> None:
    for clause in clauses:
        level = getattr(clause, "level", 0)
        print(f"      {'  ' * level}{number_of(clause)} [{clause.id}] {clause.text[:70]!r}")


# ---- a 50-page PDF, as a city's document system prints a long policy manual ------------------

_WORDS = (
    "employees should consider how a post reflects on the city and its residents before "
    "sharing photographs records or comments about their work with the public online"
).split()


def long_policy_lines(sections: int) -> list[tuple[str, str]]:
    """(kind, text) lines of a long code-style policy: § sections, (A) items, (1) sub-items."""
    lines: list[tuple[str, str]] = [("title", "Town of Example Code of Ordinances, Chapter 9")]
    for section in range(1, sections + 1):
        lines.append(("heading", f"§ 9.{section:02d} RULES FOR GROUP {section}."))
        for letter in "ABC":
            lines.extend(("body", text) for text in _wrap(f"({letter}) " + _sentence(section, 40)))
            if letter == "C":
                for sub in range(1, 4):
                    lines.extend(
                        ("sub", text) for text in _wrap(f"({sub}) " + _sentence(sub + section, 25))
                    )
    return lines


def _sentence(seed: int, count: int) -> str:
    words = [_WORDS[(seed * 7 + i * 3) % len(_WORDS)] for i in range(count)]
    return " ".join(words).capitalize() + "."


def _wrap(text: str, width: int = 80) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return [*lines, current]


def build_pdf(lines: list[tuple[str, str]], per_page: int = 40) -> tuple[bytes, int]:
    """A PDF of the lines, `per_page` lines a page, each page with a running header and footer."""
    pages = [lines[i : i + per_page] for i in range(0, len(lines), per_page)]
    objects: list[bytes] = [b"", b""]  # catalog and page tree, filled in below
    page_refs = []
    fonts = b"/Font << /F1 3 0 R /F2 4 0 R >>"
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Bold >>")
    for number, page in enumerate(pages, 1):
        ops = ["BT /F1 9 Tf 72 760 Td (Town of Example - Code of Ordinances) Tj ET"]
        ops.append(f"BT /F1 9 Tf 280 40 Td (Page {number} of {len(pages)}) Tj ET")
        y = 720
        for kind, text in page:
            font, size, x = {
                "title": ("F2", 14, 72),
                "heading": ("F2", 11, 72),
                "body": ("F1", 11, 90),
                "sub": ("F1", 11, 110),
            }[kind]
            escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"BT /{font} {size} Tf {x} {y} Td ({escaped}) Tj ET")
            y -= 16
        stream = "\n".join(ops).encode("latin-1", errors="replace")
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        content_ref = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << %s >> >>" % (content_ref, fonts)
        )
        page_refs.append(len(objects))
    kids = b" ".join(b"%d 0 R" % ref for ref in page_refs)
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_refs))
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for index, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % index + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue(), len(pages)


def publish_preview_seconds() -> None:
    """Time `policybot policy publish long.pdf` up to its preview (answering no), end to end."""
    lines = long_policy_lines(sections=1)
    sections = 1
    while True:
        data, pages = build_pdf(lines)
        if pages >= 50:
            break
        sections += 4
        lines = long_policy_lines(sections)
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "code-chapter-9.pdf"
        pdf.write_bytes(data)
        config = Path(tmp) / "app.yaml"
        config.write_text(
            f"database:\n  path: {tmp}/bot.sqlite3\norganizations:\n"
            "  - {id: town, name: Town of Example, policy: la-crosse, hr_contact: Town HR}\n"
        )
        env = dict(os.environ, POLICYBOT_CONFIG=str(config))
        command = [
            str(Path(sys.executable).parent / "policybot"),
            "policy",
            "publish",
            str(pdf),
            "--policy",
            "example-code",
            "--title",
            "Example Code, Chapter 9",
        ]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(
            command, input="n\n", capture_output=True, text=True, env=env, check=False, cwd=ROOT
        )
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        clauses = next(
            (line for line in done.stdout.splitlines() if line.startswith("Document:")), ""
        )
        print(
            f"\n50-page PDF ({pages} pages, {len(data) // 1024} KB): policy publish preview in "
            f"{elapsed:.2f} s end to end, {cpu:.2f} s of CPU (process start included); "
            f"{clauses.strip()}"
        )
        print(f"  of which, in process: {_in_process(data)}; load average {os.getloadavg()[0]:.1f}")
        if done.returncode not in (0, 1) or not clauses:
            print(done.stdout[-2000:], done.stderr[-2000:])


def _in_process(data: bytes) -> str:
    """Reading and parsing alone, without starting a process or opening the database."""
    from knowledge.structure.review import structure_warnings

    started = time.perf_counter()
    document = read_document("code-chapter-9.pdf", data)
    read = time.perf_counter()
    meta = PolicyMetadata(id="example", title="Example", organization="Town", source="bench")
    clauses = parse_clauses(document.text, meta)
    parsed = time.perf_counter()
    structure_warnings(clauses)
    checked = time.perf_counter()
    return (
        f"read {read - started:.2f} s, parse {parsed - read:.2f} s, structure check "
        f"{checked - parsed:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", help="the corpus directory (default: ../shared/eval/corpus)")
    parser.add_argument("--verbose", action="store_true", help="list every clause")
    parser.add_argument("--no-pdf", action="store_true", help="skip the 50-page PDF benchmark")
    args = parser.parse_args()
    met = corpus_table(find_corpus(args.corpus), args.verbose)
    print("every expected list met" if met else "some expected lists are not met")
    if not args.no_pdf:
        publish_preview_seconds()


if __name__ == "__main__":
    main()
