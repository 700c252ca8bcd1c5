"""Write an actor network as GraphML, GEXF (Gephi) or node-link JSON, chosen by the file's suffix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx

from upheaval._io import write_text_atomic
from upheaval._json import dumps
from upheaval.errors import UpheavalError

__all__ = ["NETWORK_FORMATS", "network_json", "write_network"]

NETWORK_FORMATS = {".graphml": "GraphML", ".gexf": "GEXF", ".json": "node-link JSON"}


def _flat(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return value


def _flat_graph(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose attributes are scalars (lists joined with ``; ``, missing values dropped)."""
    H = nx.MultiDiGraph()
    H.graph.update({k: _flat(v) for k, v in G.graph.items() if v is not None})
    for n, d in G.nodes(data=True):
        H.add_node(n, **{k: _flat(v) for k, v in d.items() if v is not None})
    for u, v, k, d in G.edges(keys=True, data=True):
        H.add_edge(u, v, key=k, **{a: _flat(x) for a, x in d.items() if x is not None})
    return H


def network_json(G: nx.MultiDiGraph) -> dict:
    """The network as networkx node-link data (``nodes``, ``edges``), lists kept as lists."""
    return nx.node_link_data(G, edges="edges")


def write_network(G: nx.MultiDiGraph, path: str | Path) -> Path:
    """Write ``G`` to ``path`` atomically; the suffix picks the format.

    ``.graphml`` (GraphML, for yEd, Cytoscape, networkx), ``.gexf`` (GEXF 1.2, for Gephi)
    or ``.json`` (networkx node-link JSON). In GraphML and GEXF, list attributes such as
    citations are joined with ``; `` and missing values are left out.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".graphml":
        text = "\n".join(nx.generate_graphml(_flat_graph(G), prettyprint=True)) + "\n"
    elif suffix == ".gexf":
        text = "\n".join(nx.generate_gexf(_flat_graph(G), prettyprint=True)) + "\n"
    elif suffix == ".json":
        text = dumps(network_json(G)) + "\n"
    else:
        raise UpheavalError(
            f"cannot write a network to {path.name}: unknown suffix {suffix or '(none)'}; "
            f"use one of {', '.join(NETWORK_FORMATS)}"
        )
    write_text_atomic(path, text)
    return path
