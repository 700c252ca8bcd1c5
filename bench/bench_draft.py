"""Recall and precision of ``upheaval draft`` on a corpus of real commentaries, tuning half and held-out half.

The corpus (tests/data/draft/corpus) holds sixteen public texts, each with a reader's lists written
before the drafter was run on it (actors, figures with units and their tie, dates, conditional
clauses, ties with direction); ``split.yaml`` fixes which half the rules were tuned on. For each
text and element: recall is the share of the reader's list the draft finds, precision the share of
the draft's elements that are on the list. Each half reports the median over its texts (texts whose
list for an element is empty are left out of that element's recall; texts whose draft has none of
an element are left out of its precision), and the held-out half is the score that counts. Also:
how many figures sit on the reader's tie, how many candidate descriptors have variants named from
the text, whether every draft validates, and the time to draft each text (median of 3 runs after a
warm-up, in this process).

    python bench/bench_draft.py            # both halves, with each text's line
    python bench/bench_draft.py --quiet    # the medians only
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from upheaval.draft import draft, draft_yaml  # noqa: E402
from upheaval.model import parse_yaml  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "draft" / "corpus"
ELEMENTS = ("actors", "figures", "dates", "conditionals", "ties")
# What the held-out half must reach (medians), element by element: (recall, precision or None).
TARGETS = {"actors": (0.9, 0.8), "figures": (0.7, None), "dates": (0.8, None), "conditionals": (0.6, None)}
TARGETS["ties"] = (0.5, 0.6)


def load_split() -> dict[str, list[str]]:
    """The two halves: ``{"tuning": [file names], "held-out": [file names]}``."""
    return yaml.safe_load((CORPUS / "split.yaml").read_text(encoding="utf-8"))


def load_gold(name: str) -> dict:
    """The reader's lists for one text of the corpus."""
    return yaml.safe_load((CORPUS / f"{Path(name).stem}.gold.yaml").read_text(encoding="utf-8"))


