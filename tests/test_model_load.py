"""Loading, validating and saving model files."""

from __future__ import annotations

from pathlib import Path

import pytest

from upheaval import load, save_system
from upheaval.errors import ModelError
from upheaval.model import dump_yaml, parse_yaml


def _problems(text: str, path: str = "m.yaml") -> list:
    with pytest.raises(ModelError) as info:
        parse_yaml(text, path)
    return info.value.problems


def test_tiny_loads(tiny_path: Path) -> None:
    s = load(tiny_path)
    assert s.id == "tiny"
    assert [d.id for d in s.descriptors] == ["x", "y"]
    assert s.ties[0].amount == 5 and s.ties[0].rate == "month"
    assert s.n_scenarios == 4


def test_round_trip_is_exact(tiny_path: Path, tmp_path: Path) -> None:
    text = tiny_path.read_text()
    out = tmp_path / "copy.yaml"
    save_system(load(tiny_path), out)
    assert out.read_text() == text


def test_edit_keeps_comments_and_order(tiny_path: Path) -> None:
    s = load(tiny_path)
    s.impacts[0].values["lo"]["lo"] = 3
    s.impacts[0].rationale = "Changed."
    text = dump_yaml(s)
    assert "# A two-descriptor system used by the tests." in text
    assert "# five of them" in text
    reloaded = parse_yaml(text)
    assert reloaded.impacts[0].values["lo"]["lo"] == 3
    assert reloaded.impacts[0].rationale == "Changed."
    keys = [line.split(":")[0] for line in text.splitlines() if line and not line.startswith((" ", "#", "-"))]
    assert keys == ["id", "title", "as_of", "sources", "actors", "ties", "descriptors", "impacts", "claims"]


BAD = """\
id: bad
title: Bad model
as_of: 2024-11-30
sources:
  - id: doc
    title: A document
    sections: [Intro, Body]
actors:
  - code: AAA
    name: Alpha
  - code: AAA
    name: Alpha again
ties:
  - id: t1
    from: AAA
    to: BBX
    kind: aid
    cites:
      - {source: dok, section: Intro, paragraph: 1}
descriptors:
  - id: x
    label: X
    variants:
      - {id: lo, label: Low}
      - {id: hi, label: High}
  - id: y
    label: Y
    variants:
      - {id: lo, label: Low}
      - {id: hi, label: High}
impacts:
  - from: x
    to: y
    values:
      lo: {lo: 4, hi: -2}
      hi: {lo: -1, hx: 1}
    cites:
      - {source: doc, section: Bdy, paragraph: 2}
  - from: x
    to: x
    values:
      lo: {hi: 1}
  - from: z
    to: y
    values: {}
colour: blue
"""


def test_all_problems_reported_together_with_locations() -> None:
    problems = _problems(BAD)
    by_code = {}
    for p in problems:
        by_code.setdefault(p.code, []).append(p)
    # every kind of mistake in the file is reported, in one pass
    assert {
        "duplicate-id",
        "unknown-reference",
        "unknown-source",
        "out-of-range",
        "unknown-section",
        "self-impact",
        "extra-forbidden",
    } <= set(by_code)
    dup = by_code["duplicate-id"][0]
    assert (dup.line, dup.field) == (11, "actors[1].code")
    unknown_actor = next(p for p in by_code["unknown-reference"] if "BBX" in p.message)
    assert unknown_actor.line == 16 and unknown_actor.column == 9
    assert "AAA" in unknown_actor.help
    src = by_code["unknown-source"][0]
    assert src.line == 19 and "doc" in src.help
    rng = by_code["out-of-range"][0]
    assert rng.line == 35 and rng.field == "impacts[0].values.lo.lo" and "-3 to +3" in rng.help
    hx = next(p for p in by_code["unknown-reference"] if "hx" in p.message)
    assert hx.line == 36 and "did you mean `hi`" in hx.help
    assert by_code["unknown-section"][0].help == "did you mean `Body`?"
    assert "diagonal: true" in by_code["self-impact"][0].help
    assert by_code["extra-forbidden"][0].line == 46
    z = next(p for p in by_code["unknown-reference"] if "`z`" in p.message)
    assert z.line == 43


def test_rendered_error_points_at_the_spot() -> None:
    with pytest.raises(ModelError) as info:
        parse_yaml(BAD, "bad.yaml")
    text = str(info.value)
    assert "--> bad.yaml:35:" in text
    assert "35 |       lo: {lo: 4, hi: -2}" in text
    assert "help: impacts run from -3 to +3" in text
    assert text.rstrip().endswith(f"{len(info.value.problems)} problems in bad.yaml")


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        (
            "id: a\ntitle: t\nas_of: 2024-13\ndescriptors:\n  - id: x\n    label: X\n    variants: [{id: a, label: A}, {id: b, label: B}]\n",
            "value-error",
            3,
        ),
        ("id: a\ntitle: [unclosed\n", "yaml-syntax", 3),
        ("- just\n- a list\n", "not-a-mapping", 1),
        ("id: a\x07b\n", "control-character", 1),
        ("id: a\ntitle: t\nas_of: 2024\n", "missing", 0),
        (
            "id: a\ntitle: t\nas_of: 2024\ndescriptors:\n  - id: x\n    label: X\n    variants: [{id: a, label: A}]\n",
            "too-short",
            7,
        ),
        (
            "id: 1abc\ntitle: t\nas_of: 2024\ndescriptors:\n  - id: x\n    label: X\n    variants: [{id: a, label: A}, {id: b, label: B}]\n",
            "string-pattern-mismatch",
            1,
        ),
    ],
)
def test_single_problems(text: str, code: str, line: int) -> None:
    problems = _problems(text)
    assert problems[0].code == code
    if line:
        assert problems[0].line == line


