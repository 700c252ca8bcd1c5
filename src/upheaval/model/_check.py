"""Cross-reference checks over a model's parts: ids, references, citations, impact cells."""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from upheaval.errors import Problem
from upheaval.model._schema import TIE_KINDS
from upheaval.model._sources import MAX_SOURCE_BYTES, SourceText, normalise, parse_source_text, resolve_source_path

__all__ = ["cross_check"]

Loc = tuple[Any, ...]
MakeProblem = Callable[..., Problem]


_SUGGESTIONS = 20  # problems per load that get a "did you mean" (each compares with every known name)


def _suggest(name: str, choices: Iterable[str], look: bool = True) -> str:
    """ "did you mean" a close known name (``look``), else the first known names."""
    if look:
        choices = list(choices)
        close = difflib.get_close_matches(str(name), choices, n=1, cutoff=0.5)
        if close:
            return f"did you mean `{close[0]}`?"
    first = list(itertools.islice(choices, 9))
    shown = ", ".join(f"`{c}`" for c in first[:8])
    return f"known: {shown}{' ...' if len(first) > 8 else ''}" if first else ""


def _items(doc: Any, key: str) -> list[Any]:
    """The raw list under ``key`` (empty when absent or not a list: that is reported elsewhere)."""
    value = doc.get(key) if isinstance(doc, dict) else None
    return value if isinstance(value, list) else []


def _kind_help(kind: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(kind), sorted(known), n=1, cutoff=0.6)
    declare = "declare it under `tie_kinds:` (id, label, sign: cooperative or hostile)"
    if close:
        return f"did you mean `{close[0]}`? or {declare}"
    return f"use a built-in kind ({', '.join(TIE_KINDS)}), or {declare}"


def _raw_ids(doc: Any, key: str, field: str) -> set[str]:
    """Ids present in the raw document, valid items or not (to avoid cascades of errors)."""
    out = set()
    for item in _items(doc, key):
        if isinstance(item, dict) and isinstance(item.get(field), str):
            out.add(item[field])
    return out