def _norm(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", re.sub(r"[^\w%'.-]+", " ", text.lower())).strip()


@dataclass
class Score:
    """Found, reader's list size and draft size for each element of one text, and the extras."""

    counts: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    figures_on_tie: tuple[int, int] = (0, 0)
    named_descriptors: int = 0
    placeholder_variants: int = 0
    valid: bool = True
    error: str = ""

    def recall(self, element: str) -> float | None:
        found, total, _ = self.counts[element]
        return found / total if total else None

    def precision(self, element: str) -> float | None:
        found, _, drafted = self.counts[element]
        return min(1.0, found / drafted) if drafted else None


def _actor_keys(d) -> dict[str, set[str]]:
    """Each drafted actor's code and the names it goes by, case-folded."""
    out = {}
    for entry, _cites, forms in d.actors:
        keys = {
            entry.code.casefold(),
            entry.name.casefold(),
            *(n.casefold() for n in entry.names),
            *(f.casefold() for f in forms),
        }
        keys |= {re.sub(r"\s*\(.*\)$", "", k) for k in keys}
        out[entry.code] = keys
    return out


def _resolve(gold_id: str, keys: dict[str, set[str]]) -> str | None:
    """The drafted actor code that a reader's actor (code or name) stands for."""
    g = gold_id.casefold()
    for code, names in keys.items():
        if g in names:
            return code
    return None


def _figure_matches(gold: dict, amount: float, unit: str) -> bool:
    amounts = gold["amount"] if isinstance(gold["amount"], list) else [gold["amount"]]
    if not any(abs(amount - a) <= max(0.01, 0.005 * abs(a)) for a in amounts):
        return False
    head = _norm(gold["unit"]).split()[0].rstrip("s")
    return head in _norm(unit) or _norm(unit).split()[0].rstrip("s") in _norm(gold["unit"])


def _date_matches(gold: dict, text: str, value: str | None) -> bool:
    g, t = _norm(str(gold["text"])), _norm(text)
    return (g in t or t in g) and value == str(gold["value"])


def _conditional_matches(gold: str, text: str) -> bool:
    g, t = _norm(gold).split(), _norm(text)
    head = " ".join(g[: min(5, len(g))])
    return head in t or (len(t.split()) >= 3 and " ".join(t.split()[:5]) in " ".join(g))


def _drafted_conditionals(d) -> list[str]:
    """The conditional clauses the draft found, marker first."""
    if hasattr(d, "conditionals"):
        return [c.text for c in d.conditionals]
    quotes = [c.quote for x in d.descriptors for c in x.cites]  # drafts before conditionals were listed
    return quotes + [c.quote for u in d.unplaced if u.kind == "condition" for c in u.cites]


def _score_figures(d, gold: dict, resolved: dict) -> tuple[tuple[int, int, int], tuple[int, int]]:
    """(found, list size, drafted) for figures, and (on the reader's tie, figures with a tie)."""
    figs = [(f.amount, f.unit, tie) for f, _c, tie in d.figures]
    tie_ends = {t.id: (t.source, t.target) for t in d.ties}
    hit_gold, on_tie, with_tie = set(), 0, 0
    for i, g in enumerate(gold["figures"]):
        matches = [j for j, (a, u, _t) in enumerate(figs) if _figure_matches(g, a, u)]
        if matches:
            hit_gold.add(i)
        if g.get("tie"):
            with_tie += 1
            want = tuple(resolved.get(x) or x for x in g["tie"])
            on_tie += any(figs[j][2] and tie_ends.get(figs[j][2]) == want for j in matches)
    return (len(hit_gold), len(gold["figures"]), len(figs)), (on_tie, with_tie)


def _score_matches(gold_items: list, drafted: list, match) -> tuple[int, int, int]:
    """(found, list size, drafted) where ``match(gold, drafted)`` pairs them; drafted items that
    match an item of the list count once per item they find."""
    hit = [g for g in gold_items if any(match(g, x) for x in drafted)]
    good = [x for x in drafted if any(match(g, x) for g in gold_items)]
    return len(hit), len(gold_items), len(drafted) - len(good) + len(hit)


def _score_ties(d, gold: dict, resolved: dict) -> tuple[int, int, int]:
    """(found, list size, drafted) for ties: each reader's tie is matched once, by its ends and a kind it accepts."""
    wanted = [
        (resolved.get(t["from"]) or t["from"], resolved.get(t["to"]) or t["to"], set(t["kinds"])) for t in gold["ties"]
    ]
    matched: set[int] = set()
    for t in d.ties:
        i = next(
            (
                i
                for i, (a, b, k) in enumerate(wanted)
                if i not in matched and (t.source, t.target) == (a, b) and t.kind in k
            ),
            None,
        )
        if i is not None:
            matched.add(i)
    return len(matched), len(gold["ties"]), len(d.ties)


def score_text(name: str) -> Score:
    """Score the draft of one corpus text against its reader's lists."""
    gold = load_gold(name)
    s = Score()
    try:
        d = draft(CORPUS / name, as_of=gold.get("as_of"))
        parse_yaml(draft_yaml(d), "draft.yaml")
    except Exception as exc:
        s.valid, s.error = False, f"{type(exc).__name__}: {exc}"
        s.counts = {e: (0, len(gold[e]), 0) for e in ELEMENTS}
        return s
    keys = _actor_keys(d)
    resolved = {g: _resolve(g, keys) for g in gold["actors"]}
    s.counts["actors"] = (len({c for c in resolved.values() if c}), len(gold["actors"]), len(keys))
    s.counts["figures"], s.figures_on_tie = _score_figures(d, gold, resolved)
    dates = list({(dm.text, value) for dm, _c, value in d.dates})
    s.counts["dates"] = _score_matches(gold["dates"], dates, lambda g, x: _date_matches(g, *x))
    s.counts["conditionals"] = _score_matches(gold["conditionals"], _drafted_conditionals(d), _conditional_matches)
    s.counts["ties"] = _score_ties(d, gold, resolved)
    s.named_descriptors = sum(1 for x in d.descriptors if _named(x.candidate.variants))
    s.placeholder_variants = sum(1 for x in d.descriptors if not _named(x.candidate.variants))
    return s


def _named(variants) -> bool:
    labels = [label for _id, label in variants]
    return (
        len(labels) >= 2
        and len(set(labels)) == len(labels)
        and not any(re.search(r"\bvariant\b", v, re.I) for v in labels)
    )


def _median(values: list[float | None]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def _pct(v: float | None) -> str:
    return "   -" if v is None else f"{v:4.0%}"


def summary(scores: dict[str, Score]) -> dict[str, tuple[float | None, float | None]]:
    """Median recall and precision per element over the texts of one half."""
    return {
        e: (_median([s.recall(e) for s in scores.values()]), _median([s.precision(e) for s in scores.values()]))
        for e in ELEMENTS
    }


def main(argv: list[str] | None = None) -> int:
    quiet = "--quiet" in (argv or sys.argv[1:])
    split = load_split()
    print("upheaval draft on the corpus: recall / precision per element against a reader's lists")
    results = {}
    for half in ("tuning", "held-out"):
        scores: dict[str, Score] = {}
        times = []
        for name in split[half]:
            draft(CORPUS / name)  # warm-up: imports and tables
            runs = []
            for _ in range(3):
                t0 = time.perf_counter()
                scores[name] = score_text(name)
                runs.append(time.perf_counter() - t0)
            times.append(statistics.median(runs))
        results[half] = summary(scores)
        print(
            f"\n{half} half ({len(scores)} texts; drafting and scoring a text: median {statistics.median(times) * 1000:.0f} ms)"
        )
        if not quiet:
            print(f"  {'text':34s} " + " ".join(f"{e[:7]:>11s}" for e in ELEMENTS) + "  on tie  descr  valid")
            for name, s in scores.items():
                cells = " ".join(f"{_pct(s.recall(e))}/{_pct(s.precision(e))}" for e in ELEMENTS)
                conds = load_gold(name)["conditionals"]
                print(
                    f"  {Path(name).stem[:34]:34s} {cells}  {s.figures_on_tie[0]}/{s.figures_on_tie[1]:<5d} "
                    f"{s.named_descriptors:>2d}{'!' if len(conds) >= 3 and s.named_descriptors < 3 else ' '}   "
                    f"{'yes' if s.valid else 'NO ' + s.error.splitlines()[0][:60]}"
                )
        print(f"  {'median':34s} " + " ".join(f"{_pct(r)}/{_pct(p)}" for r, p in results[half].values()))
        on_tie = sum(s.figures_on_tie[0] for s in scores.values()), sum(s.figures_on_tie[1] for s in scores.values())
        argued = [n for n in scores if len(load_gold(n)["conditionals"]) >= 3]
        print(
            f"  figures on the reader's tie: {on_tie[0]}/{on_tie[1]}; texts arguing 3+ conditionals with 3+ named "
            f"descriptors: {sum(scores[n].named_descriptors >= 3 for n in argued)}/{len(argued)}; "
            f"placeholder variants: {sum(s.placeholder_variants for s in scores.values())}; "
            f"valid drafts: {sum(s.valid for s in scores.values())}/{len(scores)}"
        )
    print("\nheld-out against the targets (median recall >= target; precision where one is set):")
    for e, (r_min, p_min) in TARGETS.items():
        r, p = results["held-out"][e]
        ok = r is not None and r >= r_min and (p_min is None or (p is not None and p >= p_min))
        print(
            f"  {e:13s} recall {_pct(r)} (>= {r_min:.0%})"
            + (f", precision {_pct(p)} (>= {p_min:.0%})" if p_min else "")
            + ("  ok" if ok else "  SHORT")
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
