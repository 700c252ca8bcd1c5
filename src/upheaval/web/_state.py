"""The workbench's state: open models, their edits, undo stacks, saving, and cached results."""

from __future__ import annotations

import contextvars
import hashlib
import itertools
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from upheaval import cib
from upheaval._io import write_text_atomic
from upheaval._load import load
from upheaval.errors import EngineError, ModelError, Problem, UpheavalError
from upheaval.model import (
    BUILTIN_DEFAULT,
    System,
    builtin_models,
    cross_references,
    dump_yaml,
    parse_yaml,
    set_judgement,
)
from upheaval.web._paths import PathNotAllowed, list_model_files, resolve_inside

__all__ = [
    "CLIENT",
    "MAX_UNDO",
    "MAX_VARIANTS",
    "Conflict",
    "EditConflict",
    "EditRefused",
    "OpenModel",
    "Workspace",
    "section_version",
]

# Who is editing: the server sets it per request (a cookie of each browser); edits and undo are kept per client.
CLIENT: contextvars.ContextVar[str] = contextvars.ContextVar("upheaval_client", default="local")

MAX_UNDO = 100
MAX_VARIANTS = 9
MAX_DESCRIPTORS = 60
MAX_FREE_SCENARIOS = 1000  # product of the sizes of descriptors that no judgement touches
SEARCH_BUDGET_SECONDS = 3.0


class EditRefused(UpheavalError):
    """An edit cannot be applied (unknown descriptor, duplicate id, out-of-range value...)."""


class EditConflict(UpheavalError):
    """An edit or undo was based on a part another client has changed since (answered 409)."""

    def __init__(self, message: str, current: dict[str, Any] | None = None) -> None:
        self.current = current or {}
        super().__init__(message)


def section_version(system: System, source: str, target: str) -> str:
    """The version of the judgement section(s) from ``source`` to ``target``: a digest of their content.

    An edit that states the version it was based on is refused (409) if the section changed since;
    equal content gives an equal version, so an edit undone restores its version too.
    """
    parts = [
        s.model_dump(by_alias=True, exclude_none=True, mode="json") for s in system.impact_sections(source, target)
    ]
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


class Conflict(UpheavalError):
    """The model file changed on disk since it was loaded; saving would overwrite someone's work."""

    def __init__(self, path: Path, suggestion: str) -> None:
        self.path = path
        self.suggestion = suggestion
        super().__init__(
            f"{path.name} changed on disk since it was loaded; reload it (dropping your edits) "
            f"or keep both by saving yours as {suggestion}"
        )


@contextmanager
def _yaml_errors(name: str) -> Iterator[None]:
    """Report YAML reader errors that the loader lets through (e.g. control characters) as a ModelError."""
    from ruamel.yaml.error import YAMLError

    try:
        yield
    except YAMLError as exc:
        raise ModelError(
            name,
            [
                Problem(
                    "yaml-syntax", str(exc).splitlines()[0], help="remove control characters; save as plain UTF-8 text"
                )
            ],
        ) from None


def _stamp(path: Path) -> tuple[float, str]:
    """(mtime, sha256) of a file, to notice changes made behind the workbench's back."""
    data = path.read_bytes()
    return path.stat().st_mtime, hashlib.sha256(data).hexdigest()


@dataclass
class OpenModel:
    """One open model: the current system, where it came from, and its undo stack.

    ``path`` is the file it was read from (None for an upload); ``writable`` says whether
    that file lies inside the working folder (built-in models do not); ``stamp`` is the
    file's (mtime, sha256) when last read or written. ``undo`` holds, per edit, the system
    before it, its description, the client that made it, and the versions before and after it.
    """

    key: str
    system: System
    origin: str
    path: Path | None
    writable: bool
    stamp: tuple[float, str] | None
    undo: list[tuple[System, str, str, int, int]] = field(default_factory=list)
    version: int = 0
    dirty: bool = False
    last_edit: str = ""

    @property
    def suggested_name(self) -> str:
        """A file name inside the working folder for 'save as'."""
        if self.path is not None and self.writable:
            stem = self.path.stem
            return f"{stem}.edited{self.path.suffix if self.path.suffix != '.scw' else '.yaml'}"
        return f"{self.system.id}.yaml"


