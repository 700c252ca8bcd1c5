"""Recall and precision of ``upheaval draft`` against element lists written by reading the texts.

Three texts: the seed commentary (RSIS, Drew Thompson, late 2024; read from ../shared/seed beside
the repository), a paraphrase of John Bradford's commentary on Red Sea traffic (January 2024;
tests/data/draft/bradford-2024-paraphrase.md) and a brief written for the tests
(tests/data/draft/red-sea-brief.html, whose recall is optimistic: its authors also wrote the rules).
For each text the lists below name what a careful reader finds: the actors the text treats as
actors, the figures with their units, the dates, the conditional sentences and the ties. The
draft's elements are compared with them; recall is the share of the list the draft finds,
precision the share of the draft's elements that are on the list (what it does not invent).
Also the time to draft each text (median of 5 runs, in this process, after one warm-up run).

    python bench/bench_draft.py
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from upheaval.draft import draft  # noqa: E402

SEED = ROOT.parent / "shared" / "seed" / "000_f03b6d0b2c9a8991.txt"
RED_SEA = ROOT / "tests" / "data" / "draft" / "red-sea-brief.html"
BRADFORD = ROOT / "tests" / "data" / "draft" / "bradford-2024-paraphrase.md"

# What a reader finds in each text. Ties: (from, to, kinds a reader would accept).
GOLD = {
    "seed": {
        "path": SEED,
        "actors": {"RUS", "PRK", "CHN", "IRN", "UKR", "NATO", "EU", "USA", "KOR", "JPN"},
        "figures": {(10000, "soldiers", None), (1500, "casualties", "day"), (2000, "USD per soldier", "month")},
        "dates": {"June", "October", "February 2022", "end of October"},
        "conditionals": {
            ("Synopsis", 1, "if China's support"),
            ("DPRK Deploys Troops to Russia", 5, "should North Korea"),
            ("Geopolitical Implications for NATO, South Korea, and China", 1, "if DPRK troops"),
            ("Geopolitical Implications for NATO, South Korea, and China", 2, "if there is nothing"),
            ("Geopolitical Implications for NATO, South Korea, and China", 6, "if it bolsters"),
            ("Conclusion", 2, "Should the military situation"),
            ("Conclusion", 2, "Should that transpire"),
            ("Conclusion", 4, "Should Trump"),
        },
        "ties": [
            ("PRK", "RUS", {"troops"}),
            ("PRK", "RUS", {"munitions"}),
            ("RUS", "PRK", {"payment"}),
            ("RUS", "PRK", {"technology"}),
            ("RUS", "PRK", {"agreement"}),
            ("PRK", "RUS", {"agreement"}),
            ("PRK", "RUS", {"alignment", "diplomatic_support"}),
            ("RUS", "UKR", {"combat", "hostility"}),
            ("CHN", "RUS", {"diplomatic_support", "aid"}),
            ("CHN", "PRK", {"pressure"}),
            ("CHN", "PRK", {"stance"}),
            ("USA", "PRK", {"targeting"}),
            ("UKR", "PRK", {"targeting", "combat"}),
            ("USA", "PRK", {"hostility"}),
            ("KOR", "PRK", {"hostility"}),
            ("UKR", "PRK", {"hostility"}),
            ("UKR", "NATO", {"hostility", "pressure", "stance"}),
            ("NATO", "RUS", {"sanctions", "pressure"}),
            ("NATO", "JPN", {"liaison"}),
            ("KOR", "UKR", {"aid", "munitions"}),
            ("KOR", "UKR", {"intelligence"}),
            ("KOR", "NATO", {"intelligence"}),
            ("NATO", "KOR", {"liaison"}),
            ("RUS", "CHN", {"diplomatic_support", "agreement"}),
            ("UKR", "RUS", {"casualties", "combat"}),
            ("PRK", "KOR", {"hostility"}),
            ("USA", "UKR", {"pressure"}),
            ("USA", "NATO", {"pressure"}),
            ("USA", "CHN", {"hostility"}),
            ("IRN", "RUS", {"diplomatic_support", "aid", "munitions"}),
        ],
    },
    "bradford": {
        "path": BRADFORD,
        "actors": {"HOUTHI", "YEM", "USA", "GBR", "ISR", "PSE"},
        # written-out quantities count too: the drafter reads digits only
        "figures": {
            (16, "ships", None),
            ("hundreds", "ships", None),
            ("a week", "voyage", None),
            ("three times", "cost", None),
        },
        "dates": {"November 2023", "January 2024"},
        "conditionals": {("Escalation Without Resolution", 2, "If neither side")},
        "ties": [
            ("USA", "HOUTHI", {"combat"}),
            ("GBR", "HOUTHI", {"combat"}),
            ("ISR", "PSE", {"combat", "hostility"}),
        ],
    },
    "red-sea": {
        "path": RED_SEA,
        "actors": {"HOUTHI", "IRN", "USA", "GBR", "EU", "EGY", "SAU", "CHN", "YEM"},
        "figures": {(100, "attacks", None), (50, "percent", None), (500_000_000, "USD", "month")},
        "dates": {
            "2023",
            "2024",
            "November 2023",
            "19 November 2023",
            "December 2023",
            "12 January 2024",
            "February 2024",
        },
        "conditionals": {
            ("Outlook", 1, "If the war in Gaza"),
            ("Outlook", 1, "Should Iran"),
            ("Outlook", 2, "Unless the coalition"),
            ("The Response", 3, "options range from"),
        },
        "ties": [
            ("IRN", "HOUTHI", {"munitions"}),
            ("IRN", "HOUTHI", {"intelligence"}),
            ("USA", "HOUTHI", {"combat"}),
            ("GBR", "HOUTHI", {"combat"}),
        ],
    },
}


def _score(found: int, total: int, extracted: int) -> str:
    recall = found / total if total else 1.0
    precision = found / extracted if extracted else 1.0
    return f"recall {found}/{total} = {recall:5.0%}   precision {found}/{extracted} = {precision:5.0%}"


def _bare(phrase: str) -> str:
    """A date phrase without its leading prepositions ("at the end of October" → "end of October")."""
    return re.sub(r"^(?:(?:at|the|in|on|since|from|until|by|during|before|after)\s+)+", "", phrase, flags=re.I)


def evaluate(name: str, gold: dict) -> dict[str, tuple[int, int, int]]:
    """(found, gold size, extracted) per kind of element."""
    d = draft(gold["path"])
    out: dict[str, tuple[int, int, int]] = {}
    codes = {e.code for e, _c, _f in d.actors}
    out["actors"] = (len(codes & gold["actors"]), len(gold["actors"]), len(codes))
    figs = {(round(f.amount), f.unit, f.rate) for f, _c, _t in d.figures}
    out["figures (unit, rate)"] = (len(figs & gold["figures"]), len(gold["figures"]), len(figs))
    phrases = {_bare(dm.text) for dm, _c, _v in d.dates}
    out["dates"] = (len(phrases & gold["dates"]), len(gold["dates"]), len(phrases))
    conds = []
    for dd in d.descriptors:
        conds += [(c.section, c.paragraph, c.quote) for c in dd.cites]
    conds += [(c.section, c.paragraph, c.quote) for u in d.unplaced if u.kind == "condition" for c in u.cites]
    conds = list(dict.fromkeys(conds))

    def cond_hit(g, c):
        return g[0] == c[0] and g[1] == c[1] and (g[2].split(None, 1)[1].lower() in c[2].lower())

    chit = {g for g in gold["conditionals"] if any(cond_hit(g, c) for c in conds)}
    cgood = sum(1 for c in conds if any(cond_hit(g, c) for g in gold["conditionals"]))
    out["conditional sentences"] = (len(chit), len(gold["conditionals"]), len(conds) - cgood + len(chit))
    ties = [(t.source, t.target, t.kind) for t in d.ties]
    matched = set()
    correct = 0
    for s, t, k in ties:
        for i, (gs, gt, gk) in enumerate(gold["ties"]):
            if i not in matched and (s, t) == (gs, gt) and k in gk:
                matched.add(i)
                correct += 1
                break
    out["ties (from, to, kind)"] = (correct, len(gold["ties"]), len(ties))
    return out


def main() -> None:
    print("upheaval draft: recall and precision against lists written by reading each text")
    for name, gold in GOLD.items():
        if not gold["path"].exists():
            print(f"\n{name}: {gold['path']} not found, skipped")
            continue
        draft(gold["path"])  # warm-up: imports and tables
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            draft(gold["path"])
            times.append(time.perf_counter() - t0)
        print(
            f"\n{name} ({gold['path'].name}): drafted in {statistics.median(times) * 1000:.0f} ms (median of 5, warm)"
        )
        for kind, (found, total, extracted) in evaluate(name, gold).items():
            print(f"  {kind:24s} {_score(found, total, extracted)}")


if __name__ == "__main__":
    main()
