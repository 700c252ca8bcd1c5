"""Read and write a system as YAML: validation with line-accurate errors, comment-preserving saves."""

from __future__ import annotations

import datetime as _dt
import io
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, TypeAdapter, ValidationError, field_validator
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from upheaval._io import write_text_atomic
from upheaval._system_arg import accepts_system
from upheaval.errors import ModelError, Problem
from upheaval.model._check import cross_check
from upheaval.model._common import Id, _Part, check_partial_date
from upheaval.model._indicator import TrackingSettings
from upheaval.model._limits import (
    MAX_FILE_BYTES,
    UNBUILT,
    Positions,
    check_file_size,
    check_printable,
    check_yaml_version,
    decode_text,
    position,
    scan_yaml,
    source_line,
    yaml_syntax_problem,
)
from upheaval.model._schema import (
    Actor,
    Claim,
    ClaimFieldError,
    Descriptor,
    Future,
    Impact,
    Indicator,
    PeriodPlan,
    Present,
    Shock,
    Source,
    System,
    Tie,
    TieKindSpec,
)

__all__ = ["cross_references", "dump_yaml", "parse_yaml", "read_yaml", "write_yaml"]

_LIST_PARTS: dict[str, type[BaseModel]] = {
    "tie_kinds": TieKindSpec,
    "sources": Source,
    "actors": Actor,
    "ties": Tie,
    "descriptors": Descriptor,
    "impacts": Impact,
    "futures": Future,
    "shocks": Shock,
    "claims": Claim,
    "indicators": Indicator,
}
_OBJECT_PARTS: dict[str, type[BaseModel]] = {"present": Present, "periods": PeriodPlan, "tracking": TrackingSettings}
_SCALARS = ("id", "title", "as_of", "description", "scale")


class _Header(_Part):
    id: Id
    title: str = Field(min_length=1)
    as_of: str
    description: str = ""
    scale: int = Field(default=3, ge=1, le=99)

    _as_of = field_validator("as_of", mode="before")(check_partial_date)


_HELP = {
    "missing": "add this field",
    "extra_forbidden": "remove it, or check its spelling against docs/model-format.md",
    "string_pattern_mismatch": "ids start with a letter and use letters, digits, '_' and '-'",
    "too_short": "a descriptor needs at least two variants",
}


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def _locate(doc: Any, loc: tuple[Any, ...]) -> tuple[int, int]:
    """1-based (line, column) of the value at ``loc`` in a ruamel document (best effort)."""
    node, line, col = doc, 0, 0
    if isinstance(doc, (CommentedMap, CommentedSeq)):
        line, col = doc.lc.line + 1, doc.lc.col + 1
    for key in loc:
        try:
            if isinstance(node, CommentedMap) and key in node:
                pos = node.lc.value(key) if not isinstance(node[key], (CommentedMap, CommentedSeq)) else None
                if pos is None:
                    kpos = node.lc.key(key)
                    line, col = kpos[0] + 1, kpos[1] + 1
                else:
                    line, col = pos[0] + 1, pos[1] + 1
                node = node[key]
            elif isinstance(node, CommentedSeq) and isinstance(key, int) and 0 <= key < len(node):
                pos = node.lc.item(key)
                line, col = pos[0] + 1, pos[1] + 1
                node = node[key]
            else:
                break
        except (KeyError, IndexError, AttributeError, TypeError):
            break
    return line, col


def first_validation_error(exc: ValidationError) -> tuple[str, str, str, str]:
    """The first error of a failed validation, as a located problem reads it: (field path, message, help, type)."""
    first = exc.errors(include_url=False)[0]
    return _field_path(first["loc"]), first["msg"], _HELP.get(first["type"], ""), first["type"]


def portable_system(system: Any, text: str | None) -> Any:
    """A loaded system made cheap to send to another process: a round-trip YAML document is kept as its text
    (parsed again only to save)."""
    doc = getattr(system, "_document", None)
    if doc is not None and not isinstance(doc, _LazyDocument):
        system._document = _LazyDocument(text) if text is not None else None
    return system


def field_location(system: Any, field: str) -> str:
    """``file:line`` of a field (a path as findings write it, ``claims[3].check.given``) in the file the system was
    read from; ``""`` for a system not read from a file. Parses the file's round-trip document when it must."""
    path, doc = getattr(system, "_path", None), getattr(system, "_document", None)
    if path is None or doc is None:
        return ""
    loc = tuple(int(k) if k.isdigit() else k for k in re.findall(r"[^.\[\]]+", field))
    scanned = doc.scanned() if isinstance(doc, _LazyDocument) else UNBUILT
    if scanned is not UNBUILT:  # located by the C parser's marks, in time linear in the file
        line, _, _ = _locate_plain(*scanned, loc)
    else:
        line, _ = _locate(doc.load() if isinstance(doc, _LazyDocument) else doc, loc)
    return f"{path}:{line}" if line else str(path)