def test_unknown_builtin_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="neither a model file"):
        load("no-such-model")
    with pytest.raises(ModelError, match="no such file"):
        load(tmp_path / "absent.yaml")


def test_save_is_atomic(tiny_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "m.yaml"
    target.write_text("original")
    s = load(tiny_path)
    import upheaval._io as io_

    def boom(*_a, **_k):
        raise OSError("disk full")

    monkeypatch.setattr(io_.os, "replace", boom)
    with pytest.raises(OSError):
        save_system(s, target)
    assert target.read_text() == "original"
    assert [p.name for p in tmp_path.iterdir()] == ["m.yaml"]


def test_fast_and_located_parsers_agree(tiny_path: Path) -> None:
    import upheaval.model._yaml as y

    for text in (tiny_path.read_text(), load.__globals__["builtin_models"]()["dprk-ukraine-2024"].read_text()):
        fast = y._fast_parse(text)
        assert fast is not None
        slow_doc = y._yaml().load(text)
        assert fast.model_dump() == y.System.model_validate(y._plain(slow_doc)).model_dump()


def test_plain_scalars_follow_yaml_1_2() -> None:
    # YAML 1.1 would read `no` as false and 010 as octal 8; the model format is YAML 1.2.
    text = """\
id: m
title: t
as_of: 2024
sources: [{id: doc, title: D}]
descriptors:
  - {id: x, label: X, variants: [{id: no, label: No}, {id: yes, label: Yes}]}
  - {id: y, label: Y, variants: [{id: on, label: On}, {id: off, label: Off}]}
impacts:
  - from: x
    to: y
    values: {no: {on: 1}}
    cites: [{source: doc, section: S, paragraph: 010}]
"""
    s = parse_yaml(text)
    assert s.descriptors[0].variant_ids() == ["no", "yes"]
    assert s.impacts[0].values == {"no": {"on": 1}}
    assert s.impacts[0].cites[0].paragraph == 10


def test_saved_file_gets_normal_permissions(tiny_path: Path, tmp_path: Path) -> None:
    import os

    umask = os.umask(0o022)
    try:
        out = tmp_path / "new.yaml"
        save_system(load(tiny_path), out)
        assert out.stat().st_mode & 0o777 == 0o644
        out.chmod(0o600)
        save_system(load(tiny_path), out)
        assert out.stat().st_mode & 0o777 == 0o600  # an existing file keeps its mode
    finally:
        os.umask(umask)


_ROWS_AND_FUTURES = """\
id: t
title: T
as_of: 2024-11
sources: [{id: r, title: R, sections: [A, B]}]
descriptors:
  - {id: front, label: Front, variants: [{id: holds, label: Holds}, {id: destabilises, label: Gives way}]}
  - {id: cw, label: China-West, variants: [{id: comp, label: Competition}, {id: conf, label: Confrontation}]}
impacts:
  - from: front
    to: cw
    values:
      holds: {comp: 1, conf: -1}
      destabilises: {comp: -2, conf: 2}
    rationale: The section's reason.
    cites: [{source: r, section: A, paragraph: 1}]
    rows:
      destabilises:
        rationale: The collapse row's reason.
        cites: [{source: r, section: B, paragraph: 2}]
futures:
  - {id: rupture, name: Rupture, summary: Confrontation., match: {cw: conf}}
  - {id: calm, name: Calm, match: {front: [holds], cw: comp}}
"""


def test_row_rationales_and_futures_load_and_round_trip() -> None:
    system = parse_yaml(_ROWS_AND_FUTURES)
    imp = system.impacts[0]
    why, cites = imp.reason("destabilises")
    assert why == "The collapse row's reason." and [c.paragraph for c in cites] == [2]
    why, cites = imp.reason("holds")
    assert why == "The section's reason." and [c.paragraph for c in cites] == [1]
    assert system.future_of({"front": "destabilises", "cw": "conf"}).id == "rupture"
    assert system.future_of({"front": "holds", "cw": "conf"}).id == "rupture"  # the first match wins
    assert system.future_of({"front": "holds", "cw": "comp"}).id == "calm"
    assert system.future_of({"front": "destabilises", "cw": "comp"}) is None
    again = parse_yaml(dump_yaml(system))
    assert again.impacts[0].rows == imp.rows and again.futures == system.futures


@pytest.mark.parametrize(
    ("old", "new", "code", "field"),
    [
        ("      destabilises:\n        rationale", "      destabilise:\n        rationale", "unknown-reference", "impacts[0].rows.destabilise"),
        ("        rationale: The collapse row's reason.\n        cites: [{source: r, section: B, paragraph: 2}]\n", "        {}\n", "empty-row", "impacts[0].rows.destabilises"),
        ("section: B, paragraph: 2", "section: C, paragraph: 2", "unknown-section", "impacts[0].rows.destabilises.cites[0].section"),
        ("match: {cw: conf}", "match: {cw: confront}", "unknown-reference", "futures[0].match.cw"),
        ("match: {cw: conf}", "match: {china: conf}", "unknown-reference", "futures[0].match.china"),
        ("{id: calm, name: Calm", "{id: rupture, name: Calm", "duplicate-id", "futures[1].id"),
        ("name: Calm, ", "", "missing", "futures[1].name"),
    ],
)  # fmt: skip
def test_row_and_future_problems_are_located(old: str, new: str, code: str, field: str) -> None:
    text = _ROWS_AND_FUTURES.replace(old, new)
    assert text != _ROWS_AND_FUTURES
    with pytest.raises(ModelError) as err:
        parse_yaml(text)
    found = [(p.code, p.field) for p in err.value.problems]
    assert (code, field) in found, found
    problem = next(p for p in err.value.problems if p.code == code)
    assert problem.line > 0
