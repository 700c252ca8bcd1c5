"""The CIB engine: pure functions over a compiled cross-impact matrix (Weimer-Jehle 2006)."""

from upheaval._lazy import lazy_names
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
    SearchPlan,
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
    "SearchPlan",
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

# Plumbing the project's own packages share: loaded from these modules on first use, not the public
# API (``__all__``), free to change.
_SHARED = {
    "batch_measures": "_balance",
    "scenario_array": "_compile",
    "normalize_condition": "_intervene",
    "under_intervention": "_intervene",
    "measures_kernel": "_kernel_measures",
    "succession_step": "_kernel_succession",
    "check_n_jobs": "_parallel",
    "check_random_state": "_search",
    "split_fixings": "_search",
    "numpy_suffices": "_small",
    "compiling": "_warm",
    "successions_from_rows": "_kernel_succession",
}

__getattr__ = lazy_names(__name__, _SHARED, globals())
