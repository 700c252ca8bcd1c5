"""Candidate descriptors and claims out of the text's conditional and scenario language.

The forms commentaries use: "if X", "should X", "unless X", "until X", "as long as X", "whether X
will", "in the event of X", "in the case of X", "provided that X", "the longer X, the more Y",
"options range from A to B", "either A or B", "whether A or B", "depends on how X", "Ukraine
cannot ... without X", and a hypothetical event's consequence ("an intervention from ECOWAS would
constitute ..."). Each condition becomes a candidate descriptor whose variants are named from the
text: the change the text names and its negation ("Ends its bombardment of the Gaza Strip" / "Does
not end ..."), the two ends of a comparison ("Longer" / "Shorter"), or the options it lists. The
consequence of a conditional becomes a descriptor too, so the sentence links two descriptors (a
judgement section for the analyst to fill). A condition whose subject is a pronoun and whose verb
names no change ("should that transpire") gives no descriptor; its sentence is still a candidate
claim. Concessive clauses ("even if") are not conditions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Candidate", "Conditional", "find_conditionals", "slug"]


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
    """A conditional clause: its marker, condition and consequence as the sentence words them, where
    it starts, the candidates its condition gives and the candidate its consequence gives."""

    marker: str
    condition: str
    consequence: str
    candidates: list[Candidate] = field(default_factory=list)
    outcome: Candidate | None = None
    start: int = 0

    @property
    def text(self) -> str:
        """The clause from its marker: "until Israel ends its brutal bombardment of the Gaza Strip"."""
        return f"{self.marker} {self.condition}".strip()


_STOP = {"the", "a", "an", "of", "in", "on", "for", "to", "and", "its", "their", "his", "her", "that", "this"}


def slug(text: str, limit: int = 40) -> str:
    """An id from words: lower case, underscores, cut at a word boundary within ``limit``.

    >>> slug("The war in Gaza's end"), slug("1999 events")
    ('war_gaza_end', 'd_1999_events')
    """
    words = re.findall(r"[a-z0-9]+", text.lower().replace("'s", "").replace("’s", ""))
    words = [w for w in words if w not in _STOP] or words
    out = ""
    for w in words:
        if len(out) + len(w) + 1 > limit:
            break
        out = f"{out}_{w}" if out else w
    out = out or (words[0][:limit] if words else "descriptor")
    return out if out[0].isalpha() else f"d_{out}"


def _cap(text: str) -> str:
    text = text.strip().strip(",;:")
    return (text[:1].upper() + text[1:])[:120]


_MARKER = re.compile(
    r"(?<![Ee]ven\s)\b(?P<m>[Ii]f\s+and\s+when|[Ii]f|[Ss]hould|[Uu]nless|[Uu]ntil|[Aa]s\s+long\s+as|[Ss]o\s+long\s+as|"
    r"[Pp]rovided\s+that|[Ii]n\s+case|[Ii]n\s+the\s+(?:event|case)\s+(?:of|that)|[Ww]hether)\b\s+"
)
_END = re.compile(r",\s*(?:then\s+)?|\s+then\s+|\s*[.;:!?](?:\s|$)|\s+[–—-]\s+|\s+(?:or\s+not|so\s+that|because)\b")
# "should" opens a condition when a subject follows it ("should North Korea find", "should that transpire").
_INVERTED = re.compile(
    r"(?:[A-Z]|(?:the|a|an|its|their|his|her|this|that|these|those|it|they|he|she|we|such|any|both|neither|no)\b)"
)
_PRONOUN = re.compile(r"^(?:it|that|this|they|there|these|those|so|he|she|we|you|i|such|nothing|anything)\b", re.I)
_VAGUE = re.compile(r"^(?:transpire|happen|occur|come|be|do|go|prove|turn\s+out)\b", re.I)
_AUX = re.compile(r"^(?:is|are|was|were|be|been|has|have|had|do|does|did|can|could|will|would|may|might|must)\b")
_MODAL = re.compile(r"\b(?:will|would|could|can|might|may|must|shall|should|is\s+going\s+to|are\s+going\s+to)\b", re.I)
_NEG = re.compile(r"\b(?:not|never|no\s+longer|cannot|can't|won't|don't|doesn't|didn't|fail(?:s|ed)?\s+to)\b", re.I)
# Verbs of change commentaries use in conditions.
_VERBS = (
    "destabilise|destabilize|degrade|collapse|hold|fail|succeed|expand|grow|increase|decrease|decline|fall|rise|"
    "escalate|de-escalate|weaken|strengthen|improve|deteriorate|break|end|continue|persist|stall|advance|retreat|"
    "enter|join|withdraw|leave|win|lose|use|establish|sign|agree|refuse|reject|accept|attack|invade|intervene|"
    "transpire|happen|occur|emerge|find|spread|return|resume|cease|stop|pressure|sanction|support|abandon|"
    "mobilise|mobilize|deploy|send|provide|open|close|reach|achieve|become|remain|stay|turn|shift|change|"
    "widen|narrow|recover|worsen|last|falter|unravel|harden|soften|split|unite|default|launch|seize|extend|"
    "authorize|authorise|restrain|respond|retaliate|comply|strike|negotiate|back|fall|wear|exhaust|keep|"
    "choose|supported|incorporate|approve|threaten|block|blockade|arm|fund|recognize|recognise|annex|take|put|"
    "give|make|have|comply|persist|feel|seem|appear|impose|decide"
)
_VERB = re.compile(
    rf"\b(?:(?:successfully|quickly|actually|further|again|not|no\s+longer)\s+)?({_VERBS})(?:s|es|d|ed|ing)?\b", re.I
)
_NOUN_BEFORE = re.compile(r"(?:\b(?:the|a|an|its|their|his|her|our|my|your|this|that)|'s|’s)\s+$", re.I)
_INFLECTED = re.compile(r"\b([a-z]{2,}(?:es|ed|s))\b")
_NOT_VERBS = {"this", "thus", "his", "its", "was", "has", "does", "is", "as", "us", "yes", "always", "perhaps",
              "whereas", "across", "towards", "less", "unless", "news", "series", "themselves", "ourselves",
              "various", "previous", "serious", "famous", "numerous", "indeed", "need", "speed", "seed"}  # fmt: skip
_IRREGULAR = {"have": "has", "be": "is", "do": "does", "go": "goes", "can": "can"}
_ADVERBIAL = re.compile(
    r"^(?:(?:first|second|third|finally|so|yet|but|and|however|indeed|thus|then|now|also|in\s+fact|of\s+course|"
    r"(?:before|after|especially|with|without|given|despite)\s+[^,]{1,60}),\s*)+",
    re.I,
)
_CUT = re.compile(r"\s*(?:[,(;]|\b(?:until|unless|if|as\s+long\s+as|because|while|whereas)\b)")


def _third_person(verb: str) -> str:
    v = verb.lower()
    if v in _IRREGULAR:
        return _IRREGULAR[v]
    if v.endswith(("s", "sh", "ch", "x", "z")) or (v.endswith("o") and len(v) > 2 and v[-2] not in "aeiou"):
        return v + "es"
    if v.endswith("y") and len(v) > 2 and v[-2] not in "aeiou":
        return v[:-1] + "ies"
    return v + "s"


def _base(verb: str) -> str:
    """A verb's base form from its inflection ("ends" → end, "authorized" → authorize)."""
    v = verb.lower()
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("sses", "ss"), ("ches", "ch"), ("shes", "sh")):
        if v.endswith(suffix):
            return v[: -len(suffix)] + repl
    if v.endswith("ed") and len(v) > 4:
        stem = v[:-2]
        return stem + "e" if re.search(r"(?:iz|is|at|ur|in|ov|iv|ag|ad|us|uc|ct|ok|ak)$", stem) else stem
    if v.endswith("s") and not v.endswith("ss") and len(v) > 3:
        return v[:-1]
    return v


