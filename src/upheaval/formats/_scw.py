"""Read and write ScenarioWizard project files (``.scw``)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from upheaval._system_arg import accepts_system
from upheaval.errors import ModelError, Problem
from upheaval.model import (
    MAX_DESCRIPTORS,
    MAX_NODES,
    MAX_SECTIONS,
    MAX_STRING,
    MAX_TOTAL_VARIANTS,
    MAX_VARIANTS,
    check_file_size,
    check_printable,
)

__all__ = ["read_scw", "write_scw"]

_ID_BAD = re.compile(r"[^A-Za-z0-9_\-]+")
_CELL = re.compile(r"[ \t]*([-+]?[0-9]{1,6})[ \t]*")  # ASCII digits only: not `1_0`, not other scripts' digits
# a whole row of small cells (1 or 2 digits), checked at C speed; any other row is read cell by cell
_ROW = re.compile(r"[ \t]*[-+]?[0-9]{1,2}[ \t]*(?:,[ \t]*[-+]?[0-9]{1,2}[ \t]*)*")
MAX_CELL = 99  # the widest impact scale a model may declare
_HELP_LAYOUT = (
    "a .scw file has the header lines `$ ScenarioWizard ...` and the file name, then sections each ended by a "
    "line starting with `#`: structure, short names, (empty), colours, (empty), the matrix, texts"
)


def _make_id(name: str, taken: set[str], fallback: str) -> str:
    """A valid, unique id (``^[A-Za-z][A-Za-z0-9_-]*$``) derived from a display name."""
    base = _ID_BAD.sub("_", name.strip()).strip("_") or fallback
    if not base[0].isalpha():
        base = f"{fallback}_{base}"
    base = base[:70]
    cand = base
    k = 2
    while cand in taken:
        cand = f"{base}_{k}"
        k += 1
    taken.add(cand)
    return cand


class _Lines:
    """The file's lines with 1-based numbers, and a cursor."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.lines = text.splitlines()
        self.pos = 0

    def problem(self, code: str, message: str, line: int, help: str = "", column: int = 1) -> ModelError:
        src = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return ModelError(
            str(self.path),
            [Problem(code, message, line=line, column=column, help=help or _HELP_LAYOUT, source_line=src)],
        )

    def next(self, what: str) -> str:
        if self.pos >= len(self.lines):
            raise self.problem(
                "missing-section",
                f"the file ends before {what}",
                max(len(self.lines), 1),
                help=_HELP_LAYOUT,
            )
        line = self.lines[self.pos]
        self.pos += 1
        return line

    @property
    def lineno(self) -> int:
        """1-based number of the line last returned by :meth:`next`."""
        return self.pos


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _read_quoted(lines: _Lines) -> str:
    """A VB-style quoted string (``""`` escapes a quote), possibly over several lines."""
    first = lines.next("a quoted text")
    start = lines.lineno
    if not first.startswith('"'):
        raise lines.problem("bad-text", "expected a quoted text", start, help='texts are written as "..."')
    buf, pos = first, 1
    parts: list[str] = []
    while True:
        i = buf.find('"', pos)
        if i < 0:
            parts += [buf[pos:], "\n"]
            if lines.pos >= len(lines.lines):
                raise lines.problem("bad-text", "a quoted text is never closed", start, help='close the text with "')
            buf, pos = lines.next("the end of a quoted text"), 0
        elif buf[i + 1 : i + 2] == '"':
            parts.append(buf[pos : i + 1])
            pos = i + 2
        else:
            parts.append(buf[pos:i])
            return "".join(parts)


