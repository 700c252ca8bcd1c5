"""Camps and brokers: a two-camp partition of the signed actor network, and who stands between the camps."""

from __future__ import annotations

import itertools
import warnings
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from upheaval._system_arg import accepts_system

__all__ = ["Broker", "CampMismatch", "CampPartition", "brokers", "camps", "signed_graph"]

EXACT_LIMIT = 18  # actors with signed ties; above this a local search replaces the exact one


@dataclass(frozen=True)
class CampMismatch:
    """An actor whose declared camp structural balance does not support.

    ``structural`` is the camp structural balance alone puts it in; ``ties`` the signed actor
    pairs (``(other, sign)``) that the declared camps frustrate for this actor: cooperation
    across camps, or hostility within its own.
    """

    actor: str
    declared: str
    structural: str
    ties: list[tuple[str, int]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """``{"actor", "declared", "structural", "ties"}`` (each tie ``[other, sign]``)."""
        return {
            "actor": self.actor,
            "declared": self.declared,
            "structural": self.structural,
            "ties": [[o, s] for o, s in self.ties],
        }

    def sentence(self) -> str:
        """The disagreement in words."""
        why = ", ".join(f"{self.actor}–{o} ({'cooperative' if s > 0 else 'hostile'})" for o, s in self.ties)
        return (
            f"{self.actor} is declared `{self.declared}`; structural balance alone puts it in `{self.structural}`"
            + (f" because of {why}" if why else "")
        )


@dataclass(frozen=True)
class CampPartition:
    """The actors' camps: declared ones where the model declares them, else a two-camp partition by structural balance.

    ``camps`` maps a camp name to its actors; ``camp_of`` maps each actor to its camp (actors
    with no signed tie and no declared camp go to ``unaligned``). ``frustration`` counts the
    signed actor pairs that break these camps: cooperative pairs across camps and hostile pairs
    within one; ``frustrated`` lists them as ``(a, b, sign)``. ``structural`` maps each actor to
    the camp the structural-balance optimum alone gives it (``structural_frustration`` that
    optimum's frustration; ``exact`` whether it was proven by exhaustive search), and
    ``disagreements`` lists the actors whose declared camp differs from it, with the ties why.
    """

    camps: dict[str, list[str]]
    camp_of: dict[str, str]
    frustration: int
    frustrated: list[tuple[str, str, int]] = field(default_factory=list)
    signed_pairs: int = 0
    exact: bool = True
    structural: dict[str, str] = field(default_factory=dict)
    structural_frustration: int = 0
    disagreements: list[CampMismatch] = field(default_factory=list)

    @property
    def balance(self) -> float:
        """Share of signed pairs that agree with the camps (1.0: perfectly balanced)."""
        return 1.0 - self.frustration / self.signed_pairs if self.signed_pairs else 1.0

    def to_json(self) -> dict[str, Any]:
        """The camps as ``upheaval network --json`` and the web API's network give them."""
        return {
            "camps": self.camps,
            "frustration": self.frustration,
            "signed_pairs": self.signed_pairs,
            "balance": round(self.balance, 3),
            "frustrated": [[a, b, s] for a, b, s in self.frustrated],
            "structural": self.structural,
            "structural_frustration": self.structural_frustration,
            "exact": self.exact,
            "disagreements": [d.to_json() for d in self.disagreements],
        }


@dataclass(frozen=True)
class Broker:
    """An actor's position: centrality on the cooperative graph and ties to its own and the other camps."""

    actor: str
    name: str
    camp: str
    betweenness: float
    cooperative_degree: int
    hostile_degree: int
    cooperative_across: int
    hostile_within: int

    @property
    def between_camps(self) -> bool:
        """True if the actor cooperates across camps or is at odds with its own camp."""
        return self.cooperative_across > 0 or self.hostile_within > 0

    def to_json(self) -> dict[str, Any]:
        """The broker as ``upheaval network --json`` gives it."""
        return {
            "actor": self.actor,
            "camp": self.camp,
            "betweenness": self.betweenness,
            "cooperative_degree": self.cooperative_degree,
            "hostile_degree": self.hostile_degree,
            "cooperative_across": self.cooperative_across,
            "hostile_within": self.hostile_within,
            "between_camps": self.between_camps,
        }

    @property
    def between_blocs(self) -> bool:
        """The old name of :attr:`between_camps` (deprecated)."""
        warnings.warn(
            "`Broker.between_blocs` is the old name of `Broker.between_camps`", DeprecationWarning, stacklevel=2
        )
        return self.between_camps


def _include(status: str, include_options: bool) -> bool:
    return include_options or status != "option"


def signed_graph(G: nx.MultiDiGraph, *, include_options: bool = False) -> nx.Graph:
    """Collapse the ties into one signed, undirected edge per actor pair.

    Each tie counts its ``polarity`` (+1 cooperative, −1 hostile); a pair's ``sign`` is the
    sign of the sum, and pairs whose ties cancel out are left out. Ties with status
    ``option`` are left out unless ``include_options``. Edge attributes: ``sign``,
    ``weight`` (|sum|) and ``ties`` (their ids).
    """
    S = nx.Graph()
    S.add_nodes_from(G.nodes(data=True))
    total: Counter = Counter()
    ids: dict[frozenset, list[str]] = {}
    for u, v, key, data in G.edges(keys=True, data=True):
        if u == v or not _include(data.get("status", "reported"), include_options):
            continue
        pair = frozenset((u, v))
        total[pair] += int(data.get("polarity", 1))
        ids.setdefault(pair, []).append(key)
    for pair, s in total.items():
        if s == 0:
            continue
        u, v = sorted(pair)
        S.add_edge(u, v, sign=1 if s > 0 else -1, weight=abs(s), ties=ids[pair])
    return S


def _frustrated(S: nx.Graph, side: dict[str, object]) -> list[tuple[str, str, int]]:
    """The signed pairs that break a partition (``side`` maps each actor to its camp, any hashable)."""
    out = []
    for u, v, d in S.edges(data=True):
        if u not in side or v not in side:
            continue
        same = side[u] == side[v]
        if (d["sign"] > 0 and not same) or (d["sign"] < 0 and same):
            out.append((u, v, d["sign"]))
    return out


def _declared(S: nx.Graph, n: str) -> str | None:
    """The camp an actor declares (``camp:``, or its old name ``bloc:``, which the model mirrors into it), or None."""
    data = S.nodes[n]
    return data.get("camp") or None


def _declared_agreement(S: nx.Graph, side: dict[str, int]) -> int:
    """How well a partition agrees with the actors' declared camps (higher is better)."""
    by_camp: dict[str, Counter] = {}
    for n, s in side.items():
        camp = _declared(S, n)
        if camp:
            by_camp.setdefault(camp, Counter())[s] += 1
    return sum(max(c.values()) for c in by_camp.values())


def _local_search(S: nx.Graph, nodes: list[str]) -> dict[str, int]:
    """Greedy single-actor moves from the spectral split of the signed adjacency matrix."""
    import numpy as np

    A = nx.to_numpy_array(S, nodelist=nodes, weight="sign")
    _vals, vecs = np.linalg.eigh(A)
    side = {n: int(vecs[i, -1] >= 0) for i, n in enumerate(nodes)}
    improved = True
    while improved:
        improved = False
        for n in nodes:
            before = len(_frustrated(S, side))
            side[n] ^= 1
            if len(_frustrated(S, side)) < before:
                improved = True
            else:
                side[n] ^= 1
    return side


@accepts_system("system_or_graph", also=(nx.Graph,))
def camps(system_or_graph, scenario=None, *, include_options: bool = False) -> CampPartition:
    """The actors' camps: declared ones win; structural balance places the rest and is shown beside.

    Cooperative ties should fall within camps and hostile ties between them (Cartwright &
    Harary's structural balance). The two-camp partition that minimises the frustration, the
    number of signed pairs that break this rule, is found for up to 18 connected actors by
    exhaustive search, beyond that by a local search from the spectral split; among equal
    optima the one that best matches the actors' declared camps wins, and its two camps are
    named after the declared camp most of their members share (else ``camp A`` /
    ``camp B``). An actor that declares its camp (``camp:``) is in that camp whatever the
    balance says, the analyst's reading of the text winning over a count of tie kinds; an
    actor that declares none takes its camp from the balance. Where the two disagree, the
    partition names the actor and the ties that pull it across (:class:`CampMismatch`).

    Parameters
    ----------
    system_or_graph : System or networkx.MultiDiGraph
        A system (its network is built, under ``scenario`` if given) or an actor network.
    scenario : optional
        See :func:`actor_network`.
    include_options : bool, default False
        Count ties whose status is ``option`` (possibilities, not facts).

    References
    ----------
    .. [1] D. Cartwright, F. Harary: Structural balance: a generalization of Heider's theory.
       Psychological Review 63(5):277--293, 1956. https://doi.org/10.1037/h0046049
    """
    G = _as_graph(system_or_graph, scenario)
    S = signed_graph(G, include_options=include_options)
    active = sorted(n for n in S.nodes if S.degree(n) > 0)
    exact = len(active) <= EXACT_LIMIT
    best: dict[str, int] = {}
    if active and exact:
        best_key = None
        first, rest = active[0], active[1:]
        for bits in itertools.product((0, 1), repeat=len(rest)):
            side = {first: 0, **dict(zip(rest, bits, strict=True))}
            key = (len(_frustrated(S, side)), -_declared_agreement(S, side), sum(bits))
            if best_key is None or key < best_key:
                best_key, best = key, side
    elif active:
        best = _local_search(S, active)
    names = _camp_names(S, best)
    structural = {n: names[best[n]] if n in best else "unaligned" for n in G.nodes}
    frustrated = _frustrated(S, best) if best else []
    declared = {n: _declared(G, n) for n in G.nodes if _declared(G, n)}
    camp_of = {n: declared.get(n, structural[n]) for n in G.nodes}
    disagreements = []
    if declared:
        shown = {n: camp_of[n] for n in S.nodes if n in camp_of and (S.degree(n) > 0 or n in declared)}
        structural_frustration = len(frustrated)
        frustrated = _frustrated(S, shown)
        for n in G.nodes:
            if n in declared and structural[n] not in (declared[n], "unaligned"):
                ties = [(v if u == n else u, sign) for u, v, sign in frustrated if n in (u, v)]
                disagreements.append(CampMismatch(n, declared[n], structural[n], ties))
    else:
        structural_frustration = len(frustrated)
    camps: dict[str, list[str]] = {}
    for n in G.nodes:
        camps.setdefault(camp_of[n], []).append(n)
    return CampPartition(
        camps,
        camp_of,
        len(frustrated),
        frustrated,
        S.number_of_edges(),
        exact,
        structural,
        structural_frustration,
        disagreements,
    )


def _camp_names(S: nx.Graph, side: dict[str, int]) -> dict[int, str]:
    names = {}
    for s, default in ((0, "camp A"), (1, "camp B")):
        declared = Counter(_declared(S, n) for n in side if side[n] == s and _declared(S, n))
        top = declared.most_common(1)
        names[s] = top[0][0] if top else default
    if names[0] == names[1]:
        names = {0: f"{names[0]} (A)", 1: f"{names[1]} (B)"}
    return names


def _as_graph(system_or_graph, scenario) -> nx.MultiDiGraph:
    if isinstance(system_or_graph, nx.Graph):
        return system_or_graph
    from upheaval.network._graph import actor_network

    return actor_network(system_or_graph, scenario)


@accepts_system("system_or_graph", also=(nx.Graph,))
def brokers(
    system_or_graph, scenario=None, *, partition: CampPartition | None = None, include_options: bool = False
) -> list[Broker]:
    """Rank the actors by brokerage: betweenness on the cooperative graph, then cross-camp ties.

    Betweenness centrality (Brandes' algorithm, normalised) is computed on the undirected
    graph of cooperative actor pairs: an actor scores high when cooperation between others
    runs through it. ``cooperative_across`` counts cooperative pairs with actors of the
    other camp and ``hostile_within`` hostile pairs inside its own camp; an actor with
    either stands between the camps (:attr:`Broker.between_camps`).

    References
    ----------
    .. [1] U. Brandes: A faster algorithm for betweenness centrality. Journal of
       Mathematical Sociology 25(2):163--177, 2001. https://doi.org/10.1080/0022250X.2001.9990249
    """
    G = _as_graph(system_or_graph, scenario)
    part = partition or camps(G, include_options=include_options)
    S = signed_graph(G, include_options=include_options)
    coop = nx.Graph()
    coop.add_nodes_from(S.nodes)
    coop.add_edges_from((u, v) for u, v, d in S.edges(data=True) if d["sign"] > 0)
    bc = nx.betweenness_centrality(coop, normalized=True) if coop.number_of_nodes() > 2 else dict.fromkeys(coop, 0.0)
    out = []
    for n in G.nodes:
        camp = part.camp_of.get(n, "unaligned")
        pos = neg = across = within = 0
        for m in S.neighbors(n):
            sign = S.edges[n, m]["sign"]
            same = part.camp_of.get(m) == camp and camp != "unaligned"
            if sign > 0:
                pos += 1
                across += not same
            else:
                neg += 1
                within += same
        out.append(Broker(n, G.nodes[n].get("name", n), camp, float(bc.get(n, 0.0)), pos, neg, across, within))
    out.sort(key=lambda b: (-b.betweenness, -b.cooperative_across, -b.cooperative_degree, b.actor))
    return out
