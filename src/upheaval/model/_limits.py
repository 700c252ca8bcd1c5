"""Limits on what a model file may hold, checked before anything is built from it.

A YAML parser builds whatever a file describes: an alias bomb ("billion laughs": nine
anchors of nine aliases each, a few hundred bytes) expands to 9^9 strings, a file of
100,000 nested brackets exhausts the interpreter's stack, and 10^5 variants ask the
engine for a matrix of terabytes. So the text is checked first (UTF-8, no control
characters), then streamed once through the parser's events (no objects built) and
refused at the first event past a limit, with its line and column and the limit named.
The limits sit far above any real model (the built-in model: 10 descriptors, depth 8).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from upheaval.errors import ModelError, Problem

__all__ = [
    "MAX_ALIAS_NODES",
    "MAX_DEPTH",
    "MAX_DESCRIPTORS",
    "MAX_FILE_BYTES",
    "MAX_INT_DIGITS",
    "MAX_NODES",
    "MAX_SECTIONS",
    "MAX_STRING",
    "MAX_TOTAL_VARIANTS",
    "MAX_UNKNOWN_FIELDS",
    "MAX_VARIANTS",
    "TOP_LEVEL_FIELDS",
    "UNBUILT",
    "check_file_size",
    "check_printable",
    "check_yaml_version",
    "decode_text",
    "scan_yaml",
    "yaml_syntax_problem",
]

MAX_FILE_BYTES = 32 * 2**20  # a model file (YAML or .scw)
MAX_DEPTH = 40  # nested mappings and lists
MAX_NODES = 4_000_000  # values in the file, aliases counted expanded
MAX_ALIAS_NODES = 1_000  # values that aliases repeat, in all
MAX_STRING = 100_000  # characters in one text
MAX_INT_DIGITS = 18  # digits in one integer (impacts need one or two)
MAX_DESCRIPTORS = 1_000
MAX_VARIANTS = 50  # per descriptor
MAX_TOTAL_VARIANTS = 3_000  # the engine's matrix is this squared
MAX_SECTIONS = 250_000  # judgement sections (`impacts:` items)
MAX_UNKNOWN_FIELDS = 50  # unknown top-level fields reported before the file is refused as not a model
TOP_LEVEL_FIELDS = frozenset(
    ("id", "title", "as_of", "description", "scale", "tie_kinds", "sources", "actors", "ties", "descriptors",
     "impacts", "futures", "shocks", "claims", "indicators", "present", "periods", "tracking")
)  # fmt: skip

# YAML 1.2's printable characters (c-printable), which a YAML reader accepts.
_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_INT_LIKE = re.compile(r"[-+]?(?:[0-9][0-9_]*|0x[0-9a-fA-F_]+|0o[0-7_]+)")
_DATE_LIKE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:$|[Tt ])")


def _real_date(value: str) -> bool:
    """Whether a scalar that YAML reads as a timestamp names a real day (else the parser fails on it)."""
    import datetime as dt

    y, m, d = (int(g) for g in _DATE_LIKE.match(value).groups())
    try:
        dt.date(y, m, d)
    except ValueError:
        return False
    return True


def _error(path: str | Path | None, problem: Problem) -> ModelError:
    return ModelError(str(path) if path else None, [problem])


def _source_line(text: str, line: int) -> str:
    lines = text.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""


def check_file_size(path: Path) -> None:
    """Refuse a file larger than :data:`MAX_FILE_BYTES` before reading it."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise _error(
            path,
            Problem(
                "too-large",
                f"the file has {size:,} bytes; model files are limited to {MAX_FILE_BYTES:,} bytes",
                help="split the model, or check that this is the file you meant",
            ),
        )


def check_printable(text: str, path: str | Path | None) -> None:
    """Refuse a control character (other than tab, newline, carriage return), located by line and column."""
    bad = _NOT_PRINTABLE.search(text)
    if bad is None:
        return
    start = bad.start()
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    raise _error(
        path,
        Problem(
            "control-character",
            f"control character U+{ord(bad.group()):04X} is not allowed in a model file",
            "",
            line,
            column,
            "remove it; inside a double-quoted text, write it as an escape such as \\t",
            _source_line(text, line).replace(bad.group(), " "),
        ),
    )


_VERSION_DIRECTIVE = re.compile(r"^%YAML(?:[ \t]+([^ \t\r\n#]*))?", re.MULTILINE)


