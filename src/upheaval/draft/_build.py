"""Assemble a draft: every element the drafter found, each cited, into a model file that validates.

The draft invents no judgement: its judgement sections are empty and list the sentences that bear
on them; its ties are marked ``status: draft``; its candidate claims are written as comments for
the analyst to turn into checks. What the drafter saw but could not place (a figure with no tie,
a cue with one actor, a month without a year, a condition whose subject is a pronoun) is kept in
:attr:`Draft.unplaced` and in the draft report.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from upheaval.draft._conditionals import Candidate, find_conditionals
from upheaval.draft._document import Document, Paragraph, read_document, sentences
from upheaval.draft._figures import DateMention, Figure, find_dates, find_figures
from upheaval.draft._gazetteer import Entry, gazetteer, mentions_in
from upheaval.draft._relations import CUES, Relation, find_relations

__all__ = ["Draft", "DraftItem", "draft", "draft_yaml"]


@dataclass
class Cite:
    """Where an element comes from: section, paragraph and a short verbatim quote."""

    section: str
    paragraph: int
    quote: str

    def label(self) -> str:
        """``§section ¶n``."""
        return f"§{self.section} ¶{self.paragraph}"


@dataclass
class DraftItem:
    """One extracted element of a kind (actor, tie, figure, date, descriptor, section, claim, unplaced)."""

    kind: str
    what: str
    cites: list[Cite] = field(default_factory=list)
    note: str = ""


@dataclass
class DraftTie:
    id: str
    source: str
    target: str
    kind: str
    reading: str
    cites: list[Cite]
    amount: float | None = None
    unit: str | None = None
    rate: str | None = None
    since: str | None = None
    when: list[str] = field(default_factory=list)
    inferred: str = ""


@dataclass
class DraftDescriptor:
    candidate: Candidate
    cites: list[Cite]


@dataclass
class DraftSection:
    source: str
    target: str
    cites: list[Cite]


@dataclass
class Draft:
    """The result of :func:`draft`: the document, what was found, and what could not be placed."""

    document: Document
    path: str
    system_id: str
    as_of: str
    as_of_given: bool
    actors: list[tuple[Entry, list[Cite], list[str]]]
    ties: list[DraftTie]
    figures: list[tuple[Figure, Cite, str | None]]
    dates: list[tuple[DateMention, Cite, str | None]]
    descriptors: list[DraftDescriptor]
    sections: list[DraftSection]
    claims: list[tuple[str, Cite, list[str]]]
    unplaced: list[DraftItem]

    def items(self) -> list[DraftItem]:
        """Every extracted element as a flat list (what the draft report shows)."""
        out = [
            DraftItem("actor", f"{e.code} {e.name} (as {', '.join(forms)})", cites[:3])
            for e, cites, forms in self.actors
        ]
        for t in self.ties:
            fig = f"; {t.amount:g} {t.unit}" + (f" per {t.rate}" if t.rate else "") if t.amount is not None else ""
            out.append(DraftItem("tie", f"{t.source} → {t.target} {t.kind}{fig}", t.cites, t.reading))
        for f, c, tie in self.figures:
            out.append(
                DraftItem(
                    "figure",
                    f"{f.amount:g} {f.unit}" + (f" per {f.rate}" if f.rate else ""),
                    [c],
                    f"tie {tie}" if tie else "no tie",
                )
            )
        for d, c, value in self.dates:
            out.append(DraftItem("date", f"{d.text} → {value or 'year not given'}", [c]))
        for d in self.descriptors:
            k = d.candidate
            out.append(DraftItem("descriptor", f"{k.id}: {k.label} ({' / '.join(v for _, v in k.variants)})", d.cites))
        for s in self.sections:
            out.append(DraftItem("section", f"{s.source} → {s.target} (empty: needs judgement)", s.cites))
        for text, c, conds in self.claims:
            out.append(DraftItem("claim", text, [c], ", ".join(conds)))
        return out + self.unplaced


# ---------------------------------------------------------------------------------------------- helpers


def _quote(text: str, start: int, end: int, limit: int = 100) -> str:
    """A short verbatim stretch of ``text`` around ``start:end`` (whole words, at most ``limit`` characters)."""
    if end - start >= limit:
        return text[start : start + limit].rsplit(" ", 1)[0].strip()
    pad = (limit - (end - start)) // 2
    a, b = max(0, start - pad), min(len(text), end + pad)
    if a > 0:
        a = text.find(" ", a) + 1 or a
        a = min(a, start)
    if b < len(text):
        sp = text.rfind(" ", end, b)
        b = sp if sp > 0 else b
    return text[a:b].strip(" ,;:")


def _slug(text: str, limit: int = 60) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit].strip("-")
    return s if s and s[0].isalpha() else f"m-{s or 'draft'}"


_KIND_OF_UNIT = [
    (re.compile(r"^(?:soldiers?|troops?|forces|personnel|fighters|men|servicemen)\b"), "troops"),
    (re.compile(r"^(?:USD|EUR|GBP|JPY|AUD|CAD|HKD|SGD)\b"), "payment"),
    (re.compile(r"^(?:casualties|dead|deaths|killed|wounded|losses)\b"), "casualties"),
    (re.compile(r"^(?:shells?|rounds?|missiles?|rockets?|drones?|munitions|artillery|weapons)\b"), "munitions"),
]


def _kind_of_unit(unit: str) -> str | None:
    for rx, kind in _KIND_OF_UNIT:
        if rx.match(unit):
            return kind
    return None


# ---------------------------------------------------------------------------------------------- draft


def draft(
    path: str | Path, *, as_of: str | None = None, system_id: str | None = None, text: str | None = None
) -> Draft:
    """Draft a model from the commentary at ``path`` (plain text, Markdown or HTML).

    ``as_of`` (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) is the date the text speaks from; it places
    months the text gives without a year. Without it the document's own date is used, and without
    that the draft is dated today and says so.
    """
    doc = read_document(path, text)
    ref = as_of or _doc_date(doc.date)
    as_of_given = ref is not None
    actors: dict[str, tuple[Entry, list[Cite], Counter]] = {}
    by_code = {e.code: e for e in gazetteer()}
    ties: dict[tuple[str, str, str], DraftTie] = {}
    figures: list[tuple[Figure, Cite, str | None]] = []
    dates: list[tuple[DateMention, Cite, str | None]] = []
    descriptors: dict[str, DraftDescriptor] = {}
    claims: list[tuple[str, Cite, list[str]]] = []
    unplaced: list[DraftItem] = []
    pending_casualties: list[tuple[Figure, Cite, str]] = []
    seen_leaders: set[str] = set()
    cue_union = re.compile("|".join(f"(?:{c.pattern.pattern})" for c in CUES), re.I)

    for para in doc.paragraphs():
        pmentions = mentions_in(para.text, seen_leaders)
        topic = pmentions[0].code if pmentions else None
        hedged = bool(re.search(r"\b(?:response\s+)?options?\b|\bchoices?\b", para.text, re.I))
        offset = 0
        for sent in sentences(para.text):
            s_at = para.text.find(sent, offset)
            offset = s_at + len(sent) if s_at >= 0 else offset
            ms = mentions_in(sent, seen_leaders)

            def cite(a: int, b: int, sent: str = sent, para: Paragraph = para) -> Cite:
                return Cite(para.section, para.number, _quote(sent, a, b))

            for m in ms:
                entry = by_code[m.code]
                slot = actors.setdefault(m.code, (entry, [], Counter()))
                slot[1].append(cite(m.start, m.end))
                slot[2][m.text] += 1
            rels = find_relations(sent, ms, topic, hedged)
            sent_dates = find_dates(sent)
            sent_figs = find_figures(sent, sent_dates)
            sent_ties: list[DraftTie] = []
            cue_at: list[int] = []
            for r in rels:
                at = sent.find(r.cue)
                cue_at.append(at)
                c = cite(at, at + len(r.cue))
                key = (r.source, r.target, r.kind)
                t = ties.get(key)
                if t is None:
                    t = ties[key] = DraftTie(
                        f"{r.source}_{r.target}_{r.kind}".lower(),
                        r.source,
                        r.target,
                        r.kind,
                        _reading(r),
                        [c],
                        inferred=r.inferred,
                    )
                elif all((x.section, x.paragraph) != (c.section, c.paragraph) for x in t.cites):
                    t.cites.append(c)
                sent_ties.append(t)
            for f in sent_figs:
                c = cite(f.start, f.end)
                kind = _kind_of_unit(f.unit)
                fitting = [t for t in sent_ties if kind and t.kind == kind] or (
                    sent_ties if len(sent_ties) == 1 and kind is None else []
                )
                target = next((t for t in fitting if t.amount is None), None)
                if target is not None:
                    target.amount, target.unit, target.rate = f.amount, f.unit, f.rate
                    if not any(
                        (x.section, x.paragraph) == (c.section, c.paragraph) and f.text in x.quote for x in target.cites
                    ):
                        target.cites.append(c)
                    figures.append((f, c, target.id))
                elif kind == "casualties" and len({m.code for m in ms}) == 1:
                    pending_casualties.append((f, c, ms[0].code))
                else:
                    figures.append((f, c, None))
                    unplaced.append(
                        DraftItem(
                            "figure",
                            f"{f.amount:g} {f.unit}" + (f" per {f.rate}" if f.rate else ""),
                            [c],
                            "no tie in its sentence takes it",
                        )
                    )
            for d in sent_dates:
                c = cite(d.start, d.end)
                value = d.value(ref)
                dates.append((d, c, value))
                for t in _nearest(sent, d, sent_ties, cue_at):
                    if value and t.since is None:
                        t.since = value
                    elif not value and d.text not in t.when:
                        t.when.append(d.text)
                if not value:
                    unplaced.append(DraftItem("date", d.text, [c], "a month without a year: give --as-of to place it"))
            if not rels:
                cm = cue_union.search(sent)
                codes = {m.code for m in ms}
                if cm and len(codes) == 1:
                    unplaced.append(
                        DraftItem(
                            "sentence",
                            f"one actor ({next(iter(codes))}) with “{cm.group(0)}”",
                            [cite(cm.start(), cm.end())],
                            "no second actor to tie it to",
                        )
                    )
            for cond in find_conditionals(sent):
                at = sent.find(cond.condition)
                c = cite(max(at, 0), max(at, 0) + len(cond.condition))
                names = []
                for cand in cond.candidates:
                    names.append(cand.id)
                    dd = descriptors.get(cand.id)
                    if dd is None:
                        descriptors[cand.id] = DraftDescriptor(cand, [c])
                    else:
                        dd.cites.append(c)
                if not cond.candidates and cond.marker != "options":
                    unplaced.append(
                        DraftItem("condition", cond.condition, [c], "its subject is a pronoun or names no change")
                    )
                if cond.consequence and cond.marker != "options":
                    claims.append((sent, Cite(para.section, para.number, _quote(sent, 0, min(len(sent), 100))), names))
    # Casualty figures with one actor: the counterpart is the actor the text shows fighting it.
    for f, c, victim in pending_casualties:
        foe = next((t for t in ties.values() if t.kind == "combat" and victim in (t.source, t.target)), None)
        if foe is None:
            figures.append((f, c, None))
            unplaced.append(
                DraftItem("figure", f"{f.amount:g} {f.unit}", [c], f"casualties of {victim}: no opponent found")
            )
            continue
        other = foe.target if foe.source == victim else foe.source
        key = (other, victim, "casualties")
        t = ties.get(key) or DraftTie(
            f"{other}_{victim}_casualties".lower(),
            other,
            victim,
            "casualties",
            "casualties the text reports",
            [],
            inferred=f"opponent from tie {foe.id}",
        )
        ties[key] = t
        if t.amount is None:
            t.amount, t.unit, t.rate = f.amount, f.unit, f.rate
        t.cites.append(c)
        figures.append((f, c, t.id))
    sections = _sections(doc, descriptors)
    sid = system_id or _slug(doc.title)
    return Draft(
        document=doc,
        path=str(path),
        system_id=sid,
        as_of=ref or _dt.date.today().isoformat()[:7],
        as_of_given=as_of_given,
        actors=[(e, cites, [n for n, _ in forms.most_common()]) for e, cites, forms in actors.values()],
        ties=list(ties.values()),
        figures=figures,
        dates=dates,
        descriptors=list(descriptors.values()),
        sections=sections,
        claims=claims,
        unplaced=unplaced,
    )


def _nearest(sent: str, d: DateMention, ties: list[DraftTie], cue_at: list[int]) -> list[DraftTie]:
    """The ties whose cue stands nearest the date, within ten words and in the same clause."""
    best: list[DraftTie] = []
    best_gap = 11
    for t, at in zip(ties, cue_at, strict=True):
        a, b = sorted((at, d.start))
        between = sent[a:b]
        gap = len(re.findall(r"\w+", between))
        if re.search(r"\b(?:while|whereas|although|but|because|since\s+the)\b|[;:]", between):
            continue
        if gap < best_gap:
            best, best_gap = [t], gap
        elif gap == best_gap and t not in best:
            best.append(t)
    return best


def _doc_date(text: str | None) -> str | None:
    if not text:
        return None
    if re.fullmatch(r"\d{4}-\d{2}(?:-\d{2})?", text):
        return text
    ds = find_dates(text)
    return ds[0].value() if ds else None


def _reading(r: Relation) -> str:
    words = {"reported": "reported", "option": "an option or a hedged statement", "planned": "a plan or a pledge"}
    out = f"the text reads it as {words[r.status]} (cue: “{r.cue}”)"
    return out + (f"; {r.inferred}" if r.inferred else "")


def _terms(c: Candidate) -> list[str]:
    """Words that name a candidate's subject ("China's support for Russia" → support, china, russia)."""
    stop = {"the", "of", "in", "for", "and", "to", "a", "an", "its", "their", "situation"}
    return [w for w in re.findall(r"[a-z]+", c.subject.lower().replace("'s", "")) if w not in stop and len(w) > 2]


