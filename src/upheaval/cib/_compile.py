"""Compile a System into the arrays the engine works on."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from upheaval._system_arg import accepts_system
from upheaval.errors import EngineError

__all__ = ["CrossImpactMatrix", "compile_system", "scenario_array"]


@dataclass(frozen=True, eq=False)
class CrossImpactMatrix:
    """A cross-impact matrix: ``values[r, c]`` is the impact of variant row ``r`` on variant column ``c``.

    Variants are numbered descriptor by descriptor; ``sizes[i]`` is descriptor ``i``'s
    number of variants and ``offsets[i]`` the index of its first variant. Diagonal
    blocks (a descriptor acting on itself) are kept and counted in impact balances,
    as ScenarioWizard does. ``scale`` is the bound of a judgement (cells run from
    ``-scale`` to ``+scale``): 3 by default, the system's ``scale`` when compiled from one
    (ScenarioWizard files may use a wider one, e.g. 6).
    """

    values: np.ndarray
    sizes: tuple[int, ...]
    descriptor_ids: tuple[str, ...] = ()
    variant_ids: tuple[tuple[str, ...], ...] = ()
    scale: int = 3
    offsets: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        values = np.ascontiguousarray(self.values, dtype=np.int64)
        total = int(sum(self.sizes))
        if values.shape != (total, total):
            raise EngineError(
                f"matrix shape {values.shape} does not fit descriptor sizes {self.sizes} ({total} variants)"
            )
        if any(s < 1 for s in self.sizes):
            raise EngineError("every descriptor needs at least one variant")
        if int(self.scale) != self.scale or self.scale < 1:
            raise EngineError(f"scale must be a positive integer; got {self.scale!r}")
        object.__setattr__(self, "scale", int(self.scale))
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "offsets", np.concatenate([[0], np.cumsum(self.sizes)[:-1]]).astype(np.int64))
        if not self.descriptor_ids:
            object.__setattr__(self, "descriptor_ids", tuple(f"D{i + 1}" for i in range(len(self.sizes))))
        if not self.variant_ids:
            object.__setattr__(self, "variant_ids", tuple(tuple(f"v{j + 1}" for j in range(n)) for n in self.sizes))

    def with_values(self, values: np.ndarray) -> CrossImpactMatrix:
        """The same descriptors, variants and scale with other cell values."""
        return CrossImpactMatrix(values, self.sizes, self.descriptor_ids, self.variant_ids, self.scale)

    @property
    def n_descriptors(self) -> int:
        """Number of descriptors."""
        return len(self.sizes)

    @property
    def n_scenarios(self) -> int:
        """Number of scenarios (product of the variant counts), as a Python int."""
        n = 1
        for s in self.sizes:
            n *= int(s)
        return n

    def index_of(self, descriptor: str, variant: str | None = None) -> tuple[int, int]:
        """(descriptor index, variant index) of ``descriptor.variant`` or of the pair given."""
        if variant is None:
            descriptor, _, variant = descriptor.partition(".")
        try:
            i = self.descriptor_ids.index(descriptor)
        except ValueError:
            raise EngineError(f"unknown descriptor {descriptor!r}; known: {', '.join(self.descriptor_ids)}") from None
        try:
            return i, self.variant_ids[i].index(variant)
        except ValueError:
            raise EngineError(
                f"descriptor {descriptor!r} has no variant {variant!r}; it has {', '.join(self.variant_ids[i])}"
            ) from None

    def condition_indices(self, condition: Mapping[str, str | Sequence[str]] | None) -> dict[int, list[int]]:
        """Turn ``{descriptor: variant or [variants]}`` into ``{descriptor index: [variant indices]}``."""
        out: dict[int, list[int]] = {}
        for d, vs in (condition or {}).items():
            for v in [vs] if isinstance(vs, str) else vs:
                i, j = self.index_of(d, v)
                out.setdefault(i, []).append(j)
        return out

    def scenario_indices(self, scenario: Mapping[str, str]) -> np.ndarray:
        """A full scenario given by names, as 0-based variant indices in descriptor order."""
        missing = [d for d in self.descriptor_ids if d not in scenario]
        if missing:
            raise EngineError(f"scenario names no variant for {', '.join(missing)}")
        return np.array([self.index_of(d, scenario[d])[1] for d in self.descriptor_ids], dtype=np.int64)

    def scenario_names(self, indices: Sequence[int]) -> dict[str, str]:
        """A scenario given by indices, as ``{descriptor: variant}``."""
        return {
            d: self.variant_ids[i][int(k)] for i, (d, k) in enumerate(zip(self.descriptor_ids, indices, strict=True))
        }


def scenario_array(cim: CrossImpactMatrix, scenario: Sequence[int] | Mapping[str, str] | np.ndarray) -> np.ndarray:
    """A scenario as an int64 array of 0-based variant indices, checked against the matrix.

    Accepts a sequence of indices (one per descriptor) or a mapping ``{descriptor id: variant id}``.
    Raises :class:`upheaval.errors.EngineError` if it does not fit.
    """
    if isinstance(scenario, Mapping):
        return cim.scenario_indices(scenario)
    z = np.asarray(scenario, dtype=np.int64)
    if z.shape != (cim.n_descriptors,):
        raise EngineError(
            f"a scenario needs one variant index per descriptor ({cim.n_descriptors}); got shape {z.shape}"
        )
    sizes = np.asarray(cim.sizes, dtype=np.int64)
    bad = np.flatnonzero((z < 0) | (z >= sizes))
    if bad.size:
        i = int(bad[0])
        raise EngineError(
            f"variant index {int(z[i])} out of range for descriptor {cim.descriptor_ids[i]!r} "
            f"(0..{cim.sizes[i] - 1}); indices are 0-based"
        )
    return z


@accepts_system("system", to="either")
def compile_system(system) -> CrossImpactMatrix:
    """Compile a :class:`upheaval.model.System` into a :class:`CrossImpactMatrix`.

    Cells not judged are 0; several judgement sections on one descriptor pair add up.
    The matrix carries the system's ``scale``. A model path or built-in name is loaded first; a
    CrossImpactMatrix is returned as it is.
    """
    if isinstance(system, CrossImpactMatrix):
        return system
    d_ids = [d.id for d in system.descriptors]
    v_ids = [[v.id for v in d.variants] for d in system.descriptors]
    sizes = [len(v) for v in v_ids]
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    pos = {d: k for k, d in enumerate(d_ids)}
    values = np.zeros((sum(sizes), sum(sizes)), dtype=np.int64)
    for imp in system.impacts:
        i, j = pos[imp.source], pos[imp.target]
        for a, row in imp.values.items():
            r = offsets[i] + v_ids[i].index(a)
            for b, score in row.items():
                values[r, offsets[j] + v_ids[j].index(b)] += score
    return CrossImpactMatrix(
        values, tuple(sizes), tuple(d_ids), tuple(tuple(v) for v in v_ids), int(getattr(system, "scale", 3))
    )
