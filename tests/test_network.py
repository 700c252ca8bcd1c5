"""Tests of the actor network: graph, derived flows, camps and brokers, scenario networks, export, CLI."""

from __future__ import annotations

import json

import networkx as nx
import pytest
from typer.testing import CliRunner

from upheaval import load
from upheaval.cli import app
from upheaval.errors import EngineError, UpheavalError
from upheaval.network import (
    actor_network,
    brokers,
    camps,
    derived_flows,
    network_difference,
    scenario_ties,
    signed_graph,
    write_network,
)
from upheaval.report import _notebook  # noqa: F401 (attaches _repr_html_ to the core classes)

runner = CliRunner()


@pytest.fixture(scope="module")
def builtin():
    return load(None)


@pytest.fixture(scope="module")
def tiny():
    return load("tests/data/tiny.yaml")


SIGNED = """\
id: signed
title: A hand-made signed network
as_of: 2024-01
actors:
  - {code: AAA, name: A, bloc: red}
  - {code: BBB, name: B, bloc: red}
  - {code: CCC, name: C, bloc: red}
  - {code: DDD, name: D, bloc: blue}
  - {code: EEE, name: E, bloc: blue}
  - {code: FFF, name: F}
ties:
  - {id: ab, from: AAA, to: BBB, kind: aid}
  - {id: bc, from: BBB, to: CCC, kind: agreement}
  - {id: ca, from: CCC, to: AAA, kind: munitions}
  - {id: de, from: DDD, to: EEE, kind: alignment}
  - {id: ad, from: AAA, to: DDD, kind: hostility}
  - {id: ce, from: CCC, to: EEE, kind: combat}
  - {id: be, from: BBB, to: EEE, kind: sanctions}
  - {id: cd, from: CCC, to: DDD, kind: aid}
  - {id: ff_opt, from: FFF, to: AAA, kind: aid, status: option}
descriptors:
  - id: x
    label: X
    variants:
      - id: calm
        label: Calm
      - id: war
        label: War
        ties:
          remove: [cd]
          add:
            - {id: ab, from: AAA, to: BBB, kind: aid, amount: 5, unit: tanks, rate: month}
            - {id: fe, from: FFF, to: EEE, kind: payment}
"""


@pytest.fixture(scope="module")
def signed(tmp_path_factory):
    path = tmp_path_factory.mktemp("signed") / "signed.yaml"
    path.write_text(SIGNED, encoding="utf-8")
    return load(path)


def test_actor_network_is_a_typed_multigraph(builtin):
    G = actor_network(builtin)
    assert isinstance(G, nx.MultiDiGraph)
    assert set(G.nodes) == {a.code for a in builtin.actors}
    assert G.number_of_edges() == len(builtin.ties)
    troops = G.edges["PRK", "RUS", "prk_rus_troops"]
    assert (troops["kind"], troops["amount"], troops["unit"], troops["rate"]) == ("troops", 10000, "soldiers", "once")
    assert troops["polarity"] == 1 and troops["cites"]
    assert G.edges["RUS", "UKR", "rus_ukr_war"]["polarity"] == -1
    shown = G._repr_html_()
    assert "<table" in shown and "data:image/png;base64," in shown


def test_derived_flows_of_the_builtin_model_are_exact(builtin):
    flows = {f.unit: f for f in derived_flows(builtin)}
    pay = flows["USD per year"]
    assert pay.value == 10_000 * 2_000 * 12 == 240_000_000
    assert pay.formula == "10,000 soldiers × 2,000 USD per soldier a month × 12 months = 240,000,000 USD a year"
    assert pay.ties == ["prk_rus_troops", "rus_prk_payment"]
    assert any("¶4" in c for c in pay.cites) and any("¶2" in c for c in pay.cites)
    days = flows["days"]
    assert days.value == pytest.approx(10_000 / 1_500)
    assert days.formula == "10,000 soldiers ÷ 1,500 casualties a day ≈ 6.7 days"
    assert days.ties == ["prk_rus_troops", "ukr_rus_casualties"]
    assert any("¶3" in c for c in days.cites)


def test_derived_flows_follow_the_scenario(builtin, tiny):
    # Without the troops there is neither pay for them nor losses offset.
    units = {f.unit for f in derived_flows(builtin, {"dprk_role": "munitions"})}
    assert "USD per year" not in units and "days" not in units
    (yearly,) = derived_flows(tiny)
    assert yearly.value == 60 and yearly.unit == "shipments per year"
    assert yearly.formula == "5 shipments a month × 12 = 60 shipments a year"


def test_bloc_partition_of_a_hand_made_signed_graph(signed):
    part = camps(signed)
    assert sorted(part.camps["red"]) == ["AAA", "BBB", "CCC"]
    assert sorted(part.camps["blue"]) == ["DDD", "EEE"]
    # The option tie is left out, so F has no signed tie at all.
    assert part.camps["unaligned"] == ["FFF"]
    assert part.frustration == 1 and part.frustrated == [("CCC", "DDD", 1)]
    assert part.signed_pairs == 8 and part.exact
    assert part.balance == pytest.approx(7 / 8)
    # Counting options, F's aid to A pulls F into the red camp.
    assert "FFF" in camps(signed, include_options=True).camps["red"]


