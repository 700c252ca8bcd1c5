"""Assemble a draft: every element the drafter found, each cited, into a model file that validates.

:func:`draft` runs in small stages, each a function of its own: read the document
(:func:`read_document`), fix the date the text speaks from (:func:`reference_date`), read every
sentence for actors, ties, figures, dates and conditionals (:func:`scan`), give casualty figures
their opponent (:func:`place_casualties`), turn the conditionals into candidate descriptors,
judgement-section stubs and candidate claims (:func:`argument`), and assemble the result.
:func:`draft_yaml` writes it through ruamel.yaml, with comments.

The draft invents no judgement: its judgement sections are empty and cite the sentence that links
their two descriptors; its ties are marked ``status: draft``; its candidate claims are written as
comments for the analyst to turn into checks. What the drafter saw but could not place (a figure
with no tie, a cue with one actor, a month without a year, a condition whose subject is a pronoun)
is kept in :attr:`Draft.unplaced` and in the draft report.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString as DQ

from upheaval.draft._conditionals import Candidate, Conditional, find_conditionals, slug
from upheaval.draft._document import Document, Paragraph, read_document, sentences
from upheaval.draft._figures import DateMention, Figure, find_dates, find_figures, place_dates
from upheaval.draft._gazetteer import Entry, Mention, gazetteer, mentions_in
from upheaval.draft._relations import CUES, Relation, find_relations

__all__ = ["Draft", "DraftItem", "argument", "draft", "draft_yaml", "place_casualties", "reference_date", "scan"]


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
class FoundConditional:
    """A conditional clause of the text with its citation and the descriptors it gave."""

    text: str
    cite: Cite
    descriptors: list[str]
    outcome: str | None


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
    conditionals: list[FoundConditional] = field(default_factory=list)

    def items(self) -> list[DraftItem]:
        """Every extracted element as a flat list (what the draft report shows)."""
        out = [
            DraftItem("actor", f"{e.code} {e.name} (as {', '.join(forms)})", cites[:3])
            for e, cites, forms in self.actors
        ]
        for t in self.ties:
            out.append(DraftItem("tie", f"{t.source} → {t.target} {t.kind}{_figure_text(t)}", t.cites, t.reading))
        for f, c, tie in self.figures:
            out.append(DraftItem("figure", _describe(f), [c], f"tie {tie}" if tie else "no tie"))
        for d, c, value in self.dates:
            out.append(DraftItem("date", f"{d.text} → {value or 'year not given'}", [c]))
        for d in self.descriptors:
            k = d.candidate
            out.append(DraftItem("descriptor", f"{k.id}: {k.label} ({' / '.join(v for _, v in k.variants)})", d.cites))
        for s in self.sections:
            out.append(DraftItem("section", f"{s.source} → {s.target} (empty: needs judgement)", s.cites))
        for text, c, conds in self.claims:
            out.append(DraftItem("claim", text, [c], ", ".join(conds)))
        for fc in self.conditionals:
            gives = ", ".join(fc.descriptors + ([f"→ {fc.outcome}"] if fc.outcome else []))
            out.append(DraftItem("conditional", fc.text, [fc.cite], gives or "no descriptor"))
        return out + self.unplaced


def _figure_text(t: DraftTie) -> str:
    if t.amount is None:
        return ""
    return f"; {t.amount:g} {t.unit}" + (f" per {t.rate}" if t.rate else "")


def _describe(f: Figure) -> str:
    amount = f"{f.amount:g}" + (f" to {f.high:g}" if f.high is not None else "")
    qualifier = f"{f.qualifier} " if f.qualifier and not f.qualifier.endswith("s") else ""
    return f"{qualifier}{amount} {f.unit}" + (f" per {f.rate}" if f.rate else "")


# ---------------------------------------------------------------------------------------------- helpers


def _quote(text: str, start: int, end: int, limit: int = 100) -> str:
    """A short verbatim stretch of ``text`` around ``start:end`` (whole words, at most ``limit`` characters)."""
    if end - start >= limit:
        return text[start : start + limit].rsplit(" ", 1)[0].strip() or text[start : start + limit]
    pad = (limit - (end - start)) // 2
    a, b = max(0, start - pad), min(len(text), end + pad)
    if a > 0:
        a = text.find(" ", a) + 1 or a
        a = min(a, start)
    if b < len(text):
        sp = text.rfind(" ", end, b)
        b = sp if sp > 0 else b
    return text[a:b].strip(" ,;:") or text[start:end]


_KIND_OF_UNIT = [
    (re.compile(r"^(?:soldiers?|troops?|forces|personnel|fighters|men|servicemen|peacekeepers)\b"), ("troops",)),
    (re.compile(r"^(?:USD|EUR|GBP|JPY|AUD|CAD|HKD|SGD)\b"), ("payment", "aid", "finance")),
    (re.compile(r"^(?:casualties|dead|deaths|killed|wounded|losses|injured)\b"), ("casualties",)),
    (
        re.compile(r"^(?:shells?|rounds?|missiles?|rockets?|drones?|munitions|artillery|weapons)\b"),
        ("munitions", "combat", "attack"),
    ),
    (re.compile(r"^(?:hours?|days?|weeks?|months?|years?)\b"), ("combat", "hostility", "troops")),
]


def _kinds_of_unit(unit: str) -> tuple[str, ...]:
    for rx, kinds in _KIND_OF_UNIT:
        if rx.match(unit):
            return kinds
    return ()


def _reading(r: Relation) -> str:
    words = {"reported": "reported", "option": "an option or a hedged statement", "planned": "a plan or a pledge"}
    out = f"the text reads it as {words[r.status]} (cue: “{r.cue}”)"
    return out + (f"; {r.inferred}" if r.inferred else "")


# ---------------------------------------------------------------------------------------------- stages


def reference_date(doc: Document, as_of: str | None) -> tuple[str | None, bool]:
    """The date the text speaks from: ``as_of`` when given, else the document's own date (its date
    line or page metadata); and whether one is known."""
    ref = as_of or doc.date
    return ref, ref is not None


@dataclass
class Scan:
    """What :func:`scan` found in the text, before the argument is read."""

    actors: dict[str, tuple[Entry, list[Cite], Counter]] = field(default_factory=dict)
    ties: dict[tuple[str, str, str], DraftTie] = field(default_factory=dict)
    figures: list[tuple[Figure, Cite, str | None]] = field(default_factory=list)
    dates: list[tuple[DateMention, Cite, str | None]] = field(default_factory=list)
    conditionals: list[tuple[Conditional, str, Cite]] = field(default_factory=list)
    unplaced: list[DraftItem] = field(default_factory=list)
    casualties: list[tuple[Figure, Cite, str]] = field(default_factory=list)


@dataclass
class _Sentence:
    para: Paragraph
    text: str
    mentions: list[Mention]

    def cite(self, a: int, b: int) -> Cite:
        return Cite(self.para.section, self.para.number, _quote(self.text, a, b))


_CUE_UNION = re.compile("|".join(f"(?:{c.pattern.pattern})" for c in CUES), re.I)
_OPTIONS_PARAGRAPH = re.compile(r"\b(?:response\s+)?options?\b|\bchoices?\b", re.I)


def scan(doc: Document, reference: str | None) -> Scan:
    """Read every sentence of ``doc`` for actors, ties, figures, dates and conditionals, each cited.

    Months without a year are placed with :func:`place_dates` (the sentence's, then the
    paragraph's own year, then ``reference``).
    """
    out = Scan()
    by_code = {e.code: e for e in gazetteer()}
    seen_leaders: set[str] = set()
    for para in doc.paragraphs():
        pmentions = mentions_in(para.text, seen_leaders)
        topic = pmentions[0].code if pmentions else None
        hedged = bool(_OPTIONS_PARAGRAPH.search(para.text))
        para_year: list[int | None] = [None]
        for sent in sentences(para.text):
            s = _Sentence(para, sent, mentions_in(sent, seen_leaders))
            _collect_actors(out, s, by_code)
            sent_ties, cue_at = _collect_ties(out, s, topic, hedged)
            sent_dates = find_dates(sent)
            _collect_figures(out, s, find_figures(sent, sent_dates), sent_ties)
            _collect_dates(out, s, sent_dates, sent_ties, cue_at, para_year, reference)
            for cond in find_conditionals(sent):
                at = max(cond.start, 0)
                out.conditionals.append((cond, sent, s.cite(at, at + len(cond.text))))
    return out


def _collect_actors(out: Scan, s: _Sentence, by_code: dict[str, Entry]) -> None:
    for m in s.mentions:
        slot = out.actors.setdefault(m.code, (by_code[m.code], [], Counter()))
        slot[1].append(s.cite(m.start, m.end))
        slot[2][m.text] += 1


def _collect_ties(out: Scan, s: _Sentence, topic: str | None, hedged: bool) -> tuple[list[DraftTie], list[int]]:
    rels = find_relations(s.text, s.mentions, topic, hedged)
    sent_ties: list[DraftTie] = []
    cue_at: list[int] = []
    for r in rels:
        at = s.text.find(r.cue)
        cue_at.append(at)
        c = s.cite(max(at, 0), max(at, 0) + len(r.cue))
        key = (r.source, r.target, r.kind)
        t = out.ties.get(key)
        if t is None:
            t = out.ties[key] = DraftTie(
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
    if not rels:
        cm = _CUE_UNION.search(s.text)
        codes = {m.code for m in s.mentions}
        if cm and len(codes) == 1:
            out.unplaced.append(
                DraftItem(
                    "sentence",
                    f"one actor ({next(iter(codes))}) with “{cm.group(0)}”",
                    [s.cite(cm.start(), cm.end())],
                    "no second actor to tie it to",
                )
            )
    return sent_ties, cue_at


def _collect_figures(out: Scan, s: _Sentence, figures: list[Figure], sent_ties: list[DraftTie]) -> None:
    for f in figures:
        c = s.cite(f.start, f.end)
        kinds = _kinds_of_unit(f.unit)
        alone = len(sent_ties) == 1 and not kinds and f.unit != "percent"  # a share is rarely what a tie carries
        fitting = [t for t in sent_ties if t.kind in kinds] or (sent_ties if alone else [])
        target = next((t for t in fitting if t.amount is None), None)
        if target is not None:
            target.amount, target.unit, target.rate = f.amount, f.unit, f.rate
            if not any(
                (x.section, x.paragraph) == (c.section, c.paragraph) and f.text in x.quote for x in target.cites
            ):
                target.cites.append(c)
            out.figures.append((f, c, target.id))
        elif "casualties" in kinds and len({m.code for m in s.mentions}) == 1:
            out.casualties.append((f, c, s.mentions[0].code))
        else:
            out.figures.append((f, c, None))
            out.unplaced.append(DraftItem("figure", _describe(f), [c], "no tie in its sentence takes it"))


def _collect_dates(
    out: Scan,
    s: _Sentence,
    dates: list[DateMention],
    sent_ties: list[DraftTie],
    cue_at: list[int],
    para_year: list[int | None],
    reference: str | None,
) -> None:
    values = place_dates(dates, para_year[0], reference)
    for d, value in zip(dates, values, strict=True):
        c = s.cite(d.start, d.end)
        out.dates.append((d, c, value))
        for t in _nearest(s.text, d, sent_ties, cue_at):
            if value and t.since is None:
                t.since = value
            elif not value and d.text not in t.when:
                t.when.append(d.text)
        if not value:
            out.unplaced.append(DraftItem("date", d.text, [c], "a month without a year: give --as-of to place it"))
    dated = [d.year for d in dates if d.year and d.month]
    if dated:
        para_year[0] = dated[-1]


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


def place_casualties(found: Scan) -> None:
    """Casualty figures whose sentence names one actor: the counterpart is the actor the text shows
    fighting it (a ``casualties`` tie from the opponent to the victim); else they stay unplaced."""
    for f, c, victim in found.casualties:
        foe = next((t for t in found.ties.values() if t.kind == "combat" and victim in (t.source, t.target)), None)
        if foe is None:
            found.figures.append((f, c, None))
            found.unplaced.append(DraftItem("figure", _describe(f), [c], f"casualties of {victim}: no opponent found"))
            continue
        other = foe.target if foe.source == victim else foe.source
        key = (other, victim, "casualties")
        t = found.ties.get(key) or DraftTie(
            f"{other}_{victim}_casualties".lower(),
            other,
            victim,
            "casualties",
            "casualties the text reports",
            [],
            inferred=f"opponent from tie {foe.id}",
        )
        found.ties[key] = t
        if t.amount is None:
            t.amount, t.unit, t.rate = f.amount, f.unit, f.rate
        t.cites.append(c)
        found.figures.append((f, c, t.id))
    found.casualties = []


@dataclass
class Argument:
    """The text's argument: candidate descriptors, judgement-section stubs, candidate claims, and
    every conditional clause found."""

    descriptors: dict[str, DraftDescriptor] = field(default_factory=dict)
    sections: dict[tuple[str, str], DraftSection] = field(default_factory=dict)
    claims: list[tuple[str, Cite, list[str]]] = field(default_factory=list)
    conditionals: list[FoundConditional] = field(default_factory=list)
    unplaced: list[DraftItem] = field(default_factory=list)


def _add_descriptor(arg: Argument, cand: Candidate, cite: Cite) -> str:
    """Add a candidate (merging one of the same id) and return its id."""
    dd = arg.descriptors.get(cand.id)
    if dd is None:
        variant_ids = [v for v, _ in cand.variants]
        if len(set(variant_ids)) < len(variant_ids):
            cand.variants = [(f"{v}_{i + 1}", label) for i, (v, label) in enumerate(cand.variants)]
        arg.descriptors[cand.id] = DraftDescriptor(cand, [cite])
    elif all(c != cite for c in dd.cites):
        dd.cites.append(cite)
    return cand.id


def argument(found: Scan, doc: Document) -> Argument:
    """Candidate descriptors from the conditionals (each condition, each consequence and each option
    list or scenario list), an empty judgement section from every condition to its consequence
    citing the sentence that links them, and a candidate claim for every conditional with a
    consequence (the conditional itself, not its paragraph)."""
    arg = Argument()
    for cond, sent, cite in found.conditionals:
        names = [_add_descriptor(arg, cand, cite) for cand in cond.candidates]
        outcome = _add_descriptor(arg, cond.outcome, cite) if cond.outcome and names else None
        arg.conditionals.append(FoundConditional(cond.text, cite, names, outcome))
        if not cond.candidates and cond.marker != "options":
            arg.unplaced.append(
                DraftItem("condition", cond.text, [cite], "its subject is a pronoun or names no change")
            )
        sentence_cite = Cite(cite.section, cite.paragraph, _quote(sent, 0, min(len(sent), 100)))
        for source in names:
            if outcome and outcome != source:
                arg.sections.setdefault((source, outcome), DraftSection(source, outcome, [])).cites.append(
                    sentence_cite
                )
        if cond.consequence and cond.marker not in ("options", ""):
            claim = f"{cond.text}, {cond.consequence}"
            arg.claims.append((claim[:200], Cite(cite.section, cite.paragraph, cite.quote), names))
    for cand, cite in _scenario_lists(doc):
        _add_descriptor(arg, cand, cite)
    return arg


_SCENARIO_COUNT = re.compile(
    r"\b(?:two|three|four|five|six|several|\d)\s+(?:\w+\s+){0,2}?(?:scenarios|options|paths|outcomes|futures)\b"
    r"(?:\s+(?:for|in|of)\s+(?P<x>[^,.:;]+))?",
    re.I,
)
_ITEM = re.compile(r"^\s*(?P<n>\d{1,2})[.)]\s+(?P<label>[^:.\n]{3,80})")


def _scenario_lists(doc: Document) -> list[tuple[Candidate, Cite]]:
    """A descriptor for each announced list of scenarios ("three key scenarios ... 1. Iran strikes
    back ... 2. ..."), its variants the items that follow (numbered paragraphs or headings)."""
    blocks: list[tuple[str, Paragraph | None]] = []
    for section in doc.sections:
        blocks.append((section.title, None))
        blocks += [(p.text, p) for p in section.paragraphs]
    out = []
    for i, (text, para) in enumerate(blocks):
        m = _SCENARIO_COUNT.search(text) if para is not None else None
        if not m:
            continue
        labels: list[str] = []
        for later, _p in blocks[i + 1 : i + 30]:
            im = _ITEM.match(later)
            if im and int(im.group("n")) == len(labels) + 1:
                labels.append(im.group("label").strip())
        if len(labels) < 2:
            continue
        subject = (m.group("x") or "").strip() or doc.title
        ids = [slug(label, 30) for label in labels]
        if len(set(ids)) < len(ids):
            ids = [f"s{k + 1}_{v}" for k, v in enumerate(ids)]
        cand = Candidate(
            slug(f"scenarios {subject}"),
            f"Scenarios for {subject}"[:120],
            list(zip(ids, labels, strict=True)),
            m.group(0),
            subject,
        )
        out.append((cand, Cite(para.section, para.number, _quote(text, m.start(), m.end()))))
    return out


def _fallback_descriptor(found: Scan, doc: Document) -> DraftDescriptor:
    """A descriptor named from the text for a text that argues no conditional: its first tie, else its title."""
    tie = next(iter(found.ties.values()), None)
    if tie is not None:
        label = f"{tie.source} → {tie.target} {tie.kind.replace('_', ' ')}"
        cand = Candidate(
            slug(f"{tie.source} {tie.target} {tie.kind}"),
            label,
            [("as_reported", f"As the text reports it ({tie.reading.split(' (cue')[0].removeprefix('the text reads it as ')})"),
             ("changes", "Changes (write how)")],
            tie.id,
        )  # fmt: skip
        return DraftDescriptor(cand, tie.cites[:1])
    first = next(doc.paragraphs(), None)
    cites = [Cite(first.section, first.number, _quote(first.text, 0, min(len(first.text), 60)))] if first else []
    cand = Candidate(slug(doc.title), doc.title[:120] or "The situation", [("as_described", "As the text describes it"), ("otherwise", "Otherwise (write how)")], doc.title)  # fmt: skip
    return DraftDescriptor(cand, cites)


def _system_id(title: str) -> str:
    words = re.findall(r"[a-z0-9]+", title.lower())
    out = ""
    for w in words:
        if len(out) + len(w) + 1 > 60:
            break
        out = f"{out}-{w}" if out else w
    return out if out and out[0].isalpha() else f"m-{out or 'draft'}"


def draft(
    path: str | Path, *, as_of: str | None = None, system_id: str | None = None, text: str | None = None
) -> Draft:
    """Draft a model from the commentary at ``path`` (plain text, Markdown or HTML, any encoding).

    ``as_of`` (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) is the date the text speaks from; it places
    months the text gives without a year. Without it the document's own date is used (its date line
    or its page's metadata), and without that the draft is dated today and says so.
    """
    doc = read_document(path, text)
    ref, given = reference_date(doc, as_of)
    found = scan(doc, ref)
    place_casualties(found)
    arg = argument(found, doc)
    descriptors = list(arg.descriptors.values()) or [_fallback_descriptor(found, doc)]
    return Draft(
        document=doc,
        path=str(path),
        system_id=system_id or _system_id(doc.title),
        as_of=ref or _dt.date.today().isoformat()[:7],
        as_of_given=given,
        actors=[(e, cites, [n for n, _ in forms.most_common()]) for e, cites, forms in found.actors.values()],
        ties=list(found.ties.values()),
        figures=found.figures,
        dates=found.dates,
        descriptors=descriptors,
        sections=list(arg.sections.values()),
        claims=arg.claims,
        unplaced=found.unplaced + arg.unplaced,
        conditionals=arg.conditionals,
    )


# ---------------------------------------------------------------------------------------------- YAML


def _flow(**items) -> CommentedMap:
    m = CommentedMap((k, v) for k, v in items.items() if v is not None)
    m.fa.set_flow_style()
    return m


def _cites(source_id: str, cites: list[Cite], limit: int = 3) -> CommentedSeq:
    seq = CommentedSeq()
    for c in cites[:limit]:
        seq.append(_flow(source=source_id, section=c.section, paragraph=c.paragraph, quote=c.quote[:150]))
    return seq


def _source(d: Draft, source_path: str | None) -> CommentedMap:
    doc = d.document
    src = CommentedMap()
    src["id"] = "source"
    src["title"] = doc.title
    if source_path:
        src["path"] = source_path
        src.yaml_add_eol_comment("citations are checked against this text", "path")
    for key in ("author", "publisher"):
        if getattr(doc, key):
            src[key] = getattr(doc, key)
    if doc.date:
        src["date"] = DQ(doc.date)
    if doc.sections:
        sections = CommentedSeq(s.title for s in doc.sections)
        for i, s in enumerate(doc.sections):
            n = len(s.paragraphs)
            sections.yaml_add_eol_comment(f"{n} paragraph{'s' if n != 1 else ''}", i)
        src["sections"] = sections
    return src


def _actors(d: Draft) -> CommentedSeq:
    seq = CommentedSeq()
    for i, (e, cites, forms) in enumerate(d.actors):
        aliases = [f for f in forms if f != e.name]
        own = e.kind != "state" and not e.cameo and e.code_source.startswith("short name")
        seq.append(
            _flow(
                code=e.code,
                name=e.name,
                kind=e.kind if e.kind != "state" else None,
                cameo=e.cameo,
                aliases=CommentedSeq(aliases) if aliases else None,
                own_code=True if own else None,
            )
        )
        if aliases:
            seq[-1]["aliases"].fa.set_flow_style()
        c = cites[0]
        n = len(cites)
        seq.yaml_set_comment_before_after_key(
            i,
            before=f"first named {c.label()}: “{c.quote}”; {n} mention{'s' if n != 1 else ''}; code: {e.code_source}",
            indent=2,
        )
    return seq


def _ties(d: Draft) -> CommentedSeq:
    seq = CommentedSeq()
    for i, t in enumerate(d.ties):
        m = CommentedMap(id=t.id)
        m["from"], m["to"], m["kind"] = t.source, t.target, t.kind
        if t.amount is not None:
            m["amount"], m["unit"] = t.amount, t.unit or "units"
            if t.rate:
                m["rate"] = t.rate
        if t.since:
            m["since"] = DQ(t.since)
        m["status"] = "draft"
        m["cites"] = _cites("source", t.cites)
        seq.append(m)
        note = t.reading + (f"\nwhen: {'; '.join(t.when)} (no year in the text: set `since`)" if t.when else "")
        seq.yaml_set_comment_before_after_key(i, before=note, indent=2)
    return seq


def _descriptors(d: Draft) -> CommentedSeq:
    seq = CommentedSeq()
    for dd in d.descriptors:
        k = dd.candidate
        m = CommentedMap(id=k.id, label=k.label)
        if dd.cites:
            c = dd.cites[0]
            m["description"] = f"Candidate from {c.label()}: “{c.quote}”"
        m["variants"] = CommentedSeq(_flow(id=vid, label=vlabel) for vid, vlabel in k.variants)
        seq.append(m)
    return seq


def _impacts(d: Draft) -> CommentedSeq:
    seq = CommentedSeq()
    for s in d.sections:
        m = CommentedMap()
        m["from"], m["to"] = s.source, s.target
        m["values"] = CommentedMap()
        m["values"].fa.set_flow_style()
        m["cites"] = _cites("source", s.cites)
        seq.append(m)
    return seq


def _claims_comment(d: Draft) -> str:
    lines = ["Candidate claims (the text's conditionals), for the analyst to write as checks:"]
    for text, c, conds in d.claims:
        lines.append(f"  {c.label()}: {' '.join(text.split())[:150]}")
        if conds:
            lines.append(f"    premise descriptors: {', '.join(conds)}")
    return "\n".join(lines)


def draft_yaml(d: Draft, source_path: str | None = None) -> str:
    """The draft as a commented model file (YAML) that validates as it is, written with ruamel.yaml.

    ``source_path`` (the text's path relative to the model file) points the source at its text,
    so that loading the draft checks every citation against it.
    """
    root = CommentedMap()
    root.yaml_set_start_comment(
        f"Draft model from {Path(d.path).name}, written by `upheaval draft`.\n"
        "Every element cites the paragraph it comes from. Nothing here is judged: ties are marked\n"
        "`status: draft`, judgement sections are empty (fill `values`), candidate claims are comments.\n"
        "Run `upheaval validate` and `upheaval draft --report` to see what still needs judgement."
    )
    root["id"] = d.system_id
    root["title"] = d.document.title
    root["as_of"] = DQ(d.as_of)
    if not d.as_of_given:
        root.yaml_set_comment_before_after_key(
            "as_of",
            before="as_of: the text gives no date; this is the month of drafting: set the date the text speaks from.",
        )
    root["sources"] = CommentedSeq([_source(d, source_path)])
    root["actors"] = _actors(d)
    if d.ties:
        root["ties"] = _ties(d)
    root["descriptors"] = _descriptors(d)
    if d.claims:
        root.yaml_set_comment_before_after_key("descriptors", before=_claims_comment(d))
    if d.sections:
        root["impacts"] = _impacts(d)
        root.yaml_set_comment_before_after_key(
            "impacts", before="Empty judgement sections: the sentences cited link them; fill `values` (-3..+3)."
        )
    out = io.StringIO()
    _yaml().dump(root, out)
    return out.getvalue()


def _yaml():
    y = YAML()
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    y.allow_unicode = True
    return y
