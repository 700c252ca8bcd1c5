"""The CIB engine: pure functions over a compiled cross-impact matrix."""

from upheaval.cib._brute import all_scenarios, brute_force_consistent
from upheaval.cib._compile import CrossImpactMatrix, compile_system

__all__ = ["CrossImpactMatrix", "all_scenarios", "brute_force_consistent", "compile_system"]
