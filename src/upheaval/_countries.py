"""States and groups: ISO alpha-3 codes, names, Correlates of War and Gleditsch-Ward numbers, CAMEO group codes.

A base table every layer may use: event readers resolve the actors of event rows with it, the
drafter recognises actors in a text with it.
"""

from __future__ import annotations

import re

__all__ = ["COUNTRIES", "GROUPS", "actor_lookup_rows", "resolve_actor"]

# (canonical code, names and aliases, CAMEO/ISO alpha-3 codes, Correlates of War number,
#  Gleditsch-Ward number where it differs from COW). Canonical codes are ISO 3166 alpha-3,
#  the same codes upheaval models use for states. COW numbers: Correlates of War Project,
#  "State System Membership List v2016"; GW numbers: Gleditsch & Ward (1999), "Interstate
#  System Membership: A Revised List of the Independent States since 1816".
COUNTRIES: tuple[tuple[str, tuple[str, ...], int | None, int | None], ...] = (
    ("USA", ("United States", "United States of America", "US", "USA", "America", "Washington"), 2, None),
    ("CAN", ("Canada",), 20, None),
    ("MEX", ("Mexico",), 70, None),
    ("BRA", ("Brazil",), 140, None),
    ("ARG", ("Argentina",), 160, None),
    ("GBR", ("United Kingdom", "UK", "Britain", "Great Britain", "London"), 200, None),
    ("IRL", ("Ireland",), 205, None),
    ("NLD", ("Netherlands", "Holland"), 210, None),
    ("BEL", ("Belgium",), 211, None),
    ("LUX", ("Luxembourg",), 212, None),
    ("FRA", ("France", "Paris"), 220, None),
    ("CHE", ("Switzerland",), 225, None),
    ("ESP", ("Spain",), 230, None),
    ("PRT", ("Portugal",), 235, None),
    ("DEU", ("Germany", "Berlin"), 255, 260),
    ("POL", ("Poland", "Warsaw"), 290, None),
    ("AUT", ("Austria",), 305, None),
    ("HUN", ("Hungary",), 310, None),
    ("CZE", ("Czech Republic", "Czechia"), 316, None),
    ("SVK", ("Slovakia",), 317, None),
    ("ITA", ("Italy", "Rome"), 325, None),
    ("GRC", ("Greece",), 350, None),
    ("MDA", ("Moldova", "Republic of Moldova"), 359, None),
    ("ROU", ("Romania",), 360, None),
    ("BGR", ("Bulgaria",), 355, None),
    ("RUS", ("Russia", "Russian Federation", "Moscow", "Kremlin"), 365, None),
    ("EST", ("Estonia",), 366, None),
    ("LVA", ("Latvia",), 367, None),
    ("LTU", ("Lithuania",), 368, None),
    ("UKR", ("Ukraine", "Kyiv", "Kiev"), 369, None),
    ("BLR", ("Belarus",), 370, None),
    ("ARM", ("Armenia",), 371, None),
    ("GEO", ("Georgia",), 372, None),
    ("AZE", ("Azerbaijan",), 373, None),
    ("FIN", ("Finland",), 375, None),
    ("SWE", ("Sweden",), 380, None),
    ("NOR", ("Norway",), 385, None),
    ("DNK", ("Denmark",), 390, None),
    ("IRN", ("Iran", "Islamic Republic of Iran", "Tehran"), 630, None),
    ("TUR", ("Turkey", "Türkiye", "Turkiye"), 640, None),
    ("IRQ", ("Iraq",), 645, None),
    ("EGY", ("Egypt",), 651, None),
    ("SYR", ("Syria", "Syrian Arab Republic"), 652, None),
    ("ISR", ("Israel",), 666, None),
    ("SAU", ("Saudi Arabia",), 670, None),
    ("KAZ", ("Kazakhstan",), 705, None),
    ("CHN", ("China", "People's Republic of China", "PRC", "Beijing"), 710, None),
    ("MNG", ("Mongolia",), 712, None),
    ("TWN", ("Taiwan",), 713, None),
    ("PRK", ("North Korea", "Democratic People's Republic of Korea", "DPRK", "Korea, North", "Pyongyang"), 731, None),
    ("KOR", ("South Korea", "Republic of Korea", "ROK", "Korea, South", "Seoul"), 732, None),
    ("JPN", ("Japan", "Tokyo"), 740, None),
    ("IND", ("India",), 750, None),
    ("PAK", ("Pakistan",), 770, None),
    ("VNM", ("Vietnam", "Viet Nam"), 816, None),
    ("AUS", ("Australia",), 900, None),
)

# Alliances and organisations: canonical code, names, CAMEO known-group / IGO codes.
GROUPS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("NATO", ("NATO", "North Atlantic Treaty Organization", "North Atlantic Alliance"), ("NAT", "IGONAT")),
    ("EU", ("European Union", "EU", "Europe", "European Commission"), ("EEC", "EUR", "IGOEEC", "IGOEUREEC")),
    ("UN", ("United Nations", "UN", "UN Security Council"), ("UNO", "IGOUNO")),
)

_SPLIT = re.compile(r"[^a-z0-9']+")


def _key(text: str) -> str:
    return " ".join(t for t in _SPLIT.split(text.lower()) if t)


def actor_lookup_rows() -> list[tuple[str, str]]:
    """Rows ``(key, canonical code)`` for resolving actor codes, numbers and names in SQL.

    Keys are upper-case codes (``RUS``, ``NAT``), country numbers as text (``365``) and
    normalised lower-case names (``russian federation``).
    """
    rows: dict[str, str] = {}
    for code, names, cow, gw in COUNTRIES:
        rows[code] = code
        for n in names:
            rows.setdefault(_key(n), code)
        if cow is not None:
            rows.setdefault(str(cow), code)
        if gw is not None:
            rows.setdefault(str(gw), code)
    for code, names, cameo in GROUPS:
        rows[code] = code
        for c in cameo:
            rows[c] = code
        for n in names:
            rows.setdefault(_key(n), code)
    return sorted(rows.items())


_LOOKUP = dict(actor_lookup_rows())
_NAMES = sorted(((k, v) for k, v in _LOOKUP.items() if k.islower() or " " in k), key=lambda kv: -len(kv[0]))


def resolve_actor(text: str | None) -> str | None:
    """The canonical code for a code, country number or name; ``None`` when unknown.

    >>> resolve_actor("Russian Federation"), resolve_actor("365"), resolve_actor("IGONAT")
    ('RUS', 'RUS', 'NATO')
    """
    if not text:
        return None
    t = text.strip()
    if t in _LOOKUP:
        return _LOOKUP[t]
    if t.upper() in _LOOKUP and len(t) <= 9:
        return _LOOKUP[t.upper()]
    k = _key(t)
    if k in _LOOKUP:
        return _LOOKUP[k]
    padded = f" {k} "
    for name, code in _NAMES:  # longest names first: "north korea" before "korea"
        if f" {name} " in padded:
            return code
    return None
