"""Summary first: each command's default output fits a screen or two at 80 columns, breaks no word, and answers
its question by the futures' names."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from upheaval import cib, load

SRC = Path(__file__).resolve().parents[1] / "src" / "upheaval"
WORD = re.compile(r"[A-Za-z][A-Za-z_'’]*")


def upheaval(*args: str, columns: int = 80, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": str(columns), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "upheaval", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=900
    )


@cache
def known_words() -> frozenset[str]:
    """Every word the program or the built-in model could print whole: those of the sources and of the model."""
    text = " ".join(p.read_text(encoding="utf-8") for p in SRC.rglob("*.py"))
    text += " ".join(p.read_text(encoding="utf-8") for p in (SRC / "systems").glob("*.yaml"))
    return frozenset(WORD.findall(text))


def broken_words(out: str, also: str = "") -> set[str]:
    """Words of ``out`` that are neither words of the program and model nor of ``also`` (say, the paths given
    on the command line): the pieces of a word cut by a line break."""
    known = known_words() | set(WORD.findall(also))
    return {w for w in WORD.findall(out) if len(w) > 2 and w not in known}


def test_the_broken_word_check_sees_a_broken_word():
    assert broken_words("No new mobilisatio\nn for Satisfactor\ny peace") == {"mobilisatio", "Satisfactor"}
    assert not broken_words("No new mobilisation for Satisfactory peace")


def futures_of_consistent(system) -> set[str]:
    found = cib.find_consistent(cib.compile_system(system), 0)
    futures = [system.future_of(found.cim.scenario_names(r)) for r in found.indices]
    return {f.name for f in futures if f is not None}


def flat(out: str) -> str:
    return " ".join(out.split())


def test_analyze_is_one_screen_with_every_future_by_name():
    system = load()
    res = upheaval("analyze")
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert len(lines) <= 80, len(lines)
    assert max(map(len, lines)) <= 80
    assert not broken_words(res.stdout)
    n = len(cib.find_consistent(cib.compile_system(system), 0))
    for name in futures_of_consistent(system):
        assert name in flat(res.stdout), name
    heading = f"Consistent scenarios: {n:,} of {system.n_scenarios:,}"
    assert heading in res.stdout and (n <= 24 or f"({min(n, 24)} shown)" in res.stdout)
    if n <= 24:  # every scenario has its line, by label
        assert all(re.search(rf"^S{k} ", res.stdout, re.M) for k in range(1, n + 1))
    else:
        assert "--limit 0" in res.stdout
    assert f"claims: {len(system.claims)} of {len(system.claims)} pass" in res.stdout
    assert "upheaval analyze --storylines" in res.stdout and "upheaval report" in res.stdout


def test_robustness_answers_per_future():
    system = load()
    res = upheaval("robustness", "--samples", "200")
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert len(lines) <= 60, len(lines)
    assert not broken_words(res.stdout)
    rows = re.findall(r"^  (\S.*?) {2,}.*?(\d+\.\d)% +(\d+\.\d)%–(\d+\.\d)%", res.stdout, re.M)
    starts = [r[0] for r in rows]
    # one row per future (and one for the scenarios no future names), each with its share and interval
    assert len(rows) - ("(no named future)" in starts) == len(system.futures)
    assert all(any(f.name.startswith(x) for x in starts) for f in system.futures)
    assert all(float(lo) <= float(p) <= float(hi) for _, p, lo, hi in rows)


def test_robustness_share_of_a_future_is_at_least_its_best_scenario(tmp_path):
    """A future survives a sample when any of its scenarios does: its share is at least each member's."""
    import json

    out = json.loads(upheaval("robustness", "--samples", "200", "--json").stdout)
    best: dict[str, float] = {}
    for s in out["scenarios"]:
        best[s["future"]] = max(best.get(s["future"], 0.0), s["share"])
    for f in out["futures"]:
        assert f["share"] >= best.get(f["future"], 0.0) - 1e-12
        assert f["low"] <= f["share"] <= f["high"]


