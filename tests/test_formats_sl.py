"""ScenarioWizard .sl solution lists: reading the oracles, writing and reading back."""

from __future__ import annotations

from pathlib import Path

import pytest

from upheaval.cib import compile_system, find_consistent, succession_weights
from upheaval.errors import ModelError
from upheaval.formats import read_scw, read_sl, write_sl

ORACLES = Path(__file__).parent / "data" / "scenariowizard"


def test_read_global():
    recs = read_sl(ORACLES / "CIB_global.sl")
    assert [r.indices for r in recs] == [(1, 2, 1), (2, 0, 2), (1, 1, 1), (0, 1, 2)]
    assert [r.weight for r in recs] == [4, 12, 1, 2]
    assert [r.total_impact_score for r in recs] == [15, 12, 9, 8]
    assert recs[1].consistency_value == 1 and recs[0].inconsistency == 0 and recs[0].name == ""


@pytest.mark.parametrize("stem", ["CIB_global", "CIB_nested"])
def test_write_then_read_back(stem, tmp_path):
    cim = compile_system(read_scw(ORACLES / f"{stem}.scw"))
    found = find_consistent(cim)
    weights = [1.677722e7 + k for k in range(len(found))] if stem == "CIB_nested" else None
    if stem == "CIB_global":
        weights = succession_weights(cim, found.indices).tolist()
    write_sl(found, tmp_path / "out.sl", weights=weights)
    back = read_sl(tmp_path / "out.sl")
    orig = read_sl(ORACLES / f"{stem}.sl")
    assert {r.indices: r.total_impact_score for r in back} == {r.indices: r.total_impact_score for r in orig}
    assert {r.indices: r.consistency_value for r in back} == {r.indices: r.consistency_value for r in orig}
    if stem == "CIB_global":
        assert {r.indices: r.weight for r in back} == {r.indices: r.weight for r in orig}
        text = (tmp_path / "out.sl").read_text()
        assert text.startswith("$ ScenarioWizard 3.0\nSolution set\n 4 \n\n")
        assert '" 2 3 2",4,0,0,15,""' in text
    else:
        assert "1.677722E+07" in (tmp_path / "out.sl").read_text()


def test_malformed_solution_lists(tmp_path):
    p = tmp_path / "bad.sl"
    p.write_text('$ ScenarioWizard 3.0\nSolution set\n 2 \n\n" 1 2",1,0,0,3,""\n')
    with pytest.raises(ModelError, match="announces 2"):
        read_sl(p)
    p.write_text('$ ScenarioWizard 3.0\nSolution set\n 1 \n\n" 1 x",1,0,0,3,""\n')
    with pytest.raises(ModelError) as err:
        read_sl(p)
    assert err.value.problems[0].line == 5
    p.write_text("nothing\n")
    with pytest.raises(ModelError):
        read_sl(p)
