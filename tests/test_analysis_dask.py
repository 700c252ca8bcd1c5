"""Analyses on a real dask.distributed cluster (loopback) give the single-process results."""

from __future__ import annotations

from pathlib import Path

import distributed
import numpy as np
import pytest

from upheaval import analysis, load
from upheaval.cib import CrossImpactMatrix, compile_system
from upheaval.errors import EngineError

ORACLES = Path(__file__).parent / "data" / "scenariowizard"
SW_DATA = Path(__file__).parent / "data" / "scenariowizard"


def _scw(name: str) -> Path:
    return SW_DATA / name if (SW_DATA / name).exists() else ORACLES / name


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as c:
        yield c


def test_cluster_results_equal_single_process(cluster):
    cim = compile_system(load(_scw("CIB_global.scw")))
    address = cluster.scheduler_address
    # Monte Carlo robustness: same seed, same counts
    a = analysis.robustness(cim, 1, 700, random_state=9)
    b = analysis.robustness(cim, 1, 700, random_state=9, scheduler=address)
    np.testing.assert_array_equal(a.indices, b.indices)
    np.testing.assert_array_equal(a.hits, b.hits)
    # sampled basins
    a = analysis.succession_basins(cim, max_exact=0, n_samples=50_000, random_state=2)
    b = analysis.succession_basins(cim, max_exact=0, n_samples=50_000, random_state=2, scheduler=address)
    np.testing.assert_array_equal(a.ends, b.ends)
    np.testing.assert_array_equal(a.counts, b.counts)
    # exact basins
    b = analysis.succession_basins(cim, scheduler=address)
    assert sorted(b.counts.tolist()) == [1, 2, 4, 12, 17]
    # ensembles and split searches
    rng = np.random.default_rng(0)
    members = [CrossImpactMatrix(cim.values + rng.integers(-1, 2, cim.values.shape), cim.sizes) for _ in range(3)]
    a = analysis.ensemble(members)
    b = analysis.ensemble(members, scheduler=address)
    np.testing.assert_array_equal(a.indices, b.indices)
    np.testing.assert_array_equal(a.members, b.members)
    a = analysis.split_search(cim, 1, n_subtrees=6)
    b = analysis.split_search(cim, 1, n_subtrees=6, scheduler=address)
    np.testing.assert_array_equal(a.indices, b.indices)


def test_unreachable_scheduler_is_a_clear_error():
    cim = compile_system(load(_scw("CIB_global.scw")))
    with pytest.raises(EngineError, match="cannot reach"):
        analysis.robustness(cim, 1, 10, scheduler="tcp://127.0.0.1:1")
