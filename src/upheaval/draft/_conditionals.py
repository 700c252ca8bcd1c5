"""Candidate descriptors and claims out of the text's conditional and scenario language.

A condition ("should the military situation in Ukraine destabilise", "if China's support for
Russia expands and Ukraine's defences degrade", "unless …") becomes one candidate descriptor per
conjunct: its subject as the label and two variants, the change the text names and its negation
("destabilises" / "does not destabilise"). "Options range from A to B", "either A or B" and
"whether A or B" give a descriptor with the options as variants. A condition whose subject is a
pronoun ("should that transpire", "if it …") names no descriptor; its sentence is still a
candidate claim. Candidate claims are the conditional sentences with a consequence; the drafter
does not judge them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Candidate", "Conditional", "find_conditionals"]


@dataclass
class Candidate:
    """A candidate descriptor: a label and its variants (``(id, label)``)."""

    id: str
    label: str
    variants: list[tuple[str, str]]
    phrase: str  # the words of the text it comes from
    subject: str = ""


@dataclass
class Conditional:
    """A conditional sentence: its conditions, the candidates they give, and its consequence."""

    marker: str
    condition: str
    consequence: str
    candidates: list[Candidate] = field(default_factory=list)


_MARKER = re.compile(r"\b(?P<m>[Ss]hould|[Ii]f|[Uu]nless|[Pp]rovided\s+that|[Ii]n\s+case)\b\s+")
_END = re.compile(r",\s*(?:then\s+)?|\s+then\s+|\s*[.;:!?](?:\s|$)|\s+[–—-]\s+")
# "should" opens a condition when a subject follows it ("should North Korea find", "should that transpire").
_INVERTED = re.compile(
    r"(?:[A-Z]|(?:the|a|an|its|their|his|her|this|that|these|those|it|they|he|she|we|such|any|both)\b)"
)
_PRONOUN = re.compile(r"^(?:it|that|this|they|there|these|those|so|he|she|we|you|i|such|nothing|anything)\b", re.I)
_AUX = re.compile(r"^(?:is|are|was|were|be|been|has|have|had|do|does|did|can|could|will|would|may|might|must)\b")
# Verbs of change commentaries use in conditions, with their third person and negation.
_VERBS = (
    "destabilise|destabilize|degrade|collapse|hold|fail|succeed|expand|grow|increase|decrease|decline|fall|rise|"
    "escalate|de-escalate|weaken|strengthen|improve|deteriorate|break|end|continue|persist|stall|advance|retreat|"
    "enter|join|withdraw|leave|win|lose|use|establish|sign|agree|refuse|reject|accept|attack|invade|intervene|"
    "transpire|happen|occur|emerge|find|spread|return|resume|cease|stop|pressure|sanction|support|abandon|"
    "mobilise|mobilize|deploy|send|provide|open|close|reach|achieve|become|remain|stay|turn|shift|change|"
    "widen|narrow|recover|worsen|hold|last|falter|unravel|harden|soften|split|unite|default|launch|seize|extend"
)
_VERB = re.compile(rf"\b(?:(?:successfully|quickly|actually|further|again)\s+)?({_VERBS})(?:s|es|d|ed)?\b", re.I)


def _slug(text: str, limit: int = 40) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower().replace("'s", "").replace("’s", ""))
    stop = {"the", "a", "an", "of", "in", "on", "for", "to", "and", "its", "their", "his", "her"}
    words = [w for w in words if w not in stop] or words
    out = ""
    for w in words:
        if len(out) + len(w) + 1 > limit:
            break
        out = f"{out}_{w}" if out else w
    out = out or "descriptor"
    return out if out[0].isalpha() else f"d_{out}"


def _third_person(verb: str) -> str:
    v = verb.lower()
    if v.endswith(("s", "sh", "ch", "x", "z")):
        return v + "es"
    if v.endswith("y") and len(v) > 2 and v[-2] not in "aeiou":
        return v[:-1] + "ies"
    return v + "s"


def _conjuncts(condition: str) -> list[str]:
    """A condition split at "and" where each side has its own verb of change."""
    parts = re.split(r"\s+and\s+(?=[A-Z]|the\b|[\w'’-]+(?:'s|’s)\s)", condition)
    if len(parts) > 1 and all(_VERB.search(p) for p in parts):
        return parts
    return [condition]


_NOUN_BEFORE = re.compile(r"(?:\b(?:the|a|an|its|their|his|her|our|my|your|this|that)|'s|’s)\s+$", re.I)


def _verb(phrase: str, inflected: bool) -> re.Match | None:
    """The condition's verb: a verb of change not used as a noun ("China's support"); after
    "if" the first inflected one ("expands"), after "should" the first bare one."""
    found = [m for m in _VERB.finditer(phrase) if m.start() > 0 and not _NOUN_BEFORE.search(phrase[: m.start()])]
    if inflected:
        with_suffix = [m for m in found if m.group(0).lower() != m.group(1).lower()]
        found = with_suffix or found
    return found[0] if found else None


def _candidate(phrase: str, inflected: bool = True) -> Candidate | None:
    phrase = re.sub(r"[\"“”‘’]", "", phrase).strip().rstrip(",")
    if _PRONOUN.match(phrase):
        return None
    vm = _verb(phrase, inflected)
    if vm is None:
        return None
    subject = phrase[: vm.start()].strip()
    subject = re.sub(r"^(?:the)\s+", "", subject, flags=re.I)
    if not subject or _AUX.match(subject.split()[-1].lower()) or len(subject.split()) > 12:
        return None
    verb = vm.group(1).lower()
    rest = phrase[vm.end() :].strip()
    does = f"{_third_person(verb)}{' ' + rest if rest else ''}"
    label_yes = does[:1].upper() + does[1:]
    label_no = f"Does not {verb}{' ' + rest if rest else ''}"
    yes_id = _slug(_third_person(verb), 30)
    label = subject[:1].upper() + subject[1:]
    return Candidate(
        id=_slug(subject),
        label=label[:120],
        variants=[(yes_id, label_yes[:120]), (f"not_{_slug(verb, 24)}", label_no[:120])],
        phrase=phrase,
        subject=subject,
    )


_OPTIONS = re.compile(
    r"\b(?:options?\s+(?:range|ranging)\s+from|either)\s+(?P<a>[^,.;]+?)\s+(?:to|or)\s+(?P<b>[^,.;]+?)(?=[,.;]|$)"
    r"|\bwhether\s+(?P<c>[^,.;]+?)\s+or\s+(?P<d>[^,.;]+?)(?=[,.;]|$)",
    re.I,
)


def find_conditionals(sentence: str) -> list[Conditional]:
    """The conditional clauses and option lists of ``sentence``.

    >>> [c.candidates[0].variants for c in find_conditionals("Should the military situation in Ukraine destabilise, China loses.")]
    [[('destabilises', 'Destabilises'), ('not_destabilise', 'Does not destabilise')]]
    """
    out: list[Conditional] = []
    for m in _MARKER.finditer(sentence):
        rest = sentence[m.end() :]
        if m.group("m").lower() == "should" and not _INVERTED.match(rest):
            continue  # "Asia should expect": the modal, not a condition
        em = _END.search(rest)
        condition = rest[: em.start()] if em else rest
        consequence = rest[em.end() :] if em else ""
        if not consequence and m.start() > 0:
            consequence = sentence[: m.start()]  # "X happens, if Y"
        if len(condition.split()) < 2:
            continue
        cond = Conditional(m.group("m"), condition.strip(), consequence.strip().rstrip("."))
        inflected = m.group("m").lower() != "should"
        for part in _conjuncts(condition):
            cand = _candidate(part, inflected)
            if cand is not None:
                cond.candidates.append(cand)
        out.append(cond)
    for m in _OPTIONS.finditer(sentence):
        a, b = (m.group("a"), m.group("b")) if m.group("a") else (m.group("c"), m.group("d"))
        head = sentence[: m.start()].strip()
        subject = re.sub(r"^.*\b(?:the|its|their)\s+", "", head)[-60:] or "options"
        cand = Candidate(
            id=_slug(subject or a),
            label=(subject or "Options").strip()[:120] or "Options",
            variants=[(_slug(a, 30), a.strip()[:120]), (_slug(b, 30), b.strip()[:120])],
            phrase=m.group(0),
            subject=subject,
        )
        if cand.variants[0][0] != cand.variants[1][0]:
            out.append(Conditional("options", m.group(0), "", [cand]))
    return out