def read_scw(path: str | Path):
    """Read a ScenarioWizard ``.scw`` project into a :class:`upheaval.model.System`.

    The structure (descriptors and variants) and the cross-impact matrix are read; nonzero
    diagonal blocks become ``Impact(diagonal=True)``, as ScenarioWizard counts them in the
    impact balance (Weimer-Jehle 2006). Descriptor and variant names become valid ids
    (the original name is kept as ``label``); descriptions and judgement texts become the
    descriptors' ``description`` and the impacts' ``rationale``. The system id is the file
    stem and its title the file name (the format holds neither); ``as_of`` is None (the
    format holds no date, and none is invented); the project text becomes the description.
    Accepts LF and CRLF, UTF-8 and Windows-1252.

    Raises
    ------
    upheaval.errors.ModelError
        With file, line and a help text, for missing sections, a wrong row width or a
        cell that is not an integer.

    References
    ----------
    .. [1] W. Weimer-Jehle: Cross-impact balances: A system-theoretical approach to
       cross-impact analysis. Technological Forecasting & Social Change 73:334--361, 2006.
    """
    path = Path(path)
    check_file_size(path)
    text = _decode(path.read_bytes())
    check_printable(text, path)
    lines = _Lines(path, text)
    head = lines.next("the header")
    if not head.startswith("$"):
        raise lines.problem(
            "not-scw",
            "this does not look like a ScenarioWizard file",
            1,
            help="line 1 should be `$ ScenarioWizard 4.0`",
        )
    lines.next("the file name line")
    # section 0: structure
    descriptors: list[tuple[str, list[str], int]] = []
    n_total = 0
    while True:
        line = lines.next("the end of the structure section (a `#` line)")
        if line.startswith("#"):
            break
        if len(line) > MAX_STRING:
            raise lines.problem("too-long", f"a name of {len(line):,} characters", lines.lineno, help="shorten it")
        if line.startswith("&"):
            descriptors.append((line[1:].strip(), [], lines.lineno))
            if len(descriptors) > MAX_DESCRIPTORS:
                raise lines.problem(
                    "too-many",
                    f"more than {MAX_DESCRIPTORS:,} descriptors",
                    lines.lineno,
                    help="a model holds at most this many",
                )
        elif line.startswith(" -") or line.startswith("-"):
            if not descriptors:
                raise lines.problem(
                    "bad-structure", "a variant before any descriptor", lines.lineno, help="start with `&Descriptor`"
                )
            descriptors[-1][1].append(line.split("-", 1)[1].strip())
            n_var = len(descriptors[-1][1])
            if n_var > MAX_VARIANTS:
                raise lines.problem(
                    "too-many",
                    f"more than {MAX_VARIANTS} variants in one descriptor",
                    lines.lineno,
                    help="split the descriptor",
                )
            n_total += 1
            if n_total > MAX_TOTAL_VARIANTS:
                raise lines.problem(
                    "too-many",
                    f"more than {MAX_TOTAL_VARIANTS:,} variants in all",
                    lines.lineno,
                    help="the engine's matrix has one row and one column per variant; a model holds at most this many",
                )
        elif line.strip():
            raise lines.problem(
                "bad-structure",
                "expected `&Descriptor` or ` -Variant`",
                lines.lineno,
                help="descriptor lines start with `&`, variant lines with ` -`",
            )
    if not descriptors:
        raise lines.problem("bad-structure", "no descriptors in the structure section", lines.lineno)
    for name, variants, lineno in descriptors:
        if len(variants) < 2:
            raise lines.problem(
                "bad-structure",
                f"descriptor `{name}` has {len(variants)} variant(s); CIB needs at least two",
                lineno,
                help="add ` -Variant` lines below the descriptor",
            )
    # sections 1-4: short names, (empty), colours, (empty)
    for k in range(1, 5):
        while not lines.next(f"the end of section {k}").startswith("#"):
            pass
    sizes = [len(v) for _, v, _ in descriptors]
    n_var = sum(sizes)
    values = np.zeros((n_var, n_var), dtype=np.int64)
    matrix_start = lines.lineno + 1
    for r in range(n_var):
        line = lines.next(f"matrix row {r + 1} of {n_var}")
        if line.startswith("#"):
            raise lines.problem(
                "missing-rows",
                f"the matrix has {r} rows; the structure has {n_var} variants",
                lines.lineno,
                help="write one matrix row per variant",
            )
        if _ROW.fullmatch(line) and line.count(",") == n_var - 1:  # the common row: parsed in one pass
            values[r] = np.array(line.split(","), dtype=np.int64)
            continue
        cells = line.split(",")
        if len(cells) != n_var:
            raise lines.problem(
                "row-width",
                f"matrix row {r + 1} has {len(cells)} cells; the structure has {n_var} variants",
                lines.lineno,
                help=f"every row needs {n_var} comma-separated integers",
            )
        col = 1
        for c, cell in enumerate(cells):
            m = _CELL.fullmatch(cell)
            if m is None:
                raise lines.problem(
                    "bad-cell",
                    f"matrix cell `{cell.strip()[:40]}` (row {r + 1}, column {c + 1}) is not an integer",
                    lines.lineno,
                    help="cells are integers such as ` 0 ` or `-2 `, written with the digits 0-9 only",
                    column=col,
                )
            value = int(m.group(1))
            if abs(value) > MAX_CELL:
                raise lines.problem(
                    "out-of-range",
                    f"matrix cell {value} (row {r + 1}, column {c + 1}) is outside -{MAX_CELL}..+{MAX_CELL}",
                    lines.lineno,
                    help=f"impacts are integers from -{MAX_CELL} to +{MAX_CELL}",
                    column=col,
                )
            values[r, c] = value
            col += len(cell) + 1
    sections = _judged_blocks(values, sizes)
    if sections > MAX_SECTIONS:
        raise lines.problem(
            "too-many",
            f"the matrix judges {sections:,} descriptor pairs; a model holds at most {MAX_SECTIONS:,} judgement sections",
            matrix_start,
            help="a model this dense is beyond what the workbench analyses; split it",
        )
    cells = int(np.count_nonzero(values))
    if cells > MAX_NODES:
        raise lines.problem(
            "too-many",
            f"the matrix judges {cells:,} cells; a model holds at most {MAX_NODES:,} values",
            matrix_start,
            help="a model this dense is beyond what the workbench analyses; split it",
        )
    end = lines.next("the `#` line after the matrix")
    if not end.startswith("#"):
        raise lines.problem(
            "extra-rows",
            f"more matrix rows than the {n_var} variants of the structure",
            lines.lineno,
            help="remove the extra row or add the missing variant to the structure",
        )
    # section 6: texts (optional, tolerant)
    descriptions = [""] * len(descriptors)
    judgements: dict[tuple[int, int], str] = {}
    project_text = ""
    try:
        if lines.pos < len(lines.lines) and lines.lines[lines.pos].startswith("# 0-0"):
            lines.next("texts")
            project_text = _read_quoted(lines)
            for i in range(len(descriptors)):
                lines.next("a descriptor text header")
                descriptions[i] = _read_quoted(lines)
            n = len(descriptors)
            for i in range(n):
                for j in range(n):
                    lines.next("a judgement text header")
                    judgements[(i, j)] = _read_quoted(lines)
    except ModelError:
        pass  # texts are optional extras; the structure and matrix are what matters
    return _build_system(path, descriptors, sizes, values, descriptions, judgements, project_text)


