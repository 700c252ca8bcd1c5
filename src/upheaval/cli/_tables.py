"""Terminal tables that fit the width without hiding anything, and the CSV files that hold the same rows."""

from __future__ import annotations

import csv
import io
import string
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from rich.table import Table
from rich.text import Text

__all__ = [
    "clip_words",
    "compact_tableau",
    "fit_words",
    "fits_one_tableau",
    "member_codes",
    "per_tableau",
    "scenario_tableaus",
    "word_widths",
    "write_csv",
]

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


def _longest_word(texts: Sequence[str]) -> int:
    return max((len(w) for t in texts for w in t.split()), default=1)


def word_widths(
    width: int, columns: Sequence[Sequence[str]], fixed: Sequence[bool], overhead: int | None = None
) -> list[int]:
    """Widths for a table's columns in ``width`` characters that break no word: each column gets at least its
    longest word, a fixed column its longest line, and the room left goes to the wrapping columns in proportion
    to their longest lines. A table takes ``overhead`` characters besides its cells: by default three a column
    (padding and rule) and one more."""
    need = [max((len(line) for t in col for line in str(t).split("\n")), default=1) for col in columns]
    least = [n if f else _longest_word([str(t) for t in col]) for n, col, f in zip(need, columns, fixed, strict=True)]
    room = width - (3 * len(columns) + 1 if overhead is None else overhead) - sum(least)
    extra = [0 if f else max(0, n - m) for n, m, f in zip(need, least, fixed, strict=True)]
    if room <= 0 or not sum(extra):
        return [m + (e if room >= sum(extra) else 0) for m, e in zip(least, extra, strict=True)]
    if room >= sum(extra):
        return [m + e for m, e in zip(least, extra, strict=True)]
    return [m + room * e // sum(extra) for m, e in zip(least, extra, strict=True)]


def fit_words(table: Table, width: int) -> Table:
    """``table`` with its columns' widths set by :func:`word_widths` over their headers and cells, so that in
    ``width`` characters it breaks no word (a ``no_wrap`` column keeps its lines whole)."""
    columns = [
        [Text.from_markup(x).plain if isinstance(x, str) else getattr(x, "plain", str(x)) for x in (c.header, *c.cells)]
        for c in table.columns
    ]
    n = len(columns)
    pad = 2 * n - (0 if table.pad_edge else 2)
    rules = (n - 1) + (2 if table.show_edge else 0) if table.box is not None else 0
    overhead = pad + rules
    for column, w in zip(table.columns, word_widths(width, columns, [c.no_wrap for c in table.columns], overhead),
                         strict=True):  # fmt: skip
        column.width = w
    return table


def fits_one_tableau(system: Any, labels: Sequence[str], width: int, words: Sequence[str] = ()) -> bool:
    """Whether scenarios with these column ``labels`` fit side by side, as words none of which is broken, in one
    tableau of ``width`` characters (``words``: other texts its cells hold)."""
    n = len(labels)
    if per_tableau(width, n) < n:
        return False
    variants = [v.label for d in system.descriptors for v in d.variants]
    cell = max(_longest_word(variants), _longest_word(labels), _longest_word(words))
    desc = _longest_word([d.label for d in system.descriptors] + ["consistency value"])
    return desc + 3 + n * (cell + 3) + 1 <= width


def clip_words(text: str, width: int) -> str:
    """``text`` cut at the last whole word that fits in ``width`` characters, with an ellipsis; never inside a word."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    cut = text[: max(1, width - 1)]
    head = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return head.rstrip(" ,;:") + "…"


def member_codes(n: int) -> list[str]:
    """Column codes of ``n`` ensemble members: A..Z while they last, else M1..Mn."""
    return list(string.ascii_uppercase[:n]) if n <= 26 else [f"M{k + 1}" for k in range(n)]


def _codes(n: int) -> list[str]:
    """Column codes of ``n`` descriptors: a..z while they last, else 1..n."""
    return list(string.ascii_lowercase[:n]) if n <= 26 else [str(k + 1) for k in range(n)]


def compact_tableau(
    system: Any, indices: Any, labels: Any, width: int, limit: int | None = None
) -> tuple[list[Text], list[Text]]:
    """The consistent scenarios as a compact tableau: one line per scenario (its label and future name, wrapped
    at word boundaries), one narrow column per descriptor holding the chosen variant's number, the most common
    variant of each column dimmed; and the key, naming each column's descriptor and numbering its variants.

    At most ``limit`` scenarios are shown (all when None); a descriptor set too wide for ``width`` is shown in
    several blocks of columns. No word is broken: labels wrap between words and the key at its entries.
    """
    idx = np.asarray(indices, dtype=np.int64).reshape(-1, len(system.descriptors))
    shown = idx if limit is None else idx[:limit]
    n_desc = len(system.descriptors)
    codes = _codes(n_desc)
    cell = max(max((len(c) for c in codes), default=1), max(len(str(len(d.variants))) for d in system.descriptors))
    names = [labels.label(row) for row in shown]
    label_width = max((len(x) for x in names), default=8)
    per_block = max(1, (width - min(label_width, 24) - 1) // (cell + 1))
    blocks = [range(lo, min(n_desc, lo + per_block)) for lo in range(0, n_desc, per_block)]
    common = [np.bincount(shown[:, j]).argmax() if len(shown) else -1 for j in range(n_desc)]
    lines: list[Text] = []
    for block in blocks:
        room = width - len(block) * (cell + 1)
        lw = max(12, min(label_width, room))
        head = Text(" " * lw)
        for j in block:
            head.append(" " + codes[j].rjust(cell), style="bold cyan")
        lines.append(head)
        for row, name in zip(shown, names, strict=True):
            parts = textwrap.wrap(name, lw, break_long_words=False, break_on_hyphens=False) or [""]
            line = Text(parts[0].ljust(lw))
            for j in block:
                v = int(row[j])
                line.append(" " + str(v + 1).rjust(cell), style="dim" if v == common[j] else "bold")
            lines.append(line)
            lines.extend(Text(p) for p in parts[1:])
    key: list[Text] = []
    key_indent = " " * (cell + 1)
    for j, d in enumerate(system.descriptors):
        entries = [f"{k + 1} {v.id}" for k, v in enumerate(d.variants)]
        text = f"{codes[j].rjust(cell)} {d.id}: " + "  ".join(entries)
        wrapped = textwrap.wrap(
            text, width, subsequent_indent=key_indent, break_long_words=False, break_on_hyphens=False
        )
        key.extend(Text(w, style="dim") for w in wrapped)
    return lines, key


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
        descs = [d.label for d in system.descriptors]
        table.add_column("descriptor", style="cyan", max_width=_DESC_WIDTH, min_width=_longest_word(descs))
        for k in range(lo, hi):
            label = labels.label(result.indices[k])
            words = [label] + [d.variants[int(result.indices[k][i])].label for i, d in enumerate(system.descriptors)]
            longest = _longest_word(words)
            table.add_column(Text(label), max_width=max(cell, longest), min_width=longest)
        for d, desc in enumerate(system.descriptors):
            table.add_row(
                Text(desc.label), *(Text(desc.variants[int(result.indices[k][d])].label) for k in range(lo, hi))
            )
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
