"""Analyses built on the CIB engine: basins, landscape, robustness, sensitivity, ensembles, pathways."""

from upheaval.analysis._basins import Basins, succession_basins, wilson_interval
from upheaval.analysis._ensemble import Ensemble, check_same_structure, ensemble
from upheaval.analysis._labels import ScenarioLabels, scenario_labels
from upheaval.analysis._landscape import Landscape, classical_mds, landscape, scenario_distances
from upheaval.analysis._parallel import check_n_jobs, run_chunks, spawn_seeds
from upheaval.analysis._pathways import PathNode, Pathways, Transition, pathways
from upheaval.analysis._robustness import Robustness, robustness, sample_matrix, uncertainty_matrix
from upheaval.analysis._sensitivity import CellChange, sensitivity
from upheaval.analysis._split import split_search

__all__ = [
    "Basins",
    "CellChange",
    "Ensemble",
    "Landscape",
    "PathNode",
    "Pathways",
    "Robustness",
    "ScenarioLabels",
    "Transition",
    "check_n_jobs",
    "check_same_structure",
    "classical_mds",
    "ensemble",
    "landscape",
    "pathways",
    "robustness",
    "run_chunks",
    "sample_matrix",
    "scenario_distances",
    "scenario_labels",
    "sensitivity",
    "spawn_seeds",
    "split_search",
    "succession_basins",
    "uncertainty_matrix",
    "wilson_interval",
]
