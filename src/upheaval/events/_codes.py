"""Event code tables: CAMEO roots and Goldstein scores, PLOVER types (countries are in ``upheaval._countries``)."""

from __future__ import annotations

__all__ = [
    "CAMEO_ROOT_NAMES",
    "GOLDSTEIN",
    "PLOVER",
    "goldstein",
    "quad_class_of_root",
]

# CAMEO event root codes and their names (Schrodt, CAMEO Conflict and Mediation Event
# Observations Event and Actor Codebook, v1.1b3, 2012, ch. 2).
CAMEO_ROOT_NAMES = {
    "01": "make public statement",
    "02": "appeal",
    "03": "express intent to cooperate",
    "04": "consult",
    "05": "engage in diplomatic cooperation",
    "06": "engage in material cooperation",
    "07": "provide aid",
    "08": "yield",
    "09": "investigate",
    "10": "demand",
    "11": "disapprove",
    "12": "reject",
    "13": "threaten",
    "14": "protest",
    "15": "exhibit force posture",
    "16": "reduce relations",
    "17": "coerce",
    "18": "assault",
    "19": "fight",
    "20": "use unconventional mass violence",
}


def quad_class_of_root(root: str) -> int:
    """CAMEO's quad class of an event root: 1 verbal and 2 material cooperation, 3 verbal and 4 material conflict."""
    r = int(root)
    if r <= 5:
        return 1
    if r <= 8:
        return 2
    if r <= 13:
        return 3
    return 4


# Goldstein conflict-cooperation scores for CAMEO event codes, -10 (most conflictual) to +10.
# Source: J. S. Goldstein, "A Conflict-Cooperation Scale for WEIS Events Data", Journal of
# Conflict Resolution 36(2):369-385, 1992, as mapped onto CAMEO codes in the GDELT project's
# lookup table CAMEO.goldsteinscale.txt (GDELT 1.0 codebook, 2013). Values written out by hand from
# that published table (nothing is downloaded); a few may differ by a tenth from the file, so check
# against it before relying on single values. Codes not listed fall back to their base code (three
# digits), then to their root. GDELT rows carry their own GoldsteinScale, which is used first.
GOLDSTEIN: dict[str, float] = {
    # 01 make public statement
    "01": 0.0, "010": 0.0, "011": -0.1, "012": -0.4, "013": 0.4, "014": 0.0, "015": 2.0,
    "016": 0.0, "017": 0.0, "018": 3.4, "019": 3.4,
    # 02 appeal
    "02": 3.0, "020": 3.0, "021": 3.4, "022": 3.2, "023": 3.4, "024": -0.3, "025": -0.3,
    "026": 4.0, "027": 4.0, "028": 4.0,
    # 03 express intent to cooperate
    "03": 4.0, "030": 4.0, "031": 5.2, "032": 4.5, "033": 5.2, "034": 7.0, "035": 5.0,
    "036": 4.0, "037": 5.0, "038": 7.0, "039": 5.0,
    # 04 consult
    "04": 1.0, "040": 1.0, "041": 1.0, "042": 1.9, "043": 2.8, "044": 2.5, "045": 5.0, "046": 7.0,
    # 05 engage in diplomatic cooperation
    "05": 3.5, "050": 3.5, "051": 3.4, "052": 3.5, "053": 3.8, "054": 6.0, "055": 7.0,
    "056": 7.0, "057": 8.0,
    # 06 engage in material cooperation
    "06": 6.0, "060": 6.0, "061": 6.4, "062": 7.4, "063": 7.4, "064": 7.0,
    # 07 provide aid
    "07": 7.0, "070": 7.0, "071": 7.4, "072": 8.3, "073": 7.4, "074": 8.5, "075": 7.0,
    # 08 yield
    "08": 5.0, "080": 5.0, "081": 5.0, "082": 5.0, "083": 5.0, "084": 7.0, "085": 7.0,
    "086": 9.0, "087": 9.0, "0871": 9.0, "0872": 9.0, "0873": 9.0, "0874": 10.0,
    # 09 investigate
    "09": -2.0, "090": -2.0, "091": -2.0, "092": -2.0, "093": -2.0, "094": -2.0,
    # 10 demand
    "10": -5.0, "100": -5.0, "101": -5.0, "102": -5.0, "103": -5.0, "104": -5.0,
    "105": -5.0, "106": -5.0, "107": -5.0, "108": -5.0,
    # 11 disapprove
    "11": -2.0, "110": -2.0, "111": -2.0, "112": -2.0, "113": -2.0, "114": -2.0,
    "115": -2.0, "116": -2.0,
    # 12 reject
    "12": -4.0, "120": -4.0, "121": -4.0, "122": -4.0, "123": -4.0, "124": -5.0,
    "125": -5.0, "126": -5.0, "127": -5.0, "128": -4.0, "129": -5.0,
    # 13 threaten
    "13": -4.4, "130": -4.4, "131": -5.8, "132": -5.8, "133": -5.8, "134": -5.8,
    "135": -5.8, "136": -7.0, "137": -7.0, "138": -7.0, "139": -7.0,
    # 14 protest
    "14": -6.5, "140": -6.5, "141": -6.5, "142": -6.5, "143": -6.5, "144": -7.5, "145": -7.5,
    # 15 exhibit force posture
    "15": -7.2, "150": -7.2, "151": -7.2, "152": -7.2, "153": -7.2, "154": -7.2,
    # 16 reduce relations
    "16": -4.0, "160": -4.0, "161": -4.0, "162": -5.6, "163": -8.0, "164": -7.0,
    "165": -7.0, "166": -7.0,
    # 17 coerce
    "17": -7.0, "170": -7.0, "171": -9.2, "172": -5.0, "173": -5.0, "174": -5.0, "175": -9.0,
    # 18 assault
    "18": -9.0, "180": -9.0, "181": -9.0, "182": -9.5, "183": -10.0, "184": -8.0,
    "185": -8.0, "186": -10.0,
    # 19 fight
    "19": -10.0, "190": -10.0, "191": -9.5, "192": -9.5, "193": -10.0, "194": -10.0,
    "195": -10.0, "196": -9.5,
    # 20 use unconventional mass violence
    "20": -10.0, "200": -10.0, "201": -9.5, "202": -10.0, "203": -10.0, "204": -10.0,
}  # fmt: skip