def _judged_blocks(values: np.ndarray, sizes: list[int]) -> int:
    """How many descriptor pairs have a non-zero cell (each a judgement section of the system)."""
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    nonzero = (values != 0).astype(np.int64)
    per_row_block = np.add.reduceat(nonzero, offsets[:-1], axis=1)  # rows x descriptors
    per_block = np.add.reduceat(per_row_block, offsets[:-1], axis=0)  # descriptors x descriptors
    return int((per_block > 0).sum())


def _build_system(path, descriptors, sizes, values, descriptions, judgements, project_text=""):
    from upheaval.model import Descriptor, Impact, System, Variant

    taken: set[str] = set()
    d_ids = [_make_id(name, taken, f"D{k + 1}") for k, (name, _, _) in enumerate(descriptors)]
    descs = []
    v_ids_all = []
    for k, (name, variants, _) in enumerate(descriptors):
        vt: set[str] = set()
        v_ids = [_make_id(v, vt, f"v{m + 1}") for m, v in enumerate(variants)]
        v_ids_all.append(v_ids)
        descs.append(
            Descriptor(
                id=d_ids[k],
                label=name or d_ids[k],
                description=descriptions[k],
                variants=[Variant(id=vid, label=v or vid) for vid, v in zip(v_ids, variants, strict=True)],
            )
        )
    # the judged cells grouped by descriptor pair (one pass over the non-zero cells, not one per pair)
    owner = np.repeat(np.arange(len(sizes)), sizes)  # the descriptor of each row and column
    first = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    rows, cols = np.nonzero(values)
    pairs = owner[rows] * len(sizes) + owner[cols]
    order = np.argsort(pairs, kind="stable")  # row-major within each pair
    rows, cols, pairs = rows[order], cols[order], pairs[order]
    cell_values = values[rows, cols].tolist()
    local_rows = (rows - first[owner[rows]]).tolist()
    local_cols = (cols - first[owner[cols]]).tolist()
    bounds = np.flatnonzero(np.diff(pairs)) + 1
    starts = [0, *bounds.tolist()]
    ends = [*bounds.tolist(), len(pairs)]
    blocks: dict[tuple[int, int], dict[str, dict[str, int]]] = {}
    for lo, hi, pair in zip(starts, ends, pairs[starts].tolist() if len(pairs) else [], strict=True):
        i, j = divmod(pair, len(sizes))
        vi, vj = v_ids_all[i], v_ids_all[j]
        block: dict[str, dict[str, int]] = {}
        for k in range(lo, hi):
            block.setdefault(vi[local_rows[k]], {})[vj[local_cols[k]]] = cell_values[k]
        blocks[(i, j)] = block
    impacts = []
    for i, j in sorted(blocks.keys() | {pair for pair, text in judgements.items() if text}):
        fields = {
            "from": d_ids[i],
            "to": d_ids[j],
            "values": blocks.get((i, j), {}),
            "rationale": judgements.get((i, j), ""),
            "diagonal": i == j,
        }
        impacts.append(Impact.model_validate(fields))
    stem = path.stem
    sys_id = _make_id(stem, set(), "scw")
    system = System(
        id=sys_id,
        title=stem,
        as_of=None,  # a .scw file states no date: none is invented
        description=project_text or f"Imported from the ScenarioWizard file {path.name}.",
        scale=max(3, int(np.abs(values).max()) if values.size else 3),
        descriptors=descs,
        impacts=impacts,
    )
    system._document = _import_notes(path)
    return system


