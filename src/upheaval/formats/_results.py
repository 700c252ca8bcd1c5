"""Scenario sets written row by row, in bounded memory: CSV, compact JSON and Parquet files that hold every scenario.

A search may find hundreds of thousands of consistent scenarios. These writers never build the
whole file in memory: rows are formatted a chunk at a time from the set's index array (one
precomputed string per variant, so a row is a join), and a file is written through a temporary
file renamed over the target (:func:`upheaval._io.atomic_file`), so that it appears whole or not at all.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np

from upheaval._system_arg import accepts_system

__all__ = ["CHUNK_ROWS", "SCENARIO_FORMATS", "scenario_rows_csv", "write_scenarios", "write_scenarios_json"]

CHUNK_ROWS = 16_384  # rows formatted at a time
SCENARIO_FORMATS = {".csv": "csv", ".json": "json", ".parquet": "parquet"}
MEASURES = ("total_impact_score", "inconsistency", "consistency_value")


def _csv_field(text: str) -> str:
    """One CSV field as the csv module writes it (RFC 4180): quoted when it holds a comma, quote or line break."""
    if any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _texts(values: Sequence[str], encode) -> np.ndarray:
    """``encode(v)`` of each value, as an object array; a sequence that needs no encoding is taken as it is."""
    return np.array([encode(v) for v in values], dtype=object)


def _labels_text(labels: Sequence[str], quote: str, before: str = "") -> np.ndarray:
    """The labels' column, each label after ``before`` and between ``quote`` characters; labels that need no
    escaping (``S4``, ``X1``: checked once over their joined text) are not encoded one by one."""
    joined = "".join(labels)
    if quote == '"':
        if _json_text(joined) == f'"{joined}"':
            return np.array([f'{before}"{x}"' for x in labels], dtype=object)
        return _texts(labels, lambda x: before + _json_text(x))
    if not any(c in joined for c in ',"\n\r'):
        return np.array(labels, dtype=object)
    return _texts(labels, _csv_field)


_BLOCK = 65_536  # most combinations of variants formatted ahead for one group of descriptors


class _Joined:
    """The variants of every row, formatted and joined with ``sep``, a group of descriptors at a time.

    Descriptors are grouped so that a group has at most :data:`_BLOCK` combinations of variants; each
    combination's text is formatted once, and a row's text is the join of its groups' texts, looked up by
    the row's combination number (a mixed-radix number of its variant indices).
    """

    def __init__(self, pieces: Sequence[Sequence[str]], sep: str) -> None:
        import itertools

        groups: list[list[int]] = []
        size = _BLOCK + 1
        for i, p in enumerate(pieces):
            if size * len(p) > _BLOCK:
                groups.append([])
                size = 1
            groups[-1].append(i)
            size *= len(p)
        self.sizes = [len(p) for p in pieces]
        self.groups = [
            (g, np.array([sep.join(c) for c in itertools.product(*(pieces[i] for i in g))], dtype=object))
            for g in groups
        ]

    def columns(self, idx: np.ndarray) -> list[np.ndarray]:
        """Each group's text for every row of ``idx`` (variant indices, an array (k, N))."""
        return [
            table[np.ravel_multi_index(tuple(idx[:, i] for i in g), tuple(self.sizes[i] for i in g))]
            for g, table in self.groups
        ]


def _numbers(values: np.ndarray, prefix: str = "") -> np.ndarray:
    """Integers as decimal text after ``prefix`` (an object array), each distinct value formatted once."""
    values = np.asarray(values, dtype=np.int64)
    if not len(values):
        return np.zeros(0, dtype=object)
    lo = int(values.min())
    table = np.array([f"{prefix}{v}" for v in range(lo, int(values.max()) + 1)], dtype=object)
    return table[values - lo]


def _rows(columns: list[np.ndarray], sep: str) -> list[str]:
    """Each row's text: its cells across ``columns`` joined with ``sep``."""
    return list(map(sep.join, zip(*columns, strict=True)))


def scenario_rows_csv(result: Any, labels: Sequence[str], futures: tuple[np.ndarray, Sequence[str]]):
    """The CSV text of a scenario set, a chunk at a time: the header (label, future, one column per
    descriptor holding its variant id, the three measures), then one line per scenario.

    ``labels`` holds each scenario's label; ``futures`` is each scenario's future as a position in a list of
    names, and that list ('' for no future), as :meth:`upheaval.analysis.ScenarioLabels.future_codes` gives.
    """
    cim = result.cim
    n = len(result)
    yield ",".join(["label", "future", *(_csv_field(d) for d in cim.descriptor_ids), *MEASURES]) + "\n"
    variants = _Joined([[_csv_field(v) for v in ids] for ids in cim.variant_ids], ",")
    codes, distinct = futures
    future_text = _texts(distinct, _csv_field)
    label_col = _labels_text(labels, "")
    for lo in range(0, n, CHUNK_ROWS):
        hi = min(n, lo + CHUNK_ROWS)
        columns = [label_col[lo:hi], future_text[codes[lo:hi]], *variants.columns(result.indices[lo:hi])]
        columns += [_numbers(getattr(result, m)[lo:hi]) for m in MEASURES]
        yield "\n".join(_rows(columns, ",")) + "\n"


def _json_header(result: Any, system: Any) -> dict[str, Any]:
    cim = result.cim

    def condition(cond: dict[int, tuple[int, ...]]) -> dict[str, list[str]]:
        return {cim.descriptor_ids[i]: [cim.variant_ids[i][v] for v in vs] for i, vs in cond.items()}

    return {
        "model": system.id,
        "descriptors": [
            {"id": d.id, "label": d.label, "variants": [v.id for v in d.variants]} for d in system.descriptors
        ],
        "fix": condition(result.fix),
        "where": condition(result.where),
        "tolerance": int(result.tolerance),
        "complete": bool(result.complete),
        "seconds": round(float(result.seconds), 6),
        "n_scenarios": len(result),
    }