def test_pathways_summarise_the_periods_by_future():
    system = load()
    res = upheaval("pathways")
    assert res.returncode == 0, res.stderr
    assert len(res.stdout.splitlines()) <= 60
    assert not broken_words(res.stdout)
    for period in system.periods.labels:
        assert period in res.stdout
    shares = re.findall(r"^ +([A-Z]) +(.+?) {2,}((?:(?:\d+%|·) +)+)", res.stdout, re.M)
    names = {f.name for f in system.futures} | {"(no named future)"}
    assert shares and all(any(n.startswith(name.strip()) for n in names) for _, name, _ in shares)
    last = [int(cells.split()[-1].rstrip("%")) for _, _, cells in shares if cells.split()[-1] != "·"]
    assert 97 <= sum(last) <= 103  # the last period's shares cover every pathway (rounded)
    import json

    data = json.loads(upheaval("pathways", "--json").stdout)
    assert all("label" in n and "future" in n for n in data["nodes"])


def test_sensitivity_one_line_per_distinct_effect_ranked_by_consequence():
    res = upheaval("sensitivity")
    assert res.returncode == 0, res.stderr
    assert len(res.stdout.splitlines()) <= 60
    assert not broken_words(res.stdout)
    effects = re.findall(r"^ *\d+\. (.*(?:\n(?! *\d+\. | {4}\S+ → ).*)*)", res.stdout, re.M)
    effects = [" ".join(e.split()) for e in effects]
    assert effects and len(effects) == len(set(effects)), "each effect once"
    moved_claims = [k for k, e in enumerate(effects) if e.startswith(("fails", "passes"))]
    assert moved_claims == list(range(len(moved_claims))), "effects that move a claim come first"
    import json

    # a future named as gone has lost every one of its consistent scenarios
    found = json.loads(upheaval("scenarios", "--json").stdout)["scenarios"]
    members: dict[str, set[str]] = {}
    for sc in found:
        members.setdefault(sc["future"], set()).add(sc["label"])
    for labels, names in re.findall(r"breaks ((?:S\d+ ?)+): (.+?) gone", " ".join(res.stdout.split())):
        for name in re.split(r", | and ", names):
            assert members[name] <= set(labels.split()), (name, labels)


@pytest.fixture(scope="module")
def experts(tmp_path_factory) -> list[str]:
    """Three experts' versions of the built-in model: each judges a sixth of the cells one step otherwise."""
    from upheaval._load import save_system

    folder = tmp_path_factory.mktemp("experts")
    rng = np.random.default_rng(2)
    paths = []
    for k in range(3):
        system = load()
        for imp in system.impacts:
            for row in imp.values.values():
                for col in list(row):
                    if rng.random() < 1 / 6:
                        row[col] = int(np.clip(row[col] + rng.choice([-1, 1]), -3, 3))
        save_system(system, folder / f"expert{k + 1}.yaml")
        paths.append(str(folder / f"expert{k + 1}.yaml"))
    return paths


def test_ensemble_labels_futures_with_each_experts_support(experts):
    res = upheaval("ensemble", *experts)
    assert res.returncode == 0, res.stderr
    assert len(res.stdout.splitlines()) <= 60
    assert not broken_words(res.stdout, " ".join(experts))
    rows = re.findall(r"^ +([SX]\d+) · (.+?) {2,}([✓·]) +([✓·]) +([✓·]) +(\d) of 3 +(yes|no)", res.stdout, re.M)
    assert rows
    for _label, _name, *marks, support, _combined in rows:
        assert marks.count("✓") == int(support)  # support is the experts' marks counted
    assert "combined: consistent in the sum of the 3 matrices" in flat(res.stdout)
    names = {f.name for f in load().futures}
    assert all(any(n.startswith(name) for n in names) for _, name, *_ in rows)


def test_basins_number_cycles_in_order_and_tell_them_apart():
    res = upheaval("basins", columns=250)
    assert res.returncode == 0, res.stderr
    cycles = re.findall(r"^(C\d+): (.*)$", res.stdout, re.M)
    assert [c for c, _ in cycles] == [f"C{k}" for k in range(1, len(cycles) + 1)]
    assert len({text for _, text in cycles}) == len(cycles)  # no two described alike