def _sections(doc: Document, descriptors: dict[str, DraftDescriptor]) -> list[DraftSection]:
    """Empty judgement sections between candidates that a conditional sentence links: the
    condition's descriptors act on those whose subject its consequence names."""
    out: dict[tuple[str, str], DraftSection] = {}
    for para in doc.paragraphs():
        for sent in sentences(para.text):
            for cond in find_conditionals(sent):
                if not cond.consequence:
                    continue
                low = cond.consequence.lower()
                for src in cond.candidates:
                    for tgt in descriptors.values():
                        k = tgt.candidate
                        terms = _terms(k)
                        if k.id == src.id or not terms or sum(t in low for t in terms) < max(1, len(terms) - 1):
                            continue
                        c = Cite(para.section, para.number, _quote(sent, 0, min(len(sent), 100)))
                        out.setdefault((src.id, k.id), DraftSection(src.id, k.id, [])).cites.append(c)
    return list(out.values())


# ---------------------------------------------------------------------------------------------- YAML


def _q(value) -> str:
    """A YAML scalar (JSON quoting is valid YAML)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:g}" if isinstance(value, float) else str(value)
    return json.dumps(value, ensure_ascii=False)


def _cites_yaml(source_id: str, cites: list[Cite], indent: str, limit: int = 3) -> list[str]:
    lines = [f"{indent}cites:"]
    for c in cites[:limit]:
        lines.append(
            f"{indent}  - {{source: {source_id}, section: {_q(c.section)}, paragraph: {c.paragraph}, quote: {_q(c.quote[:150])}}}"
        )
    return lines


def draft_yaml(d: Draft, source_path: str | None = None) -> str:
    """The draft as a commented model file (YAML) that validates as it is.

    ``source_path`` (the text's path relative to the model file) points the source at its text,
    so that loading the draft checks every citation against it.
    """
    doc = d.document
    src = "source"
    L: list[str] = [
        f"# Draft model from {Path(d.path).name}, written by `upheaval draft`.",
        "# Every element cites the paragraph it comes from. Nothing here is judged: ties are marked",
        "# `status: draft`, judgement sections are empty (fill `values`), candidate claims are comments.",
        "# Run `upheaval validate` and `upheaval draft --report` to see what still needs judgement.",
        f"id: {_q(d.system_id)}",
        f"title: {_q(doc.title)}",
    ]
    if not d.as_of_given:
        L.append("# as_of: the text gives no date; this is the month of drafting: set the date the text speaks from.")
    L.append(f"as_of: {_q(d.as_of)}")
    L += ["sources:", f"  - id: {src}", f"    title: {_q(doc.title)}"]
    if source_path:
        L.append(f"    path: {_q(source_path)}  # citations are checked against this text")
    if doc.author:
        L.append(f"    author: {_q(doc.author)}")
    if doc.publisher:
        L.append(f"    publisher: {_q(doc.publisher)}")
    if doc.date and _doc_date(doc.date):
        L.append(f"    date: {_q(_doc_date(doc.date))}")
    L.append("    sections:")
    for s in doc.sections:
        L.append(f"      - {_q(s.title)}  # {len(s.paragraphs)} paragraph{'s' if len(s.paragraphs) != 1 else ''}")
    L.append("actors:" if d.actors else "actors: []")
    for e, cites, forms in d.actors:
        aliases = [f for f in forms if f != e.name]
        parts = [f"code: {e.code}", f"name: {_q(e.name)}"]
        if e.kind != "state":
            parts.append(f"kind: {e.kind}")
        if e.cameo:
            parts.append(f"cameo: {e.cameo}")
        if aliases:
            parts.append(f"aliases: [{', '.join(_q(a) for a in aliases)}]")
        if e.kind != "state" and not e.cameo and e.code_source.startswith("short name"):
            parts.append("own_code: true")
        c = cites[0]
        L.append(
            f"  # first named {c.label()}: “{c.quote}”; {len(cites)} mention{'s' if len(cites) != 1 else ''}; code: {e.code_source}"
        )
        L.append(f"  - {{{', '.join(parts)}}}")
    if d.ties:
        L.append("ties:")
    for t in d.ties:
        L.append(f"  # {t.reading}")
        if t.when:
            L.append(f"  # when: {'; '.join(t.when)} (no year in the text: set `since`)")
        L += [f"  - id: {t.id}", f"    from: {t.source}", f"    to: {t.target}", f"    kind: {t.kind}"]
        if t.amount is not None:
            L += [f"    amount: {_q(t.amount)}", f"    unit: {_q(t.unit)}"]
            if t.rate:
                L.append(f"    rate: {t.rate}")
        if t.since:
            L.append(f"    since: {_q(t.since)}")
        L.append("    status: draft")
        L += _cites_yaml(src, t.cites, "    ")
    L.append("descriptors:")
    descs = d.descriptors or []
    if not descs:
        L += [
            "  # The text has no conditional or scenario language the drafter recognises: write the first factor.",
            "  - id: factor",
            "    label: The first uncertain factor (to be written)",
            "    variants:",
            "      - {id: first, label: First variant}",
            "      - {id: second, label: Second variant}",
        ]
    for dd in descs:
        k = dd.candidate
        c = dd.cites[0]
        L += [
            f"  - id: {k.id}",
            f"    label: {_q(k.label)}",
            f"    description: {_q(f'Candidate from {c.label()}: “{c.quote}”')}",
            "    variants:",
        ]
        for vid, vlabel in k.variants:
            L.append(f"      - {{id: {vid}, label: {_q(vlabel)}}}")
    if d.sections:
        L.append("impacts:")
        L.append("  # Empty judgement sections: the sentences cited bear on them; fill `values` (-3..+3).")
    for s in d.sections:
        L += [f"  - from: {s.source}", f"    to: {s.target}", "    values: {}"]
        L += _cites_yaml(src, s.cites, "    ")
    if d.claims:
        L.append("# Candidate claims (the text's conditional conclusions), for the analyst to write as checks:")
    for text, c, conds in d.claims:
        L.append(f"#   {c.label()}: {text[:150]}")
        if conds:
            L.append(f"#     premise descriptors: {', '.join(conds)}")
    return "\n".join(L) + "\n"
