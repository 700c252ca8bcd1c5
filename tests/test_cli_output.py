"""What the commands print hides nothing: every scenario at 80 columns, the same labels in every command,
CSV files with every row, conversions that say what they drop, usage errors that exit 2."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from upheaval import cib, load

NESTED = Path(__file__).parent / "data" / "scenariowizard" / "CIB_nested.scw"


def upheaval(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The command as a user runs it, in an 80-column terminal."""
    env = {**os.environ, "COLUMNS": "80"}
    return subprocess.run(
        [sys.executable, "-m", "upheaval", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=600
    )


def _headers(out: str) -> list[str]:
    """The scenario column headers of the tableaus, in order (left to right, whatever line a wrapped name puts them on)."""
    labels: list[str] = []
    block: list[tuple[int, str]] = []
    for line in out.splitlines():
        if line.startswith("┏"):
            block = []
        elif line.startswith("┡"):
            labels += [label for _, label in sorted(block)]
        else:
            block += [(m.start(), m.group(1)) for m in re.finditer(r"┃ (S\d+|X\d+)(?= · |\s*┃)", line)]
    return labels


def _compact(out: str) -> dict[str, list[int]]:
    """The compact tableau's rows: each scenario's label and its variants' numbers (1-based), in order."""
    rows = {}
    for m in re.finditer(r"^(S\d+|X\d+)\b.*?((?: +\d+)+) *$", out, re.M):
        rows[m.group(1)] = [int(x) for x in m.group(2).split()]
    return rows


def _shown(out: str) -> list[str]:
    """The labels of the scenarios a listing shows, as a tableau of words or as the compact tableau."""
    return _headers(out) or list(_compact(out))


def test_twenty_scenarios_at_80_columns_are_all_shown(tmp_path):
    res = upheaval("scenarios", str(NESTED))
    assert res.returncode == 0, res.stderr
    assert max(len(line) for line in res.stdout.splitlines()) <= 80
    assert _shown(res.stdout) == [f"S{k}" for k in range(1, 21)]
    assert "20 scenarios of 408,146,688" in res.stdout  # the closing count
    written = upheaval("scenarios", str(NESTED), "--csv", str(tmp_path / "s.csv"))
    assert written.returncode == 0 and "┃" not in written.stdout and not _compact(written.stdout)  # no table
    assert "20 scenarios of 408,146,688" in written.stdout and "(20 scenarios)" in written.stderr
    with open(tmp_path / "s.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    data = json.loads(upheaval("scenarios", str(NESTED), "--json").stdout)["scenarios"]
    assert [r["label"] for r in rows] == [s["label"] for s in data] == [f"S{k}" for k in range(1, 21)]
    system = load(str(NESTED))
    ids = [d.id for d in system.descriptors]
    assert [[r[i] for i in ids] for r in rows] == [s["variants"] for s in data]
    # every variant of every scenario is in the compact tableau, by its number
    assert _compact(res.stdout) == {s["label"]: [k + 1 for k in s["indices"]] for s in data}
    key = res.stdout.split("key:", 1)[1]
    for d in system.descriptors:
        assert f"{d.id}: " + " ".join(f"{k + 1} {v.id}" for k, v in enumerate(d.variants)) in " ".join(key.split())


def test_labels_after_an_intervention_are_those_of_the_unrestricted_set():
    system = load()
    cim = cib.compile_system(system)
    unfixed = cib.find_consistent(cim, 0)
    where = cib.find_consistent(cim, 0, where={"front": "destabilises"})
    assert 0 < len(where) < len(unfixed)
    res = upheaval("scenarios", "--where", "front=destabilises")
    assert res.returncode == 0, res.stderr
    position = {tuple(r): k + 1 for k, r in enumerate(unfixed.indices.tolist())}
    assert _shown(res.stdout) == [f"S{position[tuple(r)]}" for r in where.indices.tolist()]
    if len(where) == 1:
        assert "1 scenario of" in res.stdout and "1 scenarios" not in res.stdout
    fixed = cib.find_consistent(cim, 0, fix={"front": "destabilises"})
    res = upheaval("scenarios", "--fix", "front=destabilises")
    assert res.returncode == 0, res.stderr
    outside = 0
    expected = []
    for r in fixed.indices.tolist():
        if tuple(r) in position:
            expected.append(f"S{position[tuple(r)]}")
        else:
            outside += 1
            expected.append(f"X{outside}")
    assert _shown(res.stdout) == expected
    assert ("X-labelled" in res.stdout) == (outside > 0)


def test_basins_robustness_sensitivity_write_every_row_as_csv(tmp_path):
    system = load()
    cim = cib.compile_system(system)
    labels = {tuple(r): f"S{k + 1}" for k, r in enumerate(cib.find_consistent(cim, 2).indices.tolist())}
    ids = [d.id for d in system.descriptors]

    def rows(name: str) -> list[dict]:
        with open(tmp_path / name, newline="", encoding="utf-8") as fh:
            return list(csv.DictReader(fh))

    def key(row: dict) -> tuple:
        return tuple(cim.variant_ids[i].index(row[d]) for i, d in enumerate(ids))

    assert upheaval("basins", "--csv", str(tmp_path / "b.csv")).returncode == 0
    basins = rows("b.csv")
    assert sum(int(r["starts"]) for r in basins) == cim.n_scenarios
    for r in basins:
        assert r["label"] == (labels[key(r)] if r["kind"] == "consistent" else r["label"])
    res = upheaval("robustness", "--samples", "50", "--csv", str(tmp_path / "r.csv"))
    assert res.returncode == 0, res.stderr
    robust = rows("r.csv")
    assert len(robust) == len(labels)  # every candidate within --candidates 2, shown or not in the table
    assert all(r["label"] == labels[key(r)] for r in robust)
    assert all(w in res.stdout for f in system.futures for w in f.name.split())  # one row per future
    assert upheaval("sensitivity", "--csv", str(tmp_path / "se.csv")).returncode == 0
    assert {r["label"] for r in rows("se.csv")} <= set(labels.values())


def test_convert_says_what_scw_cannot_hold_and_the_way_back_invents_nothing(tmp_path):
    system = load()
    res = upheaval("convert", "dprk-ukraine-2024", str(tmp_path / "m.scw"))
    assert res.returncode == 0, res.stderr
    dropped = " ".join(res.stderr.split())
    assert f"dropped: {len(system.actors)} actors, {len(system.ties)} ties" in dropped
    assert f"{len(system.claims)} claims" in dropped and "use YAML to keep them" in dropped
    back = upheaval("convert", str(tmp_path / "m.scw"), str(tmp_path / "m.yaml"))
    assert back.returncode == 2 and "--as-of" in back.stderr and not (tmp_path / "m.yaml").exists()
    assert upheaval("convert", str(tmp_path / "m.scw"), str(tmp_path / "m.yaml"), "--as-of", "2024-11").returncode == 0
    text = (tmp_path / "m.yaml").read_text(encoding="utf-8")
    assert "as_of: 2024-11" in text and "holds no title: this is its file name" in text
    assert "2018" not in text
    assert upheaval("validate", str(tmp_path / "m.yaml")).returncode == 0


@pytest.mark.parametrize("args", [("events", "ingest", "missing.csv"), ("succession", "--start", "front=nowhere")])
def test_usage_errors_exit_2_without_a_traceback(tmp_path, args):
    res = upheaval(*args, cwd=tmp_path)
    assert res.returncode == 2
    assert "Traceback" not in res.stderr


@pytest.mark.parametrize("command", ["robustness", "pathways", "serve", "sensitivity", "basins"])
def test_help_paragraphs_wrap_at_the_terminal_width(command):
    """No ragged breaks: a help paragraph's lines fill the width, except its last."""
    out = upheaval(command, "--help").stdout
    head = re.split(r"\n(?:Arguments|Options):\n", out, maxsplit=1)[0]
    paragraphs = [p.splitlines() for p in re.split(r"\n\s*\n", head) if p.strip() and "Usage:" not in p]
    for lines in paragraphs:
        for line in lines[:-1]:
            assert len(line.rstrip()) >= 60, (command, line)
