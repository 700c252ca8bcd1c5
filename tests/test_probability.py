"""Scenario probabilities from indicator evidence: Bayes' rule applied literally, floor, priors, alerts."""

from __future__ import annotations

import datetime as dt
import itertools
import math

import numpy as np
import pytest

from upheaval import load
from upheaval.cib import compile_system
from upheaval.cib._search import find_consistent
from upheaval.errors import EventDataError
from upheaval.events import IndicatorValue, connect, demo_events_path, ingest
from upheaval.events._alerts import parse_alert
from upheaval.events._probability import bayes_factor, posterior, prior_weights, variant_probabilities
from upheaval.events._track import track


@pytest.fixture(scope="module")
def demo_tracking(tmp_path_factory):
    db = tmp_path_factory.mktemp("events") / "events.duckdb"
    ingest([demo_events_path()], db)
    con = connect(db, read_only=True)
    try:
        return track(load(), con, start=dt.date(2024, 6, 1), end=dt.date(2024, 12, 1))
    finally:
        con.close()


def _literal(system, consistent, values, floor, prior):
    """P(s | obs) by the definition: prior times the product of each measured indicator's
    P(observation | s's variant), the likelihoods clipped to [floor, 1 - floor], normalised."""
    joint = []
    for k in range(len(consistent)):
        names = consistent.names(k)
        p = prior[k]
        for ind, val in zip(system.indicators, values, strict=True):
            if val.value is None:
                continue
            did = ind.signals.split(".")[0]
            q = min(max(ind.holds_probability(names[did]), floor), 1 - floor)
            p *= q if val.signals else 1 - q
        joint.append(p)
    total = sum(joint)
    return [j / total for j in joint]


def test_probabilities_follow_bayes_rule_literally(demo_tracking):
    system = demo_tracking.system
    for p in demo_tracking.periods:
        want = _literal(system, demo_tracking.consistent, p.indicators, demo_tracking.floor, demo_tracking.prior)
        assert p.belief.probabilities == pytest.approx(want, rel=1e-9)
        assert p.belief.probabilities.sum() == pytest.approx(1.0)
        assert (p.belief.probabilities > 0).all()  # the floor: no future ruled out
        by_variant = variant_probabilities(demo_tracking.consistent, p.belief.probabilities)
        for did, vs in by_variant.items():
            assert sum(vs.values()) == pytest.approx(1.0), did
        measured = {v.id for v in p.indicators if v.value is not None}
        assert {u.indicator for u in p.belief.updates} == measured


def test_troops_become_likely_when_the_deployment_is_reported(demo_tracking):
    """The demonstration events report the deployment in October (52 PRK->RUS events, threshold 10)."""
    troops = [
        variant_probabilities(demo_tracking.consistent, p.belief.probabilities)["dprk_role"].get("troops", 0.0)
        for p in demo_tracking.periods
    ]
    october = [p.period.start for p in demo_tracking.periods].index(dt.date(2024, 10, 1))
    assert troops[october] > 0.5 > troops[0]
    upd = next(u for u in demo_tracking.periods[october].belief.updates if u.indicator == "dprk_troops_deployed")
    assert upd.holds and upd.ratio > 1 and upd.events and all(e["date"] >= "2024-09-01" for e in upd.events)


def test_bayes_factor_by_hand():
    prior = np.array([0.5, 0.25, 0.25])
    like = np.array([0.8, 0.2, 0.4])
    has = np.array([True, False, False])
    assert bayes_factor(prior, like, has) == pytest.approx(0.8 / 0.3)
    assert bayes_factor(prior, like, np.array([True, True, True])) is None


def test_floor_keeps_a_certain_indicator_from_ruling_out_a_future():
    system = load("tests/data/models/us-dprk-summit-2018.yaml")
    ind = system.indicators[0].model_copy(update={"likelihood": {"high_level": 1.0, "distant": 0.0}})
    system = system.model_copy(update={"indicators": [ind]})
    consistent = find_consistent(compile_system(system), 0)
    prior = prior_weights(system, consistent, "uniform")
    belief = posterior(prior, consistent, [ind], [IndicatorValue(ind.id, 60.0, ind.signals)], 0.05)
    assert (belief.probabilities > 0).all()
    lo, hi = belief.probabilities.min(), belief.probabilities.max()
    assert hi / lo == pytest.approx(0.95 / 0.05)  # at most (1 - floor) / floor
    assert belief.updates[0].likelihood == {"high_level": 0.95, "distant": 0.05}


