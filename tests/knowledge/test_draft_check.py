"""Draft pre-check: signals found in pasted drafts, the pattern language, and hostile input."""

from __future__ import annotations

import random
import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.checklist import Checklist, ChecklistError, load_checklist, load_policy_checklist
from knowledge.draft_check import DISCLAIMER_NOTE, Signal, scan_draft, suggested_answers
from knowledge.draft_patterns import PatternError, compile_pattern

POLICIES = Path(__file__).resolve().parents[2] / "knowledge" / "policies"
LA_CROSSE_CLAUSES = frozenset({"preamble", *(f"clause-{n}" for n in range(1, 12))})
LAKE_ELMO_CLAUSES = frozenset({"introduction", "scope", *(f"guideline-{n}" for n in range(1, 7))})


@pytest.fixture(scope="module")
def la_crosse() -> Checklist:
    return load_policy_checklist(POLICIES / "la-crosse", LA_CROSSE_CLAUSES)


@pytest.fixture(scope="module")
def lake_elmo() -> Checklist:
    return load_policy_checklist(POLICIES / "lake-elmo", LAKE_ELMO_CLAUSES)


def by_id(signals: list[Signal]) -> dict[str, Signal]:
    return {signal.id: signal for signal in signals}


# --- realistic drafts --------------------------------------------------------------------


def test_crew_photo_draft_flags_city_and_photos(la_crosse: Checklist) -> None:
    draft = (
        "Proud of my crew today! Here's a pic of the crew fixing the water main on 5th St. "
        "#CityOfLaCrosse #LaCrosseWI"
    )
    found = by_id(scan_draft(la_crosse, draft))
    assert found["city-name"].matched == "#CityOfLaCrosse"
    assert found["work-photos"].matched == "pic of the crew"
    assert found["work-photos"].question == "work_photos" and found["work-photos"].answer is True
    assert found["work-photos"].clauses == ("clause-9",)
    assert "fixing the water main" in found["work-photos"].snippet


def test_council_tweet_flags_the_city_name_and_city_business(la_crosse: Checklist) -> None:
    found = by_id(
        scan_draft(
            la_crosse,
            "Can't believe the City of La Crosse council voted to cut library hours again.",
        )
    )
    assert found["city-name"].matched == "City of La Crosse"
    assert found["city-name"].question == "about_city"
    assert "city-work" not in found or found["city-work"].question == "about_city"
    assert suggested_answers(found.values()) == {"about_city": True}


def test_links_to_any_city_host_are_found(la_crosse: Checklist, lake_elmo: Checklist) -> None:
    for draft in (
        "details at https://www.cityoflacrosse.org/jobs/openings.",
        "(see cityoflacrosse.org)",
        "HTTP://LACROSSE.WI.US/news",
    ):
        found = by_id(scan_draft(la_crosse, draft))
        assert "city-web-link" in found, draft
        assert found["city-web-link"].clauses == ("clause-3",)
    for draft in (
        "Agenda: https://lakeelmo.gov/agenda",
        "www.lakeelmo.org",
        "http://lake-elmo.mn.us",
    ):
        assert "city-web-link" in by_id(scan_draft(lake_elmo, draft)), draft
    assert "city-web-link" not in by_id(scan_draft(la_crosse, "https://example.com/la"))
    # An email address is not a web link.
    assert "city-web-link" not in by_id(scan_draft(la_crosse, "mail jo@notlacrosse.org"))


def test_confidential_and_insult_words(la_crosse: Checklist) -> None:
    draft = "Leaking this CONFIDENTIAL memo because our director is an idiot and incompetent."
    found = by_id(scan_draft(la_crosse, draft))
    assert found["confidential"].matched == "CONFIDENTIAL"
    assert found["confidential"].question == "city_material"
    assert found["insults"].matched == "idiot"
    assert found["insults"].question == "respect" and found["insults"].answer is True