def _locate_plain(data: Any, positions: Positions, loc: tuple[Any, ...]) -> tuple[int, int, int]:
    """1-based (line, column) and character index of the value at ``loc`` in a document built by ``scan_yaml``."""
    node, line, col, index = data, 1, 1, 0
    for key in loc:
        where = positions.get(id(node))
        if where is None:
            break
        found = key in node if isinstance(node, dict) else isinstance(key, int) and 0 <= key < len(node)
        if not found:
            break
        line, col, index = position(where[key])
        node = node[key]
    return line, col, index


def _field_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for key in loc:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out


class _Locator:
    """Turns a loc tuple into a Problem with line, column and the source line."""

    def __init__(self, doc: Any, text: str, positions: Positions | None = None) -> None:
        self.doc = doc
        self.positions = positions  # for a document built by scan_yaml; else doc is a round-trip one
        self.text = text
        self.lines: list[str] | None = None  # a round-trip document's (a small file's) lines, split once

    def problem(self, code: str, message: str, loc: tuple[Any, ...], help: str = "") -> Problem:
        if self.positions is not None:
            line, col, index = _locate_plain(self.doc, self.positions, loc)
            return Problem(code, message, _field_path(loc), line, col, help, source_line(self.text, line, index))
        if self.lines is None:
            self.lines = self.text.splitlines()
        line, col = _locate(self.doc, loc)
        src = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return Problem(code, message, _field_path(loc), line, col, help, src)


def _pydantic_problems(err: ValidationError, prefix: tuple[Any, ...], at: _Locator) -> list[Problem]:
    out = []
    for e in err.errors(include_url=False):
        loc = prefix + tuple(k for k in e["loc"] if not (isinstance(k, str) and k.startswith("function-")))
        kind = e["type"]
        msg = e["msg"]
        if kind == "value_error":
            msg = msg.removeprefix("Value error, ")
            cause = (e.get("ctx") or {}).get("error")
            if isinstance(cause, ClaimFieldError):  # point at the claim's field, not at the whole check
                loc = (*loc, cause.field)
                kind = "claim_check"
        if kind == "extra_forbidden":
            msg = f"unknown field `{loc[-1]}`"
        elif kind == "missing":
            msg = f"required field `{loc[-1]}` is missing"
        elif kind == "literal_error":
            msg = f"{msg}; got {e.get('input')!r}"
        out.append(at.problem(kind.replace("_", "-"), msg, loc, _HELP.get(kind, "")))
    return out


