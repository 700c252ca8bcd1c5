"""Tests of the figures: each renders to PNG and SVG for the built-in model, CIB_nested.scw and a tiny system."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from typer.testing import CliRunner

from upheaval import cib, load
from upheaval.analysis import classical_mds, scenario_distances
from upheaval.cli import app
from upheaval.report import (
    claims_figure,
    figure_bytes,
    impact_figure,
    landscape_figure,
    matrix_figure,
    network_figure,
    save_figure,
    tableau_figure,
)
from upheaval.report._data import pick_scenario

runner = CliRunner()
NESTED = "tests/data/scenariowizard/CIB_nested.scw"


def _draw_all(system) -> dict[str, Figure]:
    cim = cib.compile_system(system)
    found = cib.find_consistent(cim)
    return {
        "network": network_figure(system),
        "matrix": matrix_figure(system, cim),
        "tableau": tableau_figure(system, found),
        "impact": impact_figure(system, found.indices[0], cim),
        "landscape": landscape_figure(system, 2, cim=cim),
        "claims": claims_figure(system),
    }


@pytest.fixture(scope="module")
def builtin_figures():
    return _draw_all(load(None))


@pytest.mark.parametrize("kind", ["network", "matrix", "tableau", "impact", "landscape", "claims"])
def test_builtin_figure_renders_png_and_svg(builtin_figures, kind):
    fig = builtin_figures[kind]
    assert isinstance(fig, Figure)
    png = figure_bytes(fig, "png", dpi=50)
    assert png.startswith(b"\x89PNG")
    svg = figure_bytes(fig, "svg")
    assert b"<svg" in svg[:500]
    assert b'href="http' not in svg  # nothing to fetch: no linked images or fonts


def test_nested_scw_figures_render():
    system = load(NESTED)
    figs = _draw_all(system)
    for kind, fig in figs.items():
        assert figure_bytes(fig, "png", dpi=40).startswith(b"\x89PNG"), kind
    # A system without actors still gets a network figure that says so.
    assert any("no actors" in t.get_text() for ax in figs["network"].axes for t in ax.texts)


def test_tiny_figures_and_save_by_suffix(tmp_path):
    system = load("tests/data/tiny.yaml")
    figs = _draw_all(system)
    for kind, suffix in (("network", ".png"), ("impact", ".svg"), ("tableau", ".pdf")):
        path = save_figure(figs[kind], tmp_path / f"{kind}{suffix}", dpi=40)
        assert path.stat().st_size > 1000
    with pytest.raises(Exception, match="png"):
        save_figure(Figure(), tmp_path / "x.gif")


def test_network_figure_labels_quantities_and_camps(builtin_figures):
    fig = builtin_figures["network"]
    texts = {t.get_text() for ax in fig.axes for t in ax.texts}
    assert "10,000 soldiers" in texts
    assert "2,000 USD per soldier a month" in texts
    assert "1,500 casualties a day" in texts
    legend = {t.get_text() for leg in fig.legends for t in leg.get_texts()}
    assert {"camp: axis", "camp: west", "hostility and war"} <= legend


def test_network_figure_labels_do_not_overlap(builtin_figures):
    fig = builtin_figures["network"]
    renderer = FigureCanvasAgg(fig).get_renderer()
    ax = fig.axes[0]
    names = [t for t in ax.texts if t.get_text() and t.get_text()[0].isalpha() and len(t.get_text()) > 4]
    boxes = [t.get_window_extent(renderer) for t in names]
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            assert not boxes[i].overlaps(boxes[j]), (names[i].get_text(), names[j].get_text())


def test_classical_mds_recovers_a_line():
    # Three scenarios that differ step by step lie on a line: distances 1, 1, 2.
    idx = np.array([[0, 0], [1, 0], [1, 1]])
    d = scenario_distances(idx)
    assert d.tolist() == [[0, 1, 2], [1, 0, 1], [2, 1, 0]]
    xy, _ = classical_mds(d)
    rebuilt = np.linalg.norm(xy[:, None, :] - xy[None, :, :], axis=2)
    assert np.allclose(rebuilt, d)


def test_pick_scenario_by_number_and_by_fixed_variants():
    system = load("tests/data/tiny.yaml")
    assert pick_scenario(system, 1).tolist() == [0, 0]
    assert pick_scenario(system, None, {"x": "hi"}).tolist() == [1, 1]
    assert pick_scenario(system, None, {"x": "hi", "y": "lo"}).tolist() == [1, 0]  # full: taken as given
    with pytest.raises(Exception, match="no consistent scenario number 9"):
        pick_scenario(system, 9)


@pytest.mark.parametrize("kind", ["matrix", "landscape", "claims"])
def test_cli_figure(tmp_path, kind):
    out = tmp_path / f"{kind}.svg"
    res = runner.invoke(app, ["figure", kind, "tests/data/tiny.yaml", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert out.read_bytes().lstrip().startswith(b"<?xml")


def test_cli_figure_options(tmp_path):
    out = tmp_path / "impact.png"
    res = runner.invoke(app, ["figure", "impact", "tests/data/tiny.yaml", "-o", str(out), "--scenario", "2"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["figure", "network", "-o", str(tmp_path / "n.png"), "--fix", "war_path=peace"])
    assert res.exit_code == 0, res.output
    assert runner.invoke(app, ["figure", "impact", "tests/data/tiny.yaml", "-o", str(out), "-s", "7"]).exit_code == 2
    assert (
        runner.invoke(app, ["figure", "matrix", "tests/data/tiny.yaml", "-o", str(tmp_path / "m.txt")]).exit_code == 2
    )
    assert runner.invoke(app, ["figure", "bogus", "-o", str(out)]).exit_code == 2
