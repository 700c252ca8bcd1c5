"""Read and write ScenarioWizard solution lists (``.sl``)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from upheaval.errors import ModelError, Problem

__all__ = ["SolutionRecord", "read_sl", "write_sl"]

_HELP = (
    "a .sl file has `$ ScenarioWizard 3.0`, `Solution set`, the count, a blank line, then one record per line: "
    '" 2 3 2",weight,consistency value,inconsistency,total impact score,"name"'
)


@dataclass(frozen=True)
class SolutionRecord:
    """One scenario of a ScenarioWizard solution list.

    ``indices`` are 0-based variant indices (the file stores them 1-based); ``weight`` is
    the number of start scenarios whose global succession ends here; ``consistency_value``,
    ``inconsistency`` and ``total_impact_score`` are as in Weimer-Jehle (2006).
    """

    indices: tuple[int, ...]
    weight: float
    consistency_value: int
    inconsistency: int
    total_impact_score: int
    name: str = ""


def _problem(path: Path, line: int, message: str, source: str = "") -> ModelError:
    return ModelError(
        str(path), [Problem("bad-solution-list", message, line=line, column=1, help=_HELP, source_line=source)]
    )


def read_sl(path: str | Path) -> list[SolutionRecord]:
    """Read a ScenarioWizard solution list (``.sl``) into :class:`SolutionRecord` objects.

    Raises :class:`upheaval.errors.ModelError` (with the line) when a record cannot be read.
    """
    path = Path(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    lines = text.splitlines()
    if len(lines) < 3 or not lines[0].startswith("$"):
        raise _problem(path, 1, "this does not look like a ScenarioWizard solution list", lines[0] if lines else "")
    try:
        count = int(lines[2].strip())
    except ValueError:
        raise _problem(path, 3, "line 3 should hold the number of scenarios", lines[2]) from None
    records: list[SolutionRecord] = []
    for k, line in enumerate(lines[3:], start=4):
        if not line.strip():
            continue
        try:
            fields = next(csv.reader([line]))
            idx = tuple(int(x) - 1 for x in fields[0].split())
            weight = float(fields[1])
            cval, inc, tis = (int(float(x)) for x in fields[2:5])
            name = fields[5] if len(fields) > 5 else ""
        except (ValueError, IndexError, StopIteration):
            raise _problem(path, k, "this record cannot be read", line) from None
        records.append(SolutionRecord(idx, weight, cval, inc, tis, name))
    if len(records) != count:
        raise _problem(path, 3, f"the header announces {count} scenarios but {len(records)} records follow", lines[2])
    return records


def _vb_number(w: float) -> str:
    """A weight as ScenarioWizard prints it: an integer, or single-precision E-notation from 1e7 on."""
    if float(w).is_integer() and abs(w) < 1e7:
        return str(int(w))
    return f"{w:.6E}"


def write_sl(scenario_set, path: str | Path, weights: Sequence[float] | None = None) -> None:
    """Write a :class:`upheaval.cib.ScenarioSet` as a ScenarioWizard solution list (``.sl``), atomically.

    ``weights`` (one per scenario; 0 when not given) fills the weight column.
    """
    from upheaval._io import write_text_atomic

    n = len(scenario_set)
    if weights is not None and len(weights) != n:
        raise ValueError(f"weights needs one value per scenario ({n}); got {len(weights)}")
    buf = io.StringIO()
    buf.write(f"$ ScenarioWizard 3.0\nSolution set\n {n} \n\n")
    for k in range(n):
        idx = " ".join(str(int(v) + 1) for v in scenario_set.indices[k])
        w = _vb_number(weights[k]) if weights is not None else "0"
        buf.write(
            f'" {idx}",{w},{int(scenario_set.consistency_value[k])},{int(scenario_set.inconsistency[k])},'
            f'{int(scenario_set.total_impact_score[k])},""\n'
        )
    write_text_atomic(path, buf.getvalue())
