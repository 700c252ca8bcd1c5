"""Figures with their units and rates, and dates, found in a sentence by rule.

A figure is a number in digits or in words (``10,000``; ``1.5 million``; ``three to four thousand``;
``US$2,000``; ``40%``; ``a third``), a range (``50,000 to 100,000``), a compound (``16-day``,
``28-drone``) or a round quantity (``hundreds of ships``), with the noun it counts as its unit, a
currency taken from its sign, a rate from the phrase after it (``per month``, ``a day``,
``annually``) and a second ``per X`` making the unit "USD per soldier". A number that names
something ("Fateh 110", "Resolution 1701"), an ordinal, an age or a year is not a figure.

A date is a month with or without a day and year (``June``, ``the 26th of July``, ``Feb. 16``,
``February 2022``), a season with its year (``spring 2023``) or a year on its own (``in 2022``,
``the 2006 war``). A day or month without a year takes, in this order, the year of a dated month in
the same sentence ("13 July and 11 August 2006"), of the last dated month earlier in the paragraph,
and of the reference date (the year before when the month lies after the reference month).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["DateMention", "Figure", "find_dates", "find_figures", "parse_number", "place_dates"]


@dataclass(frozen=True)
class Figure:
    """A number with its unit and rate, and where it stands in the sentence.

    ``high`` is the top of a range ("three to four thousand troops": ``amount`` 3000, ``high``
    4000); ``qualifier`` the words that bound it ("up to", "more than", "hundreds of").
    """

    amount: float
    unit: str
    rate: str | None
    text: str
    start: int
    end: int
    high: float | None = None
    qualifier: str = ""


@dataclass(frozen=True)
class DateMention:
    """A date phrase: ``value`` is ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` when its year is known."""

    text: str
    month: int | None
    year: int | None
    day: int | None
    start: int
    end: int

    def value(self, reference: str | None = None) -> str | None:
        """The date as the model writes it; a month without a year takes ``reference``'s year
        (the year before when the month lies after the reference month)."""
        year = self.year
        if year is None and reference and self.month:
            ref_year, _, ref_month = reference.partition("-")
            year = int(ref_year)
            if ref_month and self.month > int(ref_month[:2]):
                year -= 1
        if year is None:
            return None
        if self.month is None:
            return f"{year:04d}"
        if self.day is None:
            return f"{year:04d}-{self.month:02d}"
        return f"{year:04d}-{self.month:02d}-{self.day:02d}"


# ---------------------------------------------------------------------------------------------- numbers

_UNITS_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "a dozen": 12, "dozen": 12,
}  # fmt: skip
_SCALE = {
    "hundred": 1e2, "thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9,
    "bn": 1e9, "trillion": 1e12,
}  # fmt: skip
_FRACTIONS = {"a half": 0.5, "half": 0.5, "a third": 1 / 3, "one third": 1 / 3, "two thirds": 2 / 3,
              "two-thirds": 2 / 3, "a quarter": 0.25, "one quarter": 0.25, "three quarters": 0.75}  # fmt: skip
_ROUND = {"dozens": 12, "scores": 20, "hundreds": 100, "thousands": 1e3, "tens of thousands": 1e4,
          "hundreds of thousands": 1e5, "millions": 1e6, "billions": 1e9}  # fmt: skip

_WORD = "|".join(sorted((w for w in _UNITS_WORDS if " " not in w), key=len, reverse=True))
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WORDS = rf"(?:a\s+dozen|(?:{_WORD})(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?)"
_SCALE_RE = r"(?:hundred|thousand|million|billion|trillion|bn|mn|k|m)\b"
_ONE = rf"(?:{_DIGITS}|{_WORDS}\b)(?:\s?{_SCALE_RE}(?:\s+{_SCALE_RE})?)?"
_QUALIFIER = (
    r"(?:up\s+to|more\s+than|fewer\s+than|less\s+than|over|under|at\s+least|at\s+most|about|around|nearly|almost|"
    r"some|roughly|approximately|an\s+estimated|as\s+many\s+as|as\s+much\s+as|just\s+under|just\s+over|only)"
)
_CURRENCY_SIGN = r"US\$|U\.S\.\s?\$|A\$|C\$|HK\$|S\$|\$|€|£|¥|USD\s?|EUR\s?|GBP\s?"
_FIGURE = re.compile(
    rf"(?:(?P<qual>{_QUALIFIER})\s+)?(?P<cur>{_CURRENCY_SIGN})?(?P<low>{_ONE})"
    rf"(?:\s*(?:-|–|to|and)\s*(?P=cur)?(?P<high>{_ONE}))?"
    r"(?P<pct>\s?(?:%|per\s?cent|percent))?",
    re.I,
)
_COMPOUND = re.compile(
    rf"\b(?P<num>{_DIGITS}|{_WORDS})-(?!(?:{_WORD}|hundred|thousand|million|billion)\b)(?P<unit>[a-z]+)\b(?!-old)", re.I
)
_ROUND_RE = re.compile(
    r"\b(?P<q>tens\s+of\s+thousands|hundreds\s+of\s+thousands|dozens|scores|hundreds|thousands|millions|billions)"
    r"\s+of\s+(?:(?:the|their|its)\s+)?",
    re.I,
)
_FRACTION_RE = re.compile(
    r"\b(?P<f>a\s+half|half|a\s+third|one\s+third|two[- ]thirds|a\s+quarter|one\s+quarter|three\s+quarters)"
    r"\s+of\s+(?:(?:the|their|its|his|her|all)\s+)?",
    re.I,
)


def parse_number(text: str) -> float | None:
    """A number written in digits or words, with its scale ("1.5 million", "three thousand",
    "twenty-five", "a dozen"); None when ``text`` is not one.

    >>> parse_number("three to four thousand".split(" to ")[1]), parse_number("1.5 million"), parse_number("twenty-five")
    (4000.0, 1500000.0, 25.0)
    """
    words = text.lower().replace(",", "").replace("-", " ").split()
    if not words:
        return None
    value: float | None = None
    head = " ".join(words[:2])
    rest = words[2:] if head in _UNITS_WORDS else words[1:]
    if head in _UNITS_WORDS:
        value = float(_UNITS_WORDS[head])
    elif re.fullmatch(r"\d+(?:\.\d+)?", words[0]):
        value = float(words[0])
    elif words[0] in _UNITS_WORDS:
        value = float(_UNITS_WORDS[words[0]])
    if value is None:
        return None
    if rest and rest[0] in _UNITS_WORDS and value >= 20 and value % 10 == 0 and _UNITS_WORDS[rest[0]] < 10:
        value += _UNITS_WORDS[rest[0]]
        rest = rest[1:]
    for w in rest:
        if w not in _SCALE:
            return None
        value *= _SCALE[w]
    return value


_CURRENCY = {
    "US$": "USD", "U.S.$": "USD", "U.S. $": "USD", "$": "USD", "A$": "AUD", "C$": "CAD", "HK$": "HKD",
    "S$": "SGD", "€": "EUR", "£": "GBP", "¥": "JPY", "USD": "USD", "EUR": "EUR", "GBP": "GBP",
}  # fmt: skip
_RATE = [
    (re.compile(r"^\s*(?:per|a|an|each|every)\s+(day|week|month|year)\b"), None),
    (
        re.compile(r"^\s*(daily|weekly|monthly|yearly|annually)\b"),
        {"daily": "day", "weekly": "week", "monthly": "month", "yearly": "year", "annually": "year"},
    ),
    (re.compile(r"^\s*per\s+annum\b"), "year"),
]
_PER = re.compile(r"^\s*(?:per|a|each|for\s+each)\s+(?!day|week|month|year|annum)([a-z][a-z-]+)")
_FUNCTION = set(
    [
        "of",
        "the",
        "a",
        "an",
        "and",
        "or",
        "to",
        "in",
        "on",
        "at",
        "per",
        "more",
        "than",
        "is",
        "are",
        "was",
        "were",
        "has",
        "have",
        "had",
        "that",
        "which",
        "who",
        "by",
        "for",
        "with",
        "from",
        "as",
        "into",
        "its",
        "their",
        "his",
        "her",
        "this",
        "these",
        "those",
        "it",
        "they",
        "we",
        "he",
        "she",
        "be",
        "been",
        "being",
        "will",
        "would",
        "could",
        "can",
        "may",
        "might",
        "not",
        "no",
        "so",
        "but",
        "if",
        "than",
        "then",
        "there",
        "here",
        "when",
        "where",
        "while",
        "after",
        "before",
        "since",
        "until",
        "during",
        "about",
        "over",
        "under",
        "times",
        "time",
        "percent",
        "per",
        "cent",
    ]
)
_PLURAL_WORDS = {"people", "men", "women", "children", "personnel", "police", "staff", "infantry", "aircraft",
                 "artillery", "ammunition", "equipment", "militia", "cattle", "livestock", "fish", "sheep"}  # fmt: skip
_PARTICIPLE = re.compile(
    r"^\s+(?:have|has|had|were|was|are|is)\s+(?:been\s+|now\s+|already\s+)?"
    r"(killed|displaced|wounded|injured|detained|arrested|evacuated|deployed|captured|abducted|missing|stationed)\b",
    re.I,
)
_NAME_BEFORE = re.compile(r"(?:^|[^.!?]\s)(?!(?:In|On|By|Since|From|Until|About|Some|Over|Up|At)\b)[A-Z][\w'-]*\s$")


def _unit_after(rest: str, plural: bool) -> tuple[str | None, int]:
    """The noun a number counts: the first plural within three words ("14 maritime blocks" →
    blocks), else the first word that is not a function word; and where it ends."""
    lead = re.match(r"\s+of\s+(?:(?:its|their|the|his|her)\s+)?(?:own\s+)?(?=[A-Za-z])", rest)
    skip = lead.end() if lead else 0
    words = [w for w in re.finditer(r"[A-Za-z][A-Za-z'-]*", rest[:60]) if w.start() >= skip]
    if not words or rest[skip : words[0].start()].strip():
        return None, 0
    chosen = None
    for m in words[:3]:
        w = m.group(0)
        low = w.lower()
        if low in _FUNCTION or (m.start() and re.search(r"[,.;:()]", rest[: m.start()])):
            break
        if plural and (low in _PLURAL_WORDS or (low.endswith("s") and not low.endswith("ss") and len(low) > 3)):
            chosen = m
            break
        if chosen is None:
            chosen = m
    if chosen is None or chosen.group(0).lower() in _FUNCTION:
        return None, 0
    word = chosen.group(0)
    return (word if word[0].isupper() and not word.isupper() else word.lower()), chosen.end()


def _rate_after(sentence: str, end: int) -> tuple[str | None, list[str], int]:
    """A rate ("per month", "daily") and "per X" units after ``end``; where they stop."""
    rate = None
    per: list[str] = []
    for _ in range(3):
        rest = sentence[end:]
        for rx, mapping in _RATE:
            rm = rx.match(rest)
            if rm:
                rate = (mapping.get(rm.group(1)) if isinstance(mapping, dict) else mapping) or rm.group(1)
                end += rm.end()
                break
        else:
            pm = _PER.match(rest)
            if not pm or pm.group(1) in _FUNCTION:
                break
            per.append(pm.group(1))
            end += pm.end()
    return rate, per, end


def _is_name_number(sentence: str, start: int, num: str) -> bool:
    """A number that names or orders something rather than counting: "Fateh 110", "Resolution
    1701", "63rd", "1990s", an age in commas ("Tigran, 19,"), a year."""
    after = sentence[start + len(num) : start + len(num) + 3]
    if re.match(r"(?:st|nd|rd|th|s)\b", after) or (
        re.match(r"\s*,", after) and sentence[:start].rstrip().endswith(",")
    ):
        return True
    if start and (sentence[start - 1].isalnum() or sentence[start - 1] in "-/#"):
        return True
    return bool(num[0].isdigit() and _NAME_BEFORE.search(sentence[:start]))


def _from_match(sentence: str, m: re.Match, dates: list[DateMention]) -> Figure | None:
    low_text = m.group("low")
    start = m.start("low")
    if any(d.start <= start < d.end for d in dates) or _is_name_number(sentence, start, low_text):
        return None
    low = parse_number(low_text)
    high = parse_number(m.group("high")) if m.group("high") else None
    if low is None:
        return None
    if high is not None and high > low >= 1 and low < 1000 <= high and not re.search(_SCALE_RE, low_text, re.I):
        low *= 10 ** (len(str(int(high))) - len(str(int(low))))  # "three to four thousand": the scale is shared
    bare = not (m.group("cur") or m.group("pct") or re.search(r"[a-z]", low_text, re.I) or high)
    if bare and re.fullmatch(r"(?:1[89]|20)\d{2}", low_text):
        return None  # a year
    end = m.end()
    plural = (high or low) != 1
    if m.group("pct"):
        unit = "percent"
    elif m.group("cur"):
        unit = _CURRENCY.get(m.group("cur").strip(), "USD")
    else:
        unit, used = _unit_after(sentence[end:], plural)
        if unit is None:
            pm = _PARTICIPLE.match(sentence[end:])
            if not pm:
                return Figure(
                    low, "", None, sentence[m.start() : end].strip(), m.start(), end, high, m.group("qual") or ""
                )
            unit = pm.group(1).lower()
        else:
            end += used
        if unit in ("times", "time", "percent"):
            return None
    rate, per, end = _rate_after(sentence, end)
    if per:
        unit = f"{unit} per {' per '.join(per)}"
    return Figure(
        low, unit, rate, sentence[m.start() : end].strip(), m.start(), end, high, (m.group("qual") or "").lower()
    )


def _vague(sentence: str, taken: list[tuple[int, int]]) -> list[Figure]:
    """Round quantities ("hundreds of ships"), fractions ("a third of its launchers") and
    compounds ("16-day", "28-drone")."""
    out = []
    for rx, table, key in ((_ROUND_RE, _ROUND, "q"), (_FRACTION_RE, _FRACTIONS, "f")):
        for m in rx.finditer(sentence):
            unit, used = _unit_after(sentence[m.end() :], True)
            if unit is None or any(a <= m.start() < b for a, b in taken):
                continue
            amount = float(table[re.sub(r"[\s-]+", " ", m.group(key).lower()).replace("two thirds", "two thirds")])
            end = m.end() + used
            out.append(
                Figure(amount, unit, None, sentence[m.start() : end], m.start(), end, None, m.group(key).lower())
            )
    for m in _COMPOUND.finditer(sentence):
        amount = parse_number(m.group("num"))
        unit = m.group("unit").lower()
        if amount is None or unit in ("year", "old") or any(a <= m.start() < b for a, b in taken):
            continue
        end = m.end()
        if unit in ("strong", "member", "man"):
            follow, used = _unit_after(sentence[end:], True)
            unit, end = (follow or unit), end + used
        out.append(Figure(amount, unit, None, sentence[m.start() : end], m.start(), end))
    return out


def find_figures(sentence: str, dates: list[DateMention] | None = None) -> list[Figure]:
    """Every figure in ``sentence`` (numbers inside dates, years and numbers that name things are
    left out). A number with no noun after it takes the unit of the figure before it in the
    sentence ("up to 150,000 rockets - enough to fire up to 1,500 per day").

    >>> [(f.amount, f.unit, f.rate) for f in find_figures("Russia offered US$2,000 per month per soldier.")]
    [(2000.0, 'USD per soldier', 'month')]
    >>> [(f.amount, f.high, f.unit) for f in find_figures("Rwanda had three to four thousand of its own troops.")]
    [(3000.0, 4000.0, 'troops')]
    >>> [(f.amount, f.unit) for f in find_figures("a 16-day war and hundreds of ships")]
    [(16.0, 'day'), (100.0, 'ships')]
    """
    dates = find_dates(sentence) if dates is None else dates
    found: list[Figure] = []
    for m in _FIGURE.finditer(sentence):
        if m.group("low") and not re.match(r"\d|[a-z]", m.group("low"), re.I):
            continue
        if m.start("low") and sentence[m.start("low") - 1] == "-" and _COMPOUND.match(sentence, m.start("low") - 1):
            continue
        if _COMPOUND.match(sentence, m.start("low")):
            continue
        f = _from_match(sentence, m, dates)
        if f is not None:
            found.append(f)
    out: list[Figure] = []
    for i, f in enumerate(found):
        if f.unit:
            out.append(f)
            continue
        # "eight of 14 maritime blocks": the count takes the unit of the whole after it
        after = found[i + 1] if i + 1 < len(found) else None
        if after and after.unit and re.fullmatch(r"\s*of\s*", sentence[f.end : after.start]):
            out.append(Figure(f.amount, after.unit, f.rate, f.text, f.start, f.end, f.high, f.qualifier))
            continue
        before = next((g for g in reversed(out) if g.unit), None)
        rate, _per, end = _rate_after(sentence, f.end)
        if before is not None and (rate or re.match(r"\s*(?:in|on|by|,|\)|;|$)", sentence[f.end :])):
            out.append(
                Figure(
                    f.amount,
                    before.unit.split(" per ")[0],
                    rate,
                    sentence[f.start : end].strip(),
                    f.start,
                    end,
                    f.high,
                    f.qualifier,
                )
            )
    taken = [(f.start, f.end) for f in out] + [(d.start, d.end) for d in dates]
    out += _vague(sentence, taken)
    return sorted(out, key=lambda f: f.start)


# ---------------------------------------------------------------------------------------------- dates

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for m in names
}
_MONTH_RE = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_LEAD = (
    r"(?:(?i:(?:at\s+the\s+)?(?:start|beginning|middle|end|close)\s+of|early|mid-?|late|in|since|from|until|by|on|"
    r"during|before|after)\s+)?"
)
_DATE = re.compile(
    rf"{_LEAD}(?:(?:the\s+)?(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?)?(?P<month>{_MONTH_RE})"
    rf"(?:\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b,?)?(?:\s+(?P<year>(?:19|20)\d{{2}}))?\b"
    r"|(?i:(?:the\s+)?(?P<season>spring|summer|autumn|fall|winter)\s+(?:of\s+)?)(?P<syear>(?:19|20)\d{2})\b"
    r"|(?<![\w$£€.,-])(?P<yonly>(?:19|20)\d{2})(?![\w%-]|[.,]\d|\s*(?:%|percent|per\s?cent))"
)


def find_dates(sentence: str) -> list[DateMention]:
    """Every date phrase in ``sentence``.

    >>> [(d.text, d.value()) for d in find_dates("In October officials warned; since February 2022 China hedged.")]
    [('In October', None), ('since February 2022', '2022-02')]
    >>> [(d.text, d.value()) for d in find_dates("On the 26th of July, before the spring of 2023 and the 2006 war")]
    [('On the 26th of July', None), ('spring of 2023', '2023'), ('2006', '2006')]
    """
    out = []
    for m in _DATE.finditer(sentence):
        if m.group("yonly") or m.group("syear"):
            year = m.group("yonly") or m.group("syear")
            text = m.group(0).strip()
            if m.group("syear"):
                text = re.sub(r"^the\s+", "", text, flags=re.I)
            out.append(DateMention(text, None, int(year), None, m.end() - len(text), m.end()))
            continue
        month_text = m.group("month").rstrip(".")
        day = m.group("d1") or m.group("d2")
        year = m.group("year")
        prefix = m.group(0)[: m.start("month") - m.start()].strip()
        if month_text == "May" and not (day or year or prefix):
            continue  # the verb "may"
        if month_text.lower() in ("mar", "jun", "jan") and not (day or year):
            continue
        out.append(
            DateMention(
                m.group(0).strip(),
                _MONTHS[month_text.lower()],
                int(year) if year else None,
                int(day) if day and 1 <= int(day) <= 31 else None,
                m.start(),
                m.end(),
            )
        )
    return out


def place_dates(mentions: list[DateMention], paragraph_year: int | None, reference: str | None) -> list[str | None]:
    """The value of each date of one sentence: a month without a year takes the year of a dated
    month in the same sentence, else ``paragraph_year`` (the last dated month earlier in the
    paragraph), else ``reference`` (see :meth:`DateMention.value`).

    >>> ds = find_dates("between 13 July and 11 August 2006")
    >>> place_dates(ds, None, "2024-02")
    ['2006-07-13', '2006-08-11']
    """
    dated = [d.year for d in mentions if d.year and d.month]
    year = dated[-1] if dated else paragraph_year
    out = []
    for d in mentions:
        if d.year is None and d.month and year:
            d = DateMention(d.text, d.month, year, d.day, d.start, d.end)
        out.append(d.value(reference))
    return out
