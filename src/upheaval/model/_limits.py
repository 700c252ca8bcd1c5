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
    "MAX_ENTRIES",
    "MAX_FILE_BYTES",
    "MAX_INT_DIGITS",
    "MAX_ITEMS",
    "MAX_NODES",
    "MAX_SECTIONS",
    "MAX_STRING",
    "MAX_TOTAL_VARIANTS",
    "MAX_UNKNOWN_FIELDS",
    "MAX_VARIANTS",
    "ROUND_TRIP_BYTES",
    "TOP_LEVEL_FIELDS",
    "UNBUILT",
    "Positions",
    "check_file_size",
    "check_printable",
    "check_yaml_version",
    "decode_text",
    "position",
    "scan_yaml",
    "source_line",
    "yaml_syntax_problem",
]

MAX_FILE_BYTES = 32 * 2**20  # a model file (YAML or .scw)
MAX_DEPTH = 40  # nested mappings and lists
MAX_NODES = 500_000  # values in the file, aliases counted expanded (a .scw: judged cells)
MAX_ALIAS_NODES = 1_000  # values that aliases repeat, in all
MAX_STRING = 100_000  # characters in one text
MAX_INT_DIGITS = 18  # digits in one integer (impacts need one or two)
MAX_DESCRIPTORS = 1_000
MAX_VARIANTS = 50  # per descriptor
MAX_TOTAL_VARIANTS = 3_000  # the engine's matrix is this squared
MAX_SECTIONS = 50_000  # judgement sections (`impacts:` items; a .scw: judged descriptor pairs)
MAX_UNKNOWN_FIELDS = 50  # unknown top-level fields reported before the file is refused as not a model
MAX_ENTRIES = 10_000  # entries of one mapping below the top level (keyed by descriptors, variants or futures)
# Items of the other top-level lists. With the values and sections above, they bound the worst
# file's loading time and memory (bench/bench_load.py --growth measures each at its limit).
MAX_ACTORS = 10_000
MAX_TIES = 50_000
MAX_FUTURES = 10_000
MAX_CLAIMS = 10_000
MAX_INDICATORS = 10_000
MAX_SOURCES = 10_000
MAX_TIE_KINDS = 1_000
MAX_ITEMS = {
    "actors": MAX_ACTORS, "ties": MAX_TIES, "futures": MAX_FUTURES, "claims": MAX_CLAIMS,
    "indicators": MAX_INDICATORS, "sources": MAX_SOURCES, "tie_kinds": MAX_TIE_KINDS,
}  # fmt: skip
ROUND_TRIP_BYTES = 256 * 1024  # files up to this size may use what only the round-trip parser reads
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


def source_line(text: str, line: int, index: int | None = None) -> str:
    """Line ``line`` (1-based) of ``text``, found from the character ``index`` on it when known (else by
    counting line ends, without splitting the whole text)."""
    if index is None:
        if line < 1:
            return ""
        index = 0
        for _ in range(line - 1):
            index = text.find("\n", index) + 1
            if index == 0:
                return ""
    start = text.rfind("\n", 0, index) + 1
    end = text.find("\n", index)
    return text[start : end if end >= 0 else len(text)].rstrip("\r")


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
            source_line(text, line, start).replace(bad.group(), " "),
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
                source_line(text, line, m.start())[:200],
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
    return Problem(code, message, "", line, col, help, source_line(text, line, getattr(mark, "index", None)))


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


UNBUILT = object()  # what scan_yaml returns when it could not build the document

# Kinds of parser events (PyYAML's and ruamel's classes share names).
_SCALAR, _MAP, _SEQ, _END, _ALIAS, _DOCUMENT, _OTHER = range(7)
_KIND_NAMES = {
    "ScalarEvent": _SCALAR,
    "MappingStartEvent": _MAP,
    "SequenceStartEvent": _SEQ,
    "MappingEndEvent": _END,
    "SequenceEndEvent": _END,
    "AliasEvent": _ALIAS,
    "DocumentStartEvent": _DOCUMENT,
}
_KINDS: dict[type, int] = {}


def _pos(event: Any) -> int:
    mark = event.start_mark
    return (mark.index << 64) | ((mark.line + 1) << 32) | (mark.column + 1)


def position(pos: int) -> tuple[int, int, int]:
    """(line, column, character index) of a position recorded by :func:`scan_yaml` (see :class:`Positions`)."""
    return (pos >> 32) & 0xFFFFFFFF, pos & 0xFFFFFFFF, pos >> 64


class Positions(dict):
    """Where each value of a built document starts: ``id(container)`` -> its positions.

    A mapping's are a dict (key -> the value's position, or its key's when the value is a mapping
    or a list, as an editor shows it); a list's are a list (one per item). Read one with
    :func:`position`.
    """