def _dump(system: System) -> dict[str, Any]:
    return system.model_dump(by_alias=True, exclude_unset=True, exclude_none=True, mode="python")


def _rebuild(old: System, data: dict[str, Any]) -> System:
    """Validate edited data as a System that keeps the YAML document of ``old`` (comments, order).

    The edited system is checked as a model file is when loaded: each part's fields, then
    every cross-reference (citations against their source's text included).
    """
    from pydantic import ValidationError

    try:
        new = System.model_validate(data)
    except ValidationError as exc:
        from upheaval.model import first_validation_error

        field, message, hint, kind = first_validation_error(exc)
        if kind == "string_pattern_mismatch" and field.rsplit(".", 1)[-1] == "code":
            hint = "an actor code is 2 to 8 capital letters or digits, starting with a letter; ISO alpha-3 for states"
        raise EditRefused(f"{field}: {message}" + (f" ({hint})" if hint else "")) from None
    new._document = getattr(old, "_document", None)
    new._folder = getattr(old, "_folder", None)
    problems = cross_references(new)
    if problems:
        shown = "; ".join(f"{p.field}: {p.message}" + (f" ({p.help})" if p.help else "") for p in problems[:4])
        raise EditRefused(shown + (f"; and {len(problems) - 4} more" if len(problems) > 4 else ""))
    return new


