"""Where a numbered line goes in the outline: which open lists stay open above it.

The open items form a stack, outermost first. A marker continues a list on the stack (`(C)`
after `(B)`, the nearest by indentation when several could), opens a list inside the item on
top (`(1)` after `(C) The following ...:`), restarts a list (`1.` again after prose), or does
not fit at all when the line before goes on mid-sentence ("... as subsection" then "(B) above").
Section ids are siblings of their kind, decimal outlines nest by their digits, and bullets nest
under an item that introduces them or is indented less.
"""

from __future__ import annotations

from knowledge.structure.markers import Marker
from knowledge.structure.nodes import Node


def signature(marker: Marker) -> tuple[str, str]:
    """`1.` and `2)` continue one list; `(1)` is another."""
    return (
        marker.scheme,
        "paren" if marker.style == "paren" else marker.style.replace("close", "dot"),
    )


def outline_parts(node: Node) -> tuple[int, ...]:
    """The outline digits an item stands for: "4.0" -> (4,), and a top-level "4." -> (4,)."""
    if node.marker is None:
        return ()
    if node.marker.scheme == "dotted":
        return node.marker.parts
    if node.marker.scheme == "decimal" and node.parent is None:
        return (node.marker.value,)
    return ()


def continues(marker: Marker, stack: list[Node]) -> bool:
    """Whether the marker is the next value of a list that is open."""
    return any(
        node.marker is not None
        and signature(node.marker) == signature(marker)
        and marker.value == node.marker.value + 1
        for node in stack
    )


def place(
    marker: Marker, indent: int, stack: list[Node], *, mid_sentence: bool, interrupted: bool
) -> int | None:
    """How much of the stack stays open under a new item with this marker, or None when
    the marker does not fit there (then the line goes on with the text before it)."""
    if marker.scheme == "bullet":
        return _place_bullet(indent, stack, mid_sentence, interrupted)
    if marker.scheme in ("section", "code"):
        return _place_section(marker, stack, mid_sentence)
    if marker.scheme == "dotted":
        return _place_outline(marker, stack, mid_sentence)
    return _place_list_item(marker, indent, stack, mid_sentence)


def _place_bullet(
    indent: int, stack: list[Node], mid_sentence: bool, interrupted: bool
) -> int | None:
    for index in range(len(stack) - 1, -1, -1):
        if stack[index].kind == "bullet" and abs(stack[index].indent - indent) <= 1:
            return index
        if stack[index].indent < indent:
            break
    if mid_sentence and not stack:
        return None
    if stack and not interrupted:
        top = stack[-1]
        if indent > top.indent + 1 or top.text.endswith(":") or top.kind == "bullet":
            return len(stack)
    return container_depth(stack)


def _place_section(marker: Marker, stack: list[Node], mid_sentence: bool) -> int | None:
    for index in range(len(stack) - 1, -1, -1):
        node = stack[index]
        if node.marker is not None and signature(node.marker) == signature(marker):
            return index
    for index in range(len(stack) - 1, -1, -1):
        node = stack[index]
        if node.marker is not None and node.marker.scheme in ("section", "code"):
            return index + 1  # a section inside an article or chapter
    return None if mid_sentence else 0


def _place_outline(marker: Marker, stack: list[Node], mid_sentence: bool) -> int | None:
    parts = marker.parts
    for index in range(len(stack) - 1, -1, -1):
        known = outline_parts(stack[index])
        if not known:
            continue
        if len(parts) > 1 and known == parts[:-1]:
            return index + 1
        if len(known) == len(parts) and known[:-1] == parts[:-1]:
            return index
    if mid_sentence:
        return None
    return 0 if len(parts) == 1 or not stack else len(stack)


def _place_list_item(
    marker: Marker, indent: int, stack: list[Node], mid_sentence: bool
) -> int | None:
    same = [
        i
        for i, node in enumerate(stack)
        if node.marker is not None and signature(node.marker) == signature(marker)
    ]
    following = [i for i in same if marker.value == stack[i].marker.value + 1]  # type: ignore[union-attr]
    if following:
        return min(following, key=lambda i: (abs(stack[i].indent - indent), -i))
    if mid_sentence:
        return None
    if marker.value == 1:
        if not same:
            return len(stack)
        nearest = same[-1]
        nested = indent > stack[nearest].indent + 1 or (
            stack[-1] is not stack[nearest] and stack[-1].text.endswith(":")
        )
        return len(stack) if nested else nearest  # a list inside, or the list restarting
    if same:  # numbering that skips a value
        return min(same, key=lambda i: (abs(stack[i].indent - indent), -i))
    return len(stack)


def container_depth(stack: list[Node]) -> int:
    """How much of the stack stays open for a bullet or paragraph outside the open list."""
    for index in range(len(stack) - 1, -1, -1):
        node = stack[index]
        if node.kind == "item" and (node.title or (node.marker and node.marker.resets_path)):
            return index + 1
    return 0
