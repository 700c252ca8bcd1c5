"""One word per concept: the old names still work, say so, and name the new one."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import upheaval
from upheaval import analysis, events, network, web
from upheaval.cli import app
from upheaval.model import coverage, dump_yaml, parse_yaml
from upheaval.model._yaml import read_yaml

DATA = Path(__file__).parent / "data"
runner = CliRunner()


@pytest.mark.parametrize(
    ("module", "old", "new"),
    [
        (network, "blocs", "camps"),
        (network, "BlocPartition", "CampPartition"),
        (analysis, "CellChange", "ImpactChange"),
        (analysis, "editable_cells", "editable_impacts"),
        (upheaval, "blocs", "camps"),
        (web, "Document", "OpenModel"),
        (events, "FORMATS", "EVENT_FORMATS"),
        (network, "FORMATS", "NETWORK_FORMATS"),
        (network, "Disagreement", "CampMismatch"),
    ],
)
def test_an_old_name_is_the_new_one_with_a_deprecation_warning(module, old, new):
    with pytest.warns(DeprecationWarning, match=f"old name of `{module.__name__}.{new}`"):
        value = getattr(module, old)
    assert value is getattr(module, new)
    assert old not in module.__all__ and new in module.__all__
    with pytest.raises(AttributeError):
        module.no_such_name  # noqa: B018


def test_one_public_name_is_one_thing_across_the_packages():
    """A name in two packages' ``__all__`` is the same object re-exported, never two different things."""
    packages = [upheaval] + [
        importlib.import_module(f"upheaval.{m.name}") for m in pkgutil.iter_modules(upheaval.__path__)
        if not m.name.startswith("_")
    ]  # fmt: skip
    owners: dict[str, list[tuple[str, object]]] = {}
    for package in packages:
        for name in package.__all__:
            owners.setdefault(name, []).append((package.__name__, getattr(package, name)))
    assert len(packages) > 10 and len(owners) > 200
    clashes = {n: [p for p, _ in where] for n, where in owners.items() if len({id(v) for _, v in where}) > 1}
    assert clashes == {}


def test_a_broker_still_answers_to_between_blocs():
    system = upheaval.load()
    (b, *_) = network.brokers(system)
    with pytest.warns(DeprecationWarning, match="between_camps"):
        assert b.between_blocs == b.between_camps


def _old(text: str) -> str:
    return text.replace("fix: {", "given: {").replace("where: {", "if: {")


def test_old_claim_keys_are_read_with_a_warning_naming_file_line_and_new_key(tmp_path):
    new_text = (DATA / "tiny.yaml").read_text()
    old_text = _old(new_text)
    assert old_text != new_text and "if: {x: lo}" in old_text
    path = tmp_path / "old.yaml"
    path.write_text(old_text)
    old, new = read_yaml(path), read_yaml(DATA / "tiny.yaml")
    assert [c.check for c in old.claims] == [c.check for c in new.claims]
    (f,) = [f for f in coverage(old) if f.code == "claim-key"]
    line = 1 + old_text.splitlines().index(next(x for x in old_text.splitlines() if "if: {x: lo}" in x))
    assert f.location == f"{path}:{line}"
    assert "`if:`" in f.message and "`where:`" in f.message and "write `where:`" in f.help
    assert not [f for f in coverage(new) if f.code == "claim-key"]
    res = runner.invoke(app, ["validate", str(path)], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert f"{path}:{line}" in res.output and "claim-key" in res.output
    # a save writes the new keys, and what it writes reads back without the warning
    written = dump_yaml(old.model_copy(update={"title": "Tiny, edited"}))  # an edit: the text is written again
    assert "where: {x: lo}" in written and "if:" not in written
    assert not [f for f in coverage(parse_yaml(written)) if f.code == "claim-key"]


def test_the_builtin_model_and_examples_use_the_new_keys():
    roots = [Path(upheaval.__file__).parent / "systems", DATA.parent.parent / "examples"]
    files = [p for r in roots if r.exists() for p in r.glob("*.yaml")]
    assert files
    for p in files:
        system = read_yaml(p)
        assert not [f for f in coverage(system) if f.code in ("claim-key", "bloc-key")], p