class Workspace:
    """Everything the running workbench holds: the open documents and the current one.

    All mutation goes through methods that take the workspace lock, so the server's
    worker threads see one consistent state. Results (compiled matrix, scenario sets,
    claims) are cached per document version.
    """

    def __init__(self, root: Path, *, max_upload: int = 2_000_000) -> None:
        self.root = Path(root).resolve()
        self.max_upload = max_upload
        self.docs: dict[str, OpenModel] = {}
        self.current: str | None = None
        self.lock = threading.RLock()
        self._cache: OrderedDict[tuple, Any] = OrderedDict()
        self._serial = 0
        self._versions = itertools.count(1)

    def _next_version(self) -> int:
        """Versions are unique across documents, so cached results can never be mixed up."""
        return next(self._versions)

    # ---- opening -------------------------------------------------------------------------

    def available(self) -> dict[str, list[str]]:
        """Models that can be opened: built-in names and model files in the working folder."""
        return {"builtin": list(builtin_models()), "files": list_model_files(self.root)}

    def locate(self, name: str) -> tuple[str, Path | None]:
        """The key ``name`` opens under and, for a file, its path (a built-in model: None).

        Raises PathNotAllowed for a path outside the working folder, ModelError for no such file.
        """
        if name in builtin_models():
            return f"builtin:{name}", None
        path = resolve_inside(self.root, name)
        rel = str(path.relative_to(self.root))
        if f"file:{rel}" not in self.docs and not path.is_file():
            raise ModelError(rel, [Problem("not-found", "no such file in the working folder")])
        return f"file:{rel}", path

    def open(self, name: str, system: System | None = None) -> OpenModel:
        """Open a built-in model by name, or a model file by its path inside the working folder.

        An already open model becomes current again with its edits. ``system`` is the model
        as read elsewhere (the server reads files in a bounded worker); left out, it is read here.
        """
        with self.lock:
            key, path = self.locate(name)
            if key not in self.docs:
                if path is None:
                    system = system or load(name)
                    self.docs[key] = OpenModel(
                        key, system, name, builtin_models()[name], False, None, version=self._next_version()
                    )
                else:
                    rel = key.removeprefix("file:")
                    if system is None:
                        with _yaml_errors(rel):
                            system = load(path)
                    self.docs[key] = OpenModel(key, system, rel, path, True, _stamp(path), version=self._next_version())
            self.current = key
            return self.docs[key]

    def open_text(self, text: str, filename: str, system: System | None = None) -> OpenModel:
        """Open an uploaded model from its YAML text (validated like a file; never written back).

        ``system`` is the text as parsed elsewhere (the server parses uploads in a bounded worker).
        """
        safe = Path(filename or "upload.yaml").name or "upload.yaml"
        if system is None:
            with _yaml_errors(safe):  # parsed before taking the lock: other requests go on meanwhile
                system = parse_yaml(text, safe)
        with self.lock:
            self._serial += 1
            key = f"upload:{self._serial}:{safe}"
            self.docs[key] = OpenModel(
                key, system, f"upload {safe}", None, False, None, dirty=True, version=self._next_version()
            )
            self.current = key
            return self.docs[key]

    def doc(self) -> OpenModel:
        """The current document (the built-in default model opened on first use)."""
        with self.lock:
            if self.current is None:
                return self.open(BUILTIN_DEFAULT)
            return self.docs[self.current]

    # ---- results, cached per version -----------------------------------------------------

    def _cached(self, key: tuple, make: Callable[[], Any]) -> Any:
        with self.lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = make()
        with self.lock:
            self._cache[key] = value
            while len(self._cache) > 64:
                self._cache.popitem(last=False)
        return value

    def matrix(self, doc: OpenModel | None = None) -> cib.CrossImpactMatrix:
        """The compiled cross-impact matrix of a document (the current one by default)."""
        doc = doc or self.doc()
        system = doc.system
        return self._cached(("cim", doc.key, doc.version), lambda: cib.compile_system(system))

    def scenarios(
        self, tolerance: int = 0, fix: Mapping[str, Sequence[str]] | None = None, doc: OpenModel | None = None
    ) -> cib.ScenarioSet:
        """The consistent scenarios at ``tolerance`` under the intervention ``fix`` (the page's clicks):
        each clicked descriptor takes the variant and is exempt from the consistency test."""
        doc = doc or self.doc()
        cim = self.matrix(doc)
        norm = tuple(sorted((d, tuple(sorted(set(vs)))) for d, vs in (fix or {}).items() if vs))
        cim.condition_indices(dict(norm))  # raises EngineError on unknown names
        return self._cached(
            ("scenarios", doc.key, doc.version, int(tolerance), norm),
            lambda: cib.find_consistent(cim, int(tolerance), dict(norm) or None, budget_seconds=SEARCH_BUDGET_SECONDS),
        )

    def claims(self, doc: OpenModel | None = None) -> list:
        """The claims of a document, checked against its current judgements."""
        from upheaval.claims import check_claims, matrix_search

        doc = doc or self.doc()
        cim = self.matrix(doc)
        system = doc.system
        # a long-running server: the compiled kernels answer the claims' searches in milliseconds
        return self._cached(("claims", doc.key, doc.version), lambda: check_claims(system, cim, search=matrix_search()))

    # ---- edits ---------------------------------------------------------------------------

    def _commit(self, doc: OpenModel, new: System, what: str) -> OpenModel:
        version = self._next_version()
        doc.undo.append((doc.system, doc.last_edit, CLIENT.get(), doc.version, version))
        del doc.undo[:-MAX_UNDO]
        doc.system = new
        doc.version = version
        doc.dirty = True
        doc.last_edit = what
        return doc

    def _variant_index(self, system: System, descriptor: str, variant: str) -> None:
        try:
            d = system.descriptor(descriptor)
        except KeyError:
            raise EditRefused(
                f"unknown descriptor {descriptor!r}; known: {', '.join(x.id for x in system.descriptors)}"
            ) from None
        if variant not in d.variant_ids():
            raise EditRefused(
                f"descriptor {descriptor!r} has no variant {variant!r}; it has {', '.join(d.variant_ids())}"
            )

    def set_impact(
        self,
        source: str,
        source_variant: str,
        target: str,
        target_variant: str,
        value: int,
        version: str | None = None,
    ) -> OpenModel:
        """Set one cell: the impact of ``source.source_variant`` on ``target.target_variant``.

        The value goes into the first judgement section for the descriptor pair (created if
        none) and the cell is cleared in any other section, so the compiled cell equals
        ``value``. A descriptor acting on itself needs an existing ``diagonal`` section.
        ``version`` (see :func:`section_version`), when given, must be the section's current one.
        """
        with self.lock:
            self.check_section(source, target, version)
            doc = self.doc()
            system = doc.system
            if not isinstance(value, int) or not -system.scale <= value <= system.scale:
                raise EditRefused(f"impacts run from -{system.scale} to +{system.scale}")
            self._variant_index(system, source, source_variant)
            self._variant_index(system, target, target_variant)
            data = _dump(system)
            sections = [s for s in data.setdefault("impacts", []) if s["from"] == source and s["to"] == target]
            if source == target and not any(s.get("diagonal") for s in sections):
                raise EditRefused("a descriptor does not act on itself here; judge its effect on other descriptors")
            if not sections and value == 0:
                return doc
            set_judgement(data, source, source_variant, target, target_variant, value)
            new = _rebuild(system, data)
            return self._commit(doc, new, f"{source}.{source_variant} → {target}.{target_variant} = {value:+d}")

    def set_section(
        self, source: str, target: str, rationale: str, cites: list[dict[str, Any]], version: str | None = None
    ) -> OpenModel:
        """Set the rationale and citations of the judgement section from ``source`` to ``target``.

        ``version`` (see :func:`section_version`), when given, must be the section's current one.
        """
        with self.lock:
            self.check_section(source, target, version)
            doc = self.doc()
            system = doc.system
            for d in (source, target):
                try:
                    system.descriptor(d)
                except KeyError:
                    raise EditRefused(f"unknown descriptor {d!r}") from None
            if source == target:
                raise EditRefused("a descriptor does not act on itself here")
            known_sources = {s.id: s for s in system.sources}
            for c in cites:
                if c.get("source") not in known_sources:
                    raise EditRefused(
                        f"citation names source {c.get('source')!r}, which the model does not list; "
                        f"known: {', '.join(sorted(known_sources)) or '(none)'}"
                    )
                sections = known_sources[c["source"]].sections
                if sections and c.get("section") not in sections:
                    raise EditRefused(
                        f"source {c['source']!r} has no section {c.get('section')!r}; its sections: {', '.join(sections)}"
                    )
            data = _dump(system)
            sections = [s for s in data.setdefault("impacts", []) if s["from"] == source and s["to"] == target]
            if not sections:
                sections = [{"from": source, "to": target, "values": {}}]
                data["impacts"].append(sections[0])
            s = sections[0]
            s["rationale"] = rationale
            s["cites"] = [{k: v for k, v in c.items() if v is not None} for c in cites]
            if not s["cites"]:
                s.pop("cites")
            new = _rebuild(system, data)
            return self._commit(doc, new, f"rationale of {source} → {target}")

    def _check_free_space(self, data: dict[str, Any]) -> None:
        touched = {s["from"] for s in data.get("impacts", []) if s.get("values")} | {
            s["to"] for s in data.get("impacts", []) if s.get("values")
        }
        free = 1
        for d in data["descriptors"]:
            if d["id"] not in touched:
                free *= len(d["variants"])
        if free > MAX_FREE_SCENARIOS:
            raise EditRefused(
                f"descriptors without judgements would multiply the scenarios by {free:,}; "
                "judge the impacts of the new descriptors first"
            )

    def add_descriptor(self, descriptor: dict[str, Any]) -> OpenModel:
        """Add a descriptor with two or more variants (and no judgements yet)."""
        with self.lock:
            doc = self.doc()
            system = doc.system
            if any(d.id == descriptor.get("id") for d in system.descriptors):
                raise EditRefused(f"there is already a descriptor {descriptor.get('id')!r}")
            variants = descriptor.get("variants") or []
            ids = [v.get("id") for v in variants]
            if len(set(ids)) != len(ids):
                raise EditRefused("variant ids must differ")
            if not 2 <= len(variants) <= MAX_VARIANTS:
                raise EditRefused(f"a descriptor needs 2 to {MAX_VARIANTS} variants")
            if len(system.descriptors) >= MAX_DESCRIPTORS:
                raise EditRefused(f"the workbench edits at most {MAX_DESCRIPTORS} descriptors")
            data = _dump(system)
            data["descriptors"].append({k: v for k, v in descriptor.items() if v not in (None, "")})
            self._check_free_space(data)
            new = _rebuild(system, data)
            return self._commit(doc, new, f"add descriptor {descriptor.get('id')}")

    def add_variant(self, descriptor: str, variant: dict[str, Any]) -> OpenModel:
        """Add a variant to a descriptor (no judgements yet)."""
        with self.lock:
            doc = self.doc()
            system = doc.system
            try:
                d = system.descriptor(descriptor)
            except KeyError:
                raise EditRefused(f"unknown descriptor {descriptor!r}") from None
            if variant.get("id") in d.variant_ids():
                raise EditRefused(f"descriptor {descriptor!r} already has a variant {variant.get('id')!r}")
            if len(d.variants) >= MAX_VARIANTS:
                raise EditRefused(f"a descriptor has at most {MAX_VARIANTS} variants here")
            data = _dump(system)
            for dd in data["descriptors"]:
                if dd["id"] == descriptor:
                    dd["variants"].append({k: v for k, v in variant.items() if v not in (None, "")})
            self._check_free_space(data)
            new = _rebuild(system, data)
            return self._commit(doc, new, f"add variant {descriptor}.{variant.get('id')}")

    def undo_depth(self, doc: OpenModel) -> int:
        """How many edits the current client can undo."""
        client = CLIENT.get()
        return sum(1 for entry in doc.undo if entry[2] == client)

    def undo(self) -> OpenModel:
        """Undo the current client's last edit (each client its own; another client's edits stay).

        If another client has edited the model since, undoing would drop that edit too:
        :class:`EditConflict` is raised and nothing changes.
        """
        with self.lock:
            doc = self.doc()
            client = CLIENT.get()
            mine = [i for i, entry in enumerate(doc.undo) if entry[2] == client]
            if not mine:
                raise EditRefused("nothing of yours to undo")
            before, last_edit, _, version_before, made = doc.undo[mine[-1]]
            if made != doc.version:
                raise EditConflict(
                    "the model was edited by another client after your last edit; undoing it would drop theirs: "
                    "change the judgement back by hand, or reload"
                )
            del doc.undo[mine[-1]]
            doc.system, doc.last_edit = before, last_edit
            doc.version = version_before  # the model is again as it was then (cached results still hold)
            doc.dirty = bool(doc.undo) or doc.path is None
            return doc

    def check_section(self, source: str, target: str, version: str | None) -> None:
        """Refuse (409) an edit of the section ``source`` → ``target`` based on an older ``version`` of it."""
        if version is None:
            return
        system = self.doc().system
        current = section_version(system, source, target)
        if version != current:
            sections = [
                s.model_dump(by_alias=True, exclude_none=True, mode="json")
                for s in system.impact_sections(source, target)
            ]
            raise EditConflict(
                f"the judgement section {source} → {target} changed since you read it (another client's edit); "
                "read it again and redo your change",
                {"source": source, "target": target, "version": current, "sections": sections},
            )

    # ---- saving --------------------------------------------------------------------------

    def save(self, as_name: str | None = None) -> Path:
        """Write the current model as YAML, atomically, keeping its comments and key order.

        Without ``as_name`` the model goes back to the file it came from; if that file
        changed on disk since it was read, :class:`Conflict` is raised and nothing is written.
        With ``as_name`` (a path inside the working folder) a new file is written; an existing
        file is never replaced that way. The document then follows the file written.
        """
        with self.lock:
            doc = self.doc()
            if as_name is None:
                if doc.path is None or not doc.writable:
                    raise PathNotAllowed(
                        f"{doc.origin} has no file in the working folder; save it under a new name "
                        f"(e.g. {doc.suggested_name})"
                    )
                target = doc.path
                if doc.path.suffix.lower() == ".scw":
                    raise PathNotAllowed("the workbench saves YAML; save under a new .yaml name")
                if self.on_disk_changed(doc):
                    raise Conflict(target, self._free_name(doc.suggested_name))
            else:
                target = resolve_inside(self.root, as_name, suffixes=(".yaml", ".yml"))
                if target.exists():
                    raise PathNotAllowed(f"{as_name} exists already; choose another name")
                target.parent.mkdir(parents=True, exist_ok=True)
            text = dump_yaml(doc.system)
            parse_yaml(text, target.name, folder=target.parent)  # never write a file the loader would refuse
            write_text_atomic(target, text)
            rel = str(target.relative_to(self.root))
            new_key = f"file:{rel}"
            if new_key != doc.key:
                self.docs.pop(doc.key, None)
                self.docs.pop(new_key, None)
                doc.key = new_key
                self.docs[new_key] = doc
                self.current = new_key
            doc.path, doc.writable, doc.origin = target, True, rel
            doc.system._folder = target.parent  # sources' text is read beside the file from now on
            doc.stamp = _stamp(target)
            doc.dirty = False
            return target

    def _free_name(self, name: str) -> str:
        stem, suffix = Path(name).stem, Path(name).suffix or ".yaml"
        parent = Path(name).parent
        candidate, n = name, 1
        while (self.root / candidate).exists():
            n += 1
            candidate = str(parent / f"{stem}-{n}{suffix}")
        return candidate

    def reload(self, system: System | None = None) -> OpenModel:
        """Read the current model's file again, dropping unsaved edits (they stay undoable).

        ``system`` is the file as read elsewhere (the server reads it in a bounded worker).
        """
        with self.lock:
            doc = self.doc()
            if doc.path is None:
                raise EditRefused("this model has no file to reload from")
            if system is None:
                with _yaml_errors(doc.origin):
                    system = load(doc.path)
            version = self._next_version()
            doc.undo.append((doc.system, doc.last_edit, CLIENT.get(), doc.version, version))
            doc.system = system
            doc.version = version
            doc.stamp = _stamp(doc.path) if doc.writable else None
            doc.dirty = False
            doc.last_edit = "reloaded from disk"
            return doc

    def on_disk_changed(self, doc: OpenModel | None = None) -> bool:
        """Whether the document's file changed on disk since it was read or written."""
        doc = doc or self.doc()
        if doc.path is None or not doc.writable or doc.stamp is None:
            return False
        try:
            st = doc.path.stat()
            if st.st_mtime == doc.stamp[0]:
                return False
            return _stamp(doc.path)[1] != doc.stamp[1]
        except OSError:
            return True


def fix_from_pairs(pairs: Sequence[str]) -> dict[str, list[str]]:
    """``["front.destabilises", ...]`` as ``{"front": ["destabilises"], ...}`` (EngineError if malformed)."""
    out: dict[str, list[str]] = {}
    for p in pairs:
        d, sep, v = str(p).partition(".")
        if not sep or not d or not v:
            raise EngineError(f"fix expects DESCRIPTOR.VARIANT, got {p!r}")
        out.setdefault(d, []).append(v)
    return out