def _conjuncts(condition: str) -> list[str]:
    """A condition split at "and" where each side has its own verb of change."""
    parts = re.split(r"\s+and\s+(?=[A-Z]|the\b|[\w'’-]+(?:'s|’s)\s)", condition)
    if len(parts) > 1 and all(_VERB.search(p) for p in parts):
        return parts
    return [condition]


_DO = re.compile(
    r"\b(?:does|do|did)(?:\s+not|n't)?(?:\s+(?:really|actually|ever|still|also|indeed))?\s+([a-z][a-z-]+)\b"
)
_BE = r"\b(?:is|are|was|were|be|been|being)\s+(?:not\s+)?$"
_PARTICIPLE = re.compile(r"\b([a-z]{3,}(?:ed|en))\b")


def _passive(phrase: str) -> re.Match | None:
    """The participle of a passive clause ("no shots are fired" → fired)."""
    return next(
        (m for m in _PARTICIPLE.finditer(phrase) if m.group(1) != "been" and re.search(_BE, phrase[: m.start()])),
        None,
    )


def _verb(phrase: str, inflected: bool) -> re.Match | None:
    """The condition's verb: after a modal the next word ("will become"), after an emphatic "do"
    the next word ("does decide"); else a passive's participle ("are fired") or a verb of change
    not used as a noun ("China's support"), after "if" the first inflected one ("expands"), after
    "should" the first bare one; else the first inflected word after the subject."""
    mm = _MODAL.search(phrase)
    dm = _DO.search(phrase)
    if (
        dm
        and dm.start() > 0
        and not (mm and 0 < mm.start() < dm.start())
        and not re.search(r"\b(?:and|or|but)\s+$", phrase[: dm.start()])  # "stop here and do not read": no subject
    ):
        return dm
    if mm and mm.start() > 0:
        after = re.compile(r"(?:\s+(?:not|never|also|then|still|likely|be|been|have))*\s+([a-z][a-z-]+)\b", re.I).match(
            phrase, mm.end()
        )
        if after:
            return after
    found = [m for m in _VERB.finditer(phrase) if m.start() > 0 and not _NOUN_BEFORE.search(phrase[: m.start()])]
    if inflected:
        found = [
            m for m in found if not m.group(0).lower().endswith("ing") and m.group(0).lower() != m.group(1).lower()
        ] or found
    pm = _passive(phrase)
    if pm and (not found or pm.start() <= found[0].start()):
        return pm
    if found:
        return found[0]
    words = [m for m in _INFLECTED.finditer(phrase) if m.group(1).lower() not in _NOT_VERBS]
    return next((m for m in words if m.start() > 0 and not _NOUN_BEFORE.search(phrase[: m.start()])), None)


