"""Setting one judgement in a system's plain data: the compiled matrix holds it there and nowhere else moves."""

from __future__ import annotations

import numpy as np

from upheaval import cib, load
from upheaval.model import System, set_judgement


def test_each_set_judgement_lands_in_its_cell_alone():
    system = load()
    rng = np.random.default_rng(7)
    data = system.model_dump(by_alias=True, exclude_unset=True, exclude_none=True, mode="python")
    before = cib.compile_system(system).values.copy()
    expected = before.copy()
    cim = cib.compile_system(system)
    pairs = [(s, t) for s in system.descriptors for t in system.descriptors if s.id != t.id]
    for _ in range(40):
        s, t = pairs[rng.integers(len(pairs))]
        a, b = rng.integers(len(s.variants)), rng.integers(len(t.variants))
        value = int(rng.integers(-system.scale, system.scale + 1))
        set_judgement(data, s.id, s.variants[a].id, t.id, t.variants[b].id, value)
        i, j = cim.descriptor_ids.index(s.id), cim.descriptor_ids.index(t.id)
        expected[int(cim.offsets[i]) + a, int(cim.offsets[j]) + b] = value
    after = cib.compile_system(System.model_validate(data)).values
    assert not np.array_equal(after, before)
    np.testing.assert_array_equal(after, expected)
