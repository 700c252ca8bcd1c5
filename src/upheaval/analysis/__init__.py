"""Analyses built on the CIB engine: basins, landscape, robustness, sensitivity, ensembles, pathways."""

from upheaval.analysis._audit import (
    ClaimAudit,
    Dominance,
    SectionTest,
    audit_claims,
    change_sections,
    claim_sections,
    dominance,
)
from upheaval.analysis._basins import Basins, succession_basins, wilson_interval
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
from upheaval.analysis._landscape import Landscape, classical_mds, landscape, scenario_distances
from upheaval.analysis._parallel import check_n_jobs, run_chunks, spawn_seeds
from upheaval.analysis._pathways import PathNode, Pathways, Transition, pathways
from upheaval.analysis._robustness import (
    DEFAULT_UNCERTAINTY,
    Robustness,
    robustness,
    sample_matrix,
    uncertainty_matrix,
)
from upheaval.analysis._sensitivity import (
    CellChange,
    JudgementEffect,
    Sensitivity,
    editable_cells,
    inert_descriptors,
    judgement_effects,
    sensitivity,
)
from upheaval.analysis._split import split_search
from upheaval.analysis._warm import load_kernels
from upheaval.analysis._warnings import modelling_warnings, tie_descriptors

__all__ = [
    "DEFAULT_UNCERTAINTY",
    "BalanceRow",
    "BalanceView",
    "Basins",
    "CellChange",
    "ClaimAudit",
    "DescriptorBalance",
    "Dominance",
    "Ensemble",
    "JudgementEffect",
    "Landscape",
    "PathNode",
    "Pathways",
    "Robustness",
    "ScenarioLabels",
    "SectionTest",
    "Sensitivity",
    "Transition",
    "audit_claims",
    "change_sections",
    "check_n_jobs",
    "check_same_structure",
    "claim_sections",
    "classical_mds",
    "dominance",
    "editable_cells",
    "ensemble",
    "explain",
    "inert_descriptors",
    "judgement_effects",
    "landscape",
    "load_kernels",
    "modelling_warnings",
    "pathways",
    "resolve_scenario",
    "robustness",
    "row_reason",
    "run_chunks",
    "sample_matrix",
    "scenario_distances",
    "scenario_labels",
    "sensitivity",
    "spawn_seeds",
    "split_search",
    "succession_basins",
    "tie_descriptors",
    "uncertainty_matrix",
    "wilson_interval",
]
