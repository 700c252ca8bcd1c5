"""Atomic writes leave no temporary file behind: exceptions, Ctrl-C, SIGTERM; after SIGKILL, the next write."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from upheaval._io import write_text_atomic

ROOT = Path(__file__).parent.parent
# The writer stalls once the data is in the temporary file and before it is renamed (os.chmod comes
# between the two), so the signal always lands inside the write, however fast the machine.
WRITER = """
import os, sys, time
from upheaval._io import write_text_atomic
os.chmod = lambda *args, **kwargs: time.sleep(120)
write_text_atomic(sys.argv[1], b"x" * 1_000_000)
"""


def _sigint_as_default() -> None:
    """In the child: Ctrl-C's default action, even when the suite runs as a background job (which ignores it)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _temporaries(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.startswith(".target.yaml.")]


def _kill_while_writing(target: Path, sig: int) -> int:
    env = os.environ | {"PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(target)], env=env, stderr=subprocess.PIPE, preexec_fn=_sigint_as_default
    )
    deadline = time.monotonic() + 60
    while not _temporaries(target.parent) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    proc.send_signal(sig)
    proc.communicate(timeout=60)
    return proc.returncode


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, -signal.SIGINT)])
def test_a_signal_during_the_write_leaves_no_temporary_file(tmp_path: Path, sig: int, code: int) -> None:
    target = tmp_path / "target.yaml"
    target.write_text("old\n")
    returncode = _kill_while_writing(target, sig)
    assert returncode == code
    assert _temporaries(tmp_path) == []
    assert target.read_text() == "old\n"


def test_after_sigkill_the_next_write_removes_the_leftover(tmp_path: Path) -> None:
    target = tmp_path / "target.yaml"
    target.write_text("old\n")
    assert _kill_while_writing(target, signal.SIGKILL) == -signal.SIGKILL
    (leftover,) = _temporaries(tmp_path)
    assert leftover.name.endswith(".upheaval-tmp") and target.read_text() == "old\n"
    write_text_atomic(target, "new\n")
    assert _temporaries(tmp_path) == [] and target.read_text() == "new\n"


def test_a_running_writers_file_is_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "target.yaml"
    mine = tmp_path / f".target.yaml.{os.getppid()}.abcd.upheaval-tmp"  # a live process (our parent)
    mine.write_text("partial")
    write_text_atomic(target, "new\n")
    assert mine.exists()


def test_an_exception_during_the_write_removes_the_temporary_file(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "target.yaml"

    def fail(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_text_atomic(target, "new\n")
    assert _temporaries(tmp_path) == [] and not target.exists()


def test_the_file_and_its_folder_are_flushed_to_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """fsync of the data before the rename, then of the folder after it (else a power cut may lose either)."""
    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        calls.append("folder" if os.path.isdir(f"/proc/self/fd/{fd}") else "file")
        real_fsync(fd)

    def replace(src: str, dst: str) -> None:
        calls.append("rename")
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    write_text_atomic(tmp_path / "target.yaml", "id: x\n")
    assert calls == ["file", "rename", "folder"]
    assert (tmp_path / "target.yaml").read_text() == "id: x\n"