def check_yaml_version(text: str, path: str | Path | None) -> None:
    """Refuse a ``%YAML`` directive naming a version other than 1.1 or 1.2, located by its line.

    The round-trip parser knows those two only (it stops on ``%YAML 1.3`` with an assertion).
    """
    for m in _VERSION_DIRECTIVE.finditer(text):
        if m.group(1) in ("1.1", "1.2"):
            continue
        line = text.count("\n", 0, m.start()) + 1
        shown = f"%YAML {m.group(1)}" if m.group(1) else "%YAML"
        raise _error(
            path,
            Problem(
                "yaml-version",
                f"`{shown[:40]}` is not a YAML version this reader knows (1.1, 1.2)",
                "",
                line,
                1,
                "model files are YAML 1.2: write `%YAML 1.2`, or remove the line",
                _source_line(text, line)[:200],
            ),
        )


_MAX_MESSAGE = 300  # characters of a parser's own message that a problem repeats


def yaml_syntax_problem(exc: Exception, text: str) -> Problem:
    """A YAML parser's error as a located ``yaml-syntax`` problem of bounded length.

    A duplicate key is named with the line of the mapping that holds it, not with both values
    (the parser's message quotes them whole: 59 KB for one long value).
    """
    mark = getattr(exc, "problem_mark", None)
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
    message = str(getattr(exc, "problem", None) or exc)
    help = "fix the YAML syntax here"
    if type(exc).__name__ == "DuplicateKeyError":
        key = re.match(r'found duplicate key "(.*?)"(?: with value|$)', message, re.DOTALL)
        name = key.group(1) if key else "?"
        name = name if len(name) <= 60 else name[:60] + "…"
        context = getattr(exc, "context_mark", None)
        where = f" that starts on line {context.line + 1}" if context is not None else ""
        message = f"key `{name}` appears twice in the mapping{where}"
        help = "keep one of the two (a later value would silently replace the first)"
    elif len(message) > _MAX_MESSAGE:
        message = message[:_MAX_MESSAGE] + "…"
    code = "duplicate-key" if type(exc).__name__ == "DuplicateKeyError" else "yaml-syntax"
    return Problem(code, message, "", line, col, help, _source_line(text, line))


def decode_text(raw: bytes, path: str | Path | None) -> str:
    """The file's bytes as UTF-8 text (a leading byte-order mark dropped).

    An undecodable byte is reported with its byte offset, line and column.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = exc.start
        line_start = raw.rfind(b"\n", 0, start) + 1
        line = raw.count(b"\n", 0, start) + 1
        column = len(raw[line_start:start].decode("utf-8", errors="replace")) + 1
        end = raw.find(b"\n", start)
        src = raw[line_start : end if end >= 0 else len(raw)].decode("utf-8", errors="replace")
        raise _error(
            path,
            Problem(
                "encoding",
                f"byte 0x{raw[start]:02X} at byte offset {start} is not UTF-8 text ({exc.reason})",
                "",
                line,
                column,
                "save the file as UTF-8",
                src,
            ),
        ) from None
    return text.removeprefix("\ufeff")


_NO_KEY = object()
_NULL = frozenset(("", "~", "null", "Null", "NULL"))
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)
_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
    r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?"
)


def _plain_value(text: str) -> Any:
    """A plain scalar as YAML 1.2's core schema reads it; a timestamp as its ISO date (as models keep dates)."""
    if text in _NULL:
        return None
    if text in _BOOL:
        return _BOOL[text]
    first = text[0]
    if first in "0123456789+-.":
        if _INT.fullmatch(text):
            return int(text, 0) if text[:2] in ("0o", "0x") else int(text, 10)
        if _FLOAT.fullmatch(text):
            low = text.lower()
            if low.endswith("inf"):
                return float("-inf") if low.startswith("-") else float("inf")
            return float("nan") if low.endswith("nan") else float(text)
        if _TIMESTAMP.fullmatch(text):
            import datetime as dt

            y, m, d = (int(g) for g in _DATE_LIKE.match(text).groups())
            return dt.date(y, m, d).isoformat()
    return text


