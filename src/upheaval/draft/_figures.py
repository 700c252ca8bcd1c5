"""Figures with their units and rates, and dates, found in a sentence by rule.

A figure is a number written in digits (``10,000``; ``1.5 million``; ``US$2,000``; ``40%``) with
the noun that follows it as its unit (``soldiers``), a currency taken from its sign, and a rate
from the phrase after it (``per month``, ``a day``, ``annually``); a second ``per X`` makes the
unit "USD per soldier". A date is a month with or without a day and year (``June``, ``the end of
October``, ``February 2022``) or a year after a preposition (``in 2022``); a month without a year
takes its year from a reference date when one is known, and otherwise stays unplaced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["DateMention", "Figure", "find_dates", "find_figures"]


@dataclass(frozen=True)
class Figure:
    """A number with its unit and rate, and where it stands in the sentence."""

    amount: float
    unit: str
    rate: str | None
    text: str
    start: int
    end: int


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
_DATE = re.compile(
    rf"(?:(?i:(?:at\s+the\s+)?(?:start|beginning|middle|end|close)\s+of|early|mid-?|late|in|since|from|until|by|on|"
    rf"during|before|after)\s+)?"
    rf"(?:(?P<d1>\d{{1,2}})\s+)?(?P<month>{_MONTH_RE})(?:\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?)?(?:\s+(?P<year>(?:19|20)\d{{2}}))?\b"
    rf"|(?i:in|since|from|until|by|during|before|after)\s+(?P<yonly>(?:19|20)\d{{2}})\b"
)

_NUMBER = re.compile(
    r"(?P<cur>US\$|U\.S\.\s?\$|A\$|C\$|HK\$|S\$|\$|€|£|¥|USD\s?|EUR\s?|GBP\s?)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<scale>million|billion|trillion|thousand|bn|m|k)\b)?"
    r"(?P<pct>\s?(?:%|per\s?cent|percent))?"
)
_CURRENCY = {
    "US$": "USD",
    "U.S.$": "USD",
    "U.S. $": "USD",
    "$": "USD",
    "A$": "AUD",
    "C$": "CAD",
    "HK$": "HKD",
    "S$": "SGD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "USD": "USD",
    "EUR": "EUR",
    "GBP": "GBP",
}
_SCALE = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "trillion": 1e12}
_RATE = [
    (re.compile(r"^\s*(?:per|a|an|each|every)\s+(day|week|month|year)\b"), None),
    (
        re.compile(r"^\s*(daily|weekly|monthly|yearly|annually)\b"),
        {"daily": "day", "weekly": "week", "monthly": "month", "yearly": "year", "annually": "year"},
    ),
    (re.compile(r"^\s*per\s+annum\b"), "year"),
]
_PER = re.compile(r"^\s*(?:per|a|each|for\s+each)\s+(?!day|week|month|year|annum)([a-z][a-z-]+)")
_SKIP_UNIT = {
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
}
_UNIT = re.compile(
    r"^\s*(?:(?:more|fewer|less)\s+)?(?:(?:new|fresh|additional|extra|further|active|regular|North|South)\s+)?"
    r"([A-Za-z][A-Za-z-]+)"
)


def find_figures(sentence: str, dates: list[DateMention] | None = None) -> list[Figure]:
    """Every figure in ``sentence`` (numbers inside dates and bare years are left out).

    >>> [(f.amount, f.unit, f.rate) for f in find_figures("Russia offered US$2,000 per month per soldier.")]
    [(2000.0, 'USD per soldier', 'month')]
    >>> [(f.amount, f.unit, f.rate) for f in find_figures("averaging 1,500 casualties per day")]
    [(1500.0, 'casualties', 'day')]
    """
    dates = find_dates(sentence) if dates is None else dates
    out: list[Figure] = []
    for m in _NUMBER.finditer(sentence):
        if any(d.start <= m.start("num") < d.end for d in dates):
            continue
        if m.start() > 0 and (sentence[m.start() - 1].isalnum() or sentence[m.start() - 1] in "-/"):
            continue  # part of a word, a code or a range
        num = m.group("num")
        bare = not (m.group("cur") or m.group("scale") or m.group("pct"))
        if bare and (re.fullmatch(r"(?:19|20)\d{2}", num) or ("," not in num and float(num) < 2 and "." not in num)):
            continue  # a year, or "1" as in "1 of" (written numbers are left to the analyst)
        amount = float(num.replace(",", "")) * _SCALE.get((m.group("scale") or "").lower(), 1.0)
        rest = sentence[m.end() :]
        end = m.end()
        if m.group("pct"):
            unit = "percent"
        elif m.group("cur"):
            unit = _CURRENCY.get(m.group("cur").strip(), "USD")
        else:
            um = _UNIT.match(rest)
            if not um or um.group(1).lower() in _SKIP_UNIT:
                continue  # a bare number: no unit to attach
            unit = um.group(1).lower()
            end += um.end()
            rest = sentence[end:]
        rate = None
        per: list[str] = []
        for _ in range(3):
            matched = False
            for rx, mapping in _RATE:
                rm = rx.match(rest)
                if rm:
                    rate = (mapping.get(rm.group(1)) if isinstance(mapping, dict) else mapping) or rm.group(1)
                    end += rm.end()
                    rest = sentence[end:]
                    matched = True
                    break
            if not matched:
                pm = _PER.match(rest)
                if pm and pm.group(1) not in _SKIP_UNIT:
                    per.append(pm.group(1))
                    end += pm.end()
                    rest = sentence[end:]
                    matched = True
            if not matched:
                break
        if per:
            unit = f"{unit} per {' per '.join(per)}"
        out.append(Figure(amount, unit, rate, sentence[m.start() : end].strip(), m.start(), end))
    return out


def find_dates(sentence: str) -> list[DateMention]:
    """Every date phrase in ``sentence``.

    >>> [(d.text, d.value()) for d in find_dates("In October officials warned; since February 2022 China hedged.")]
    [('In October', None), ('since February 2022', '2022-02')]
    """
    out = []
    for m in _DATE.finditer(sentence):
        if m.group("yonly"):
            out.append(DateMention(m.group(0), None, int(m.group("yonly")), None, m.start(), m.end()))
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