def test_signed_graph_nets_out_ties_between_a_pair(builtin):
    S = signed_graph(actor_network(builtin))
    # NATO aids Ukraine, Ukraine presses NATO: the two ties cancel.
    assert not S.has_edge("NATO", "UKR")
    assert S.edges["PRK", "RUS"]["sign"] == 1
    assert S.edges["RUS", "UKR"]["sign"] == -1


def test_brokers_rank_by_cooperative_betweenness(signed):
    ranked = brokers(signed)
    by = {b.actor: b for b in ranked}
    # C links the red triangle to D by cooperation across camps; D and E are one pair.
    assert by["CCC"].cooperative_across == 1 and by["CCC"].between_camps
    assert ranked[0].actor == "CCC"
    assert by["DDD"].betweenness > 0
    assert by["AAA"].hostile_degree == 1 and not by["AAA"].between_camps


def test_builtin_camps_follow_the_axis_and_the_west(builtin):
    part = camps(builtin)
    assert set(part.camps["axis"]) == {"RUS", "PRK", "CHN", "IRN"}
    assert {"UKR", "USA", "NATO", "EU", "KOR"} <= set(part.camps["west"])
    ranked = brokers(builtin)
    # each camp's hub leads its camp: Washington between NATO and Kyiv, Moscow among its backers
    assert next(b.actor for b in ranked if b.camp == "west") == "USA"
    assert next(b.actor for b in ranked if b.camp == "axis") == "RUS"


def test_scenario_network_applies_variant_ties(signed):
    ties = {t.id: t for t in scenario_ties(signed, {"x": "war"})}
    assert "cd" not in ties and "fe" in ties and ties["ab"].amount == 5
    diff = network_difference(signed, {"x": "war"})
    assert [t.id for t in diff.added] == ["fe"]
    assert [t.id for t in diff.removed] == ["cd"]
    assert [(a.id, b.amount) for a, b in diff.changed] == [("ab", 5)]
    assert diff.by_variant == {"ab": "x=war", "fe": "x=war", "cd": "x=war"}
    assert diff.frustration_before == 1 and diff.frustration_after == 0
    assert network_difference(signed, [0]).empty
    assert "<table" in diff._repr_html_()


def test_scenario_given_as_indices_and_bad_names(builtin):
    G = actor_network(builtin, [0] * len(builtin.descriptors))  # dprk_role=munitions, war_path=grinding, ...
    assert not G.has_edge("PRK", "RUS", "prk_rus_troops")
    with pytest.raises(EngineError, match="no variant"):
        actor_network(builtin, {"dprk_role": "nope"})
    with pytest.raises(EngineError, match="unknown descriptor"):
        actor_network(builtin, {"nope": "x"})


@pytest.mark.parametrize("suffix", [".graphml", ".gexf"])
def test_export_round_trip(builtin, tmp_path, suffix):
    G = actor_network(builtin, {"war_path": "peace"})
    path = write_network(G, tmp_path / f"net{suffix}")
    H = nx.read_graphml(path) if suffix == ".graphml" else nx.read_gexf(path)
    assert set(H.nodes) == set(G.nodes)
    assert H.number_of_edges() == G.number_of_edges()
    keys = {k for _, _, k in H.edges(keys=True)} if suffix == ".graphml" else {d["id"] for *_, d in H.edges(data=True)}
    assert "usa_rus_deal" in keys
    if suffix == ".graphml":
        edge = H.edges["PRK", "RUS", "prk_rus_troops"]
        assert edge["kind"] == "troops" and float(edge["amount"]) == 10000 and "¶2" in edge["cites"]


def test_export_json_and_unknown_suffix(builtin, tmp_path):
    G = actor_network(builtin)
    data = json.loads(write_network(G, tmp_path / "net.json").read_text(encoding="utf-8"))
    assert {n["id"] for n in data["nodes"]} == set(G.nodes)
    assert len(data["edges"]) == G.number_of_edges()
    assert isinstance(data["edges"][0]["cites"], list)
    with pytest.raises(UpheavalError, match="unknown suffix"):
        write_network(G, tmp_path / "net.csv")
    assert not list(tmp_path.glob(".net*"))  # atomic writes leave no temporary file behind


def test_cli_network_tables_and_json():
    res = runner.invoke(app, ["network"])
    assert res.exit_code == 0, res.output
    for text in ("Camps", "Brokers", "Derived flows", "240,000,000", "6.7"):
        assert text in res.output
    res = runner.invoke(app, ["network", "--json", "--fix", "war_path=peace"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert "usa_rus_deal" in data["added"] and "rus_ukr_war" in data["removed"]
    assert data["brokers"][0]["betweenness"] >= data["brokers"][-1]["betweenness"]


def test_cli_network_export_and_errors(tmp_path):
    out = tmp_path / "n.gexf"
    res = runner.invoke(app, ["network", "tests/data/tiny.yaml", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert nx.read_gexf(out).number_of_edges() == 1
    res = runner.invoke(app, ["network", "-o", str(tmp_path / "n.txt")])
    assert res.exit_code == 2
    res = runner.invoke(app, ["network", "--fix", "dprk_role=nope"])
    assert res.exit_code == 2
    res = runner.invoke(app, ["network", "tests/data/scenariowizard/CIB_nested.scw"])
    assert res.exit_code == 0 and "no actors" in res.output
    res = runner.invoke(app, ["network", "--scenario", "1"])
    assert res.exit_code == 0, res.output
    assert "Ties changed by the scenario" in res.output or "unchanged" in res.output