def test_succession_names_where_it_lands():
    """Where a succession ends is named: a consistent scenario by its label and future, a cycle by its futures."""
    system = load()
    cim = cib.compile_system(system)
    found = cib.find_consistent(cim, 0)
    present = dict(system.present.scenario)
    ends = {}
    for d in system.descriptors:
        for v in d.variants:
            start = {**present, d.id: v.id}
            res = cib.succession(cim, cim.scenario_indices(start))
            ends.setdefault(res.end_kind, (d.id, v.id, res))
    assert ends
    for kind, (d, v, res) in ends.items():
        out = upheaval("succession", "--start", f"present,{d}={v}")
        assert out.returncode == 0, out.stderr
        assert not broken_words(out.stdout)
        if kind == "cycle":
            assert "ends in a cycle of" in flat(out.stdout)
            continue
        m = re.search(r"ends in (S\d+)(?: · (.+?))?, a consistent scenario", flat(out.stdout))
        assert m, out.stdout
        row = found.indices[int(m.group(1)[1:]) - 1]
        assert row.tolist() == list(res.path[-1])
        future = system.future_of(cim.scenario_names(row))
        assert (future.name if future else None) == m.group(2)


def test_model_text_that_looks_like_markup_prints_as_written(tmp_path):
    """Futures, shocks and descriptors named with square brackets print as written in every command that names
    them: Rich reads no markup in the model's text."""
    text = (Path(__file__).parent / "data" / "decisions" / "strait.yaml").read_text(encoding="utf-8")
    marked = {"name: Settlement": 'name: "Settlement [red]now[/]"', "name: Rupture": 'name: "Rupture [b]x[/b]"',
              "name: Standoff": 'name: "Standoff [i]y[/i]"',
              "label: A collision at sea": 'label: "A collision [at] sea"'}  # fmt: skip
    for old, new in marked.items():
        assert old in text
        text = text.replace(old, new)
    model = tmp_path / "marked.yaml"
    model.write_text(text + "periods: {labels: ['y1', 'y2']}\n", encoding="utf-8")
    m = str(model)
    for args in (["analyze", m], ["robustness", m, "--samples", "30"], ["pathways", m],
                 ["sensitivity", m, "--max-change", "6"], ["levers", m], ["pick", m], ["shock", "collision", m],
                 ["ensemble", m, m]):  # fmt: skip
        res = upheaval(*args, columns=200)
        assert res.returncode == 0, (args, res.stderr)
        out = flat(res.stdout)
        written = [s for s in marked.values() if s.split('"')[1] in out]
        read_as_markup = [s for s in ("Settlement now", "Rupture x", "Standoff y", "A collision sea") if s in out]
        assert written and not read_as_markup, (args, out)


def test_levers_list_each_lever_under_where_it_settles():
    """Every lever has one line, under the heading that names where it settles (label and future) and where the
    system goes once it is let go; the listing fits two screens at 80 columns and breaks no word."""
    import json

    res = upheaval("levers")
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert len(lines) <= 60 and max(map(len, lines)) <= 80
    assert not broken_words(res.stdout)
    levers = json.loads(upheaval("levers", "--json").stdout)["levers"]
    heading, found, after_lever = "", {}, True
    for line in lines:
        if not line.startswith("  "):  # a heading, wrapped over one or more lines
            heading = line if after_lever else f"{heading} {line}"
            after_lever = False
        else:  # the column heads, or a lever
            if "=" in line.split()[0]:
                found[line.split()[0]] = (heading, line.split())
            after_lever = True
    assert set(found) == {lv["lever"] for lv in levers}
    for lv in levers:
        heading, cells = found[lv["lever"]]
        end = lv["end"]["label"] + (f" · {lv['end']['future']}" if lv["end"].get("future") else "")
        assert heading.startswith(end), (heading, end)
        assert ("stays there when let go" in heading) == lv["lasting"]
        assert cells[-2:] == [str(lv["steps"]), f"{lv['absorbed']}/{lv['perturbations']}"]
        assert cells[1:-2] == (lv["actors"] or ["-"])


@pytest.mark.parametrize("args", [("pick",), ("shock", "FIRST"), ("levers", "--to", "FIRST")])
def test_decisions_fit_two_screens_and_break_no_word(args):
    system = load()
    first = {"shock": system.shocks[0].id, "levers": system.futures[0].id}[args[0]] if "FIRST" in args else ""
    res = upheaval(*(first if a == "FIRST" else a for a in args))
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert len(lines) <= 70 and max(map(len, lines)) <= 80
    assert not broken_words(res.stdout)


def test_disagreement_fits_the_screen_and_breaks_no_word(experts):
    res = upheaval("ensemble", *experts, "--disagreement")
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert len(lines) <= 70 and max(map(len, lines)) <= 80
    assert not broken_words(res.stdout, " ".join(experts))
    assert re.search(r"\d+ cells? where 3 experts differ", flat(res.stdout))