def goldstein(code: str | None) -> float | None:
    """The Goldstein score of a CAMEO event code, falling back to its base code and root.

    >>> goldstein("0874"), goldstein("0331"), goldstein("057")
    (10.0, 5.2, 8.0)
    """
    if not code:
        return None
    for k in (code, code[:3], code[:2]):
        if k in GOLDSTEIN:
            return GOLDSTEIN[k]
    return None


# PLOVER event types (Halterman et al., "PLOVER and POLECAT: A New Political Event Ontology
# and Dataset", 2023; PLOVER codebook): quad class, the nearest CAMEO root (so CAMEO-based
# indicator patterns match POLECAT events), and a Goldstein-like score we assign by
# analogy with the CAMEO root's Goldstein value (used when a POLECAT row has no intensity).
PLOVER: dict[str, tuple[int, str, float]] = {
    "AGREE": (1, "05", 5.0),
    "CONSULT": (1, "04", 1.0),
    "SUPPORT": (1, "05", 3.4),
    "CONCEDE": (2, "08", 5.0),
    "COOPERATE": (2, "06", 6.0),
    "AID": (2, "07", 7.0),
    "RETREAT": (2, "08", 9.0),
    "REQUEST": (1, "02", 3.0),
    "ACCUSE": (3, "11", -2.0),
    "REJECT": (3, "12", -4.0),
    "THREATEN": (3, "13", -4.4),
    "PROTEST": (4, "14", -6.5),
    "SANCTION": (4, "16", -8.0),
    "MOBILIZE": (4, "15", -7.2),
    "COERCE": (4, "17", -7.0),
    "ASSAULT": (4, "18", -9.0),
}