_SPEECH = re.compile(
    r"^(?P<sp>.+?)\s+(?:says?|said|claims?|claimed|warns?|warned|argues?|insists?|insisted|vows?|vowed)\s+"
    r"(?:that\s+)?(?P<pro>it|they|he|she)\b",
    re.I,
)
_LINKING = {"become", "remain", "stay", "turn", "be", "seem", "appear", "prove"}


_EXPECT = re.compile(
    r"^.*?\b(?:expect|expects|expected|anticipate|anticipates|predict|predicts|fear|fears)\s+"
    r"(?P<x>(?!to\b)[\w'’-]+(?:\s+(?!to\b)[\w'’-]+){0,4})\s+to\s+(?P<rest>\w.*)$",
    re.I,
)


def _resolve_speech(phrase: str) -> str:
    """A reported clause with its pronoun replaced by the speaker ("Hezbollah says it will not
    cease" → "Hezbollah will not cease"); an expectation as what is expected ("Asia should expect
    shipping to stay disrupted" → "shipping will stay disrupted")."""
    em = _EXPECT.match(phrase)
    if em:
        return f"{em.group('x')} will {em.group('rest')}"
    m = _SPEECH.match(phrase)
    if not m or _PRONOUN.match(m.group("sp")):
        return phrase
    speaker = re.sub(r"^.*\b(?:movement|group|government|official|officials)\b\s*", "", m.group("sp")) or m.group("sp")
    return m.group("sp") + phrase[m.end("pro") :] if speaker else phrase