class _Build:
    """The document as plain Python values (dicts, lists, str, int, float, bool, None), from the events.

    This replaces PyYAML's composer and constructor on the fast path (they cost most of the
    loading time of big models). It gives up (``_Scan.build`` set to None, the caller then
    takes the round-trip parser) on what it does not handle: merge keys ``<<``, keys that are
    not scalars, and duplicate keys (which the round-trip parser reports).
    """

    def __init__(self) -> None:
        self.root: Any = None
        self.open: list[list[Any]] = []  # [container, pending key]
        self.anchors: dict[str, Any] = {}

    def add(self, scan: _Scan, value: Any) -> None:
        if not self.open:
            self.root = value
            return
        top = self.open[-1]
        container = top[0]
        if isinstance(container, list):
            container.append(value)
        elif top[1] is _NO_KEY:
            if isinstance(value, (dict, list)) or value == "<<" or value in container:
                scan.build = None
            else:
                top[1] = value
        else:
            container[top[1]] = value
            top[1] = _NO_KEY

    def scalar(self, scan: _Scan, text: str, plain: bool, anchor: str | None) -> None:
        value = _plain_value(text) if plain else text
        if anchor:
            self.anchors[anchor] = value
        self.add(scan, value)

    def start(self, scan: _Scan, container: Any, anchor: str | None) -> None:
        self.add(scan, container)
        if anchor:
            self.anchors[anchor] = container
        self.open.append([container, _NO_KEY])

    def end(self) -> None:
        self.open.pop()

    def alias(self, scan: _Scan, anchor: str) -> None:
        if anchor in self.anchors:
            self.add(scan, self.anchors[anchor])


UNBUILT = object()  # what scan_yaml returns when it could not build the document


