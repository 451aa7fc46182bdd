"""Reading a date the way people type it: "2026-08-31", "8/31", "August 31", "end of august".

A date without a year is the next one on or after `today` (or after the `after` date given, for
the end of a period). A form that could be two dates ("8/9": August 9 or September 8) is not
guessed: the reader gets both, so the person can be asked which one. Every date read can be
said back in words ("Monday, August 31, 2026") so the person sees how it was understood.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
MONTHS["sept"] = 9
WEEKDAYS = {calendar.day_name[number].lower(): number for number in range(7)}
WEEKDAYS.update({calendar.day_abbr[number].lower(): number for number in range(7)})

_MONTH = "(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_FORMS = [
    re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"),
    re.compile(rf"{_MONTH} {_DAY}(?: {_YEAR})?"),  # August 31, Aug 31 2026
    re.compile(rf"(?:the )?{_DAY} (?:of )?{_MONTH}(?: {_YEAR})?"),  # 31 August, the 31st of Aug
]
_NUMERIC = re.compile(r"(?P<first>\d{1,2})[/.-](?P<second>\d{1,2})(?:[/.-](?P<year>\d{2}|\d{4}))?")
_END_OF = re.compile(rf"(?:the )?end of (?:the month|this month|{_MONTH})(?: {_YEAR})?")
_IN = re.compile(r"in (?P<count>\d{1,3}|a|an|one|two|three|four) (?P<unit>days?|weeks?|months?)")
_NEXT_WEEKDAY = re.compile(r"(?:(?P<next>next|this|on) )?(?P<weekday>[a-z]+)")
_WORD_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4}


@dataclass(frozen=True)
class DateReading:
    """What a typed date was read as: one date, or the dates it could mean, or nothing."""

    candidates: tuple[date, ...] = ()

    @property
    def day(self) -> date | None:
        """The date, when the text means exactly one."""
        return self.candidates[0] if len(self.candidates) == 1 else None

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1


def read_date(text: str, today: date, after: date | None = None) -> DateReading:
    """The date(s) a text can mean; dates without a year fall on or after `after` or `today`."""
    word = re.sub(r"[,\s]+", " ", text.strip().lower()).strip(" .!")
    word = re.sub(r"^(?:on|by|until|till|til|through|from|starting) ", "", word)
    floor = after or today
    if word in ("today", "now", "right away", "immediately"):
        return DateReading((today,))
    if word == "tomorrow":
        return DateReading((today + timedelta(days=1),))
    for reader in (_written, _numeric, _end_of, _in_time, _weekday):
        candidates = reader(word, today, floor)
        if candidates:
            return DateReading(tuple(dict.fromkeys(candidates)))
    return DateReading()


def in_words(day: date) -> str:
    """A date as people say it: "Monday, August 31, 2026"."""
    weekday, month = calendar.day_name[day.weekday()], calendar.month_name[day.month]
    return f"{weekday}, {month} {day.day}, {day.year}"


def _written(word: str, today: date, floor: date) -> list[date]:
    for form in _FORMS:
        if match := form.fullmatch(word):
            month = match["month"]
            number = int(month) if month.isdigit() else MONTHS[month.rstrip(".")]
            year = int(match["year"]) if match["year"] else None
            day = _dated(year, number, int(match["day"]), floor)
            return [day] if day else []
    return []


def _numeric(word: str, today: date, floor: date) -> list[date]:
    match = _NUMERIC.fullmatch(word)
    if not match:
        return []
    first, second = int(match["first"]), int(match["second"])
    year = _full_year(match["year"]) if match["year"] else None
    readings = [(first, second)]  # month/day, as written in the United States
    if first != second and first <= 12 and second <= 12:
        readings.append((second, first))  # 8/9 may be 8 September where day comes first
    elif first > 12:
        readings = [(second, first)]  # 31/8 can only be day/month
    dates = [found for month, day in readings if (found := _dated(year, month, day, floor))]
    coming = [day for day in dates if day >= floor]
    return coming or dates  # a reading already past is not what a person planning means


def _end_of(word: str, today: date, floor: date) -> list[date]:
    match = _END_OF.fullmatch(word)
    if not match:
        return []
    if match["month"] is None:
        month, year = floor.month, floor.year
    else:
        month = MONTHS[match["month"].rstrip(".")]
        year = int(match["year"]) if match["year"] else floor.year
        if not match["year"] and date(year, month, _last_day(year, month)) < floor:
            year += 1
    return [date(year, month, _last_day(year, month))]


def _in_time(word: str, today: date, floor: date) -> list[date]:
    match = _IN.fullmatch(word)
    if not match:
        return []
    count_text = match["count"]
    count = int(count_text) if count_text.isdigit() else _WORD_NUMBERS[count_text]
    unit = match["unit"].rstrip("s")
    if unit == "day":
        return [today + timedelta(days=count)]
    if unit == "week":
        return [today + timedelta(weeks=count)]
    month_index = today.month - 1 + count
    year, month = today.year + month_index // 12, month_index % 12 + 1
    return [date(year, month, min(today.day, _last_day(year, month)))]


def _weekday(word: str, today: date, floor: date) -> list[date]:
    match = _NEXT_WEEKDAY.fullmatch(word)
    if not match or match["weekday"] not in WEEKDAYS:
        return []
    ahead = (WEEKDAYS[match["weekday"]] - today.weekday()) % 7
    if match["next"] != "next":
        return [today + timedelta(days=ahead)]
    if ahead == 0:
        return [today + timedelta(days=7)]
    # "next Friday" on a Wednesday: this week's, or the one after? People differ; ask.
    return [today + timedelta(days=ahead), today + timedelta(days=ahead + 7)]


def _dated(year: int | None, month: int, day: int, floor: date) -> date | None:
    """The date, or None when there is no such day; without a year, the next one from floor."""
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    if year is not None:
        return _valid(year, month, day)
    for candidate_year in (floor.year, floor.year + 1, floor.year + 2, floor.year + 3):
        found = _valid(candidate_year, month, day)
        if found is not None and found >= floor:
            return found
    return None


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _full_year(text: str) -> int:
    return 2000 + int(text) if len(text) == 2 else int(text)


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]
