"""The example files the README's tour runs: two experts who judge the same descriptors differently."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from upheaval import analysis, cib, load
from upheaval.model import coverage

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_the_experts_share_their_descriptors_and_validate_without_warnings():
    a, b = (load(EXAMPLES / f"expert-{k}.yaml") for k in "ab")
    assert [(d.id, [v.id for v in d.variants]) for d in a.descriptors] == [
        (d.id, [v.id for v in d.variants]) for d in b.descriptors
    ]
    assert not [w for s in (a, b) for w in coverage(s) if w.level == "warning"]


def test_the_ensemble_of_the_two_experts_has_something_to_say():
    """They agree on some futures and not on others: support 2/2 and 1/2 both occur."""
    cims = [cib.compile_system(load(EXAMPLES / f"expert-{k}.yaml")) for k in "ab"]
    assert not np.array_equal(cims[0].values, cims[1].values)
    e = analysis.ensemble(cims, ["expert-a", "expert-b"])
    assert set(e.support.tolist()) == {1, 2}
    own = [cib.find_consistent(c).indices.tolist() for c in cims]
    for k, row in enumerate(e.indices.tolist()):
        assert e.support[k] == sum(row in found for found in own)
