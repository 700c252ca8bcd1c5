"""Signposts: diagnosticity by the definition (mutual information), separated and unseparated pairs."""

from __future__ import annotations

import itertools
import math

import pytest

from upheaval import load
from upheaval.cib import compile_system
from upheaval.cib._search import find_consistent
from upheaval.events._signposts import signposts, signposts_json

SUMMIT = "tests/data/models/us-dprk-summit-2018.yaml"


def _h(p: float) -> float:
    return 0.0 if p in (0.0, 1.0) else -(p * math.log2(p) + (1 - p) * math.log2(1 - p))


@pytest.mark.parametrize("model", [None, SUMMIT])
def test_diagnosticity_is_the_mutual_information_by_definition(model):
    system = load(model)
    consistent = find_consistent(compile_system(system), 0)
    result = signposts(system, consistent)
    n = len(consistent)
    floor = system.tracking.floor
    for s in result.ranked:
        ind = next(i for i in system.indicators if i.id == s.indicator)
        did = ind.signals.split(".")[0]
        like = [min(max(ind.holds_probability(consistent.names(k)[did]), floor), 1 - floor) for k in range(n)]
        prior = [1 / n] * n if system.tracking.prior == "uniform" else list(result.prior)
        mix = sum(p * q for p, q in zip(prior, like, strict=True))
        info = _h(mix) - sum(p * _h(q) for p, q in zip(prior, like, strict=True))
        assert s.diagnosticity == pytest.approx(info, abs=1e-12)
        assert s.likelihoods == pytest.approx(like)
        pairs = [(f"S{a + 1}", f"S{b + 1}") for a, b in itertools.combinations(range(n), 2) if like[a] != like[b]]
        assert s.separates == pairs
    bits = [s.diagnosticity for s in result.ranked]
    assert bits == sorted(bits, reverse=True)


def test_pairs_no_indicator_separates_are_named():
    system = load(SUMMIT)
    # keep only the indicator on `summit`: S2 and S3 (both `on`) then look alike in the data
    only = [i for i in system.indicators if i.signals.startswith("summit.")]
    system = system.model_copy(update={"indicators": only})
    consistent = find_consistent(compile_system(system), 0)
    result = signposts(system, consistent)
    same = [
        (f"S{a + 1}", f"S{b + 1}")
        for a, b in itertools.combinations(range(len(consistent)), 2)
        if consistent.names(a)["summit"] == consistent.names(b)["summit"]
    ]
    assert result.unseparated == same and len(same) == 1
    out = signposts_json(result, consistent)
    assert out["unseparated"] == [list(p) for p in same]
    assert out["indicators"][0]["separates"] and out["futures"][0]["prior"] == pytest.approx(1 / 3)
