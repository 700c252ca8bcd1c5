"""Ties out of sentences: two actors joined by a verb or noun that says what flows between them.

Rule-based: a cue (``provided munitions``, ``deployed``, ``pay``, ``signed … agreement``, ``warned``,
``sanctions``…) gives the tie's kind, and the sentence's grammar gives its direction:

* active voice: the actor named before the cue acts on the actor after it ("Rwanda is arming the
  M23"); actors joined by "and" or commas on one side each get the tie;
* passive voice: the actor after "by" acts on the one before the cue ("were sanctioned Thursday by
  the United States", "peacekeepers who were killed by Azerbaijani shelling");
* reported speech: a speaker is the origin of what the speech verb says ("Kagame accuses the DRC"),
  not of what the reported clause says ("... the DRC of backing FDLR": the DRC backs the FDLR);
  an actor after "according to" is a source, not an object;
* cues that read the other way (``pressure from X``, ``access to X's technology``, ``targets for X``),
  compounds (``Rwanda-backed M23``: Rwanda backs the M23) and wars between two actors
  (``the Israel-Hamas conflict``, ``war between Armenia and Azerbaijan``: a tie each way).

A cue with no actor before it takes the actor the sentence names as the one with the "opportunity"
(``for Seoul``), else the paragraph's first actor. Hedged or negated wording (``could``, ``plans to``,
``option``, ``unwilling``) marks the tie as an option or a plan.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from upheaval.draft._gazetteer import Mention

__all__ = ["CUES", "Relation", "find_relations"]


@dataclass(frozen=True)
class Cue:
    kind: str
    pattern: re.Pattern
    reverse: bool = False  # the actor after the cue is the tie's origin
    predicate: bool = False  # "X declared that Y are targets": Y (before the cue) is the target
    symmetric: bool = False  # "X and Y signed": one tie each way
    prep: bool = False  # the actor after the cue must follow a preposition ("deployed to X")
    mutual: bool = False  # "a treaty with X", "war between X and Y": a tie each way


def _cue(kind: str, rx: str, **kw) -> Cue:
    return Cue(kind, re.compile(rx, re.I), **kw)


_WEAPONS = r"(?:munitions|artillery|shells|rockets|missiles|weapons|arms|drones|ammunition|equipment)"
CUES: tuple[Cue, ...] = (
    _cue(
        "troops",
        r"\b(?:deploy(?:s|ed|ing|ment)?|send(?:s|ing)?|sent|dispatch(?:es|ed)?)\b(?:\s+of)?(?:\s+(?:\w+\s+)?(?:troops|soldiers|forces))?|"
        r"\b(?:provision|infusion|introduction)\s+of\s+(?:\w+\s+)?(?:troops|soldiers)|\bfight(?:s|ing)?\s+alongside\b|"
        r"\btroops?\s+deployment\b|\b(?:troops|soldiers|forces|peacekeepers|personnel|garrison)\W{0,2}\s+(?:stationed\s+)?in\b",
        prep=True,
    ),
    _cue(
        "munitions",
        rf"\b(?:provid(?:e|es|ed|ing)|suppl(?:y|ies|ied|ying)|deliver(?:s|ed|ing)?|ship(?:s|ped)?|sell(?:s|ing)?|sold|"
        rf"smuggl(?:e|es|ed|ing))\b(?:\s+\w+){{0,3}}?\s+{_WEAPONS}\b|\b(?:munitions|weapons|arms)\s+(?:and\s+\w+\s+)?to\b|"
        r"\b(?:re)?arm(?:s|ed|ing)\b(?!\s+(?:forces|groups?|conflict|movement|wing|struggle|men|resistance|factions?|"
        r"militias?|attack|robbery|services))",
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
    _cue("agreement", r"\b(?:treaty|pact|alliance|partnership)\s+with\b", mutual=True),
    _cue("agreement", r"\bsurrender(?:s|ed)?\s+to\b|\bagreement\s+to\s+fight\b"),
    _cue("intelligence", r"\b(?:shar(?:e|es|ed|ing)|provid(?:e|es|ed|ing))\s+intelligence\b|\btactical\s+warning\b"),
    _cue("mediation", r"\bbroker(?:s|ed|ing)?\b(?!\s+by)"),
    _cue(
        "aid",
        r"\b(?:military|economic|financial|humanitarian)\s+(?:support|aid|assistance)\s+(?:to|for)\b|\baid\s+to\b|"
        r"\b(?:packages|assistance)\s+to\b|\bsponsor(?:s|ed|ing)?\b|"
        r"\bsupport(?:s|ed|ing)?\b(?!\s+(?:for|from|(?:an?|the|any)\s+(?:\w+\s+)?(?:attack|strike|war|invasion|operation|ceasefire|deal|plan)))|\bback(?:s|ed|ing)\b(?!\s+(?:down|off|away|to))",
    ),
    _cue("liaison", r"\bliaison\s+office\b"),
    _cue(
        "alignment",
        r"\baligned\s+with\b|\balignment\s+(?:with|of)\b|\ball(?:y|ies|ied)\s+(?:of|with|to)\b|\bloyal\s+to\b|"
        r"\bcloser\s+to\b",
    ),
    _cue("stance", r"\bacquiescen(?:ce|t)\b|\bacquiesc(?:e|es|ed|ing)\b"),
    _cue(
        "diplomatic_support",
        r"\b(?:support|backing|solidarity)\s+(?:for|with)\b|\bhail(?:s|ed|ing)?\b|\b(?:visit(?:s|ed)?|met|meeting)\b",
    ),
    _cue("pressure", r"\bpressure\s+from\b", reverse=True),
    _cue("diplomatic_support", r"\b(?:support|backing|help|assistance)\s+from\b", reverse=True),
    _cue(
        "pressure",
        r"\b(?:leverage\s+over|pressur(?:e|es|ed|ing)|coerc(?:e|es|ed|ion)|urg(?:e|es|ed|ing)|restrain(?:s|ed|ing)?|"
        r"demand(?:s|ed|ing)?\s+(?:from|that))\b(?!\s+from)",
    ),
    _cue("sanctions", r"\b(?:sanction(?:s|ed|ing)?|impos(?:e|es|ed|ing)\s+costs\s+on|embargo(?:es|ed)?)\b"),
    _cue("targeting", r"\btargets?\s+for\b", reverse=True),
    _cue("targeting", r"\blegitimate\s+(?:military\s+)?targets\b", predicate=True),
    _cue("coercion", r"\bwater\s+cannons?\b|\bramm(?:ed|ing)\b|\bharass(?:es|ed|ing|ment)?\b|\bintimidat\w+"),
    _cue("interception", r"\bintercept(?:s|ed|ing|ion)?\b"),
    _cue(
        "combat",
        r"\b(?:war|conflict|clash(?:es)?|fighting|hostilities|skirmishes)\s+(?:\w+\s+){0,2}?(?:between|with)\b",
        mutual=True,
    ),
    _cue(
        "combat",
        r"\b(?:invasion\s+(?:of|in|into)|conflict\s+against|invad(?:e|es|ed|ing)|war\s+(?:on|against|in)|used\s+against|fight(?:s|ing)?\s+against|"
        r"attack(?:s|ed|ing)?|strik(?:e|es|ing)|struck|(?:air\s*)?strikes?\s+on|hits?\s+on|retaliat(?:e|es|ed|ion)\s+(?:against|on)|"
        r"offensive\s+(?:in|against|on)|shell(?:s|ed|ing)|bombard(?:s|ed|ing|ment)(?:\s+of)?|target(?:ed|ing)|to\s+target|"
        r"laying\s+waste\s+to|war\s+of\s+aggression\s+against|overwhelm(?:s|ed|ing)?|advances?\s+(?:on|into)|"
        r"launch(?:es|ed|ing)?\s+(?:\w+\s+){0,2}(?:at|against|on))\b",
    ),
    _cue(
        "hostility",
        r"\b(?:warn(?:s|ed|ing)?|threat(?:en|ens|ened)?|condemn(?:s|ed)?|outrage\s+at|conflict\s+with|accus(?:e|es|ed|ing)|"
        r"criticis(?:e|es|ed|ing)|criticiz(?:e|es|ed|ing)|blam(?:e|es|ed|ing)|protest(?:s|ed|ing)?\s+(?:against|outside|at)|"
        r"disillusioned\s+with|death\s+to|isolate|saber-rattling|sabre-rattling|escalat(?:e|es|ed|ing|ion)\s+against|"
        r"slogans)\b",
    ),
    _cue("casualties", r"\b(?:killed|casualties|losses)\b"),
)

_BOUNDARY = re.compile(r"\b(?:should|if|unless|while|whereas|although|but|because|according\s+to)\b|[;:]")
# What a speaker says is not the speaker's act: an agent is not looked for across a speech verb.
_SPEECH = re.compile(
    r"\b(?:say|says|said|told|tell|claim|claims|claimed|argue|argues|argued|believe|believes|stated)\b", re.I
)
_HEDGE = re.compile(
    r"\b(?:could|might|may|would|consider(?:s|ing)?|options?|opportunity|possible|possibly|rather\s+than|"
    r"unwilling(?:ness)?|refus\w*|not|no|never|fail(?:s|ed)?\s+to|if|should|unless)\b",
    re.I,
)
_PLAN = re.compile(r"\b(?:plans?\s+to|planned|will|pledge[sd]?|promis\w+|expect\w*)\b", re.I)
_PREP = re.compile(
    r"^\s*(?:of\s+(?:\w+\s+)?(?:troops|soldiers|forces)\s+)?(?:to|into|in|for|alongside|the|its|their)\b", re.I
)
_PRONOUN = re.compile(r"^\s+(?:\w+\s+){0,2}?(?:them|him|her)\b", re.I)
_ENDS_PREP = re.compile(r"\b(?:to|into|in|for|alongside|with|on|against|over|between|of)$", re.I)
_SAME = re.compile(r"^(?:'s|’s)?\s+(?:[\w-]+\s+){0,3}$")
_PASSIVE_BY = re.compile(r"^\W*(?:[\w'-]+\W+){0,4}?by\s+(?:the\s+)?$", re.I)
_AUX_BEFORE = re.compile(r"\b(?:was|were|been|being|is|are|be|get|got)\s+(?:\w+\s+)?$", re.I)
_WAR_NOUN = re.compile(r"^\s*(?:[\w.]+\s+)?(?:conflict|war|clashes|fighting|hostilities|standoff)\b", re.I)
_BACKED = re.compile(r"^-(backed|supported|sponsored|funded|armed)\b", re.I)


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


def _coordinated(text: str, a: Mention, b: Mention) -> bool:
    """Whether ``a`` and ``b`` stand side by side in a list ("X, Y and Z")."""
    return bool(re.fullmatch(r"\s*(?:,|,?\s*and|&|/)\s*(?:the\s+)?", text[a.end : b.start]))


def _list_only(text: str, group: list[Mention]) -> list[Mention]:
    """A group joined by commas alone is no list ("Iraq, the Houthis embraced"): keep its first;
    a list ends with "and" ("X, Y and Z")."""
    ordered = sorted(group, key=lambda m: m.start)
    gaps = [text[a.end : b.start] for a, b in itertools.pairwise(ordered)]
    if gaps and not any(re.search(r"\band\b|&|/", g) for g in gaps):
        return group[:1]
    return group


def _left(mentions: list[Mention], text: str, pos: int, limit: int) -> list[Mention]:
    """The actors nearest before the cue, with those coordinated with them ("X, Y and Z")."""
    # A possessive ("North Korea's troop deployment") is the cue's agent only right before it.
    cands = [
        m
        for m in mentions
        if m.end <= pos
        and _gap_ok(text, m.end, pos, limit)
        and not _SPEECH.search(text[m.end : pos])
        and not (text[m.end : m.end + 2] in ("'s", "’s") and not _gap_ok(text, m.end, pos, 3))
    ]
    if not cands:
        return []
    group = [cands[-1]]
    for m in reversed(cands[:-1]):
        if not _coordinated(text, m, group[-1]):
            break
        group.append(m)
    return _list_only(text, group)


def _right(mentions: list[Mention], text: str, pos: int, limit: int) -> list[Mention]:
    """The actors nearest after the cue (not one cited after "according to"), with those coordinated with them."""
    cands = [
        m
        for m in mentions
        if m.start >= pos
        and _gap_ok(text, pos, m.start, limit)
        and not re.search(r"according\s+to\s+(?:the\s+)?$", text[: m.start], re.I)
    ]
    if not cands:
        return []
    group = [cands[0]]
    for m in cands[1:]:
        if not _coordinated(text, group[-1], m):
            break
        group.append(m)
    return _list_only(text, group)


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


def _passive_agent(sentence: str, m: re.Match, mentions: list[Mention]) -> list[Mention]:
    """The actor after "by" when the cue is a passive verb ("were sanctioned ... by the United
    States", "killed by Azerbaijani shelling"); [] in the active voice."""
    word = m.group(0).split()[0].lower()
    if not (word.endswith("ed") or word in ("sold", "sent", "struck", "paid", "held")):
        return []
    after = [x for x in mentions if x.start >= m.end() and _PASSIVE_BY.match(sentence[m.end() : x.start])]
    if not after:
        return []
    if _AUX_BEFORE.search(sentence[: m.start()]) or re.search(r"\w\s*,?\s*$", sentence[: m.start()]):
        return after[:1]
    return []


def _object_inside(sentence: str, m: re.Match, mentions: list[Mention], left: list[Mention]) -> list[Mention]:
    """An object named inside the cue ("supplied the Houthis with drones") or the earlier actor a
    pronoun after it stands for ("warned them")."""
    verb_end = m.start() + len(m.group(0).split()[0])
    inside = [x for x in mentions if verb_end <= x.start and x.end <= m.end()]
    if inside:
        return inside[:1]
    if _PRONOUN.match(sentence[m.end() :]) and left:
        earlier = [x for x in mentions if x.end <= left[-1].start and x.code not in {y.code for y in left}]
        return earlier[-1:]
    return []


def _origin_by_context(
    sentence: str, m: re.Match, mentions: list[Mention], topic: str | None
) -> tuple[list[Mention], str]:
    """An origin for a cue with no actor before it: the sentence's first actor, the one given an
    "opportunity", or the paragraph's first actor when the cue opens the sentence."""
    first = mentions[0] if mentions and mentions[0].end <= m.start() else None
    if first is not None and not _BOUNDARY.search(sentence[first.end : m.start()]):
        return [first], "origin: the sentence's first actor"
    if len(re.findall(r"\w+", sentence[: m.start()])) > 2:
        return [], ""
    fm = re.search(r"\bopportunity\s+for\s+", sentence)
    after_for = [x for x in mentions if fm and x.start >= fm.end() and _gap_ok(sentence, fm.end(), x.start, 1)]
    if after_for:
        return after_for[:1], f"origin from “{sentence[fm.start() : after_for[0].end]}”"
    if topic:
        return [Mention(topic, -1, -1, topic, "topic")], "origin: the paragraph's first actor"
    return [], ""


def _objects(cue: Cue, sentence: str, m: re.Match, mentions: list[Mention], left: list[Mention]) -> list[Mention]:
    """The actors a cue acts on: those after it (not the origin named again), else one named
    inside it or a pronoun's antecedent; after a preposition where the cue needs one."""
    right = _right(mentions, sentence, m.end(), 6)
    if right and {x.code for x in right} <= {x.code for x in left}:
        right = []  # the origin named again ("Iran ... and Tehran"), not an object
    if not right and not cue.predicate:
        right = _object_inside(sentence, m, mentions, left)
    gap = sentence[m.end() : right[0].start] if right else ""
    if cue.prep and right and not (_PREP.match(gap) or (not gap.strip() and _ENDS_PREP.search(m.group(0)))):
        return []
    return right


def _both_ways(cue: Cue, m: re.Match, left: list[Mention], right: list[Mention]):
    """The two sides of a tie each way ("war between X and Y", "X and Y signed"), or None."""
    if cue.mutual and m.group(0).lower().endswith("between"):
        return (right, right, "") if len(right) >= 2 else ([], [], "")
    if (cue.symmetric or cue.mutual) and len(left) >= 2 and not right:
        return left, left, ""
    return None


def _ends(cue: Cue, sentence: str, m: re.Match, mentions: list[Mention], topic: str | None):
    """The origins and targets of one cue, and how an origin not named around it was chosen."""
    left = _left(mentions, sentence, m.start(), 10)
    agent = _passive_agent(sentence, m, mentions)
    if agent:
        return agent, [x for x in left if x.code != agent[0].code], ""
    right = _objects(cue, sentence, m, mentions, left)
    if cue.predicate:
        earlier = [x for x in mentions if left and x.end <= left[-1].start and x.code != left[0].code]
        return (earlier[:1], left, "") if earlier else ([], [], "")
    both = _both_ways(cue, m, left, right)
    if both is not None:
        return both
    if cue.mutual:
        left = left[:1]  # "the US, which has a treaty with the Philippines": the nearest actor
    srcs, dsts = (right, left) if cue.reverse else (left, right)
    inferred = ""
    if not srcs and not cue.reverse:
        srcs, inferred = _origin_by_context(sentence, m, mentions, topic)
    return srcs, dsts, inferred


def _status(sentence: str, m: re.Match, hedged: bool) -> str:
    head = sentence[: m.start()]
    if hedged or _HEDGE.search(head + m.group(0)):
        return "option"
    return "planned" if _PLAN.search(head) else "reported"


def _compounds(sentence: str, mentions: list[Mention]) -> list[tuple[str, str, str, str, bool]]:
    """Ties written as compounds: "Rwanda-backed M23" (Rwanda aids the M23) and "the
    Israel-Hamas conflict" (a combat tie each way)."""
    out = []
    for i, a in enumerate(mentions):
        rest = sentence[a.end :]
        bm = _BACKED.match(rest)
        if bm:
            target = next((b for b in mentions[i + 1 :] if _gap_ok(sentence, a.end + bm.end(), b.start, 3)), None)
            if target is not None:
                out.append((a.code, target.code, "aid", sentence[a.start : a.end + bm.end()], False))
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        if nxt is not None and sentence[a.end : nxt.start] in ("-", "–", "/"):
            wm = _WAR_NOUN.match(sentence[nxt.end :])
            if wm:
                out.append((a.code, nxt.code, "combat", sentence[a.start : nxt.end + wm.end()], True))
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
    >>> s = "A Rwandan minister was sanctioned Thursday by the United States."
    >>> [(r.source, r.target, r.kind) for r in find_relations(s, find_mentions(s), None)]
    [('USA', 'RWA', 'sanctions')]
    """
    mentions = _collapse(sentence, mentions)
    out: list[Relation] = []
    seen: set[tuple[str, str, str]] = set()
    taken: list[tuple[int, int]] = []

    def add(a: str, b: str, kind: str, cue: str, status: str, inferred: str = "") -> None:
        if a != b and (a, b, kind) not in seen:
            seen.add((a, b, kind))
            out.append(Relation(a, b, kind, cue, status, inferred))

    for cue in CUES:
        for m in cue.pattern.finditer(sentence):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            srcs, dsts, inferred = _ends(cue, sentence, m, mentions, topic)
            if not srcs or not dsts:
                continue
            status = _status(sentence, m, hedged)
            for s in srcs:
                for d in dsts:
                    add(s.code, d.code, cue.kind, m.group(0).strip(), status, inferred)
                    if cue.mutual or (cue.symmetric and srcs is dsts):
                        add(d.code, s.code, cue.kind, m.group(0).strip(), status, inferred)
            taken.append((m.start(), m.end()))
    for a, b, kind, cue_text, both in _compounds(sentence, mentions):
        status = "option" if hedged else "reported"
        add(a, b, kind, cue_text, status)
        if both:
            add(b, a, kind, cue_text, status)
    return out