_ADVERB = r"(?:still|also|then|really|actually|ever|even|just|now|not|never|effectively|eventually)"
_QUESTION = re.compile(
    r"^(?P<aux>would|will|could|can|should|might|may|must|does|do|did)\s+"
    r"(?P<subj>(?:(?:the|a|an|its|their|this|that|these|those|any|no)\s+)?"
    rf"(?:[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*(?:\s+(?!{_ADVERB}\b)[a-z][\w'’-]*)?|(?!{_ADVERB}\b)[a-z][\w'’-]*)"
    r"|it|they|he|she|we|you|I)\s+(?P<rest>[a-z].*)$"
)


def _statement(phrase: str) -> str:
    """A question's clause in the order of a statement ("would the US still feel compelled" →
    "the US would still feel compelled"), so that its subject comes before its verb."""
    m = _QUESTION.match(phrase)
    return f"{m.group('subj')} {m.group('aux')} {m.group('rest')}" if m else phrase


def _negative_subject(subject: str, does: str) -> tuple[str, str] | None:
    """A clause whose subject carries the negation ("no shots are fired"): the clause without it
    ("Shots are fired") and the clause as the text words it."""
    m = re.match(r"(?:no|none\s+of\s+the)\s+(?P<noun>.+)$", subject, re.I)
    if not m:
        return None
    noun = m.group("noun")
    plural = noun.lower().endswith("s") and not noun.lower().endswith("ss")
    bare = noun if plural or noun[:1].isupper() else f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"
    return _cap(f"{bare} {does}"), _cap(f"{subject} {does}")


def _candidate(phrase: str, inflected: bool = True) -> Candidate | None:
    """A descriptor from a clause: its subject (with the object of its change) as the label, or its
    verb phrase when the subject is a pronoun; the change the clause names and its negation as
    the variants."""
    phrase = re.sub(r"[\"“”‘’]", "", phrase).strip().rstrip(",?!").strip()
    phrase = _resolve_speech(_statement(_ADVERBIAL.sub("", phrase)))
    vm = _verb(phrase, inflected)
    if vm is None:
        return None
    subject = re.sub(r"^(?:the)\s+", "", phrase[: vm.start()].strip(), flags=re.I)
    subject = _MODAL.sub("", subject).strip()
    subject = re.sub(
        r"\s+(?:not|never|also|then|still|likely|did|does|do|is|are|was|were|be|been)$", "", subject
    ).strip()
    verb = _base(vm.group(1))
    before = phrase[: vm.start()] + " "
    passive = re.search(_BE, before) and re.search(r"(?:ed|en)$", vm.group(1).lower())
    if re.search(r"\bbe\s+\S*$", phrase[: vm.end()]) or passive:
        verb = f"be {vm.group(1).lower()}"  # "might be praised", "shots are fired"
    rest = _CUT.split(phrase[vm.end() :].strip(" ,"), 1)[0].strip()
    if re.match(r"(?:is|are|was|were|has|have|had)\b", rest) and not verb.startswith("be "):
        return None  # the word taken for the verb is a noun ("shots are ..."): no clause to name
    if re.search(r"\bto\s+$", before) or re.match(r"[a-z]+ing\b", subject):
        return None  # an infinitive or a participle's clause ("leaving the US without chips to keep"): no subject
    negated = bool(_NEG.search(phrase[: vm.start()] + " " + vm.group(0)))
    pronoun = not subject or bool(_PRONOUN.match(subject))
    if pronoun and (_VAGUE.match(verb) or not (rest or _VERB.fullmatch(verb))):
        return None
    if (subject and _AUX.match(subject.split()[-1].lower())) or len(subject.split()) > 12 or len(verb) < 2:
        return None
    if verb.startswith("be "):
        be = re.search(r"\b(is|are|was|were)\s+(?:not\s+)?$", before)
        be = be.group(1) if be else "is"
        does, doesnt = f"{be} {verb[3:]}", f"{be} not {verb[3:]}"
    else:
        does = _third_person(verb)
        doesnt = f"does not {verb}"
    does, doesnt = (f"{x} {rest}".strip() for x in (does, doesnt))
    no_subject = None if negated else _negative_subject(subject, does)
    if no_subject:  # "no shots are fired": the clause without "no", and the text's own
        word = verb.split()[-1]
        yes, no = no_subject
        return Candidate(slug(yes), yes, [(slug(f"not_{word}", 30), no), (slug(word, 30), yes)], phrase, subject)
    if negated:
        does, doesnt = doesnt, does  # the text's own wording first
    if pronoun:
        label = _cap(f"{verb} {rest}")
    elif verb not in _LINKING and len(subject.split()) <= 4:
        token = vm.group(0).split()[-1]
        last = subject.split()[-1]
        plural = last.lower().endswith("s") and not last.lower().endswith("ss") and not last.isupper()  # not "US"
        if " " in verb:
            finite = does.split()[0] + verb[2:]  # "is attacked" as the clause words it
        elif token.lower() != verb and not _MODAL.search(phrase[: vm.start()]):
            finite = token  # as the text inflects it ("Israel ends")
        else:
            finite = verb if plural else _third_person(verb)
        label = _cap(f"{subject} {finite} {rest}".strip())
    else:
        label = _cap(subject)
    word = verb.split()[-1] if " " in verb else _third_person(verb)
    yes_id = slug(("not_" if negated else "") + word, 30)
    no_id = slug(("" if negated else "not_") + verb.split()[-1], 30)
    if yes_id == no_id:
        return None
    return Candidate(
        id=slug(label),
        label=label,
        variants=[(yes_id, _cap(does)), (no_id, _cap(doesnt))],
        phrase=phrase,
        subject=subject,
    )