def test_campaign_language_pre_answers_lake_elmo_guideline_six(lake_elmo: Checklist) -> None:
    draft = "Vote for my friend Dana for City Council! Posting from City Hall on my break."
    found = by_id(scan_draft(lake_elmo, draft))
    assert found["campaign-or-sales"].matched == "Vote for"
    assert found["campaign-or-sales"].clauses == ("guideline-6",)
    assert found["city-resources"].matched == "from City Hall"
    assert suggested_answers(found.values()) == {
        "city_business": True,
        "profit_or_politics": True,
        "city_resources": True,
    }


def test_sales_language(lake_elmo: Checklist) -> None:
    found = by_id(scan_draft(lake_elmo, "20% off plumbing this week, my business is open Sat."))
    assert found["campaign-or-sales"].matched in {"my business", "% off"}


def test_retweet_is_flagged_as_sharing(lake_elmo: Checklist) -> None:
    found = by_id(scan_draft(lake_elmo, "RT @angryresident: Lake Elmo public works is useless"))
    assert found["sharing"].matched == "RT @angryresident"
    assert found["sharing"].clauses == ("guideline-2",)
    assert found["insults"].matched == "useless"
    assert found["city-name"].matched == "Lake Elmo"


def test_plain_personal_post_has_no_signals(la_crosse: Checklist, lake_elmo: Checklist) -> None:
    draft = "Sunset at the lake with the dog. Electric bikes are great; select your own adventure!"
    assert scan_draft(la_crosse, draft) == []
    assert scan_draft(lake_elmo, draft) == []


def test_disclaimer_note_says_it_is_a_helper_not_a_judgment() -> None:
    assert "helper" in DISCLAIMER_NOTE and "not a judgment" in DISCLAIMER_NOTE


# --- the pattern language ----------------------------------------------------------------


def test_words_match_whole_words_only() -> None:
    elect = compile_pattern("elect").regex
    assert elect.search("Elect Jane!") and elect.search("please elect.")
    assert not elect.search("electric") and not elect.search("select")


def test_star_matches_any_ending_and_spaces_match_line_breaks() -> None:
    assert compile_pattern("harass*").regex.search("stop HARASSING me")
    assert compile_pattern("vote for").regex.search("vote\n  for me")
    assert not compile_pattern("vote for").regex.search("vote, for me")
    assert compile_pattern("% off").regex.search("20% OFF today")


def test_regexes_and_their_safety_checks() -> None:
    assert compile_pattern(r"re:\bRT\s*@\w+").regex.search("rt @x")
    for bad in (
        "re:(a+)+$",
        "re:(a|b*)*c",
        "re:(?:x+y?){2,}",
        "re:(a|aa)+$",
        "re:(a+){5}",
        "re:((ab)*c)*",
        "re:",
    ):
        with pytest.raises(PatternError):
            compile_pattern(bad)
    with pytest.raises(PatternError, match="not valid"):
        compile_pattern("re:(unclosed")
    with pytest.raises(PatternError, match="empty"):
        compile_pattern("   ")
    # Repeating a simple group, or an atomic or possessive one, is fine.
    assert compile_pattern(r"re:(?>a+)+b").regex.search("aab")
    assert compile_pattern(r"re:(?:a+b)++c").regex.search("aabc")
    assert compile_pattern(r"re:(ab){2}").regex.search("abab")
    assert compile_pattern(r"re:(?:photo|pic)s?\b").regex.search("pics")
    assert compile_pattern(r"re:[(a+)]+").regex.search("a")  # a character class, not a group


def test_conflicting_suggestions_are_left_to_the_person() -> None:
    signals = [
        Signal("a", "m", ("c",), "x", "x", "q1", True),
        Signal("b", "m", ("c",), "y", "y", "q1", False),
        Signal("c", "m", ("c",), "z", "z", "q2", True),
        Signal("d", "m", ("c",), "w", "w", None, None),
    ]
    assert suggested_answers(signals) == {"q2": True}


# --- hostile input -----------------------------------------------------------------------


def _timed_scan(checklist: Checklist, text: str) -> list[Signal]:
    started = time.perf_counter()
    found = scan_draft(checklist, text)
    assert time.perf_counter() - started < 2.0, "scanning must stay fast on any input"
    return found