class _Checker:
    def __init__(self, parts: dict[str, Any], doc: Any, problem: MakeProblem, folder: Path | None = None) -> None:
        self.parts = parts
        self.doc = doc
        self.problem = problem
        self.folder = folder
        self.out: list[Problem] = []
        self.suggested = 0
        self.sources = {k: None for k in _raw_ids(doc, "sources", "id")} | {
            s.id: s for _, s in parts.get("sources", [])
        }
        self.texts: dict[str, SourceText] = {}
        self.tie_kinds = set(TIE_KINDS) | _raw_ids(doc, "tie_kinds", "id")
        self.actors = _raw_ids(doc, "actors", "code")
        self.ties = _raw_ids(doc, "ties", "id")
        scale = doc.get("scale", 3) if isinstance(doc, dict) else 3
        self.scale = scale if isinstance(scale, int) and scale >= 1 else 3
        self.variants: dict[str, list[str]] = {}
        for item in _items(doc, "descriptors"):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                vs = _items(item, "variants")
                self.variants[item["id"]] = [
                    v["id"] for v in vs if isinstance(v, dict) and isinstance(v.get("id"), str)
                ]

    def suggest(self, name: str, choices: Iterable[str]) -> str:
        """A close known name, for the first problems only: past them, the first known names (no comparing)."""
        self.suggested += 1
        return _suggest(name, choices, self.suggested <= _SUGGESTIONS)

    def add(self, code: str, message: str, loc: Loc, help: str = "") -> None:
        self.out.append(self.problem(code, message, loc, help))

    def duplicates(self, key: str, field: str) -> None:
        seen: dict[str, int] = {}
        for i, item in enumerate(_items(self.doc, key)):
            if not isinstance(item, dict) or not isinstance(item.get(field), str):
                continue
            value = item[field]
            if value in seen:
                self.add(
                    "duplicate-id",
                    f"{key} {field} `{value}` is used twice (first at item {seen[value]})",
                    (key, i, field),
                    f"give each item of `{key}` its own {field}",
                )
            else:
                seen[value] = i

    def actor(self, code: str, loc: Loc) -> None:
        if code not in self.actors:
            self.add(
                "unknown-reference",
                f"unknown actor `{code}`",
                loc,
                self.suggest(code, self.actors) or "add it to `actors`",
            )

    def descriptor(self, did: str, loc: Loc) -> bool:
        if did in self.variants:
            return True
        self.add("unknown-reference", f"unknown descriptor `{did}`", loc, self.suggest(did, self.variants))
        return False

    def variant(self, did: str, vid: str, loc: Loc) -> None:
        if vid not in self.variants[did]:
            self.add(
                "unknown-reference",
                f"descriptor `{did}` has no variant `{vid}`",
                loc,
                self.suggest(vid, self.variants[did]),
            )

    def dotted(self, ref: str, loc: Loc) -> None:
        did, _, vid = ref.partition(".")
        if self.descriptor(did, loc):
            self.variant(did, vid, loc)

    def cites(self, cites: list[Any], loc: Loc) -> None:
        for j, c in enumerate(cites):
            if c.source not in self.sources:
                self.add(
                    "unknown-source",
                    f"citation names source `{c.source}`, which `sources` does not list",
                    loc + ("cites", j, "source"),
                    self.suggest(c.source, self.sources) or "add the document to `sources`",
                )
                continue
            src = self.sources[c.source]
            here = loc + ("cites", j)
            if src is not None and src.sections and c.section is None:
                self.add(
                    "missing-section",
                    f"source `{c.source}` has sections; this citation names none",
                    here,
                    f"add `section:`, one of {', '.join(f'`{x}`' for x in src.sections[:6])}",
                )
            elif src is not None and src.sections and c.section not in src.sections:
                self.add(
                    "unknown-section",
                    f"source `{c.source}` has no section `{c.section}`",
                    here + ("section",),
                    self.suggest(c.section, src.sections),
                )
            elif c.source in self.texts:
                self.against_text(c, self.texts[c.source], here)

    def against_text(self, c: Any, text: SourceText, loc: Loc) -> None:
        """Check a citation against its source's text: section, paragraph number, quote."""
        if c.section is None and text.headed and text.sections.get(None) is None:
            self.add(
                "missing-section",
                f"the text of `{c.source}` has headings; this citation names no section",
                loc,
                f"add `section:`, one of {', '.join(f'`{h}`' for h in text.headings()[:6])}",
            )
            return
        paragraphs = text.paragraphs(c.section)
        if paragraphs is None:
            self.add(
                "unknown-section",
                f"the text of `{c.source}` has no heading `{c.section}`",
                loc + ("section",),
                self.suggest(c.section, text.headings()) or "check the source's headings",
            )
            return
        where = f"section `{c.section}`" if c.section else "the text"
        if c.paragraph > len(paragraphs):
            n = len(paragraphs)
            self.add(
                "paragraph-out-of-range",
                f"{where} of `{c.source}` has {n} paragraph{'s' if n != 1 else ''}; this citation names paragraph {c.paragraph}",
                loc + ("paragraph",),
                f"cite a paragraph from 1 to {n}" if n else "this section has no paragraphs",
            )
            return
        if c.quote and normalise(c.quote).casefold() not in normalise(paragraphs[c.paragraph - 1]).casefold():
            found = [
                k + 1 for k, p in enumerate(paragraphs) if normalise(c.quote).casefold() in normalise(p).casefold()
            ]
            self.add(
                "quote-not-found",
                f"the quote is not in paragraph {c.paragraph} of {where} of `{c.source}`",
                loc + ("quote",),
                f"it appears in paragraph {', '.join(map(str, found))}" if found else "quote the text word for word",
            )

    def source_texts(self) -> None:
        """Read the text of every source that points at one (``path``), inside the model's folder."""
        for i, src in self.parts.get("sources", []):
            if not src.path:
                continue
            loc = ("sources", i, "path")
            if self.folder is None:
                continue  # a model read from text alone (an upload): no folder to read from
            try:
                target = resolve_source_path(self.folder, src.path)
            except ValueError as exc:
                self.add("source-path", str(exc), loc)
                continue
            try:
                if target.stat().st_size > MAX_SOURCE_BYTES:
                    self.add("source-path", f"`{src.path}` is larger than {MAX_SOURCE_BYTES:,} bytes", loc)
                    continue
                raw = target.read_text(encoding="utf-8")
            except FileNotFoundError:
                self.add("source-path", f"no file `{src.path}` next to the model", loc, "check the path")
                continue
            except (OSError, UnicodeDecodeError) as exc:
                self.add("source-path", f"cannot read `{src.path}` as UTF-8 text ({exc})", loc)
                continue
            text = parse_source_text(raw, target.suffix, src.sections)
            for j, sec in enumerate(src.sections):
                if text.section_key(sec) is None:
                    self.add(
                        "unknown-section",
                        f"section `{sec}` is not a heading of `{src.path}`",
                        ("sources", i, "sections", j),
                        self.suggest(sec, text.headings()) or "the text has no headings",
                    )
            self.texts[src.id] = text

    def condition(self, cond: dict[str, Any], loc: Loc) -> None:
        for did, vids in cond.items():
            if not self.descriptor(did, loc + (did,)):
                continue
            for vid in [vids] if isinstance(vids, str) else vids:
                self.variant(did, vid, loc + (did,))

    def tie(self, tie: Any, loc: Loc) -> None:
        if tie.kind not in self.tie_kinds:
            self.add(
                "unknown-tie-kind",
                f"unknown tie kind `{tie.kind}`",
                loc + ("kind",),
                _kind_help(tie.kind, self.tie_kinds),
            )
        self.actor(tie.source, loc + ("from",))
        self.actor(tie.target, loc + ("to",))
        if tie.source == tie.target:
            self.add(
                "self-tie",
                f"tie `{tie.id}` runs from `{tie.source}` to itself",
                loc + ("to",),
                "a tie joins two actors",
            )
        if tie.since and tie.until and tie.until < tie.since:
            self.add(
                "date-order", f"tie `{tie.id}` ends ({tie.until}) before it starts ({tie.since})", loc + ("until",)
            )
        self.cites(tie.cites, loc)

    def run(self) -> list[Problem]:
        self.source_texts()
        for i, spec in self.parts.get("tie_kinds", []):
            if spec.id in TIE_KINDS:
                self.add(
                    "duplicate-id",
                    f"`{spec.id}` is a built-in tie kind",
                    ("tie_kinds", i, "id"),
                    "use the built-in kind as it is, or give yours another id",
                )
        for key, field in [
            ("tie_kinds", "id"),
            ("sources", "id"),
            ("actors", "code"),
            ("ties", "id"),
            ("descriptors", "id"),
            ("claims", "id"),
            ("indicators", "id"),
            ("futures", "id"),
            ("shocks", "id"),
        ]:
            self.duplicates(key, field)
        for i, tie in self.parts.get("ties", []):
            self.tie(tie, ("ties", i))
        for i, d in self.parts.get("descriptors", []):
            for j, code in enumerate(d.held_by):
                self.actor(code, ("descriptors", i, "held_by", j))
            seen: set[str] = set()
            for j, v in enumerate(d.variants):
                if v.id in seen:
                    self.add(
                        "duplicate-id",
                        f"descriptor `{d.id}` has two variants `{v.id}`",
                        ("descriptors", i, "variants", j, "id"),
                        "give each variant its own id",
                    )
                seen.add(v.id)
                if v.ties:
                    for k, t in enumerate(v.ties.add):
                        self.tie(t, ("descriptors", i, "variants", j, "ties", "add", k))
                    for k, tid in enumerate(v.ties.remove):
                        if tid not in self.ties:
                            self.add(
                                "unknown-reference",
                                f"unknown tie `{tid}`",
                                ("descriptors", i, "variants", j, "ties", "remove", k),
                                self.suggest(tid, self.ties),
                            )
        self.impacts()
        self.shocks()
        for i, claim in self.parts.get("claims", []):
            loc = ("claims", i)
            self.cites(claim.cites, loc)
            chk = claim.check
            written = {new: old for old, new in chk.old_keys().items()}  # located under the key as written
            for name in ("fix", "where", "then", "match", "baseline", "outcome", "scenario"):
                value = getattr(chk, name)
                if value:
                    self.condition(value, loc + ("check", written.get(name, name)))
            if chk.kind == "consistent":
                self.complete(chk.scenario, loc + ("check", "scenario"))
        for i, future in self.parts.get("futures", []):
            self.condition(future.match, ("futures", i, "match"))
        present = self.parts.get("present")
        if present is not None:
            self.condition(present.scenario, ("present", "scenario"))
            self.complete(present.scenario, ("present", "scenario"))
            self.cites(present.cites, ("present",))
        for i, ind in self.parts.get("indicators", []):
            loc = ("indicators", i)
            self.dotted(ind.signals, loc + ("signals",))
            for side in ("source", "target"):
                for j, code in enumerate(getattr(ind.pattern, side)):
                    self.actor(code, loc + ("pattern", side, j))
            did = ind.signals.partition(".")[0]
            if ind.likelihood and did in self.variants:
                for vid in ind.likelihood:
                    self.variant(did, vid, loc + ("likelihood", vid))
            self.cites(ind.cites, loc)
        tracking = self.parts.get("tracking")
        if tracking is not None and not isinstance(tracking.prior, str):
            for j, w in enumerate(tracking.prior):
                self.condition(w.match, ("tracking", "prior", j, "match"))
        plan = self.parts.get("periods")
        if plan is not None:
            for did in plan.inertia:
                self.descriptor(did, ("periods", "inertia", did))
            for j, ref in enumerate(plan.irreversible):
                self.dotted(ref, ("periods", "irreversible", j))
            for j, change in enumerate(plan.scheduled):
                if change.period not in plan.labels:
                    self.add(
                        "unknown-reference",
                        f"unknown period `{change.period}`",
                        ("periods", "scheduled", j, "period"),
                        self.suggest(change.period, plan.labels),
                    )
                self.condition(change.fix, ("periods", "scheduled", j, "fix"))
        return self.out

    def complete(self, scenario: dict[str, str], loc: Loc) -> None:
        missing = [d for d in self.variants if d not in scenario]
        if missing:
            self.add(
                "incomplete-scenario",
                f"scenario names no variant for {', '.join(f'`{m}`' for m in missing)}",
                loc,
                "a scenario chooses one variant for every descriptor",
            )

    def impacts(self) -> None:
        cells: dict[tuple[str, str, str, str], int] = {}
        for i, imp in self.parts.get("impacts", []):
            self.section(imp, ("impacts", i), cells, f"impacts[{i}]")

    def section(self, imp: Any, loc: Loc, cells: dict[tuple[str, str, str, str], Any], here: str) -> None:
        """One judgement section: its descriptors, variants, rows and cells (``cells`` finds cells judged twice)."""
        ok_from = self.descriptor(imp.source, loc + ("from",))
        ok_to = self.descriptor(imp.target, loc + ("to",))
        self.cites(imp.cites, loc)
        if imp.source == imp.target and not imp.diagonal:
            self.add(
                "self-impact",
                f"impact inside one descriptor (`{imp.source}` on itself)",
                loc + ("to",),
                "CIB judges how one descriptor acts on another; for a deliberate "
                "self-impact block (as ScenarioWizard allows) set `diagonal: true`",
            )
        for a, row in imp.rows.items():
            self.cites(row.cites, loc + ("rows", a))
            if ok_from and a not in self.variants[imp.source]:
                self.variant(imp.source, a, loc + ("rows", a))
            elif not (row.rationale.strip() or row.cites):
                self.add(
                    "empty-row",
                    f"row `{a}` gives neither a rationale nor citations",
                    loc + ("rows", a),
                    "write `rationale:` (and `cites:`) for this row, or remove it to use the section's",
                )
        if imp.uncertainty > self.scale:
            self.add(
                "out-of-range",
                f"uncertainty {imp.uncertainty} is wider than the scale ({self.scale})",
                loc + ("uncertainty",),
                f"an uncertainty runs from 0 to the model's scale ({self.scale})",
            )
        if not (ok_from and ok_to):
            return
        for a, row in imp.values.items():
            if a not in self.variants[imp.source]:
                self.variant(imp.source, a, loc + ("values", a))
                continue
            for b in row:
                if b not in self.variants[imp.target]:
                    self.variant(imp.target, b, loc + ("values", a, b))
                    continue
                if abs(row[b]) > self.scale:
                    self.add(
                        "out-of-range",
                        f"impact {row[b]:+d} is outside -{self.scale}..+{self.scale}",
                        (*loc, "values", a, b),
                        f"impacts run from -{self.scale} to +{self.scale}; a model with a wider scale "
                        "(as ScenarioWizard allows) declares it with `scale:` at the top",
                    )
                key = (imp.source, a, imp.target, b)
                if key in cells:
                    self.add(
                        "duplicate-impact",
                        f"the impact of `{imp.source}.{a}` on `{imp.target}.{b}` is also judged in {cells[key]}",
                        loc + ("values", a, b),
                        "judge each cell once",
                    )
                cells[key] = here

    def shocks(self) -> None:
        """Each shock's forced variants and added judgement sections (a cell once per shock)."""
        for i, shock in self.parts.get("shocks", []):
            loc = ("shocks", i)
            self.condition(shock.fix, loc + ("fix",))
            self.cites(shock.cites, loc)
            cells: dict[tuple[str, str, str, str], Any] = {}
            for j, imp in enumerate(shock.impacts):
                self.section(imp, loc + ("impacts", j), cells, f"shocks[{i}].impacts[{j}]")


def cross_check(parts: dict[str, Any], doc: Any, problem: MakeProblem, folder: Path | None = None) -> list[Problem]:
    """Every cross-reference problem in the parsed parts of a model.

    ``parts`` maps each list field to ``(index, item)`` pairs of the items that validated
    on their own; ``doc`` is the raw document (for ids of items that did not). ``folder`` is
    the model file's folder: sources' ``path`` are read there and citations checked
    against their text.
    """
    return _Checker(parts, doc, problem, folder).run()
