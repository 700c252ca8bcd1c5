"""How a scenario's network differs from the present one: ties added, removed and changed."""

from __future__ import annotations

from dataclasses import dataclass, field

from upheaval._system_arg import accepts_system
from upheaval.model import System, Tie
from upheaval.network._graph import Scenario, scenario_choice, scenario_ties

__all__ = ["NetworkDiff", "network_difference"]


@dataclass(frozen=True)
class NetworkDiff:
    """Ties a scenario adds to, removes from and changes in the present network.

    ``changed`` holds ``(present tie, scenario tie)`` pairs that share an id but differ.
    ``by_variant`` says which chosen variant (``descriptor=variant``) brought each tie id
    in or out. ``frustration_before`` / ``frustration_after`` are the structural-balance
    frustration of the present and the scenario network (see :func:`camps`).
    """

    scenario: dict[str, str]
    added: list[Tie] = field(default_factory=list)
    removed: list[Tie] = field(default_factory=list)
    changed: list[tuple[Tie, Tie]] = field(default_factory=list)
    by_variant: dict[str, str] = field(default_factory=dict)
    frustration_before: int = 0
    frustration_after: int = 0

    @property
    def empty(self) -> bool:
        """True if the scenario leaves the network as it is."""
        return not (self.added or self.removed or self.changed)


@accepts_system("system")
def network_difference(
    system: System,
    scenario: Scenario,
    *,
    present_frustration: int | None = None,
    frustrations: dict[frozenset, int] | None = None,
) -> NetworkDiff:
    """Compare the network under ``scenario`` with the present network (the system's own ties).

    ``present_frustration`` is the present network's frustration when the caller knows it already, and
    ``frustrations`` a dictionary the caller keeps to share the frustration of networks already seen (keyed
    by their ties): a report compares every scenario with the same present, and many scenarios share a network.

    Examples
    --------
    >>> from upheaval import load
    >>> network_difference(load("tests/data/tiny.yaml"), {"x": "hi"}).empty
    True
    """
    from upheaval.network._camps import camps
    from upheaval.network._graph import actor_network

    choice = scenario_choice(system, scenario)
    before = {t.id: t for t in system.ties}
    after = {t.id: t for t in scenario_ties(system, choice)}
    added = [t for k, t in after.items() if k not in before]
    removed = [t for k, t in before.items() if k not in after]
    changed = [(before[k], after[k]) for k in after if k in before and before[k].model_dump() != after[k].model_dump()]
    by_variant: dict[str, str] = {}
    for d in system.descriptors:
        v = next((v for v in d.variants if v.id == choice.get(d.id)), None)
        if v is None or v.ties is None:
            continue
        for t in v.ties.add:
            by_variant[t.id] = f"{d.id}={v.id}"
        for tid in v.ties.remove:
            by_variant[tid] = f"{d.id}={v.id}"
    return NetworkDiff(
        choice,
        added,
        removed,
        changed,
        by_variant,
        camps(actor_network(system)).frustration if present_frustration is None else present_frustration,
        _frustration(system, choice, after, frustrations),
    )


def _frustration(system: System, choice, ties: dict[str, Tie], seen: dict[frozenset, int] | None) -> int:
    """The frustration of the scenario's network, from ``seen`` when a network with the same ties was met."""
    from upheaval.network._camps import camps
    from upheaval.network._graph import actor_network

    key = frozenset((k, t.model_dump_json()) for k, t in ties.items())
    if seen is None or key not in seen:
        value = camps(actor_network(system, choice)).frustration
        if seen is None:
            return value
        seen[key] = value
    return seen[key]
