"""The front door: `import upheaval as uh`, lazy names, a short repr, to_frame, notebook display."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import upheaval as uh
from upheaval.cib import compile_system

MATRIX = np.array([[0, 0, 2, -2], [0, 0, -1, 1], [3, -3, 0, 0], [-1, 1, 0, 0]])


def test_import_upheaval_loads_nothing_heavy():
    code = (
        "import sys, upheaval; "
        "heavy = [m for m in ('numpy', 'numba', 'pydantic', 'networkx', 'pandas', 'matplotlib', 'upheaval.model') "
        "if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_public_names_resolve_and_dir_lists_them():
    assert set(dir(uh)) == set(uh.__all__)
    for name in uh.__all__:
        assert getattr(uh, name) is not None, name
    assert "load_system" not in uh.__all__
    with pytest.warns(DeprecationWarning, match="old name of `upheaval.load`"):
        assert uh.load_system is uh.load
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        uh.nope  # noqa: B018


def test_find_consistent_takes_a_system_or_a_matrix(tiny_path):
    s = uh.load(tiny_path)
    from_system = uh.find_consistent(s)
    from_matrix = uh.find_consistent(compile_system(s))
    assert from_system.indices.tolist() == from_matrix.indices.tolist()
    assert len(from_system) > 0


def test_short_repr_and_frame():
    r = uh.find_consistent(uh.CrossImpactMatrix(MATRIX, (2, 2)))
    assert repr(r) == "<ScenarioSet: 2 consistent scenarios of 4, 2 descriptors, tolerance 0, complete>"
    frame = r.to_frame()
    assert list(frame.index) == ["S1", "S2"]
    assert list(frame.columns) == ["D1", "D2", "inconsistency", "consistency_value", "total_impact_score"]
    assert frame["D1"].tolist() == ["v1", "v2"] and frame["total_impact_score"].tolist() == [5, 2]
    assert list(frame["D1"].cat.categories) == ["v1", "v2"]
    empty = uh.find_consistent(uh.CrossImpactMatrix(MATRIX, (2, 2)), where={0: [0], 1: [1]})
    assert len(empty.to_frame()) == 0
    assert repr(empty) == (
        "<ScenarioSet: 0 consistent scenarios of 4, 2 descriptors, tolerance 0, where D1=v1 D2=v2, complete>"
    )
    fixed = uh.find_consistent(uh.CrossImpactMatrix(MATRIX, (2, 2)), fix={"D1": ["v1", "v2"]})
    assert ", fix D1=v1|v2, " in repr(fixed)


def test_notebook_display_is_attached_from_the_view_side(tiny_path):
    code = (
        f"import upheaval as uh; s = uh.load({str(tiny_path)!r}); r = uh.find_consistent(s); "
        "print(hasattr(s, '_repr_html_'), hasattr(r, '_repr_html_')); "
        "import upheaval.report._notebook; "
        "print('<table' in s._repr_html_(), '<table' in r._repr_html_())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split("\n")[:2] == ["False False", "True True"]


def test_under_ipython_import_upheaval_attaches_the_display():
    code = (
        "import sys, types; sys.modules['IPython'] = types.ModuleType('IPython'); "
        "import upheaval; from upheaval.model import System; print(hasattr(System, '_repr_html_'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "True"
