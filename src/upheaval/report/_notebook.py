"""Rich display in notebooks, attached from the view side.

The core's classes know nothing of HTML; :func:`attach_notebook_display` gives them a ``_repr_html_``
that Jupyter calls: a system (summary, actors, descriptors, network figure), a scenario set
(a tableau), the actor network, its camps and a scenario's change to it. ``import upheaval``
attaches them when it runs under IPython, and on first use of any name of the front door.
"""

from __future__ import annotations

from upheaval.cib import ScenarioSet
from upheaval.model import System
from upheaval.network import ActorNetwork, CampPartition, NetworkDiff

__all__ = ["attach_notebook_display"]


def _system(self: System) -> str:
    """Summary, actors, descriptors and the network figure."""
    from upheaval.report._html import system_html

    return system_html(self)


def _scenarios(self: ScenarioSet) -> str:
    """The scenarios as a tableau (descriptors as rows) with their measures."""
    from upheaval.report._html import scenario_set_html

    return scenario_set_html(self)


def _network(self: ActorNetwork) -> str:
    """The network figure and its ties as a table."""
    from upheaval.report._html import network_html

    return network_html(self)


def _camps(self: CampPartition) -> str:
    """The camps and how well the signed ties agree with them."""
    from upheaval.report._html import camps_html

    return camps_html(self)


def _diff(self: NetworkDiff) -> str:
    """Ties a scenario adds, removes and changes."""
    from upheaval.report._html import diff_html

    return diff_html(self)


def attach_notebook_display() -> None:
    """Give the core's classes the ``_repr_html_`` Jupyter calls (idempotent)."""
    for cls, fn in (
        (System, _system),
        (ScenarioSet, _scenarios),
        (ActorNetwork, _network),
        (CampPartition, _camps),
        (NetworkDiff, _diff),
    ):
        cls._repr_html_ = fn  # type: ignore[attr-defined]


attach_notebook_display()  # importing this module attaches them too
