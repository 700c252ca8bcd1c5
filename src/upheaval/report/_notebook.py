"""Rich display in notebooks, attached from the view side.

The core's classes know nothing of HTML; importing this module gives them a ``_repr_html_``
that Jupyter calls: a system (summary, actors, descriptors, network figure), a scenario set
(a tableau), the actor network, its camps and a scenario's change to it. ``import upheaval``
attaches them when it runs under IPython, and on first use of any name of the front door.
"""

from __future__ import annotations

from upheaval.cib._search import ScenarioSet
from upheaval.model._schema import System
from upheaval.network._camps import CampPartition
from upheaval.network._diff import NetworkDiff
from upheaval.network._graph import ActorNetwork

__all__: list[str] = []


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


for _cls, _fn in (
    (System, _system),
    (ScenarioSet, _scenarios),
    (ActorNetwork, _network),
    (CampPartition, _camps),
    (NetworkDiff, _diff),
):
    _cls._repr_html_ = _fn  # type: ignore[attr-defined]