def _event(noun_phrase: str) -> Candidate | None:
    """A descriptor from an event named by a noun ("in the event of a broader conflict in the
    Middle East"): it happens, or it does not."""
    np = re.sub(r"^(?:a|an|the|any)\s+", "", noun_phrase.strip(" ,"), flags=re.I)
    if len(np.split()) < 1 or _PRONOUN.match(np):
        return None
    return Candidate(
        id=slug(np),
        label=_cap(np),
        variants=[("occurs", _cap(np)), ("does_not_occur", _cap(f"no {np}"))],
        phrase=noun_phrase,
        subject=np,
    )


_ANTONYM = {
    "longer": "shorter", "more": "less", "less": "more", "larger": "smaller", "greater": "smaller", "bigger": "smaller",
    "higher": "lower", "lower": "higher", "stronger": "weaker", "weaker": "stronger", "worse": "better",
    "better": "worse", "sooner": "later", "later": "sooner", "fewer": "more", "further": "less far", "deeper": "shallower",
}  # fmt: skip
_COMPARATIVE = re.compile(
    rf"\b[Tt]he\s+(?P<a>{'|'.join(_ANTONYM)})\s+(?P<x>[^;.]+?),\s*the\s+(?P<b>{'|'.join(_ANTONYM)})\s+(?P<y>[^;.]+)"
)
_COPULA_END = re.compile(
    r"\s+(?:is|are|was|were|goes\s+on|go\s+on|lasts|last|continues|continue|drags\s+on|gets|get|becomes|become)"
    r"(?:\s+\w+)?$|\s+(?:will|would)\s+(?:likely\s+)?be$",
    re.I,
)


def _scale(word: str, rest: str) -> Candidate | None:
    """One side of "the longer X, the more Y": X's subject, with the comparison and its opposite as variants."""
    rest = rest.strip()
    core = _COPULA_END.sub("", rest)
    ends = core != rest
    adjective, subject = "", core
    split = re.search(r"\b(?:a|an|the|its|their|his|her)\b", core) if ends else None
    if split and split.start() > 0:
        adjective, subject = core[: split.start()].strip(" ,"), core[split.start() :]
    elif not ends:
        adjective, subject = (core.split(None, 1) + [""])[:2] if word in ("more", "less", "fewer") else ("", core)
    subject = re.sub(r"^(?:the|a|an)\s+", "", subject.strip(), flags=re.I)
    if not subject:
        return None
    adjective = re.sub(r",?\s*(?:presumably|probably|perhaps),?", "", adjective).strip(" ,")
    hi = f"{word} {adjective}".strip()
    lo = f"{_ANTONYM[word]} {adjective}".strip()
    return Candidate(slug(subject), _cap(subject), [(slug(hi, 30), _cap(hi)), (slug(lo, 30), _cap(lo))], rest, subject)