def _json_text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def scenario_rows_json(result: Any, system: Any, labels: Sequence[str], futures: tuple[np.ndarray, Sequence[str]]):
    """A scenario set as one compact JSON object, a chunk of text at a time.

    The object is ``{"model", "descriptors", "fix", "where", "tolerance", "complete", "seconds",
    "n_scenarios", "scenarios"}``; each scenario is ``{"label", "future", "variants", "indices",
    "total_impact_score", "inconsistency", "consistency_value"}``, the variants' ids and 0-based indices in
    descriptor order (the shape of :func:`upheaval._json.scenario_set_json`, with labels and future names).
    """
    cim = result.cim
    n = len(result)
    head = json.dumps(_json_header(result, system), ensure_ascii=False, separators=(",", ":"))
    yield head[:-1] + ',"scenarios":['
    variants = _Joined([[_json_text(v) for v in ids] for ids in cim.variant_ids], ",")
    numbers = _Joined([[str(k) for k in range(len(ids))] for ids in cim.variant_ids], ",")
    codes, distinct = futures
    future_text = _texts(distinct, lambda v: ',"future":' + _json_text(v) + ',"variants":[')
    label_col = _labels_text(labels, '"', '{"label":')
    for lo in range(0, n, CHUNK_ROWS):
        hi = min(n, lo + CHUNK_ROWS)
        idx = result.indices[lo:hi]
        vs, ks = variants.columns(idx), numbers.columns(idx)
        columns = [label_col[lo:hi], future_text[codes[lo:hi]]]
        for k, col in enumerate(vs):
            columns += [",", col] if k else [col]
        columns.append('],"indices":[')
        for k, col in enumerate(ks):
            columns += [",", col] if k else [col]
        columns.append("]")
        columns += [_numbers(getattr(result, m)[lo:hi], f',"{m}":') for m in MEASURES]
        columns.append("}")
        columns = [c if isinstance(c, np.ndarray) else np.full(hi - lo, c, dtype=object) for c in columns]
        yield ("," if lo else "") + ",".join(_rows(columns, ""))
    yield "]}\n"


@accepts_system("system")
def write_scenarios_json(
    stream: IO[bytes], result: Any, system: Any, labels: Sequence[str], futures: tuple[np.ndarray, Sequence[str]]
) -> None:
    """Write a scenario set as compact JSON to a binary stream (stdout's buffer, say), chunk by chunk."""
    for part in scenario_rows_json(result, system, labels, futures):
        stream.write(part.encode("utf-8"))


def _write_parquet(
    fh: IO[bytes], result: Any, labels: Sequence[str], futures: tuple[np.ndarray, Sequence[str]]
) -> None:
    """One row group per chunk: the label, the future and each descriptor as dictionary-encoded columns (a
    variant id is stored once per file, each row holding its index), then the three measures as int64."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    cim = result.cim
    codes, distinct = futures
    fields = [pa.field("label", pa.string()), pa.field("future", pa.dictionary(pa.int32(), pa.string()))]
    fields += [pa.field(d, pa.dictionary(pa.int32(), pa.string())) for d in cim.descriptor_ids]
    fields += [pa.field(m, pa.int64()) for m in MEASURES]
    schema = pa.schema(fields)
    dictionaries = [pa.array(ids, pa.string()) for ids in cim.variant_ids]
    future_dict = pa.array(distinct, pa.string())
    n = len(result)
    with pq.ParquetWriter(fh, schema) as writer:
        for lo in range(0, max(n, 1), CHUNK_ROWS):
            hi = min(n, lo + CHUNK_ROWS)
            idx = result.indices[lo:hi]
            arrays = [
                pa.array(labels[lo:hi], pa.string()),
                pa.DictionaryArray.from_arrays(pa.array(codes[lo:hi].astype(np.int32)), future_dict),
            ]
            arrays += [
                pa.DictionaryArray.from_arrays(pa.array(idx[:, i].astype(np.int32)), dictionaries[i])
                for i in range(cim.n_descriptors)
            ]
            arrays += [pa.array(np.asarray(getattr(result, m)[lo:hi], dtype=np.int64)) for m in MEASURES]
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema))


@accepts_system("system")
def write_scenarios(
    path: str | Path,
    result: Any,
    system: Any,
    labels: Sequence[str],
    futures: tuple[np.ndarray, Sequence[str]],
    fmt: str | None = None,
) -> Path:
    """Write every scenario of ``result`` to ``path`` as CSV, JSON or Parquet (``fmt``, else by the suffix).

    ``labels`` holds each scenario's label (``S4``), in the set's order; ``futures`` each scenario's future as
    a position in a list of names, and that list ('' for no future), as
    :meth:`upheaval.analysis.ScenarioLabels.future_codes` gives them. The file is written chunk by chunk
    through a temporary file renamed over ``path``.
    """
    from upheaval._io import atomic_file

    path = Path(path)
    fmt = fmt or SCENARIO_FORMATS.get(path.suffix.lower())
    if fmt not in SCENARIO_FORMATS.values():
        raise ValueError(f"cannot write scenarios to {path.name}: use a .csv, .json or .parquet file")
    if len(labels) != len(result) or len(futures[0]) != len(result):
        raise ValueError(f"{len(result)} scenarios need as many labels and futures")
    with atomic_file(path) as fh:
        if fmt == "csv":
            for part in scenario_rows_csv(result, labels, futures):
                fh.write(part.encode("utf-8"))
        elif fmt == "json":
            write_scenarios_json(fh, result, system, labels, futures)
        else:
            _write_parquet(fh, result, labels, futures)
    return path