def _import_notes(path: Path):
    """The start of the YAML document of an imported system: comments saying what the file did not hold."""
    from ruamel.yaml.comments import CommentedMap

    doc = CommentedMap()
    doc["id"] = None
    doc["title"] = None
    doc.yaml_add_eol_comment(f"{path.name} holds no title: this is its file name", "title")
    return doc


def _vb_int(v: int) -> str:
    return (f" {v}" if v >= 0 else str(v)) + " "


def _vb_text(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


@accepts_system("system")
def write_scw(system, path: str | Path) -> None:
    """Write a :class:`upheaval.model.System` as a ScenarioWizard ``.scw`` project, atomically.

    Reproduces ScenarioWizard 4.0's layout (structure, short names, colours, matrix, texts)
    so that :func:`read_scw` reads back the same matrix and names. Descriptor and variant
    labels are written as the names; the system's description as the project text,
    descriptors' descriptions and each descriptor pair's rationales as the texts. What the
    format cannot hold is listed by :func:`scw_losses`.
    """
    from upheaval._io import write_text_atomic
    from upheaval.cib import compile_system

    path = Path(path)
    cim = compile_system(system)
    out = ["$ ScenarioWizard 4.0", path.name]
    for d in system.descriptors:
        out.append("&" + _one_line(d.label))
        out += [" -" + _one_line(v.label) for v in d.variants]
    out.append("#")
    for d in system.descriptors:
        out.append("&")
        out += [" "] * len(d.variants)
    out.append("#")
    out.append("#")
    out += ["FFFFFF"] * cim.values.shape[0]
    out.append("#")
    out.append("#")
    out += [",".join(_vb_int(int(v)) for v in row) for row in cim.values]
    out.append("#")
    out.append("# 0-0")
    out.append(_vb_text(system.description))
    for d in system.descriptors:
        out.append("# " + _one_line(d.label))
        out.append(_vb_text(d.description))
    rationales: dict[tuple[str, str], list[str]] = {}
    for s in system.impacts:  # grouped once: a lookup per descriptor pair would be quadratic in the sections
        if s.rationale:
            rationales.setdefault((s.source, s.target), []).append(s.rationale)
    for a in system.descriptors:
        for b in system.descriptors:
            out.append(f"# {_one_line(a.label)} -> {_one_line(b.label)}")
            out.append(_vb_text("\n".join(rationales.get((a.id, b.id), []))))
    out += ["#", "#"]
    write_text_atomic(path, ("\r\n".join(out) + "\r\n").encode("cp1252", errors="replace"))


@accepts_system("system")
def scw_losses(system) -> list[str]:
    """What a ``.scw`` file cannot hold of ``system``, as counted phrases (empty when nothing is lost).

    ScenarioWizard's format holds descriptors, variants, the matrix, and texts (a project text,
    one per descriptor and one per descriptor pair); everything else of a system is lost.
    """

    def n(k: int, word: str, plural: str | None = None) -> str:
        return f"{k:,} {word if k == 1 else plural or word + 's'}"

    cites = sum(len(getattr(part, "cites", []) or []) for group in (
        system.ties, system.impacts, system.claims, system.indicators, system.futures, system.shocks)
        for part in group
    ) + (len(system.present.cites) if system.present is not None else 0)  # fmt: skip
    cites += sum(
        len(getattr(r, "cites", []) or []) for i in system.impacts for r in (getattr(i, "rows", None) or {}).values()
    )
    variant_ties = sum(1 for d in system.descriptors for v in d.variants if v.ties is not None)
    rows = sum(len(getattr(i, "rows", None) or {}) for i in system.impacts)
    held = sum(1 for d in system.descriptors if d.held_by)
    lost = [
        (len(system.actors), n(len(system.actors), "actor")),
        (len(system.ties), n(len(system.ties), "tie")),
        (len(system.sources), n(len(system.sources), "source")),
        (len(system.claims), n(len(system.claims), "claim")),
        (len(system.indicators), n(len(system.indicators), "indicator")),
        (len(system.futures), n(len(system.futures), "named future")),
        (len(system.shocks), n(len(system.shocks), "shock")),
        (held, f"who holds {n(held, 'descriptor')} (held_by)"),
        (rows, n(rows, "row rationale")),
        (variant_ties, n(variant_ties, "variant tie change")),
        (cites, n(cites, "citation")),
        (system.present is not None, "the present"),
        (system.periods is not None, "the period plan"),
        (system.as_of is not None, f"the date (as_of {system.as_of})"),
        (True, f"the id `{system.id}` and title"),
        (sum(1 for d in system.descriptors for v in d.variants if v.id != v.label), "variant ids (labels kept)"),
    ]
    return [text for count, text in lost if count] + _uncarried_characters(system)


def _written_texts(system):
    """(field, text) of every text a ``.scw`` file holds, in the order :func:`write_scw` writes them."""
    yield "description", system.description
    for i, d in enumerate(system.descriptors):
        yield f"descriptors[{i}].label", d.label
        yield f"descriptors[{i}].description", d.description
        for j, v in enumerate(d.variants):
            yield f"descriptors[{i}].variants[{j}].label", v.label
    for k, section in enumerate(system.impacts):
        if section.rationale:
            yield f"impacts[{k}].rationale", section.rationale


def _uncarried_characters(system, shown: int = 30) -> list[str]:
    """The characters a ``.scw`` file (Windows-1252 text) cannot hold, each named with the fields it is in.

    They are written as ``?``: "한국" becomes "??". Every such character is named, with its code
    point, and every field holding one (the first ``shown`` of each, then how many more).
    """
    chars: dict[str, list[str]] = {}
    for field, text in _written_texts(system):
        for ch in set(text):
            if ord(ch) > 127:
                try:
                    ch.encode("cp1252")
                except UnicodeEncodeError:
                    chars.setdefault(ch, []).append(field)
    if not chars:
        return []
    fields = sorted({f for fs in chars.values() for f in fs})
    names = [f"{ch} (U+{ord(ch):04X})" for ch in sorted(chars)]
    more_chars = f" and {len(names) - shown:,} more" if len(names) > shown else ""
    more_fields = f" and {len(fields) - shown:,} more" if len(fields) > shown else ""
    return [
        f"{len(chars):,} characters Windows-1252 cannot hold, written as '?': {', '.join(names[:shown])}{more_chars} "
        f"(in {', '.join(fields[:shown])}{more_fields})"
    ]


def _one_line(text: str) -> str:
    return " ".join(text.split())
