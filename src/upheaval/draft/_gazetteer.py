"""Names that point at actors: states (names, demonyms, capitals, common aliases, leaders), alliances,
organisations and armed groups, each with the code a model uses for it.

States take their ISO 3166 alpha-3 code. Names come from three places, in this order: the event
readers' code table (:mod:`upheaval.events._codes`, the names event data uses), the ISO 3166 names
that pycountry ships, and the table below of demonyms, capitals, short forms and the leaders that
commentaries of the 2020s name in place of their state. Organisations and groups use the codes of
the event readers' table where it has one, otherwise the short name in capitals (marked so in
:attr:`Entry.code_source`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

__all__ = ["Entry", "Mention", "find_mentions", "gazetteer"]


@dataclass
class Entry:
    """One actor the drafter can recognise."""

    code: str
    name: str
    kind: str = "state"  # state, alliance, organisation, group
    cameo: str | None = None
    names: list[str] = field(default_factory=list)  # names, short forms, capitals
    demonyms: list[str] = field(default_factory=list)  # adjectives and people ("North Korean(s)")
    leaders: list[str] = field(default_factory=list)  # people who stand for the actor
    code_source: str = "ISO 3166-1 alpha-3"


# code: (demonyms, extra names: capitals, short forms and seats of government, leaders)
_EXTRA: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "USA": (
        ("American", "Americans", "US"),
        ("U.S.", "the States", "White House", "Pentagon"),
        ("Trump", "Biden", "Lloyd Austin", "Blinken", "Rubio", "Hegseth", "Vance"),
    ),
    "RUS": (
        ("Russian", "Russians"),
        ("Moscow", "Kremlin"),
        ("Putin", "Vladimir Putin", "Lavrov", "Shoigu", "Belousov"),
    ),
    "UKR": (("Ukrainian", "Ukrainians"), ("Kyiv", "Kiev"), ("Zelensky", "Zelenskyy", "Volodymyr Zelensky")),
    "PRK": (
        ("North Korean", "North Koreans"),
        ("Pyongyang", "DPRK", "Korean People's Army", "KPA"),
        ("Kim Jong-un", "Kim Jong Un"),
    ),
    "KOR": (
        ("South Korean", "South Koreans"),
        ("Seoul", "ROK", "Republic of Korea"),
        ("Yoon Suk Yeol", "Lee Jae-myung"),
    ),
    "CHN": (("Chinese",), ("Beijing", "PRC", "Zhongnanhai"), ("Xi Jinping", "Wang Yi", "Li Qiang")),
    "IRN": (("Iranian", "Iranians"), ("Tehran", "Islamic Republic"), ("Khamenei", "Pezeshkian", "Araghchi")),
    "JPN": (("Japanese",), ("Tokyo",), ("Ishiba", "Kishida", "Takaichi")),
    "GBR": (("British", "Briton", "Britons"), ("London", "UK", "Downing Street"), ("Starmer",)),
    "FRA": (("French",), ("Paris", "Élysée", "Elysee"), ("Macron",)),
    "DEU": (("German", "Germans"), ("Berlin",), ("Scholz", "Merz")),
    "POL": (("Polish", "Pole", "Poles"), ("Warsaw",), ("Tusk", "Duda")),
    "ITA": (("Italian", "Italians"), ("Rome",), ("Meloni",)),
    "ESP": (("Spanish",), ("Madrid",), ()),
    "NLD": (("Dutch",), ("Amsterdam", "The Hague"), ()),
    "BEL": (("Belgian",), ("Brussels",), ()),
    "SWE": (("Swedish",), ("Stockholm",), ()),
    "FIN": (("Finnish", "Finn", "Finns"), ("Helsinki",), ()),
    "NOR": (("Norwegian",), ("Oslo",), ()),
    "DNK": (("Danish", "Dane", "Danes"), ("Copenhagen",), ()),
    "EST": (("Estonian",), ("Tallinn",), ()),
    "LVA": (("Latvian",), ("Riga",), ()),
    "LTU": (("Lithuanian",), ("Vilnius",), ()),
    "BLR": (("Belarusian", "Belarusians"), ("Minsk",), ("Lukashenko",)),
    "HUN": (("Hungarian",), ("Budapest",), ("Orbán", "Orban")),
    "ROU": (("Romanian",), ("Bucharest",), ()),
    "MDA": (("Moldovan",), ("Chisinau", "Chișinău"), ()),
    "GEO": (("Georgian",), ("Tbilisi",), ()),
    "ARM": (("Armenian",), ("Yerevan",), ()),
    "AZE": (("Azerbaijani",), ("Baku",), ("Aliyev",)),
    "TUR": (("Turkish", "Turk", "Turks"), ("Ankara",), ("Erdoğan", "Erdogan")),
    "ISR": (("Israeli", "Israelis"), ("Jerusalem", "Tel Aviv"), ("Netanyahu",)),
    "PSE": (("Palestinian", "Palestinians"), ("Gaza", "West Bank", "Ramallah"), ()),
    "SYR": (("Syrian", "Syrians"), ("Damascus",), ("al-Sharaa", "Assad")),
    "IRQ": (("Iraqi", "Iraqis"), ("Baghdad",), ()),
    "SAU": (("Saudi", "Saudis"), ("Riyadh",), ("Mohammed bin Salman",)),
    "ARE": (("Emirati", "Emiratis"), ("Abu Dhabi", "UAE", "Emirates"), ()),
    "QAT": (("Qatari",), ("Doha",), ()),
    "OMN": (("Omani",), ("Muscat",), ()),
    "YEM": (("Yemeni", "Yemenis"), ("Sanaa", "Sana'a", "Aden"), ()),
    "EGY": (("Egyptian", "Egyptians"), ("Cairo",), ("Sisi",)),
    "JOR": (("Jordanian",), ("Amman",), ()),
    "LBN": (("Lebanese",), ("Beirut",), ()),
    "DJI": (("Djiboutian",), ("Djibouti City",), ()),
    "ERI": (("Eritrean",), ("Asmara",), ()),
    "SOM": (("Somali", "Somalis"), ("Mogadishu",), ()),
    "ETH": (("Ethiopian", "Ethiopians"), ("Addis Ababa",), ()),
    "SDN": (("Sudanese",), ("Khartoum",), ()),
    "LBY": (("Libyan",), ("Tripoli",), ()),
    "IND": (("Indian", "Indians"), ("New Delhi", "Delhi"), ("Modi",)),
    "PAK": (("Pakistani", "Pakistanis"), ("Islamabad",), ()),
    "AFG": (("Afghan", "Afghans"), ("Kabul",), ()),
    "TWN": (("Taiwanese",), ("Taipei",), ("Lai Ching-te",)),
    "VNM": (("Vietnamese",), ("Hanoi",), ()),
    "PHL": (("Filipino", "Filipinos"), ("Manila", "Philippines"), ("Marcos",)),
    "IDN": (("Indonesian", "Indonesians"), ("Jakarta",), ()),
    "MYS": (("Malaysian",), ("Kuala Lumpur",), ()),
    "SGP": (("Singaporean",), (), ()),
    "THA": (("Thai",), ("Bangkok",), ()),
    "MMR": (("Burmese",), ("Naypyidaw", "Burma"), ()),
    "MNG": (("Mongolian",), ("Ulaanbaatar",), ()),
    "KAZ": (("Kazakh",), ("Astana",), ()),
    "AUS": (("Australian", "Australians"), ("Canberra",), ()),
    "NZL": (("New Zealander",), ("Wellington",), ()),
    "CAN": (("Canadian", "Canadians"), ("Ottawa",), ()),
    "MEX": (("Mexican", "Mexicans"), ("Mexico City",), ()),
    "BRA": (("Brazilian", "Brazilians"), ("Brasília", "Brasilia"), ("Lula",)),
    "ARG": (("Argentine", "Argentinian"), ("Buenos Aires",), ()),
    "VEN": (("Venezuelan", "Venezuelans"), ("Caracas",), ("Maduro",)),
    "CUB": (("Cuban", "Cubans"), ("Havana",), ()),
    "ZAF": (("South African",), ("Pretoria",), ()),
    "NGA": (("Nigerian",), ("Abuja",), ()),
    "KEN": (("Kenyan",), ("Nairobi",), ()),
    "SRB": (("Serbian", "Serbs"), ("Belgrade",), ()),
    "GRC": (("Greek", "Greeks"), ("Athens",), ()),
    "CZE": (("Czech",), ("Prague",), ()),
    "SVK": (("Slovak",), ("Bratislava",), ()),
    "AUT": (("Austrian",), ("Vienna",), ()),
    "CHE": (("Swiss",), ("Bern", "Geneva"), ()),
    "IRL": (("Irish",), ("Dublin",), ()),
    "PRT": (("Portuguese",), ("Lisbon",), ()),
}

# Alliances, organisations and armed groups: code, kind, name, CAMEO code, names, demonyms.
_BODIES: tuple[tuple[str, str, str, str | None, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "NATO",
        "alliance",
        "NATO",
        None,
        ("NATO", "North Atlantic Treaty Organization", "North Atlantic Alliance", "the Alliance"),
        (),
    ),
    (
        "EU",
        "organisation",
        "European Union",
        "EUR",
        ("European Union", "EU", "Europe", "Brussels"),
        ("European", "Europeans"),
    ),
    ("UN", "organisation", "United Nations", "UNO", ("United Nations", "UN", "U.N."), ()),
    (
        "UNSC",
        "organisation",
        "UN Security Council",
        None,
        ("UN Security Council", "United Nations Security Council", "Security Council", "UNSC"),
        (),
    ),
    ("ASEAN", "organisation", "ASEAN", None, ("ASEAN", "Association of Southeast Asian Nations"), ()),
    ("AU", "organisation", "African Union", None, ("African Union",), ()),
    ("G7", "organisation", "G7", None, ("G7", "Group of Seven"), ()),
    ("G20", "organisation", "G20", None, ("G20", "Group of Twenty"), ()),
    ("IAEA", "organisation", "IAEA", None, ("IAEA", "International Atomic Energy Agency"), ()),
    ("OPEC", "organisation", "OPEC", None, ("OPEC", "OPEC+"), ()),
    (
        "SCO",
        "organisation",
        "Shanghai Cooperation Organisation",
        None,
        ("Shanghai Cooperation Organisation", "Shanghai Cooperation Organization", "SCO"),
        (),
    ),
    ("CSTO", "alliance", "CSTO", None, ("CSTO", "Collective Security Treaty Organization"), ()),
    ("BRICS", "organisation", "BRICS", None, ("BRICS",), ()),
    ("IMF", "organisation", "IMF", None, ("IMF", "International Monetary Fund"), ()),
    (
        "HOUTHI",
        "group",
        "Houthis (Ansar Allah)",
        None,
        ("Houthis", "Houthi movement", "Ansar Allah", "Ansarallah"),
        ("Houthi",),
    ),
    ("HAMAS", "group", "Hamas", None, ("Hamas",), ()),
    ("HEZBOLLAH", "group", "Hezbollah", None, ("Hezbollah", "Hizbollah", "Hizballah"), ()),
    ("WAGNER", "group", "Wagner Group", None, ("Wagner Group", "Wagner", "Africa Corps"), ()),
    ("ISIS", "group", "Islamic State", None, ("Islamic State", "ISIS", "ISIL", "Daesh"), ()),
    ("TALIBAN", "group", "Taliban", None, ("Taliban",), ()),
)

# Names too ambiguous to stand for an actor on their own.
_AMBIGUOUS = {
    "Korea",
    "Georgia",
    "Jordan",
    "Chad",
    "Turkey",
    "Guinea",
    "Kim",
    "Austin",
    "Xi",
    "Lee",
    "the Alliance",
    "Wagner",
}


@lru_cache(maxsize=1)
def gazetteer() -> tuple[Entry, ...]:
    """Every actor the drafter recognises (built once per process)."""
    import pycountry

    from upheaval.events._codes import COUNTRIES, GROUPS

    entries: dict[str, Entry] = {}
    for code, names, _cow, _gw in COUNTRIES:
        entries[code] = Entry(code, names[0], cameo=code, names=list(names))
    for country in pycountry.countries:
        code = country.alpha_3
        common = getattr(country, "common_name", None)
        official = getattr(country, "official_name", None)
        e = entries.get(code)
        if e is None:
            e = entries[code] = Entry(code, common or country.name, cameo=code)
        for n in (common, country.name, official):
            if n and n not in e.names and "," not in n:
                e.names.append(n)
    for code, (demonyms, names, leaders) in _EXTRA.items():
        e = entries[code]
        e.demonyms.extend(d for d in demonyms if d not in e.demonyms)
        e.names.extend(n for n in names if n not in e.names)
        e.leaders.extend(leaders)
    known_groups = {code: cameo for code, _names, cameo in GROUPS}
    for code, kind, name, cameo, names, demonyms in _BODIES:
        source = "event readers' group table" if code in known_groups else "short name (no ISO or CAMEO code)"
        entries[code] = Entry(
            code, name, kind=kind, cameo=cameo, names=list(names), demonyms=list(demonyms), code_source=source
        )
    return tuple(entries.values())


@dataclass(frozen=True)
class Mention:
    """Where a name for an actor occurs in a text."""

    code: str
    start: int
    end: int
    text: str
    how: str  # "name", "demonym" or "leader"


@lru_cache(maxsize=1)
def _pattern() -> tuple[re.Pattern, dict[str, tuple[str, str]]]:
    table: dict[str, tuple[str, str]] = {}
    for e in gazetteer():
        for how, names in (("leader", e.leaders), ("demonym", e.demonyms), ("name", e.names)):
            for n in names:
                if n in _AMBIGUOUS:
                    continue
                table.setdefault(n, (e.code, how))
    names = sorted(table, key=len, reverse=True)
    alternation = "|".join(re.escape(n) for n in names)
    return re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])"), table


def find_mentions(text: str) -> list[Mention]:
    """Every actor mention in ``text``, left to right, longest name first at each place.

    Matching is case-sensitive (so "US" is the United States and "us" is not); possessives
    ("Russia's") count. Single-word leader surnames that are also common names ("Kim", "Xi",
    "Austin") count only after the full name has occurred earlier in the same text.

    >>> [(m.code, m.how) for m in find_mentions("Pyongyang sent North Korean troops to Russia.")]
    [('PRK', 'name'), ('PRK', 'demonym'), ('RUS', 'name')]
    """
    pattern, table = _pattern()
    out = []
    for m in pattern.finditer(text):
        code, how = table[m.group(0)]
        out.append(Mention(code, m.start(), m.end(), m.group(0), how))
    return out


def mentions_in(text: str, seen_leaders: set[str]) -> list[Mention]:
    """:func:`find_mentions`, plus ambiguous leader surnames once their full name was seen."""
    found = find_mentions(text)
    for e in gazetteer():
        for full in e.leaders:
            if " " in full and any(m.text == full for m in found):
                seen_leaders.add(full)
    extra = []
    for e in gazetteer():
        for full in e.leaders:
            if full in seen_leaders and " " in full:
                for short in (full.split()[0], full.split()[-1]):
                    if short in _AMBIGUOUS:
                        for m in re.finditer(rf"(?<![\w-]){re.escape(short)}(?![\w-])", text):
                            if not any(f.start <= m.start() < f.end for f in found):
                                extra.append(Mention(e.code, m.start(), m.end(), short, "leader"))
    return sorted(found + extra, key=lambda m: m.start)
