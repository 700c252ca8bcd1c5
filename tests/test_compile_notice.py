"""The compile notice: shown only when numba really compiles (never for a cache load), at most once per run,
and followed by every other kernel in the same wait."""

from __future__ import annotations

from numba.core import event

from upheaval import analysis
from upheaval.cli import _common


def _compile_event() -> None:
    """What numba sends around a real compile (a cache load sends nothing)."""
    event.start_event("numba:compile", data={})
    event.end_event("numba:compile", data={})


def _run(monkeypatch, capsys, body) -> tuple[str, list[str]]:
    loaded: list[str] = []
    monkeypatch.setattr(_common, "_announced", [])
    monkeypatch.setattr(analysis, "load_kernels", lambda: loaded.append("all") or 0.0)
    body()
    return capsys.readouterr().err, loaded


def test_a_cache_load_says_nothing(monkeypatch, capsys):
    def body():
        with _common.compile_notice("search kernels"):
            pass

    err, loaded = _run(monkeypatch, capsys, body)
    assert err == "" and loaded == []


def test_a_compile_is_announced_once_and_loads_every_kernel(monkeypatch, capsys):
    def body():
        with _common.compile_notice("search kernels"):
            _compile_event()
            _compile_event()
        with _common.compile_notice("succession kernels"):  # a second load in the same run
            _compile_event()

    err, loaded = _run(monkeypatch, capsys, body)
    assert err.count("compiling the") == 1, err
    assert "compiling the engine's kernels (once per installation)..." in err
    assert err.count("compiled the engine's kernels in") == 1
    assert loaded == ["all"]