class _Scan:
    """One pass over a YAML event stream, raising at the first event past a limit.

    On the way it builds the document as plain Python values (dicts, lists, str, int, float,
    bool, None; dates as ISO text; keys as text), replacing PyYAML's composer and constructor,
    which cost most of the loading time of big models; with ``positions``, where each value
    starts too (for located errors). It stops building (``built`` false: the caller then takes
    the round-trip parser, on small files only) on what it leaves to that parser: merge keys
    ``<<``, keys that are not scalars, several documents.
    """

    def __init__(self, text: str, path: str | Path | None, positions: bool = False) -> None:
        self.text = text
        self.path = path
        self.nodes = 0
        self.aliased = 0
        self.variants = 0
        self.documents = 0
        self.unknown = 0  # unknown top-level keys so far
        self.sizes: dict[str, int] = {}  # anchor -> values it stands for, expanded
        # open collections: [is_map, path, anchor, nodes at start, expecting a key (map) or items (list),
        #                    key as written, item limit, container, its positions, start line, key as built, key pos]
        self.stack: list[list[Any]] = []
        self.built = True
        self.root: Any = None
        self.anchors: dict[str, Any] = {}
        self.positions: Positions | None = Positions() if positions else None
        self.unplain = ""  # what made the document unbuildable, for files too large for the round-trip parser
        self.unplain_event: Any = None

    def fail(self, event: Any, code: str, message: str, help: str) -> ModelError:
        mark = event.start_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
        index = getattr(mark, "index", None) if mark is not None else None
        return _error(self.path, Problem(code, message, "", line, column, help, source_line(self.text, line, index)))

    def give_up(self, event: Any, what: str) -> None:
        """Stop building: the round-trip parser reads what follows (``what`` names it)."""
        if self.built:
            self.built = False
            self.unplain, self.unplain_event = what, event

    def place(self, event: Any, is_scalar: bool) -> tuple[Any, ...] | None:
        """The path of a node that starts here (None for a mapping key), after checking item counts."""
        stack = self.stack
        if not stack:
            return ()
        top = stack[-1]
        if top[0]:
            if top[4]:  # a key
                top[4] = False
                top[5] = event.value if is_scalar else None
                if len(stack) == 1:
                    if top[5] not in TOP_LEVEL_FIELDS:
                        self.unknown += 1
                        if self.unknown > MAX_UNKNOWN_FIELDS:  # each would be located, at a cost
                            raise self.fail(
                                event,
                                "not-a-model",
                                f"more than {MAX_UNKNOWN_FIELDS} unknown top-level fields: this is not a model file",
                                "a model's top-level fields are " + ", ".join(sorted(TOP_LEVEL_FIELDS)),
                            )
                else:
                    top[6] += 1
                    if top[6] > MAX_ENTRIES:
                        raise self.too_many_entries(event)
                return None
            top[4] = True
            return (*top[1], top[5]) if len(top[1]) < 3 else _DEEP
        top[4] += 1
        if top[6] is not None:
            self.place_item(event, top)
        return (*top[1], "*") if len(top[1]) < 3 else _DEEP

    def place_item(self, event: Any, top: list[Any]) -> None:
        """Check the count of a limited list's items (top-level lists, a descriptor's variants)."""
        limit = top[6]
        if top[4] > limit[0]:
            raise self.fail(event, "too-many", f"more than {limit[0]:,} {limit[1]}", limit[2])
        if limit[1] == "variants in one descriptor":
            self.variants += 1
            if self.variants > MAX_TOTAL_VARIANTS:
                raise self.fail(
                    event,
                    "too-many",
                    f"more than {MAX_TOTAL_VARIANTS:,} variants in all",
                    "the engine's matrix has one row and one column per variant; a model holds at most this many",
                )

    def add(self, event: Any, value: Any) -> None:
        """Put a built value in its place: the root, a list's next item, a mapping's key or value."""
        stack = self.stack
        if not stack:
            self.root = value
            return
        top = stack[-1]
        container = top[7]
        if not top[0]:
            container.append(value)
            if top[8] is not None:
                top[8].append(_pos(event))
        elif top[10] is _NO_KEY:  # a key
            if type(value) is not str:
                if isinstance(value, (dict, list)):
                    self.give_up(event, "a key that is not a plain text")
                    return
                value = str(value)
            elif value == "<<" and event.__class__.__name__ == "ScalarEvent" and not event.style:
                self.give_up(event, "a merge key `<<`")
                return
            if value in container:
                name = value if len(value) <= 60 else value[:60] + "…"
                raise self.fail(
                    event,
                    "duplicate-key",
                    f"key `{name}` appears twice in the mapping that starts on line {top[9]}",
                    "keep one of the two (a later value would silently replace the first)",
                )
            top[10] = value
            if top[8] is not None:
                top[11] = _pos(event)
        else:
            container[top[10]] = value
            if top[8] is not None:
                top[8][top[10]] = top[11] if isinstance(value, (dict, list)) else _pos(event)
            top[10] = _NO_KEY

    def run(self, events: Iterable[Any]) -> None:
        stack = self.stack
        kinds = _KINDS
        for event in events:
            kind = kinds.get(event.__class__)
            if kind is None:
                kind = kinds[event.__class__] = _KIND_NAMES.get(event.__class__.__name__, _OTHER)
            if kind <= _SEQ and event.tag not in (None, "!"):
                raise self.fail(
                    event,
                    "yaml-tag",
                    f"the YAML tag `{event.tag}` is not used in model files",
                    "remove the tag; quote the value if it is meant as text",
                )
            if kind == _SCALAR:
                self.nodes += 1
                if self.nodes > MAX_NODES:
                    raise self.too_many_nodes(event)
                value = event.value
                if len(value) > MAX_STRING:
                    raise self.fail(
                        event,
                        "too-long",
                        f"a text of {len(value):,} characters; texts are limited to {MAX_STRING:,}",
                        "shorten it, or keep long documents in a source file and cite them",
                    )
                if not event.style:
                    if value and value[0] in _NUMERIC_START:
                        small = _SMALL_INTS.get(value)  # most numbers in a model are impacts
                        value = self.number(event, value) if small is None else small
                    elif value in _NULL or value in _BOOL:
                        value = _plain_value(value)
                if event.anchor:
                    self.sizes[event.anchor] = 1
                    self.anchors[event.anchor] = value
                # the common cases inline (a mapping's value, a list's item); a key or the root in place()/add()
                top = stack[-1] if stack else None
                if top is None or len(stack) == 1:
                    self.place(event, True)
                    if self.built:
                        self.add(event, value)
                elif top[0] and top[4]:  # a key below the top level
                    top[4] = False
                    top[5] = event.value
                    top[6] += 1
                    if top[6] > MAX_ENTRIES:
                        raise self.too_many_entries(event)
                    if self.built:
                        key = value if type(value) is str else str(value)
                        if key == "<<" or key in top[7]:
                            self.add(event, value)  # a merge key, or a duplicated one
                        else:
                            top[10] = key
                            if top[8] is not None:
                                top[11] = _pos(event)
                elif top[0]:
                    top[4] = True
                    if self.built:
                        top[7][top[10]] = value
                        if top[8] is not None:
                            top[8][top[10]] = _pos(event)
                        top[10] = _NO_KEY
                else:
                    top[4] += 1
                    if top[6] is not None:
                        self.place_item(event, top)
                    if self.built:
                        top[7].append(value)
                        if top[8] is not None:
                            top[8].append(_pos(event))
            elif kind in (_MAP, _SEQ):
                where = self.place(event, False)
                self.nodes += 1
                if self.nodes > MAX_NODES:
                    raise self.too_many_nodes(event)
                if len(stack) >= MAX_DEPTH:
                    raise self.fail(
                        event,
                        "too-deep",
                        f"more than {MAX_DEPTH} levels of nested mappings and lists",
                        "a model nests a few levels deep; check the brackets and indentation here",
                    )
                is_map = kind == _MAP
                where = where or ()
                container: Any = {} if is_map else []
                if self.built:
                    self.add(event, container)
                if event.anchor:
                    self.anchors[event.anchor] = container
                positions = None
                if self.positions is not None and self.built:
                    positions = self.positions[id(container)] = {} if is_map else []
                limit = 0 if is_map else _ITEM_LIMITS.get(where if len(where) != 3 else where[::2])
                stack.append(
                    [is_map, where, event.anchor, self.nodes - 1, is_map if is_map else 0, None, limit,
                     container, positions, event.start_mark.line + 1, _NO_KEY, 0]
                )  # fmt: skip
            elif kind == _END:
                top = stack.pop()
                if top[2]:
                    self.sizes[top[2]] = self.nodes - top[3]
            elif kind == _DOCUMENT:
                self.documents += 1
                if self.documents > 1:
                    self.give_up(event, "a second document in the file")
            elif kind == _ALIAS:
                self.place(event, False)
                size = self.sizes.get(event.anchor)
                if size is None:
                    raise self.fail(
                        event,
                        "bad-alias",
                        f"alias `*{event.anchor}` names no complete anchor (undefined, or used inside itself)",
                        f"define `&{event.anchor}` before this line, outside the value that uses it",
                    )
                self.aliased += size
                if self.aliased > MAX_ALIAS_NODES:
                    raise self.fail(
                        event,
                        "alias-limit",
                        f"aliases repeat more than {MAX_ALIAS_NODES:,} values in all",
                        "write the values out instead of `*alias` references; model files use aliases sparingly",
                    )
                self.nodes += size
                if self.nodes > MAX_NODES:
                    raise self.too_many_nodes(event)
                if self.built:
                    self.add(event, self.anchors.get(event.anchor))

    def number(self, event: Any, value: str) -> Any:
        """A plain scalar that may be a number or a date, as YAML 1.2 reads it; checked against the limits."""
        if len(value) > MAX_INT_DIGITS + 1 and _INT_LIKE.fullmatch(value):
            raise self.fail(
                event,
                "too-large",
                f"an integer of {len(value.lstrip('+-'))} digits; integers are limited to {MAX_INT_DIGITS}",
                "impacts are small integers such as -2 or 3; quote it if it is meant as text",
            )
        if _DATE_LIKE.match(value) and not _real_date(value):
            raise self.fail(
                event,
                "bad-date",
                f"`{value}` is not a date",
                "write YYYY, YYYY-MM or YYYY-MM-DD with a real month and day, e.g. 2024-10-31",
            )
        return _plain_value(value)

    def too_many_entries(self, event: Any) -> ModelError:
        return self.fail(
            event,
            "too-many",
            f"more than {MAX_ENTRIES:,} entries in one mapping",
            "a model's mappings are keyed by descriptors, variants or futures: check this one",
        )

    def too_many_nodes(self, event: Any) -> ModelError:
        return self.fail(
            event, "too-large", f"more than {MAX_NODES:,} values in the file", "split the model into smaller ones"
        )