def test_priors_uniform_weights_and_basins():
    system = load("tests/data/models/us-dprk-summit-2018.yaml")
    cim = compile_system(system)
    consistent = find_consistent(cim, 0)
    assert prior_weights(system, consistent, "uniform") == pytest.approx([1 / 3] * 3)
    weights = [{"match": {"summit": "off"}, "weight": 3}]
    w = prior_weights(system, consistent, weights)
    off = next(k for k in range(len(consistent)) if consistent.names(k)["summit"] == "off")
    assert w[off] == pytest.approx(3 / 5) and w.sum() == pytest.approx(1)
    # basins by the definition: run global succession from every scenario and count the ends
    from upheaval.cib._succession import succession

    ends = []
    for z in itertools.product(*[range(n) for n in cim.sizes]):
        res = succession(cim, np.array(z))
        ends.append(tuple(int(x) for x in res.scenario) if res.end_kind == "consistent" else None)
    b = prior_weights(system, consistent, "basins")
    for k in range(len(consistent)):
        assert b[k] == pytest.approx(
            ends.count(tuple(consistent.indices[k].tolist())) / sum(e is not None for e in ends)
        )
    with pytest.raises(EventDataError, match="unknown prior"):
        prior_weights(system, consistent, "flat")


def test_alerts_parse_and_fire(demo_tracking):
    assert parse_alert("china_support.expanded>=0.4").text == "china_support.expanded >= 0.4"
    with pytest.raises(EventDataError, match="TARGET OP NUMBER"):
        parse_alert("troops are coming")
    system = demo_tracking.system
    from upheaval.events._alerts import alerts_in

    rules = [parse_alert("dprk_role.troops>=0.5"), parse_alert("dprk_troops_deployed>=10")]
    raised = alerts_in(demo_tracking, rules)
    for p, alerts in zip(demo_tracking.periods, raised, strict=True):
        troops = variant_probabilities(demo_tracking.consistent, p.belief.probabilities)["dprk_role"]["troops"]
        value = next(v.value for v in p.indicators if v.id == "dprk_troops_deployed")
        assert any(a["alert"].startswith("dprk_role.troops") for a in alerts) == (troops >= 0.5)
        assert any(a["alert"].startswith("dprk_troops_deployed") for a in alerts) == (value is not None and value >= 10)
    with pytest.raises(EventDataError, match="no indicator, variant"):
        alerts_in(demo_tracking, [parse_alert("nonsense>=1")])
    assert math.isfinite(sum(len(a) for a in raised)) and system.id


def _summit_text() -> str:
    from pathlib import Path

    return (Path(__file__).parent / "data" / "models" / "us-dprk-summit-2018.yaml").read_text(encoding="utf-8")


def test_model_tracking_settings_prior_floor_alerts_and_located_errors(tmp_path):
    from upheaval.errors import ModelError
    from upheaval.model import parse_yaml

    text = _summit_text() + (
        "tracking:\n"
        "  prior: [{match: {summit: 'off'}, weight: 2}]\n"
        "  floor: 0.1\n"
        "  alerts: [{when: 'summit.on >= 0.5', label: summit likely}, {when: 'meetings >= 50'}]\n"
    )
    system = parse_yaml(text, "m.yaml")
    assert system.tracking.floor == 0.1 and system.tracking.alerts[0].label == "summit likely"
    consistent = find_consistent(compile_system(system), 0)
    w = prior_weights(system, consistent)
    assert sorted(w.tolist()) == pytest.approx([0.25, 0.25, 0.5])
    bad = _summit_text().replace(
        "likelihood: {high_level: 0.9, distant: 0.1}", "likelihood: {high_level: 0.9, far: 0.1}"
    )
    with pytest.raises(ModelError) as exc:
        parse_yaml(bad, "m.yaml")
    problem = exc.value.problems[0]
    assert "no variant `far`" in problem.message and problem.line > 0
    with pytest.raises(ModelError):
        parse_yaml(_summit_text().replace("high_level: 0.9,", "high_level: 1.5,"), "m.yaml")
    with pytest.raises(ModelError):
        parse_yaml(text.replace("floor: 0.1", "floor: 0.7"), "m.yaml")
    with pytest.raises(ModelError):
        parse_yaml(text.replace("'summit.on >= 0.5'", "'summit is on'"), "m.yaml")
    with pytest.raises(ModelError) as exc:
        parse_yaml(text.replace("{summit: 'off'}", "{sumit: 'off'}"), "m.yaml")
    assert "unknown descriptor `sumit`" in exc.value.problems[0].message


def test_alerts_declared_in_the_model_are_raised(tmp_path):
    from pathlib import Path

    from upheaval.model import parse_yaml

    icews = Path(__file__).parent / "data" / "icews" / "events.2018.sample.even.tab"
    text = _summit_text() + "tracking:\n  alerts: [{when: 'talks.high_level >= 0.5', label: meetings}]\n"
    system = parse_yaml(text, "m.yaml")
    ingest([icews], tmp_path / "e.duckdb")
    con = connect(tmp_path / "e.duckdb", read_only=True)
    try:
        result = track(system, con, every="1d", alerts=["intent_to_meet >= 12"])
    finally:
        con.close()
    june1, june2 = result.periods
    assert [a["alert"] for a in june1.alerts] == ["talks.high_level >= 0.5"]  # 0.84 on 1 June
    assert june1.alerts[0]["label"] == "meetings"
    assert [a["alert"] for a in june2.alerts] == ["intent_to_meet >= 12"]  # 15 expressions of intent on 2 June
