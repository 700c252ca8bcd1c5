"""Analyses built on the CIB engine: basins, landscape, robustness, sensitivity, ensembles, pathways,
and the decisions built on them: levers, a diverse few, shocks, expert disagreement."""

from upheaval._deprecated import deprecated_names
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
from upheaval.analysis._basins import wilson_interval as wilson_interval
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
from upheaval.analysis._landscape import classical_mds as classical_mds
from upheaval.analysis._levers import Holders, Lever, Levers, lever_holders, levers
from upheaval.analysis._parallel import check_n_jobs as check_n_jobs
from upheaval.analysis._parallel import run_chunks as run_chunks
from upheaval.analysis._parallel import spawn_seeds as spawn_seeds
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
from upheaval.analysis._split import split_search as split_search
from upheaval.analysis._targets import Target, resolve_start, resolve_target
from upheaval.analysis._warm import load_kernels as load_kernels
from upheaval.analysis._warnings import modelling_warnings, tie_descriptors

# Names imported above but not listed here (``x as x``) are plumbing the project's own packages share;
# they may change without notice. ``__all__`` is the public API.
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

__getattr__ = deprecated_names(__name__, {"CellChange": "ImpactChange", "editable_cells": "editable_impacts"})