_NUMERIC_START = frozenset("0123456789+-.")
_DEEP = ("", "", "", "")  # the path of anything below the third level: no limit applies there
_SMALL_INTS = {str(i): i for i in range(-99, 100)} | {f"+{i}": i for i in range(100)}
# top-level lists (and each descriptor's variants, by ("descriptors", "variants")): most items, what, help
_ITEM_LIMITS: dict[tuple[str, ...], tuple[int, str, str]] = {
    ("descriptors",): (MAX_DESCRIPTORS, "descriptors", "a model holds at most this many"),
    ("impacts",): (MAX_SECTIONS, "judgement sections", "a model holds at most this many"),
    ("descriptors", "variants"): (MAX_VARIANTS, "variants in one descriptor", "split the descriptor"),
    **{
        (part,): (limit, part.replace("_", " "), "a model holds at most this many; split it into smaller ones")
        for part, limit in MAX_ITEMS.items()
    },
}


def scan_yaml(text: str, path: str | Path | None, *, positions: bool = False) -> Any:
    """Check YAML text against the limits; raise ModelError at the first excess.

    The fast C parser's events are checked and, on the way, built into plain Python values
    (YAML 1.2 core schema, dates as ISO strings, keys as text), which are returned; with
    ``positions``, as ``(value, Positions)``. A duplicated key is refused at its line. If the C
    parser refuses the text, its error is raised as a located ``yaml-syntax`` problem, except in
    a file of at most :data:`ROUND_TRIP_BYTES`, whose events the round-trip parser checks instead
    (it accepts a little more of YAML 1.2). The result is :data:`UNBUILT` then, or when the
    document uses what the builder leaves to the round-trip parser (merge keys, keys that are not
    text, several documents), which larger files may not use: the round-trip parser's cost grows
    faster than the file.
    """
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    scan = _Scan(text, path, positions)
    small = len(text) <= ROUND_TRIP_BYTES
    try:
        scan.run(yaml.parse(text, Loader=loader))
        if scan.built:
            return (scan.root, scan.positions) if positions else scan.root
        if not small:
            raise scan.fail(
                scan.unplain_event,
                "too-large",
                f"{scan.unplain} in a file of more than {ROUND_TRIP_BYTES // 1024} kB",
                "write the values out (or split the file): larger files are read as plain YAML only",
            )
        return UNBUILT
    except yaml.MarkedYAMLError as exc:
        if not small:
            raise _error(path, yaml_syntax_problem(exc, text)) from None
    except yaml.YAMLError as exc:
        if not small:
            raise _error(path, Problem("yaml-syntax", str(exc).splitlines()[0], help="fix the YAML syntax")) from None
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        _Scan(text, path).run(YAML(typ="rt").parse(text))
    except MarkedYAMLError as exc:
        raise _error(path, yaml_syntax_problem(exc, text)) from None
    except YAMLError as exc:
        raise _error(path, Problem("yaml-syntax", str(exc).splitlines()[0], help="fix the YAML syntax")) from None
    return UNBUILT
