"""Exact agreement with ScenarioWizard's own solution lists (the oracle files in tests/data/scenariowizard)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from upheaval.cib import compile_system, find_consistent, succession_weights
from upheaval.formats import read_scw, read_sl

ORACLES = Path(__file__).parent / "data" / "scenariowizard"
WITH_SL = sorted(p.stem for p in ORACLES.glob("*.sl"))


def test_oracle_files_are_present_with_their_licence():
    assert (ORACLES / "LICENSE").exists()
    assert len(WITH_SL) == 4
    assert len(list(ORACLES.glob("*.scw"))) == 5


@pytest.mark.parametrize("kernel", ["numpy", "kernels"])
@pytest.mark.parametrize("stem", WITH_SL)
def test_consistent_set_and_measures_match_scenariowizard(stem, kernel):
    """Both search paths (numpy, compiled kernels) give ScenarioWizard's lists exactly, on the whole space
    (408 million scenarios for CIB_nested: the numpy search prunes as the kernels do)."""
    cim = compile_system(read_scw(ORACLES / f"{stem}.scw"))
    records = read_sl(ORACLES / f"{stem}.sl")
    found = find_consistent(cim, _kernel=kernel)
    assert found.complete
    got = {
        tuple(int(x) for x in row): (int(c), int(i), int(t))
        for row, c, i, t in zip(
            found.indices, found.consistency_value, found.inconsistency, found.total_impact_score, strict=True
        )
    }
    want = {r.indices: (r.consistency_value, r.inconsistency, r.total_impact_score) for r in records}
    assert got == want


def test_global_signatures_and_weights():
    cim = compile_system(read_scw(ORACLES / "CIB_global.scw"))
    found = find_consistent(cim)
    assert sorted(found.signatures().tolist()) == [13, 16, 20, 21]
    records = read_sl(ORACLES / "CIB_global.sl")
    weights = succession_weights(cim, [r.indices for r in records])
    assert weights.tolist() == [int(r.weight) for r in records] == [4, 12, 1, 2]


@pytest.mark.parametrize("stem", ["CIB_natl_regional", "CIB_nested_simplified_standardized"])
def test_diagonal_blocks_matter(stem):
    system = read_scw(ORACLES / f"{stem}.scw")
    assert any(i.diagonal for i in system.impacts)
    cim = compile_system(system)
    values = cim.values.copy()
    for off, size in zip(cim.offsets, cim.sizes, strict=True):
        values[off : off + size, off : off + size] = 0
    without = find_consistent(type(cim)(values, cim.sizes))
    assert len(without) < len(find_consistent(cim))


def test_nonstandard_file_reads_and_searches():
    cim = compile_system(read_scw(ORACLES / "CIB_nested_simplified_nonstandard.scw"))
    assert cim.n_scenarios == 22_674_816
    found = find_consistent(cim)
    assert len(found) > 0 and (found.inconsistency == 0).all()


def test_large_weights_read_as_floats():
    records = read_sl(ORACLES / "CIB_nested.sl")
    assert records[0].weight == pytest.approx(1.677722e7)
    assert np.all(np.diff([r.weight for r in records]) <= 0)