_OPTIONS = re.compile(
    r"\b(?:options?\s+(?:range|ranging)\s+from|either)\s+(?P<a>[^,.;]+?)\s+(?:to|or)\s+(?P<b>[^,.;]+?)(?=[,.;]|$)"
    r"|\bwhether\s+(?P<c>[^,.;]+?)\s+or\s+(?!not\b)(?P<d>[^,.;]+?)(?=[,.;]|$)",
    re.I,
)
_DEPENDS = re.compile(r"\bdepends?\s+(?:\w+\s+)?on\s+(?P<x>(?:how|whether|what|who|when|the|its|their)\b[^.;]+)", re.I)
_WOULD = re.compile(
    r"\b(?P<np>(?:a|an|any|the)\s+(?:[\w-]+\s+){0,2}?(?:intervention|attack|strike|invasion|war|blockade|ceasefire|deal|"
    r"collapse|withdrawal|escalation|conflict|victory|defeat|offensive)(?:\s+(?:from|by|of|in|on|against)\s+[\w\s'-]+?)?)"
    r"\s+would\s+(?P<y>[^.;]+)",
    re.I,
)
_CONDITIONAL_ON = re.compile(
    r"\b(?P<y>(?:the|a|an|any|its|their)\s+[\w\s'-]{2,40}?)\s+conditional\s+(?:up)?on\s+(?P<x>[^,.;]+)", re.I
)
_WITHOUT = re.compile(
    r"\b(?:cannot|can't|could\s+not|would\s+not|will\s+not|won't|unable\s+to)\b[^.;]*?\bwithout\s+(?P<x>[^,.;]+)", re.I
)
_SCENARIOS = re.compile(
    r"\b(?P<n>two|three|four|five|six|\d|several|broadly\s+\w+)\s+(?:\w+\s+){0,2}?(?:scenarios|options|paths|outcomes|futures)\b"
    r"(?:\s+(?:for|in|of)\s+(?P<x>[^,.:;]+))?",
    re.I,
)


def _clause_conditionals(sentence: str) -> list[Conditional]:
    out: list[Conditional] = []
    for m in _MARKER.finditer(sentence):
        marker = m.group("m")
        rest = sentence[m.end() :]
        low = re.sub(r"\s+", " ", marker.lower())
        if low == "should" and not _INVERTED.match(rest):
            continue  # "Asia should expect": the modal, not a condition
        if low == "until" and re.match(r"(?:recently|now|then|today|the\s+end|\d|late|early|[A-Z][a-z]+\s+\d)", rest):
            continue  # "until recently", "until 2003": time, not a condition
        if low == "whether" and _OPTIONS.match(sentence, m.start()):
            continue  # "whether A or B": an option list
        em = _END.search(rest)
        condition = (rest[: em.start()] if em else rest).strip()
        consequence = rest[em.end() :] if em else ""
        if (not consequence or low in ("until", "unless", "as long as", "so long as", "whether")) and m.start() > 0:
            # a headline's lead-in ("Freak Out: What if ...") is not the consequence, and "what if X?" has none
            before = re.split(r"[:;]\s+", sentence[: m.start()].strip(" ,"))[-1]
            before = "" if re.fullmatch(r"(?:(?:and|but|so|then)\s+)?(?:what|how|why)", before, re.I) else before
            last = re.split(r",\s+", before)[-1]
            consequence = last if len(last.split()) >= 3 else before  # "X happens, if Y": the clause before it
        if len(condition.split()) < 2:
            continue
        cond = Conditional(marker, condition, consequence.strip().rstrip(".").strip(" ,"), start=m.start())
        if low.startswith("in the") or low == "in case":
            cand = _event(condition)
            cond.candidates = [cand] if cand else []
        else:
            inflected = low not in ("should", "whether")
            cond.candidates = [c for c in (_candidate(p, inflected) for p in _conjuncts(condition)) if c]
        cond.outcome = _candidate(cond.consequence, False) if cond.consequence else None
        out.append(cond)
    return out