def _plain(value: Any) -> Any:
    """A ruamel value as plain Python (dates as ISO strings)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10]
    return value


def _same(value: Any) -> Any:
    return value


def _without_nulls(data: Any) -> Any:
    """A document's top level with null values left out: ``claims:`` with nothing under it, or
    ``description: ~``, means the field is not given (an empty section, or the default)."""
    if isinstance(data, dict):
        return {k: v for k, v in data.items() if v is not None}
    return data


def _salvage(adapter: TypeAdapter, plain: Any, exc: ValidationError) -> Any:
    """The item with its invalid leaves dropped, if that validates: so its references still get checked."""
    for e in exc.errors():
        loc = e["loc"]
        if e["type"] == "missing" or not loc:
            return None
        node = plain
        try:
            for key in loc[:-1]:
                node = node[key]
            del node[loc[-1]]
        except (KeyError, IndexError, TypeError):
            return None
    try:
        return adapter.validate_python(plain)
    except ValidationError:
        return None


class _LazyDocument:
    """The round-trip document of a model, parsed from its text only when a save needs it."""

    def __init__(self, text: str, data: Any = None) -> None:
        self.text = text
        self.data = data  # the plain data the text held when loaded
        self._doc: Any = None
        self._scanned: Any = None

    def load(self) -> Any:
        if self._doc is None:
            self._doc = _yaml().load(self.text)
        return self._doc

    def scanned(self) -> Any:
        """The text's plain data and where each value starts (as ``scan_yaml`` reads them), or UNBUILT for a
        file only the round-trip parser reads."""
        if self._scanned is None:
            self._scanned = scan_yaml(self.text, None, positions=True)
        return self._scanned


def _fast_parse(
    text: str,
    folder: Path | None = None,
    data: Any = UNBUILT,
    positions: Positions | None = None,
    path: str | Path | None = None,
) -> System | None:
    """A valid model parsed on the fast path, or None: then the located path explains why.

    ``data`` is the document as :func:`upheaval.model._limits.scan_yaml` built it from the C
    parser's events (built here when not given). With its ``positions``, a model whose every
    part is valid but whose cross-references are not is refused here, each problem located
    (the located path would find the same problems, at the cost of checking every part again).
    """
    if data is UNBUILT:
        data = scan_yaml(text, None)
    if not isinstance(data, dict) or set(data) - (set(_SCALARS) | set(_LIST_PARTS) | set(_OBJECT_PARTS)):
        return None
    plain = _without_nulls(data)  # plain already: keys as text, dates as ISO text
    try:
        system = System.model_validate(plain)
    except ValidationError:
        return None
    parts: dict[str, Any] = {key: list(enumerate(getattr(system, key))) for key in _LIST_PARTS}
    parts |= {key: getattr(system, key) for key in _OBJECT_PARTS}
    problem = (lambda *args: Problem(*args[:2])) if positions is None else _Locator(data, text, positions).problem
    problems = cross_check(parts, data, problem, folder)
    if problems:
        if positions is None:
            return None
        problems.sort(key=lambda p: (p.line or 10**9, p.column))
        raise ModelError(str(path) if path else None, problems)
    system._document = _LazyDocument(text, plain)
    system._folder = folder
    return system


def parse_yaml(text: str, path: str | Path | None = None, *, folder: str | Path | None = None) -> System:
    """Validate YAML text as a system; raise ModelError with every problem found.

    ``path`` names the text in messages; ``folder`` is where sources' ``path`` are read
    (left out, their text is not read and citations are checked against the model alone).

    A valid file takes a fast path (a C YAML parser); a file with problems is read again by
    it, with where each value starts. Each top-level list item is validated on its own, so one
    bad item does not hide the problems of the others; cross-references are then checked over
    the valid items. Both take time and memory linear in the file. Only a small file that uses
    what the C parser does not read (see ``scan_yaml``) is read by the round-trip parser.

    Before either parse, the text is checked against the limits of ``model/_limits.py``
    (size, control characters, nesting, aliases, counts, integer size) without building it.
    """
    if len(text) > MAX_FILE_BYTES:
        raise ModelError(
            str(path) if path else None,
            [Problem("too-large", f"the text has {len(text):,} characters; models are limited to {MAX_FILE_BYTES:,}")],
        )
    check_printable(text, path)
    check_yaml_version(text, path)
    folder = Path(folder) if folder is not None else None
    scanned = scan_yaml(text, path, positions=True)  # positions cost little beside the parse, and save a second
    if scanned is not UNBUILT:
        data, positions = scanned
        fast = _fast_parse(text, folder, data, positions, path)
        if fast is not None:
            fast._path = path
            return fast
        return _located_parse(text, path, folder, data, positions)
    at = _Locator(None, text)
    try:
        doc = _yaml().load(text)
    except MarkedYAMLError as exc:
        raise ModelError(str(path) if path else None, [yaml_syntax_problem(exc, text)]) from None
    except YAMLError as exc:  # e.g. a control character the YAML reader refuses
        raise ModelError(
            str(path) if path else None,
            [
                Problem(
                    "yaml-syntax", str(exc).splitlines()[0], "", 0, 0, "remove control characters; save as UTF-8 text"
                )
            ],
        ) from None
    at.doc = doc
    return _located_parse(text, path, folder, doc, None, at)


def _located_parse(
    text: str,
    path: str | Path | None,
    folder: Path | None,
    doc: Any,
    positions: Positions | None,
    at: _Locator | None = None,
) -> System:
    """Validate a document part by part, each problem located: a built one with its positions, or a round-trip one."""
    at = at or _Locator(doc, text, positions)
    plain = _plain if positions is None else _same  # a document built by scan_yaml is plain already
    if not isinstance(doc, dict):
        raise ModelError(
            str(path) if path else None,
            [Problem("not-a-mapping", "a model file must be a YAML mapping (id:, title:, descriptors: ...)", "", 1, 1)],
        )
    problems: list[Problem] = []
    parts: dict[str, Any] = {}
    known = set(_SCALARS) | set(_LIST_PARTS) | set(_OBJECT_PARTS)
    for key in doc:
        if key not in known:
            problems.append(
                at.problem("extra-forbidden", f"unknown top-level field `{key}`", (key,), _HELP["extra_forbidden"])
            )
    for key, part in _LIST_PARTS.items():
        raw = doc.get(key)
        items = []
        if raw is None:
            parts[key] = items
            continue
        if not isinstance(raw, list):
            problems.append(
                at.problem("list-type", f"`{key}` must be a list", (key,), f"write `{key}:` then `- ...` items")
            )
            continue
        adapter = TypeAdapter(part)
        for i, item in enumerate(raw):
            try:
                items.append((i, adapter.validate_python(plain(item))))
            except ValidationError as exc:
                problems += _pydantic_problems(exc, (key, i), at)
                salvaged = _salvage(adapter, _plain(item), exc)
                if salvaged is not None:
                    items.append((i, salvaged))
        parts[key] = items
    for key, part in _OBJECT_PARTS.items():
        if doc.get(key) is not None:
            try:
                parts[key] = TypeAdapter(part).validate_python(plain(doc[key]))
            except ValidationError as exc:
                problems += _pydantic_problems(exc, (key,), at)
    header = {k: plain(doc.get(k)) for k in _SCALARS if doc.get(k) is not None}
    try:
        TypeAdapter(_Header).validate_python(header)
    except ValidationError as exc:
        problems += _pydantic_problems(exc, (), at)
    if not doc.get("descriptors"):
        problems.append(
            at.problem(
                "missing",
                "a system needs at least one descriptor",
                ("descriptors",),
                "add `descriptors:` with variants",
            )
        )
    problems += cross_check(parts, doc, at.problem, folder)
    if problems:
        problems.sort(key=lambda p: (p.line or 10**9, p.column))
        raise ModelError(str(path) if path else None, problems)
    try:
        system = System.model_validate(_without_nulls(plain(doc)))
    except ValidationError as exc:  # a rule over the whole system that the parts' checks did not see
        raise ModelError(str(path) if path else None, _pydantic_problems(exc, (), at)) from None
    system._document = doc if positions is None else _LazyDocument(text, _without_nulls(doc))
    system._folder = folder
    system._path = path
    return system


def read_yaml(path: str | Path) -> System:
    """Load and validate a YAML model file."""
    p = Path(path)
    try:
        check_file_size(p)
        raw = p.read_bytes()
    except FileNotFoundError:
        raise ModelError(str(p), [Problem("not-found", "no such file", help="check the path")]) from None
    except IsADirectoryError:
        raise ModelError(str(p), [Problem("not-a-file", "this is a folder", help="name a model file")]) from None
    return parse_yaml(decode_text(raw, p), p, folder=p.parent)


def _merge(doc: Any, new: Any) -> Any:
    """Update a ruamel node in place to equal ``new``, keeping comments and order where it can."""
    if isinstance(doc, CommentedMap) and isinstance(new, dict):
        for key in [k for k in doc if k not in new]:
            del doc[key]
        for key, value in new.items():
            if key in doc:
                doc[key] = _merge(doc[key], value)
            else:
                doc[key] = value
        return doc
    if isinstance(doc, CommentedSeq) and isinstance(new, list):
        for i, value in enumerate(new):
            if i < len(doc):
                doc[i] = _merge(doc[i], value)
            else:
                doc.append(value)
        del doc[len(new) :]
        return doc
    return doc if _plain(doc) == new else new


def _plain_system(system: System) -> dict[str, Any]:
    return system.model_dump(by_alias=True, exclude_unset=True, exclude_none=True, mode="json")


@accepts_system("system")
def dump_yaml(system: System) -> str:
    """The system as YAML text; a system loaded from YAML keeps its comments and key order."""
    doc = getattr(system, "_document", None)
    new = _plain_system(system)
    if isinstance(doc, _LazyDocument):
        if doc.data is not None and _plain_system(System.model_validate(doc.data)) == new:
            return doc.text  # unchanged since it was read: its own text, comments and all
        doc = doc.load()  # the round-trip parse (slow on big files) only when there are edits to merge
    if doc is None:
        doc = CommentedMap()
    doc = _merge(doc, new)
    buf = io.StringIO()
    _yaml().dump(doc, buf)
    return buf.getvalue()


def write_yaml(system: System, path: str | Path) -> None:
    """Save the system as YAML, atomically."""
    write_text_atomic(path, dump_yaml(system))


def cross_references(system: Any) -> list[Problem]:
    """The cross-reference problems of a built system (e.g. one edited in memory), as loading would find them.

    Sources' text is read from the folder the system was loaded from, if any. Problems carry
    the field's path but no line (the system may not match any file yet).
    """
    parts: dict[str, Any] = {key: list(enumerate(getattr(system, key))) for key in _LIST_PARTS}
    parts |= {key: getattr(system, key) for key in _OBJECT_PARTS}
    return cross_check(
        parts,
        system.model_dump(by_alias=True, mode="json"),
        lambda code, message, loc, help="": Problem(code, message, _field_path(loc), help=help),
        getattr(system, "_folder", None),
    )
