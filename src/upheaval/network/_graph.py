"""The actor network: actors and ties as a typed, directed multigraph, present or under a scenario."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx

from upheaval._system_arg import accepts_system
from upheaval.errors import EngineError
from upheaval.model import System, Tie

__all__ = ["ActorNetwork", "Scenario", "actor_network", "scenario_choice", "scenario_ties", "tie_attributes"]

Scenario = Mapping[str, str] | Sequence[int] | None


class ActorNetwork(nx.MultiDiGraph):
    """A :class:`networkx.MultiDiGraph` of actors and ties that also shows itself as HTML in notebooks.

    Nodes are actor codes; each edge's key is the tie id and its attributes are the tie's
    fields (``kind``, ``label``, ``amount``, ``unit``, ``rate``, ``status``, ``polarity``,
    ``cites``...).
    """


@accepts_system("system")
def scenario_choice(system: System, scenario: Scenario) -> dict[str, str]:
    """A scenario as ``{descriptor id: variant id}``; a mapping may name only some descriptors.

    Accepts ``None`` (no choice: the present network), a mapping, or one 0-based variant
    index per descriptor. Raises :class:`upheaval.errors.EngineError` for unknown names.
    """
    if scenario is None:
        return {}
    if isinstance(scenario, Mapping):
        out = {}
        for d, v in scenario.items():
            try:
                desc = system.descriptor(d)
            except KeyError:
                known = ", ".join(x.id for x in system.descriptors)
                raise EngineError(f"unknown descriptor {d!r}; known: {known}") from None
            if v not in desc.variant_ids():
                raise EngineError(f"descriptor {d!r} has no variant {v!r}; it has {', '.join(desc.variant_ids())}")
            out[d] = v
        return out
    z = [int(k) for k in scenario]
    if len(z) != len(system.descriptors):
        raise EngineError(
            f"a scenario needs one variant index per descriptor ({len(system.descriptors)}); got {len(z)}"
        )
    out = {}
    for d, k in zip(system.descriptors, z, strict=True):
        if not 0 <= k < len(d.variants):
            raise EngineError(f"variant index {k} out of range for descriptor {d.id!r} (0..{len(d.variants) - 1})")
        out[d.id] = d.variants[k].id
    return out


@accepts_system("system")
def scenario_ties(system: System, scenario: Scenario = None) -> list[Tie]:
    """The ties of the network under a scenario.

    Starts from the system's ties (the present situation) and applies, descriptor by
    descriptor, each chosen variant's ``ties.remove`` and then ``ties.add``. An added tie
    whose id is already present replaces it (a changed tie). With no scenario, the
    system's own ties.
    """
    ties: dict[str, Tie] = {t.id: t for t in system.ties}
    choice = scenario_choice(system, scenario)
    for d in system.descriptors:
        if d.id not in choice:
            continue
        variant = next(v for v in d.variants if v.id == choice[d.id])
        if variant.ties is None:
            continue
        for tie_id in variant.ties.remove:
            ties.pop(tie_id, None)
        for tie in variant.ties.add:
            ties[tie.id] = tie
    return list(ties.values())


def tie_attributes(tie: Tie) -> dict[str, Any]:
    """A tie's fields as edge attributes (citations as ``source §section ¶n`` labels).

    A tie of a kind the model declares also carries ``kind_label`` and ``kind_style``.
    """
    return {
        "id": tie.id,
        "kind": tie.kind,
        "label": tie.label,
        "amount": tie.amount,
        "unit": tie.unit,
        "rate": tie.rate,
        "since": tie.since,
        "until": tie.until,
        "status": tie.status,
        "polarity": tie.polarity,
        "cites": [c.label() for c in tie.cites],
    } | ({"kind_label": tie.kind_spec.label, "kind_style": tie.kind_spec.style} if tie.kind_spec else {})


@accepts_system("system")
def actor_network(system: System, scenario: Scenario = None) -> ActorNetwork:
    """Build the typed, directed multigraph of actors (nodes) and ties (edges keyed by tie id).

    Parameters
    ----------
    system : System
    scenario : mapping or sequence of int, optional
        A scenario (``{descriptor: variant}``, possibly partial, or one variant index per
        descriptor): every chosen variant's ``ties.add`` / ``ties.remove`` is applied.
        Omitted, the network of the present situation (the system's own ties).

    Returns
    -------
    ActorNetwork
        A :class:`networkx.MultiDiGraph`. Node attributes: ``name``, ``kind``, ``camp``,
        ``cameo``. Edge attributes: see :func:`tie_attributes`. Graph attributes:
        ``system``, ``title``, ``as_of`` and ``scenario`` (the choice as ``D=V`` text).

    Examples
    --------
    >>> from upheaval import load
    >>> G = actor_network(load("tests/data/tiny.yaml"))
    >>> list(G.edges(keys=True))
    [('AAA', 'BBB', 'aid')]
    """
    choice = scenario_choice(system, scenario)
    G = ActorNetwork(
        system=system.id,
        title=system.title,
        as_of=system.as_of or "",
        scenario=", ".join(f"{d}={v}" for d, v in choice.items()),
    )
    for a in system.actors:
        G.add_node(a.code, name=a.name, kind=a.kind, camp=a.camp, cameo=a.cameo)
    for tie in scenario_ties(system, choice):
        for code in (tie.source, tie.target):
            if code not in G:
                G.add_node(code, name=code, kind="unknown", camp=None, cameo=None)
        G.add_edge(tie.source, tie.target, key=tie.id, **tie_attributes(tie))
    return G