def _option_conditionals(sentence: str) -> list[Conditional]:
    out = []
    for m in _OPTIONS.finditer(sentence):
        a, b = (m.group("a"), m.group("b")) if m.group("a") else (m.group("c"), m.group("d"))
        head = sentence[: m.start()].strip()
        subject = re.sub(r"^.*\b(?:the|its|their)\s+", "", head)[-60:].strip(" ,") or "options"
        cand = Candidate(
            id=slug(subject or a),
            label=_cap(subject) or "Options",
            variants=[(slug(a, 30), _cap(a)), (slug(b, 30), _cap(b))],
            phrase=m.group(0),
            subject=subject,
        )
        if cand.variants[0][0] != cand.variants[1][0]:
            out.append(Conditional("options", m.group(0), "", [cand], start=m.start()))
    return out


def _other_conditionals(sentence: str) -> list[Conditional]:
    """Comparisons, dependencies, hypothetical events, necessary conditions and scenario counts."""
    out = []
    for m in _COMPARATIVE.finditer(sentence):
        x, y = _scale(m.group("a").lower(), m.group("x")), _scale(m.group("b").lower(), m.group("y"))
        cond = Conditional(
            f"the {m.group('a')}",
            m.group("x").strip(),
            m.group(0)[m.start("b") - m.start() - 4 :].strip(),
            start=m.start(),
        )
        cond.candidates, cond.outcome = ([x] if x else []), y
        out.append(cond)
    for m in _DEPENDS.finditer(sentence):
        out.append(
            Conditional(
                m.group(0)[: m.start("x") - m.start()].strip(),
                m.group("x").strip(),
                sentence[: m.start()].strip(),
                start=m.start(),
            )
        )
    for m in _WOULD.finditer(sentence):
        cand = _event(m.group("np"))
        cond = Conditional("", m.group("np"), f"would {m.group('y').strip()}", [cand] if cand else [], start=m.start())
        out.append(cond)
    for m in _CONDITIONAL_ON.finditer(sentence):
        cand, outcome = _event(m.group("x")), _event(m.group("y"))
        cond = Conditional(
            "conditional on",
            m.group("x").strip(),
            m.group("y").strip(),
            [cand] if cand else [],
            start=m.start("x") - 15,
        )
        cond.outcome = outcome
        out.append(cond)
    for m in _WITHOUT.finditer(sentence):
        x = m.group("x").strip()
        cand = Candidate(slug(x), _cap(x), [("with", _cap(f"with {x}")), ("without", _cap(f"without {x}"))], x, x)
        out.append(Conditional("without", x, sentence[: m.start("x")].strip(), [cand], start=m.start("x") - 8))
    for m in _SCENARIOS.finditer(sentence):
        out.append(Conditional("", m.group(0).strip(), (m.group("x") or "").strip(), start=m.start()))
    return out


def find_conditionals(sentence: str) -> list[Conditional]:
    """The conditional clauses, comparisons and option lists of ``sentence``, in order.

    >>> [c.candidates[0].variants for c in find_conditionals("Should the military situation in Ukraine destabilise, China loses.")]
    [[('destabilises', 'Destabilises'), ('not_destabilise', 'Does not destabilise')]]
    >>> c = find_conditionals("Hezbollah says it will not cease its attacks until Israel ends its bombardment of Gaza.")[0]
    >>> c.text, c.candidates[0].label, c.outcome.label, c.outcome.variants[0][1]
    ('until Israel ends its bombardment of Gaza', 'Israel ends its bombardment of Gaza', 'Hezbollah ceases its attacks', 'Does not cease its attacks')
    """
    found = _clause_conditionals(sentence) + _option_conditionals(sentence) + _other_conditionals(sentence)
    out: list[Conditional] = []
    for c in sorted(found, key=lambda c: c.start):
        if not any(o.start == c.start for o in out):
            out.append(c)
    return out
