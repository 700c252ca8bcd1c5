"""Pathways of the built-in model through its periods."""

from __future__ import annotations

from upheaval import load
from upheaval.analysis import pathways
from upheaval.cib import compile_system


def test_confrontation_once_reached_is_kept() -> None:
    system = load()
    cim = compile_system(system)
    result = pathways(cim, system.periods, system.present.scenario)
    assert next(n.label for n in result.nodes if n.period == 0) == system.periods.labels[0]
    cw = cim.descriptor_ids.index("china_west")
    confrontation = cim.variant_ids[cw].index("confrontation")
    reached = [n for n in result.nodes if n.scenario[cw] == confrontation]
    assert reached, "some pathway from late 2024 leads to confrontation"
    by_id = {n.id: n for n in result.nodes}
    for node in reached:
        stack = list(node.children)
        while stack:
            child = by_id[stack.pop()]
            assert child.scenario[cw] == confrontation  # irreversible
            stack.extend(child.children)
    assert result.splits(), "the present branches into several futures"
