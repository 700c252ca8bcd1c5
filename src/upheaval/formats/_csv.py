"""Cross-impact matrices as CSV: a header row and column of ``descriptor.variant`` names."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from upheaval._system_arg import accepts_system
from upheaval.errors import ModelError, Problem

__all__ = ["read_matrix_csv", "write_matrix_csv"]


@accepts_system("cim", to="matrix")
def write_matrix_csv(cim, path: str | Path) -> None:
    """Write a :class:`upheaval.cib.CrossImpactMatrix` as CSV, atomically.

    The first row and column name each variant ``descriptor.variant``; cell ``[r, c]`` is the
    impact of variant ``r`` (acting) on variant ``c`` (acted on), as in Weimer-Jehle (2006).
    """
    from upheaval._io import write_text_atomic

    names = [f"{d}.{v}" for d, vs in zip(cim.descriptor_ids, cim.variant_ids, strict=True) for v in vs]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["", *names])
    for name, row in zip(names, cim.values, strict=True):
        w.writerow([name, *(int(x) for x in row)])
    write_text_atomic(path, buf.getvalue())


def read_matrix_csv(path: str | Path):
    """Read a matrix written by :func:`write_matrix_csv` back into a :class:`upheaval.cib.CrossImpactMatrix`.

    Raises :class:`upheaval.errors.ModelError` (with the line) for a malformed file.
    """
    from upheaval.cib import CrossImpactMatrix

    path = Path(path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))

    def fail(line: int, msg: str, help: str) -> ModelError:
        src = ",".join(rows[line - 1]) if 0 < line <= len(rows) else ""
        return ModelError(str(path), [Problem("bad-matrix-csv", msg, line=line, column=1, help=help, source_line=src)])

    if not rows:
        raise fail(1, "the file is empty", "write a header row of descriptor.variant names")
    names = rows[0][1:]
    descs: list[str] = []
    variants: list[list[str]] = []
    for name in names:
        d, dot, v = name.partition(".")
        if not dot:
            raise fail(1, f"column `{name}` is not `descriptor.variant`", "name columns descriptor.variant")
        if not descs or descs[-1] != d:
            descs.append(d)
            variants.append([])
        variants[-1].append(v)
    n = len(names)
    if len(rows) - 1 != n:
        raise fail(len(rows), f"{len(rows) - 1} matrix rows for {n} columns", "the matrix must be square")
    values = np.zeros((n, n), dtype=np.int64)
    for r, row in enumerate(rows[1:], start=2):
        if len(row) != n + 1:
            raise fail(r, f"row has {len(row) - 1} cells; expected {n}", "every row needs one cell per column")
        try:
            values[r - 2] = [int(x) for x in row[1:]]
        except ValueError:
            raise fail(r, "a cell is not an integer", "cells are integers such as 0 or -2") from None
    return CrossImpactMatrix(values, tuple(len(v) for v in variants), tuple(descs), tuple(tuple(v) for v in variants))
