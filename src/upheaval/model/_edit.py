"""Edits of a system's plain data (as ``model_dump(by_alias=True)`` gives it), before it is validated again."""

from __future__ import annotations

from typing import Any

__all__ = ["set_judgement"]


def set_judgement(
    data: dict[str, Any], source: str, source_variant: str, target: str, target_variant: str, value: int
) -> None:
    """Set the impact of ``source.source_variant`` on ``target.target_variant`` to ``value``, in place.

    The value goes into the first judgement section from ``source`` to ``target`` (one is added when
    there is none and ``value`` is not 0), and the same cell is cleared in every other section of
    that pair, so the compiled matrix holds ``value`` there; a row left empty is dropped.

    >>> data = {"impacts": [{"from": "a", "to": "b", "values": {"a1": {"b1": 2}}}]}
    >>> set_judgement(data, "a", "a1", "b", "b1", 0); data["impacts"]
    [{'from': 'a', 'to': 'b', 'values': {}}]
    >>> set_judgement(data, "b", "b2", "a", "a1", -1); data["impacts"][1]
    {'from': 'b', 'to': 'a', 'values': {'b2': {'a1': -1}}}
    """
    impacts = data.setdefault("impacts", [])
    sections = [s for s in impacts if s["from"] == source and s["to"] == target]
    if not sections:
        if value == 0:
            return
        sections = [{"from": source, "to": target, "values": {}}]
        impacts.append(sections[0])
    for n, section in enumerate(sections):
        row = section.setdefault("values", {}).setdefault(source_variant, {})
        if n == 0 and value != 0:
            row[target_variant] = value
        else:
            row.pop(target_variant, None)
        if not row:
            section["values"].pop(source_variant, None)
