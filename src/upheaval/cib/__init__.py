"""The CIB engine: pure functions over a compiled cross-impact matrix (Weimer-Jehle 2006)."""

from upheaval.cib._balance import (
    consistency_value,
    impact_balances,
    inconsistency,
    is_consistent,
    total_impact_score,
)
from upheaval.cib._brute import all_scenarios, brute_force_consistent
from upheaval.cib._compile import CrossImpactMatrix, compile_system
from upheaval.cib._intervene import Intervention, intervene
from upheaval.cib._search import (
    ScenarioSet,
    SearchEstimate,
    check_random_state,
    estimate_search,
    find_consistent,
    heuristic_search,
)
from upheaval.cib._succession import SuccessionResult, succession, succession_weights

__all__ = [
    "CrossImpactMatrix",
    "Intervention",
    "ScenarioSet",
    "SearchEstimate",
    "SuccessionResult",
    "all_scenarios",
    "brute_force_consistent",
    "check_random_state",
    "compile_system",
    "consistency_value",
    "estimate_search",
    "find_consistent",
    "heuristic_search",
    "impact_balances",
    "inconsistency",
    "intervene",
    "is_consistent",
    "succession",
    "succession_weights",
    "total_impact_score",
]