@pytest.mark.parametrize(
    "junk",
    [
        "a" * 100_000,
        "a." * 50_000,
        "photo " * 20_000,
        "-" * 100_000,
        ("x" * 63 + ".") * 1_600,
        "https://" * 12_000,
        "\x00\x01\x02\x1b[31m\x7f" * 15_000,
        " " * 100_000,
        "\n" * 100_000,
        "\ud800\udfff" * 30_000,
    ],
    ids=[
        "letters",
        "dots",
        "photo-words",
        "dashes",
        "long-labels",
        "schemes",
        "controls",
        "spaces",
        "newlines",
        "surrogates",
    ],
)
def test_pathological_input_is_fast(la_crosse: Checklist, lake_elmo: Checklist, junk: str) -> None:
    for checklist in (la_crosse, lake_elmo):
        for signal in _timed_scan(checklist, junk):
            assert not any(unicodedata.category(c) in {"Cc", "Cs"} for c in signal.snippet)


def test_random_binary_junk_of_100_kb(la_crosse: Checklist) -> None:
    rng = random.Random(165)
    blob = bytes(rng.randrange(256) for _ in range(100_000)).decode("latin-1")
    _timed_scan(la_crosse, blob)
    mixed = blob[:50_000] + " posted from my work computer: pic of the crew " + blob[50_000:]
    found = by_id(_timed_scan(la_crosse, mixed))
    assert {"work-time", "work-photos"} <= set(found)


def test_signal_hidden_behind_control_and_zero_width_characters(la_crosse: Checklist) -> None:
    found = by_id(scan_draft(la_crosse, "con\u200bfiden\u00adtial \x00memo\x07 " * 3))
    assert found["confidential"].matched == "confidential"
    assert "\x00" not in found["confidential"].snippet


def test_signal_deep_inside_a_long_draft_is_found(la_crosse: Checklist) -> None:
    draft = "nothing to see here. " * 4_000 + "City of La Crosse" + " more filler." * 3_000
    found = by_id(_timed_scan(la_crosse, draft))
    assert found["city-name"].matched == "City of La Crosse"
    assert len(found["city-name"].snippet) < 200


@settings(max_examples=80, deadline=None)
@given(text=st.text(max_size=3_000))
def test_any_text_scans_without_error(lake_elmo: Checklist, text: str) -> None:
    for signal in scan_draft(lake_elmo, text):
        assert signal.matched and signal.meaning and signal.clauses


# --- whose situation a signal describes ---------------------------------------------------


@pytest.mark.parametrize(
    "draft",
    [
        "My coworker Jim was on the clock sleeping again lol",
        "She was on the clock when she posted that, unbelievable",
        "Our crew was on the clock all weekend fixing the water main.",
    ],
)
def test_someone_else_on_the_clock_is_not_the_posters_work_time(
    la_crosse: Checklist, lake_elmo: Checklist, draft: str
) -> None:
    assert "work-time" not in by_id(scan_draft(la_crosse, draft))
    assert "city-resources" not in by_id(scan_draft(lake_elmo, draft))


@pytest.mark.parametrize(
    "draft",
    [
        "Posting this on the clock, don't tell anyone",
        "I'm on the clock but had to share this",
        "he said I was on the clock when I posted",
        "My coworker was on the clock. So was I, on the clock and bored.",
    ],
)
def test_the_posters_own_work_time_is_still_flagged(la_crosse: Checklist, draft: str) -> None:
    found = by_id(scan_draft(la_crosse, draft))
    assert found["work-time"].question == "at_work" and found["work-time"].answer is True


def test_about_the_poster_must_be_true_or_false(tmp_path: Path) -> None:
    text = (POLICIES / "la-crosse" / "checklist.yaml").read_text()
    bad = text.replace("about_the_poster: true", "about_the_poster: sometimes", 1)
    (tmp_path / "checklist.yaml").write_text(bad)
    with pytest.raises(ChecklistError, match="about_the_poster' must be true or false"):
        load_checklist(tmp_path / "checklist.yaml", LA_CROSSE_CLAUSES)