class _Scan:
    """One pass over a YAML event stream, raising at the first event past a limit."""

    def __init__(self, text: str, path: str | Path | None) -> None:
        self.text = text
        self.path = path
        self.nodes = 0
        self.aliased = 0
        self.variants = 0
        self.documents = 0
        self.unknown = 0  # unknown top-level keys so far
        self.sizes: dict[str, int] = {}  # anchor -> values it stands for, expanded
        # open collections: [kind, path, anchor, nodes at start, items or expecting-a-key, current key]
        self.stack: list[list[Any]] = []
        # the plain Python value, built on the way (see _Build); None once it cannot be
        self.build: _Build | None = _Build()

    def fail(self, event: Any, code: str, message: str, help: str) -> ModelError:
        mark = event.start_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
        return _error(self.path, Problem(code, message, "", line, column, help, _source_line(self.text, line)))

    def place(self, event: Any) -> tuple[Any, ...] | None:
        """The path of a node that starts here (None for a mapping key), after checking item counts."""
        if not self.stack:
            return ()
        top = self.stack[-1]
        if top[0] == "map":
            if top[4]:  # a key
                top[4] = False
                top[5] = event.value if type(event).__name__ == "ScalarEvent" else None
                if len(self.stack) == 1 and top[5] not in TOP_LEVEL_FIELDS:
                    self.unknown += 1
                    if self.unknown > MAX_UNKNOWN_FIELDS:  # each would be located by the slow parser, at a cost
                        raise self.fail(
                            event,
                            "not-a-model",
                            f"more than {MAX_UNKNOWN_FIELDS} unknown top-level fields: this is not a model file",
                            "a model's top-level fields are " + ", ".join(sorted(TOP_LEVEL_FIELDS)),
                        )
                return None
            top[4] = True
            return (*top[1], top[5])
        top[4] += 1
        where = top[1]
        if where == ("descriptors",) and top[4] > MAX_DESCRIPTORS:
            raise self.fail(
                event, "too-many", f"more than {MAX_DESCRIPTORS:,} descriptors", "a model holds at most this many"
            )
        if where == ("impacts",) and top[4] > MAX_SECTIONS:
            raise self.fail(
                event, "too-many", f"more than {MAX_SECTIONS:,} judgement sections", "a model holds at most this many"
            )
        if len(where) == 3 and where[0] == "descriptors" and where[2] == "variants":
            self.variants += 1
            if top[4] > MAX_VARIANTS:
                raise self.fail(
                    event, "too-many", f"more than {MAX_VARIANTS} variants in one descriptor", "split the descriptor"
                )
            if self.variants > MAX_TOTAL_VARIANTS:
                raise self.fail(
                    event,
                    "too-many",
                    f"more than {MAX_TOTAL_VARIANTS:,} variants in all",
                    "the engine's matrix has one row and one column per variant; a model holds at most this many",
                )
        return (*where, "*")

    def count(self, event: Any, n: int) -> None:
        self.nodes += n
        if self.nodes > MAX_NODES:
            raise self.fail(
                event, "too-large", f"more than {MAX_NODES:,} values in the file", "split the model into smaller ones"
            )

    def run(self, events: Iterable[Any]) -> None:
        for event in events:
            kind = type(event).__name__
            if getattr(event, "tag", None) not in (None, "!") and kind != "DocumentStartEvent":
                raise self.fail(
                    event,
                    "yaml-tag",
                    f"the YAML tag `{event.tag}` is not used in model files",
                    "remove the tag; quote the value if it is meant as text",
                )
            if kind == "ScalarEvent":
                self.place(event)
                self.count(event, 1)
                value = event.value
                if len(value) > MAX_STRING:
                    raise self.fail(
                        event,
                        "too-long",
                        f"a text of {len(value):,} characters; texts are limited to {MAX_STRING:,}",
                        "shorten it, or keep long documents in a source file and cite them",
                    )
                plain = not event.style
                if plain and len(value) > MAX_INT_DIGITS + 1 and _INT_LIKE.fullmatch(value):
                    raise self.fail(
                        event,
                        "too-large",
                        f"an integer of {len(value.lstrip('+-'))} digits; integers are limited to {MAX_INT_DIGITS}",
                        "impacts are small integers such as -2 or 3; quote it if it is meant as text",
                    )
                if plain and _DATE_LIKE.match(value) and not _real_date(value):
                    raise self.fail(
                        event,
                        "bad-date",
                        f"`{value}` is not a date",
                        "write YYYY, YYYY-MM or YYYY-MM-DD with a real month and day, e.g. 2024-10-31",
                    )
                if event.anchor:
                    self.sizes[event.anchor] = 1
                if self.build is not None:
                    self.build.scalar(self, value, plain, event.anchor)
            elif kind in ("MappingStartEvent", "SequenceStartEvent"):
                where = self.place(event)
                self.count(event, 1)
                if len(self.stack) >= MAX_DEPTH:
                    raise self.fail(
                        event,
                        "too-deep",
                        f"more than {MAX_DEPTH} levels of nested mappings and lists",
                        "a model nests a few levels deep; check the brackets and indentation here",
                    )
                is_map = kind == "MappingStartEvent"
                self.stack.append(["map" if is_map else "seq", where or (), event.anchor, self.nodes - 1, is_map, None])
                if self.build is not None:
                    self.build.start(self, {} if is_map else [], event.anchor)
            elif kind in ("MappingEndEvent", "SequenceEndEvent"):
                _, _, anchor, start, _, _ = self.stack.pop()
                if anchor:
                    self.sizes[anchor] = self.nodes - start
                if self.build is not None:
                    self.build.end()
            elif kind == "DocumentStartEvent":
                self.documents += 1
                if self.documents > 1:
                    self.build = None  # several documents: not a model; the round-trip parser says so
            elif kind == "AliasEvent":
                self.place(event)
                size = self.sizes.get(event.anchor)
                if size is None:
                    raise self.fail(
                        event,
                        "bad-alias",
                        f"alias `*{event.anchor}` names no complete anchor (undefined, or used inside itself)",
                        f"define `&{event.anchor}` before this line, outside the value that uses it",
                    )
                self.aliased += size
                if self.build is not None:
                    self.build.alias(self, event.anchor)
                if self.aliased > MAX_ALIAS_NODES:
                    raise self.fail(
                        event,
                        "alias-limit",
                        f"aliases repeat more than {MAX_ALIAS_NODES:,} values in all",
                        "write the values out instead of `*alias` references; model files use aliases sparingly",
                    )
                self.count(event, size)


def scan_yaml(text: str, path: str | Path | None) -> Any:
    """Check YAML text against the limits; raise ModelError at the first excess.

    The fast C parser's events are checked and, on the way, built into plain Python values
    (YAML 1.2 core schema, dates as ISO strings), which are returned. If the C parser refuses
    the text, the round-trip parser's events are checked instead (it accepts a little more of
    YAML 1.2) and its syntax error, if any, is raised as a located ``yaml-syntax`` problem;
    then, or when the document uses what the builder leaves to the round-trip parser, the
    result is :data:`UNBUILT`.
    """
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        scan = _Scan(text, path)
        scan.run(yaml.parse(text, Loader=loader))
        return scan.build.root if scan.build is not None else UNBUILT
    except yaml.YAMLError:
        pass
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        _Scan(text, path).run(YAML(typ="rt").parse(text))
    except MarkedYAMLError as exc:
        raise _error(path, yaml_syntax_problem(exc, text)) from None
    except YAMLError as exc:
        raise _error(path, Problem("yaml-syntax", str(exc).splitlines()[0], help="fix the YAML syntax")) from None
    return UNBUILT
