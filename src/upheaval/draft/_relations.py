"""Ties out of sentences: two actors joined by a verb or noun that says what flows between them.

Rule-based: a cue (``provided munitions``, ``deployed``, ``pay``, ``signed … agreement``, ``warned``,
``sanctions``…) gives the tie's kind; the actor named before the cue is where the tie comes from and
the actor after it where it goes, unless the cue reads the other way (``pressure from X``,
``access to X's technology``, ``targets for X``). Actors joined by "and" or commas on one side
each get the tie. A cue with no actor before it takes the actor the sentence names as the one
with the "opportunity" (``for Seoul``), else the paragraph's first actor. Hedged or negated
wording (``could``, ``plans to``, ``option``, ``unwilling``) marks the tie as an option or a plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from upheaval.draft._gazetteer import Mention

__all__ = ["Relation", "find_relations"]


@dataclass(frozen=True)
class Cue:
    kind: str
    pattern: re.Pattern
    reverse: bool = False  # the actor after the cue is the tie's origin
    predicate: bool = False  # "X declared that Y are targets": Y (before the cue) is the target
    symmetric: bool = False  # "X and Y signed": one tie each way
    prep: bool = False  # the actor after the cue must follow a preposition ("deployed to X")


def _cue(kind: str, rx: str, **kw) -> Cue:
    return Cue(kind, re.compile(rx, re.I), **kw)


CUES: tuple[Cue, ...] = (
    _cue(
        "troops",
        r"\b(?:deploy(?:s|ed|ing|ment)?|send(?:s|ing)?|sent|dispatch(?:es|ed)?)\b(?:\s+of)?(?:\s+(?:\w+\s+)?(?:troops|soldiers|forces))?|"
        r"\b(?:provision|infusion|introduction)\s+of\s+(?:\w+\s+)?(?:troops|soldiers)|\bfight(?:s|ing)?\s+alongside\b|"
        r"\btroops?\s+deployment\b",
        prep=True,
    ),
    _cue(
        "munitions",
        r"\b(?:provid(?:e|es|ed|ing)|suppl(?:y|ies|ied|ying)|deliver(?:s|ed|ing)?|ship(?:s|ped)?|sell(?:s|ing)?|sold)\b"
        r"(?:\s+\w+){0,3}?\s+(?:munitions|artillery|shells|rockets|missiles|weapons|arms|drones|ammunition)\b|"
        r"\b(?:munitions|weapons|arms)\s+(?:and\s+\w+\s+)?to\b",
    ),
    _cue("payment", r"\b(?:pay|pays|paid|paying|payments?\s+to|fund(?:s|ed|ing)?|financ(?:e|es|ed|ing))\b"),
    _cue("technology", r"\b(?:access\s+to)\b(?=[^.]*?\btechnolog)", reverse=True),
    _cue(
        "technology",
        r"\b(?:transfer(?:s|red)?|shar(?:e|es|ed|ing)|provid(?:e|es|ed|ing))\s+(?:\w+\s+){0,2}technolog(?:y|ies)\b",
    ),
    _cue(
        "agreement",
        r"\b(?:sign(?:s|ed|ing)?|conclud(?:e|es|ed)|agree(?:s|d)?\s+on)\b(?:\s+[\w-]+){0,4}?\s+"
        r"(?:agreement|treaty|partnership|pact|deal|accord)\b|\bits\s+agreement\s+to\b",
        symmetric=True,
    ),
    _cue("agreement", r"\bagreement\s+to\s+fight\b"),
    _cue("intelligence", r"\b(?:shar(?:e|es|ed|ing)|provid(?:e|es|ed|ing))\s+intelligence\b"),
    _cue(
        "aid",
        r"\b(?:military|economic|financial|humanitarian)\s+(?:support|aid|assistance)\s+(?:to|for)\b|\baid\s+to\b",
    ),
    _cue("liaison", r"\bliaison\s+office\b"),
    _cue("alignment", r"\baligned\s+with\b|\balignment\s+with\b"),
    _cue("stance", r"\bacquiescen(?:ce|t)\b|\bacquiesc(?:e|es|ed|ing)\b"),
    _cue("diplomatic_support", r"\b(?:support|backing)\s+for\b|\b(?:visit(?:s|ed)?|met|meeting)\b"),
    _cue("pressure", r"\bpressure\s+from\b", reverse=True),
    _cue("pressure", r"\b(?:leverage\s+over|pressur(?:e|es|ed|ing)|coerc(?:e|es|ed|ion))\b(?!\s+from)"),
    _cue("sanctions", r"\b(?:sanction(?:s|ed|ing)?|impos(?:e|es|ed|ing)\s+costs\s+on|embargo(?:es|ed)?)\b"),
    _cue("targeting", r"\btargets?\s+for\b", reverse=True),
    _cue("targeting", r"\blegitimate\s+(?:military\s+)?targets\b", predicate=True),
    _cue(
        "combat",
        r"\b(?:invasion\s+of|invad(?:e|es|ed|ing)|war\s+(?:on|against)|used\s+against|fight(?:s|ing)?\s+against|"
        r"attack(?:s|ed|ing)?|strik(?:e|es|ing)|struck)\b",
    ),
    _cue(
        "hostility", r"\b(?:warn(?:s|ed|ing)?|threat(?:en|ens|ened)?|condemn(?:s|ed)?|outrage\s+at|conflict\s+with)\b"
    ),
    _cue("casualties", r"\b(?:killed|casualties|losses)\b"),
)

_BOUNDARY = re.compile(r"\b(?:should|if|unless|while|whereas|although|but|because)\b|[;:]")
_HEDGE = re.compile(
    r"\b(?:could|might|may|would|consider(?:s|ing)?|options?|opportunity|possible|possibly|rather\s+than|"
    r"unwilling(?:ness)?|refus\w*|not|no|never|fail(?:s|ed)?\s+to|if|should|unless)\b",
    re.I,
)
_PLAN = re.compile(r"\b(?:plans?\s+to|planned|will|pledge[sd]?|promis\w+|expect\w*)\b", re.I)
_PREP = re.compile(r"^\s*(?:of\s+(?:\w+\s+)?(?:troops|soldiers|forces)\s+)?(?:to|into|in|for|alongside)\b", re.I)
_PRONOUN = re.compile(r"^\s+(?:\w+\s+){0,2}?(?:them|him|her)\b", re.I)
_ENDS_PREP = re.compile(r"\b(?:to|into|in|for|alongside|with|on|against|over)$", re.I)
_SAME = re.compile(r"^(?:'s|’s)?\s+(?:[\w-]+\s+){0,3}$")


@dataclass(frozen=True)
class Relation:
    """A drafted tie: ``source`` → ``target`` of ``kind``, with the cue and how sure the drafter is."""

    source: str
    target: str
    kind: str
    cue: str
    status: str  # reported, option, planned
    inferred: str = ""  # how an actor not named around the cue was chosen


def _gap_ok(text: str, a: int, b: int, limit: int) -> bool:
    """Few enough words and no clause boundary between positions ``a`` and ``b``."""
    between = text[a:b]
    return len(re.findall(r"\w+", between)) <= limit and not _BOUNDARY.search(between)


def _side(mentions: list[Mention], text: str, pos: int, before: bool, limit: int) -> list[Mention]:
    """The actors nearest the cue on one side, with those coordinated with them ("X, Y and Z")."""
    if before:
        # A possessive ("North Korea's troop deployment") is the cue's agent only right before it.
        cands = [
            m
            for m in mentions
            if m.end <= pos
            and _gap_ok(text, m.end, pos, limit)
            and not (text[m.end : m.end + 2] in ("'s", "’s") and not _gap_ok(text, m.end, pos, 3))
        ]
        if not cands:
            return []
        group = [cands[-1]]
        for m in reversed(cands[:-1]):
            if re.fullmatch(r"\s*(?:,|,?\s*and|&)\s*(?:the\s+)?", text[m.end : group[-1].start]) or re.fullmatch(
                r"\s*(?:,|,?\s*and)\s*", text[m.end : group[-1].start]
            ):
                group.append(m)
            else:
                break
        return group
    cands = [m for m in mentions if m.start >= pos and _gap_ok(text, pos, m.start, limit)]
    if not cands:
        return []
    group = [cands[0]]
    for m in cands[1:]:
        if re.fullmatch(r"\s*(?:,|,?\s*and|&)\s*(?:the\s+)?", text[group[-1].end : m.start]):
            group.append(m)
        else:
            break
    return group


def _collapse(text: str, mentions: list[Mention]) -> list[Mention]:
    """Consecutive mentions of one actor a few words apart ("North Korea's supreme leader Kim
    Jong-un") as one mention spanning both."""
    out: list[Mention] = []
    for m in mentions:
        if out and out[-1].code == m.code and _SAME.match(text[out[-1].end : m.start]):
            last = out[-1]
            out[-1] = Mention(m.code, last.start, m.end, text[last.start : m.end], last.how)
        else:
            out.append(m)
    return out


def find_relations(sentence: str, mentions: list[Mention], topic: str | None, hedged: bool = False) -> list[Relation]:
    """Every tie the sentence states between the actors it names.

    ``topic`` is the paragraph's first actor, taken as the origin of a cue that opens the
    sentence ("Sharing intelligence with Ukraine ..."); ``hedged`` marks a paragraph that
    weighs options, whose ties are options.

    >>> from upheaval.draft._gazetteer import find_mentions
    >>> s = "Russia has reportedly also offered to pay the DPRK US$2,000 per month per soldier."
    >>> [(r.source, r.target, r.kind) for r in find_relations(s, find_mentions(s), None)]
    [('RUS', 'PRK', 'payment')]
    """
    mentions = _collapse(sentence, mentions)
    out: list[Relation] = []
    seen: set[tuple[str, str, str]] = set()
    taken: list[tuple[int, int]] = []
    for cue in CUES:
        for m in cue.pattern.finditer(sentence):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            left = _side(mentions, sentence, m.start(), True, 10)
            right = _side(mentions, sentence, m.end(), False, 6)
            if right and {x.code for x in right} <= {x.code for x in left}:
                right = []  # the origin named again ("Iran ... and Tehran"), not an object
            if not right and not cue.predicate:
                # an object inside the cue ("supplied the Houthis with drones") or a pronoun after it
                verb_end = m.start() + len(m.group(0).split()[0])
                inside = [x for x in mentions if verb_end <= x.start and x.end <= m.end()]
                pm = _PRONOUN.match(sentence[m.end() :])
                if inside:
                    right = inside[:1]
                elif pm and left:
                    earlier = [x for x in mentions if x.end <= left[-1].start and x.code not in {y.code for y in left}]
                    right = earlier[-1:] if earlier else []
            gap = sentence[m.end() : right[0].start] if right else ""
            if cue.prep and right and not (_PREP.match(gap) or (not gap.strip() and _ENDS_PREP.search(m.group(0)))):
                right = []
            inferred = ""
            if cue.predicate:
                if not left:
                    continue
                target = left
                earlier = [x for x in mentions if x.end <= left[-1].start and x.code != left[0].code]
                if not earlier:
                    continue
                srcs, dsts = [earlier[0]], target
            elif cue.symmetric and len(left) >= 2 and not right:
                srcs, dsts = left, left  # "X and Y signed": each side's tie to the other
            else:
                srcs, dsts = (right, left) if cue.reverse else (left, right)
                opening = len(re.findall(r"\w+", sentence[: m.start()])) <= 2
                first = mentions[0] if mentions and mentions[0].end <= m.start() else None
                if (
                    not srcs
                    and not cue.reverse
                    and first is not None
                    and not _BOUNDARY.search(sentence[first.end : m.start()])
                ):
                    srcs, inferred = [first], "origin: the sentence's first actor"
                elif not srcs and not cue.reverse and opening:
                    fm = re.search(r"\bopportunity\s+for\s+", sentence)
                    after_for = [
                        x for x in mentions if fm and x.start >= fm.end() and _gap_ok(sentence, fm.end(), x.start, 1)
                    ]
                    if after_for:
                        srcs, inferred = after_for[:1], f"origin from “{sentence[fm.start() : after_for[0].end]}”"
                    elif topic:
                        srcs, inferred = [Mention(topic, -1, -1, topic, "topic")], "origin: the paragraph's first actor"
                if not srcs or not dsts:
                    continue
            head = sentence[: m.start()]
            if hedged or _HEDGE.search(head + m.group(0)):
                status = "option"
            else:
                status = "planned" if _PLAN.search(head) else "reported"
            pairs = [(s.code, d.code) for s in srcs for d in dsts]
            for a, b in pairs:
                if a == b or (a, b, cue.kind) in seen:
                    continue
                seen.add((a, b, cue.kind))
                out.append(Relation(a, b, cue.kind, m.group(0).strip(), status, inferred))
            taken.append((m.start(), m.end()))
    return out
