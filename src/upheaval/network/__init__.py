"""The actor network: typed ties with quantities, derived flows, camps and brokers, scenario networks, export."""

from upheaval._lazy import lazy_names
from upheaval.network._camps import Broker, CampMismatch, CampPartition, brokers, camps, signed_graph
from upheaval.network._diff import NetworkDiff, network_difference
from upheaval.network._export import NETWORK_FORMATS, network_json, write_network
from upheaval.network._flows import DerivedFlow, derived_flows, format_quantity, tie_quantity
from upheaval.network._graph import ActorNetwork, actor_network, scenario_choice, scenario_ties, tie_attributes

__all__ = [
    "NETWORK_FORMATS",
    "ActorNetwork",
    "Broker",
    "CampMismatch",
    "CampPartition",
    "DerivedFlow",
    "NetworkDiff",
    "actor_network",
    "brokers",
    "camps",
    "derived_flows",
    "format_quantity",
    "network_difference",
    "network_json",
    "scenario_choice",
    "scenario_ties",
    "signed_graph",
    "tie_attributes",
    "tie_quantity",
    "write_network",
]

__getattr__ = lazy_names(
    __name__,
    {},
    globals(),
    {"blocs": "camps", "BlocPartition": "CampPartition", "FORMATS": "NETWORK_FORMATS", "Disagreement": "CampMismatch"},
)
