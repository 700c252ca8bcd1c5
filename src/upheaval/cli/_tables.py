"""Terminal tables that fit the width without hiding anything, and the CSV files that hold the same rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.table import Table

__all__ = ["per_tableau", "scenario_tableaus", "write_csv"]

_DESC_WIDTH = 22  # the descriptor column, wrapped beyond this
_CELL_WIDTH = 11  # a scenario column, wrapped beyond this
_CELL_COST = _CELL_WIDTH + 3  # with padding and border


def per_tableau(width: int, n: int) -> int:
    """How many scenario columns fit beside the descriptor column in ``width`` characters (at least 1)."""
    room = width - (_DESC_WIDTH + 4) - 1
    fit = max(1, room // _CELL_COST)
    if n <= fit:
        return n
    # spread evenly: 20 scenarios at 3 a table are 7 tables of 3, 3, ..., 2 rather than 6 of 3 and one of 2
    tables = -(-n // fit)
    return -(-n // tables)


def scenario_tableaus(
    system: Any, result: Any, labels: Any, title: str, width: int, measures: bool = True
) -> list[Table]:
    """The scenario tableau, one column per scenario and one row per descriptor, as several tables of
    N scenarios when they do not all fit in ``width``; every scenario and descriptor is shown."""
    n = len(result)
    step = per_tableau(width, n)
    out = []
    for lo in range(0, n, step):
        hi = min(n, lo + step)
        part = f", {lo + 1}-{hi} of {n}" if step < n else ""
        cell = max(_CELL_WIDTH, min(24, (width - (_DESC_WIDTH + 4) - 1) // (hi - lo) - 3))
        table = Table(title=title + part, header_style="bold", title_justify="left")
        table.add_column("descriptor", style="cyan", max_width=_DESC_WIDTH, overflow="fold")
        for k in range(lo, hi):
            label = labels.label(result.indices[k])
            table.add_column(label, max_width=cell, overflow="fold")
        for d, desc in enumerate(system.descriptors):
            table.add_row(desc.label, *(desc.variants[int(result.indices[k][d])].label for k in range(lo, hi)))
        if measures:
            table.add_section()
            table.add_row("total impact score", *(str(int(x)) for x in result.total_impact_score[lo:hi]), style="dim")
            table.add_row("inconsistency", *(str(int(x)) for x in result.inconsistency[lo:hi]), style="dim")
            table.add_row("consistency value", *(str(int(x)) for x in result.consistency_value[lo:hi]), style="dim")
        out.append(table)
    return out


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Write one CSV file (UTF-8, a header row) atomically: a reader sees the old file or the whole new one."""
    from upheaval._io import write_text_atomic

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    write_text_atomic(Path(path), buf.getvalue())


def scenario_csv_rows(system: Any, labels: Any, indices: Sequence[Sequence[int]]) -> tuple[list[str], list[list[str]]]:
    """Label, future name and one variant id per descriptor for each scenario: the leading CSV columns."""
    header = ["label", "future", *(d.id for d in system.descriptors)]
    rows = [
        [labels.key(row), labels.name(row), *(d.variants[int(row[i])].id for i, d in enumerate(system.descriptors))]
        for row in indices
    ]
    return header, rows
