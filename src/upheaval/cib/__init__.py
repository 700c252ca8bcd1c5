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
    estimate_search,
    find_consistent,
    heuristic_search,
)
from upheaval.cib._search import (
    check_random_state as check_random_state,
)
from upheaval.cib._succession import SuccessionResult, succession, succession_weights

# Names imported above but not listed here (``x as x``) are plumbing the project's own packages share;
# they may change without notice. ``__all__`` is the public API.
__all__ = [
    "CrossImpactMatrix",
    "Intervention",
    "ScenarioSet",
    "SearchEstimate",
    "SuccessionResult",
    "all_scenarios",
    "brute_force_consistent",
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
