"""Names that point at actors: states (names, demonyms, capitals, common aliases, leaders), alliances,
organisations and armed groups, each with the code a model uses for it.

States take their ISO 3166 alpha-3 code. Names come from three places, in this order: the event
readers' country table (:mod:`upheaval._countries`, the names event data uses), the ISO 3166 names
that pycountry ships, and the table below of demonyms, capitals, short forms and the leaders that
commentaries of the 2020s name in place of their state. Organisations and groups use the codes of
the event readers' table where it has one, otherwise the short name in capitals (marked so in
:attr:`Entry.code_source`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

__all__ = ["Entry", "Mention", "find_mentions", "fit_code", "gazetteer"]


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
        (
            "U.S.",
            "USA",
            "U.S.A.",
            "United States of America",
            "America",
            "Washington",
            "the States",
            "White House",
            "Pentagon",
        ),
        ("Trump", "Biden", "Obama", "George W. Bush", "Lloyd Austin", "Blinken", "Rubio", "Hegseth", "Vance"),
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
    "CHN": (
        ("Chinese",),
        ("Beijing", "PRC", "Zhongnanhai", "People's Liberation Army", "PLA"),
        ("Xi Jinping", "Wang Yi", "Li Qiang"),
    ),
    "IRN": (
        ("Iranian", "Iranians"),
        (
            "Tehran",
            "Islamic Republic",
            "IRGC",
            "Islamic Revolutionary Guard Corps",
            "Islamic Revolutionary Guards Corps",
        ),
        ("Khamenei", "Pezeshkian", "Araghchi", "Ahmadinejad", "Raisi", "Soleimani"),
    ),
    "JPN": (("Japanese",), ("Tokyo",), ("Ishiba", "Kishida", "Takaichi")),
    "GBR": (
        ("British", "Briton", "Britons"),
        ("London", "UK", "U.K.", "Britain", "Great Britain", "United Kingdom", "Downing Street", "Whitehall"),
        ("Starmer", "Sunak", "Rishi Sunak"),
    ),
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
    "ARM": (("Armenian", "Armenians"), ("Yerevan",), ("Pashinyan", "Nikol Pashinyan")),
    "AZE": (("Azerbaijani", "Azerbaijanis", "Azeri"), ("Baku",), ("Aliyev", "Ilham Aliyev")),
    "TUR": (("Turkish", "Turk", "Turks"), ("Ankara",), ("Erdoğan", "Erdogan")),
    "ISR": (
        ("Israeli", "Israelis"),
        ("Jerusalem", "Tel Aviv", "IDF", "Israel Defense Forces", "the Jewish state"),
        ("Netanyahu", "Gallant"),
    ),
    "PSE": (("Palestinian", "Palestinians"), ("Palestine", "Palestinian Authority", "Ramallah"), ("Abbas",)),
    "SYR": (("Syrian", "Syrians"), ("Damascus",), ("al-Sharaa", "Assad")),
    "IRQ": (("Iraqi", "Iraqis"), ("Baghdad",), ()),
    "SAU": (("Saudi", "Saudis"), ("Riyadh",), ("Mohammed bin Salman",)),
    "ARE": (("Emirati", "Emiratis"), ("Abu Dhabi", "UAE", "Emirates"), ()),
    "QAT": (("Qatari",), ("Doha",), ()),
    "OMN": (("Omani",), ("Muscat",), ()),
    "YEM": (("Yemeni", "Yemenis"), ("Sanaa", "Sana'a", "Aden"), ()),
    "EGY": (("Egyptian", "Egyptians"), ("Cairo",), ("Sisi",)),
    "JOR": (("Jordanian",), ("Amman",), ()),
    "LBN": (("Lebanese",), ("Beirut",), ("Mikati",)),
    "DJI": (("Djiboutian",), ("Djibouti City",), ()),
    "ERI": (("Eritrean",), ("Asmara",), ()),
    "SOM": (("Somali", "Somalis"), ("Mogadishu",), ()),
    "ETH": (("Ethiopian", "Ethiopians"), ("Addis Ababa",), ()),
    "SDN": (
        ("Sudanese",),
        ("Khartoum", "Port Sudan", "Sudanese Army", "Sudanese Armed Forces", "Sudan Armed Forces", "SAF"),
        ("Burhan", "al-Burhan"),
    ),
    "RWA": (("Rwandan", "Rwandans"), ("Kigali",), ("Kagame", "Paul Kagame")),
    "COD": (
        ("Congolese",),
        ("Congo", "DRC", "DR Congo", "Democratic Republic of Congo", "Democratic Republic of the Congo", "Kinshasa"),
        ("Tshisekedi",),
    ),
    "NER": (("Nigerien", "Nigeriens"), ("Niamey",), ("Bazoum", "Tiani", "Tchiani")),
    "MLI": (("Malian", "Malians"), ("Bamako",), ("Goita", "Goïta")),
    "BFA": (("Burkinabe", "Burkinabè"), ("Ouagadougou",), ("Traoré", "Traore")),
    "NGA": (("Nigerian", "Nigerians"), ("Abuja",), ("Tinubu",)),
    "GUY": (("Guyanese",), (), ("Ali", "Irfaan Ali")),
    "LBY": (("Libyan",), ("Tripoli",), ()),
    "IND": (("Indian", "Indians"), ("New Delhi", "Delhi"), ("Modi",)),
    "PAK": (("Pakistani", "Pakistanis"), ("Islamabad",), ()),
    "AFG": (("Afghan", "Afghans"), ("Kabul",), ()),
    "TWN": (("Taiwanese",), ("Taipei",), ("Lai Ching-te",)),
    "VNM": (("Vietnamese",), ("Hanoi",), ()),
    "PHL": (("Filipino", "Filipinos", "Philippine"), ("Manila", "Philippines"), ("Marcos", "Duterte")),
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

# Alliances, organisations and armed groups: code, kind, name, CAMEO code, names, demonyms. Names
# include the transliterations publishers use ("Hizbullah", "Hizballah", "Ansarallah"). Codes are
# at most eight capitals and digits (the model format's rule for actor codes).
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
        ("European Union", "EU", "E.U.", "Europe", "Brussels", "European Commission"),
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
    (
        "ECOWAS",
        "organisation",
        "ECOWAS",
        None,
        ("ECOWAS", "Ecowas", "Economic Community of West African States"),
        (),
    ),
    ("G7", "organisation", "G7", None, ("G7", "Group of Seven"), ()),
    ("G20", "organisation", "G20", None, ("G20", "Group of Twenty"), ()),
    ("IAEA", "organisation", "IAEA", None, ("IAEA", "International Atomic Energy Agency"), ()),
    ("ICJ", "organisation", "International Court of Justice", None, ("International Court of Justice", "ICJ"), ()),
    ("OAS", "organisation", "Organization of American States", None, ("Organization of American States", "OAS"), ()),
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
        ("Houthis", "Houthi movement", "Ansar Allah", "Ansarallah", "Ansarullah", "Huthis", "Huthi movement"),
        ("Houthi", "Huthi"),
    ),
    ("HAMAS", "group", "Hamas", None, ("Hamas", "HAMAS", "Harakat al-Muqawama al-Islamiya"), ()),
    ("PIJ", "group", "Palestinian Islamic Jihad", None, ("Palestinian Islamic Jihad", "Islamic Jihad", "PIJ"), ()),
    (
        "HEZBOLAH",
        "group",
        "Hezbollah",
        None,
        ("Hezbollah", "Hizbullah", "Hizballah", "Hizbollah", "Hezballah", "Hisbollah", "Hizb Allah", "Hizbu'llah"),
        (),
    ),
    ("KATAIB", "group", "Kataib Hezbollah", None, ("Kataib Hezbollah", "Kata'ib Hizballah", "Kataib Hizbullah"), ()),
    ("WAGNER", "group", "Wagner Group", None, ("Wagner Group", "Wagner", "Africa Corps"), ()),
    ("ISIS", "group", "Islamic State", None, ("Islamic State", "ISIS", "ISIL", "Daesh"), ()),
    ("AQ", "group", "al-Qaeda", None, ("al-Qaeda", "al-Qaida", "Al Qaeda", "Al-Qaeda", "al Qaeda"), ()),
    ("JNIM", "group", "JNIM", None, ("JNIM", "Jama'at Nusrat al-Islam wal-Muslimin"), ()),
    ("SHABAAB", "group", "al-Shabaab", None, ("al-Shabaab", "Al-Shabaab", "al-Shabab", "Al Shabaab"), ()),
    ("TALIBAN", "group", "Taliban", None, ("Taliban",), ()),
    ("M23", "group", "M23", None, ("M23", "March 23 Movement", "M23 rebels"), ()),
    ("FDLR", "group", "FDLR", None, ("FDLR", "Democratic Forces for the Liberation of Rwanda"), ()),
    ("RSF", "group", "Rapid Support Forces", None, ("Rapid Support Forces", "RSF"), ()),
    ("HTS", "group", "Hayat Tahrir al-Sham", None, ("Hayat Tahrir al-Sham", "HTS"), ()),
    ("SDF", "group", "Syrian Democratic Forces", None, ("Syrian Democratic Forces", "SDF"), ()),
    ("PKK", "group", "PKK", None, ("PKK", "Kurdistan Workers' Party"), ()),
    (
        "NKR",
        "group",
        "Nagorno-Karabakh Republic",
        None,
        ("Nagorno-Karabakh Republic", "NKR", "Artsakh", "Republic of Artsakh", "Nagorno-Karabakh", "Karabakh"),
        (),
    ),
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
    "Ali",
    "Washington",
}
# Display names where the ISO name reads badly, and ISO names that a commentary means otherwise
# ("Congo" is almost always the Democratic Republic of the Congo).
_DISPLAY = {"PSE": "Palestine", "COD": "DR Congo"}
_NOT_NAMES = {"COG": {"Congo"}}

CODE = re.compile(r"^[A-Z][A-Z0-9]{1,7}$")


def fit_code(text: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """An actor code that fits the model format (a capital, then one to seven capitals or digits),
    made from ``text`` and different from every code in ``taken``.

    A code that fits is kept; a longer name gives its initials when it has three words or more
    ("Rapid Support Forces" → ``RSF``), else its first eight letters; a clash takes a digit.

    >>> fit_code("Hezbollah"), fit_code("Rapid Support Forces"), fit_code("RSF", {"RSF"})
    ('HEZBOLLA', 'RSF', 'RSF2')
    """
    plain = re.sub(r"[^A-Za-z0-9 ]+", " ", text).strip()
    upper = plain.replace(" ", "").upper()
    words = [w for w in plain.split() if w.lower() not in {"of", "the", "and", "for", "de", "al"}]
    if CODE.match(upper):
        base = upper
    elif len(words) >= 3:
        base = "".join(w[0] for w in words).upper()[:8]
    else:
        base = upper[:8]
    if not base or not base[0].isalpha():
        base = ("A" + base)[:8]
    if len(base) < 2:
        base = (base + "X")[:8]
    code, n = base, 2
    while code in taken:
        code = f"{base[: 8 - len(str(n))]}{n}"
        n += 1
    return code


@lru_cache(maxsize=1)
def gazetteer() -> tuple[Entry, ...]:
    """Every actor the drafter recognises (built once per process)."""
    import pycountry

    from upheaval._countries import COUNTRIES, GROUPS

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
    for code, drop in _NOT_NAMES.items():
        entries[code].names = [n for n in entries[code].names if n not in drop]
    for code, name in _DISPLAY.items():
        entries[code].name = name
    for code, (demonyms, names, leaders) in _EXTRA.items():
        e = entries[code]
        e.demonyms.extend(d for d in demonyms if d not in e.demonyms)
        e.names.extend(n for n in names if n not in e.names)
        e.leaders.extend(leaders)
    known_groups = {code: cameo for code, _names, cameo in GROUPS}
    for code, kind, name, cameo, names, demonyms in _BODIES:
        code = fit_code(code, set(entries))
        source = "event readers' group table" if code in known_groups else "short name (no ISO or CAMEO code)"
        entries[code] = Entry(
            code, name, kind=kind, cameo=cameo, names=list(names), demonyms=list(demonyms), code_source=source
        )
    assert all(CODE.match(e.code) for e in entries.values()), "every actor code fits the model format"
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
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)"), table


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
