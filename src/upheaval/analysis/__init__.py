"""Analyses built on the CIB engine: basins, landscape, robustness, sensitivity, ensembles, pathways,
and the decisions built on them: levers, a diverse few, shocks, expert disagreement."""

from upheaval._lazy import lazy_names
from upheaval.analysis._audit import (
    ClaimAudit,
    Dominance,
    SectionTest,
    audit_claims,
    change_sections,
    claim_sections,
    dominance,
)
from upheaval.analysis._basins import Basins, succession_basins
from upheaval.analysis._disagreement import (
    Disagreement,
    DisputedCell,
    Movement,
    apply_answers,
    delphi_sheet,
    disagreement,
    movement,
)
from upheaval.analysis._ensemble import Ensemble, check_same_structure, ensemble
from upheaval.analysis._explain import (
    BalanceRow,
    BalanceView,
    DescriptorBalance,
    explain,
    resolve_scenario,
    row_reason,
)
from upheaval.analysis._labels import ScenarioLabels, scenario_labels
from upheaval.analysis._landscape import Landscape, landscape, scenario_distances
from upheaval.analysis._levers import Holders, Lever, Levers, lever_holders, levers
from upheaval.analysis._pathways import PathNode, Pathways, Transition, pathways
from upheaval.analysis._pick import Pick, pick, pick_key
from upheaval.analysis._robustness import (
    DEFAULT_UNCERTAINTY,
    Robustness,
    robustness,
    sample_matrix,
    uncertainty_matrix,
)
from upheaval.analysis._sensitivity import (
    ImpactChange,
    JudgementEffect,
    Sensitivity,
    editable_impacts,
    inert_descriptors,
    judgement_effects,
    sensitivity,
)
from upheaval.analysis._shocks import ShockPath, ShockResult, shock, shocked_matrix
from upheaval.analysis._targets import Target, resolve_start, resolve_target
from upheaval.analysis._warnings import modelling_warnings, tie_descriptors

__all__ = [
    "DEFAULT_UNCERTAINTY",
    "BalanceRow",
    "BalanceView",
    "Basins",
    "ClaimAudit",
    "DescriptorBalance",
    "Disagreement",
    "DisputedCell",
    "Dominance",
    "Ensemble",
    "Holders",
    "ImpactChange",
    "JudgementEffect",
    "Landscape",
    "Lever",
    "Levers",
    "Movement",
    "PathNode",
    "Pathways",
    "Pick",
    "Robustness",
    "ScenarioLabels",
    "SectionTest",
    "Sensitivity",
    "ShockPath",
    "ShockResult",
    "Target",
    "Transition",
    "apply_answers",
    "audit_claims",
    "change_sections",
    "check_same_structure",
    "claim_sections",
    "delphi_sheet",
    "disagreement",
    "dominance",
    "editable_impacts",
    "ensemble",
    "explain",
    "inert_descriptors",
    "judgement_effects",
    "landscape",
    "lever_holders",
    "levers",
    "modelling_warnings",
    "movement",
    "pathways",
    "pick",
    "pick_key",
    "resolve_scenario",
    "resolve_start",
    "resolve_target",
    "robustness",
    "row_reason",
    "sample_matrix",
    "scenario_distances",
    "scenario_labels",
    "sensitivity",
    "shock",
    "shocked_matrix",
    "succession_basins",
    "tie_descriptors",
    "uncertainty_matrix",
]

# Plumbing the project's own packages share: loaded from these modules on first use, not the public
# API (``__all__``), free to change.
_SHARED = {
    "audit_note": "_audit",
    "wilson_interval": "_basins",
    "future_index": "_labels",
    "classical_mds": "_landscape",
    "check_n_jobs": "_parallel",
    "dask_client": "_parallel",
    "run_chunks": "_parallel",
    "spawn_seeds": "_parallel",
    "split_search": "_split",
    "as_system": "_targets",
    "load_kernels": "_warm",
}

__getattr__ = lazy_names(
    __name__, _SHARED, globals(), {"CellChange": "ImpactChange", "editable_cells": "editable_impacts"}
)
