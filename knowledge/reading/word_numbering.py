"""Word's automatic numbering: the number Word displays before each list paragraph.

A numbered paragraph names a list instance (`w:numPr/w:numId`) and a level (`w:ilvl`); the
instance points to an abstract definition in numbering.xml whose levels give the format
(decimal, upperLetter, lowerRoman, bullet ...), the start value and the text (`(%1)`, `%1.%2.`).
Counters belong to the abstract list, so instances sharing one continue each other's numbers,
unless an instance overrides a level's start (`w:lvlOverride/w:startOverride`), which restarts
it. A level's counter restarts whenever a level above it is used (or as `w:lvlRestart` says).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree import ElementTree

from knowledge.structure.markers import format_value

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FORMATS = {
    "decimal": "decimal",
    "decimalZero": "decimal",
    "upperLetter": "upper",
    "lowerLetter": "lower",
    "upperRoman": "upper-roman",
    "lowerRoman": "lower-roman",
}
_MAX_LEVELS = 9


@dataclass(frozen=True)
class Level:
    """One level of a list definition: how its number is written."""

    format: str  # a numFmt value: decimal, upperLetter, bullet, none ...
    start: int
    text: str  # lvlText: "%1.", "(%2)", "%1.%2"
    restart_after: int | None = None  # lvlRestart: restart after this level (0 = never)
    legal: bool = False  # isLgl: show every level as decimal


@dataclass(frozen=True)
class Instance:
    """A w:num: its abstract list and the levels it overrides."""

    abstract: str
    starts: dict[int, int] = field(default_factory=dict)
    levels: dict[int, Level] = field(default_factory=dict)


@dataclass
class Numbering:
    """numbering.xml, and the counters of a document being read from top to bottom."""

    abstracts: dict[str, dict[int, Level]] = field(default_factory=dict)
    instances: dict[str, Instance] = field(default_factory=dict)
    counters: dict[str, list[int | None]] = field(default_factory=dict)
    restarted: set[str] = field(default_factory=set)

    def label(self, num_id: str, ilvl: int) -> str | None:
        """The marker Word shows for the next paragraph of this list ("(C)", "1.a", "•"),
        or None when the list shows nothing (numId 0, an unknown list, format "none")."""
        instance = self.instances.get(num_id)
        if instance is None or not 0 <= ilvl < _MAX_LEVELS:
            return None
        levels = {**self.abstracts.get(instance.abstract, {}), **instance.levels}
        level = levels.get(ilvl)
        if level is None:
            return None
        counters = self.counters.setdefault(instance.abstract, [None] * _MAX_LEVELS)
        if num_id not in self.restarted and instance.starts:
            self.restarted.add(num_id)  # an instance with overrides starts its own count
            for overridden, start in instance.starts.items():
                counters[overridden] = start - 1 if 0 <= overridden < _MAX_LEVELS else None
        current = counters[ilvl]
        counters[ilvl] = (current + 1) if current is not None else level.start
        for deeper in range(ilvl + 1, _MAX_LEVELS):
            below = levels.get(deeper)
            if below is None or below.restart_after != 0:
                counters[deeper] = None
        if level.format == "bullet":
            return "•"
        if level.format == "none":
            return None
        return _render(level, levels, counters)


def _render(level: Level, levels: dict[int, Level], counters: list[int | None]) -> str:
    text = level.text
    for index in range(_MAX_LEVELS):
        placeholder = f"%{index + 1}"
        if placeholder not in text:
            continue
        shown = levels.get(index, level)
        value = counters[index] if counters[index] is not None else shown.start
        scheme = "decimal" if level.legal else _FORMATS.get(shown.format, "decimal")
        text = text.replace(placeholder, format_value(scheme, value or 0))
    return text.strip()


def read_numbering(root: ElementTree.Element | None) -> Numbering:
    """The list definitions of numbering.xml (an empty set when the document has none)."""
    numbering = Numbering()
    if root is None:
        return numbering
    for abstract in root.iter(f"{W}abstractNum"):
        levels = {}
        for lvl in abstract.iter(f"{W}lvl"):
            index = _int(lvl.get(f"{W}ilvl"), -1)
            if 0 <= index < _MAX_LEVELS:
                levels[index] = _level(lvl)
        numbering.abstracts[abstract.get(f"{W}abstractNumId", "")] = levels
    for num in root.iter(f"{W}num"):
        ref = num.find(f"{W}abstractNumId")
        starts, levels = {}, {}
        for override in num.iter(f"{W}lvlOverride"):
            index = _int(override.get(f"{W}ilvl"), -1)
            start = override.find(f"{W}startOverride")
            if start is not None:
                starts[index] = _int(start.get(f"{W}val"), 1)
            replaced = override.find(f"{W}lvl")
            if replaced is not None and 0 <= index < _MAX_LEVELS:
                levels[index] = _level(replaced)
        abstract_id = ref.get(f"{W}val", "") if ref is not None else ""
        numbering.instances[num.get(f"{W}numId", "")] = Instance(abstract_id, starts, levels)
    return numbering


def _level(lvl: ElementTree.Element) -> Level:
    def value(tag: str) -> str | None:
        node = lvl.find(f"{W}{tag}")
        return node.get(f"{W}val") if node is not None else None

    restart = value("lvlRestart")
    return Level(
        format=value("numFmt") or "decimal",
        start=_int(value("start"), 1),
        text=value("lvlText") or "",
        restart_after=_int(restart, 1) if restart is not None else None,
        legal=lvl.find(f"{W}isLgl") is not None,
    )


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default
