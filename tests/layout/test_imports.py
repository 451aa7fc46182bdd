"""The house's rules, read from the code: imports flow one way and never in a circle.

adapters -> bot -> knowledge; inside bot/, rooms import only rooms below them; only
adapters/<platform>/ imports a platform SDK. A new import that breaks a rule fails here, naming
the module and what it imported.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOPS = ("knowledge", "bot", "adapters")
# bot's rooms from the bottom up: a room may import the shared modules and rooms before it.
SHARED = {"config", "messages", "commands", "migrations"}
ROOMS = [
    "storage",
    "people",
    "policies",
    "delivery",
    "acknowledgements",
    "checklists",
    "approvals",
    "publishing",
    "hr_access",
    "conversation",
    "app",
]
SDKS = {"slack_bolt", "slack_sdk", "botbuilder", "botframework", "microsoft_agents", "msrest"}


def modules() -> dict[str, Path]:
    found = {}
    for top in TOPS:
        for path in (ROOT / top).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def imports(path: Path) -> Iterator[str]:
    """Every module a file imports, at any depth (deferred imports count too)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            for alias in node.names:
                yield f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def edges() -> dict[str, set[str]]:
    known = modules()
    return {
        name: {target for target in imports(path) if target in known and target != name}
        for name, path in known.items()
    }


def test_imports_flow_from_adapters_to_bot_to_knowledge() -> None:
    rank = {top: number for number, top in enumerate(TOPS)}
    wrong = [
        f"{name} imports {target}"
        for name, targets in edges().items()
        for target in targets
        if rank[target.split(".")[0]] > rank[name.split(".")[0]]
    ]
    assert not wrong, wrong


def test_rooms_of_bot_import_only_rooms_below_them() -> None:
    def room(name: str) -> str:
        return name.split(".")[1] if name.count(".") else "bot"

    wrong = []
    for name, targets in edges().items():
        if not name.startswith("bot.") or room(name) in SHARED:
            continue
        mine = ROOMS.index(room(name))
        for target in targets:
            if not target.startswith("bot.") or room(target) in SHARED | {"bot"}:
                continue
            if ROOMS.index(room(target)) > mine:
                wrong.append(f"{name} imports {target}")
    assert not wrong, wrong


def test_no_module_imports_itself_through_others() -> None:
    graph = edges()
    cycles: list[list[str]] = []
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            cycles.append([*path[path.index(name) :], name])
            return
        if name in done:
            return
        for target in sorted(graph.get(name, ())):
            visit(target, [*path, name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])
    assert not cycles, cycles


def test_only_the_platform_folders_import_a_platform_sdk() -> None:
    wrong = [
        f"{name} imports {target}"
        for name, path in modules().items()
        for target in imports(path)
        if target.split(".")[0] in SDKS
        and not name.startswith(("adapters.slack.", "adapters.teams."))
    ]
    assert not wrong, wrong
