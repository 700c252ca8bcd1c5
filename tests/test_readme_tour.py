"""The README, run as a new user would: a fresh copy of the repository, a virtual environment made
by exactly the README's first command, then every ``upheaval`` line and every Python block of the
README's code blocks, in the order the README shows them, verbatim, from the copy's root.

The steps are read from the README, so the README and this test cannot drift apart, and the test
makes no file of its own: every file a step uses is made by an earlier step (``upheaval init``, the
report, the event store...) or ships with the repository (``examples/``, ``tests/data/``). A new
``upheaval`` line added anywhere in the README's code blocks runs here with no change to this test.

Every step must exit 0 (a ``check`` may exit 1 with its finding on stdout, as the README says) and
print no traceback. The numba cache starts empty, as after a fresh install: no step may announce a
compile or leave a compiled kernel behind, since every model of the tour has at most a million
scenarios. ``serve`` is started on a free port (``--port`` added), fetched with a real HTTP GET and
stopped. A last test runs a model larger than a million scenarios twice in the same installation:
the compile is announced once, in the first run only. Run with ``pytest -m tour`` (``.ci/run``
does).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.tour

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
NOTICE = "compiling the"  # the start of the compile notice on stderr (cli._common.compile_notice)

# Commands that report a finding with exit 1, as the README says ("exit 1 on a failure"): for these the
# test asks for a result (exit 0, or 1 with output on stdout), never a usage error, a crash or a traceback.
CHECKS = {"check"}


@dataclass(frozen=True)
class Step:
    """One thing the README asks the reader to run: an ``upheaval`` command line, or a Python block."""

    kind: str  # "upheaval" or "python"
    text: str
    section: str

    @property
    def subcommand(self) -> str:
        return shlex.split(self.text)[1] if self.kind == "upheaval" else ""


def _blocks(text: str) -> list[tuple[str, str, str]]:
    """Every fenced code block of the README, in order: (language, body, the ``## `` section it is in)."""
    out = []
    for m in re.finditer(r"^```(\w*)\n(.*?)^```", text, flags=re.S | re.M):
        heading = re.findall(r"^## (.+)$", text[: m.start()], flags=re.M)
        out.append((m.group(1), m.group(2), heading[-1] if heading else ""))
    return out


def _command(line: str) -> str:
    """A README line without its trailing comment."""
    return re.split(r"\s+#\s", line, maxsplit=1)[0].strip()


def readme_install_command() -> str:
    """The Quickstart's first command: the only set-up the tour may rely on."""
    return next(_command(body.splitlines()[0]) for lang, body, sec in _blocks(_readme()) if sec == "Quickstart")


def readme_steps() -> list[Step]:
    """Every ``upheaval`` line of the README's bash blocks and every Python block, in the README's order."""
    steps = []
    for lang, body, section in _blocks(_readme()):
        if lang == "python":
            steps.append(Step("python", body, section))
        elif lang == "bash":
            for line in body.splitlines():
                cmd = _command(line)
                if cmd.startswith("upheaval "):
                    steps.append(Step("upheaval", cmd, section))
    return steps


def _readme() -> str:
    return README.read_text(encoding="utf-8")


def test_readme_lists_the_tour():
    """The parsing itself: the install line is the documented one, and the steps cover every part of the tour."""
    assert readme_install_command() == (
        "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/upheaval analyze"
    )
    steps = readme_steps()
    words = {s.subcommand for s in steps}
    for needed in ("serve", "track", "events", "report", "figure", "network", "convert", "basins", "robustness",
                   "sensitivity", "pathways", "ensemble", "succession", "validate", "scenarios", "check", "init",
                   "draft"):  # fmt: skip
        assert needed in words, needed
    assert any(s.kind == "python" for s in steps)


def _copy_repository(dest: Path) -> None:
    """The repository's own files (as a clone has them, uncommitted edits included), without venvs or caches."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    dest.mkdir(parents=True)
    packed = subprocess.run(
        ["tar", "--null", "--ignore-failed-read", "-T", "-", "-cf", "-"], cwd=ROOT, input=listed, capture_output=True
    )
    subprocess.run(["tar", "-xf", "-"], cwd=dest, input=packed.stdout, check=True)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "NUMBA_CACHE_DIR")}
    env["COLUMNS"] = "80"
    return env


def _run(cmd: str, cwd: Path, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run(
        cmd, shell=True, cwd=cwd, env=_env(), capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
    )


def _assert_ok(what: str, res: subprocess.CompletedProcess) -> None:
    detail = f"$ {what}\nexit {res.returncode}\n--- stdout\n{res.stdout[-3000:]}\n--- stderr\n{res.stderr[-3000:]}"
    assert res.returncode == 0, detail
    assert "Traceback" not in res.stderr, detail


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(cmd: str, cwd: Path) -> str:
    """Start the server on a free port, GET its first page, stop it; it must stop cleanly. Returns its stderr."""
    port = _free_port()
    args = [str(cwd / ".venv" / "bin" / "upheaval"), *shlex.split(cmd)[1:], "--port", str(port)]
    proc = subprocess.Popen(
        args, cwd=cwd, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True
    )
    try:
        deadline = time.monotonic() + 120
        body = ""
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as resp:
                    assert resp.status == 200
                    body = resp.read().decode("utf-8")
                    break
            except OSError:
                time.sleep(0.5)
        assert "dprk-ukraine-2024" in body or "upheaval" in body.lower(), "no page served"
    finally:
        proc.terminate()
        _out, err = proc.communicate(timeout=30)
    assert "Traceback" not in err, err
    return err


def _compiled_kernels(where: Path) -> list[str]:
    """The numba cache index files in the copy: one per kernel compiled since the install."""
    return sorted(p.name for p in (where / "src").rglob("*.nbi"))


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    """A copy of the repository with a virtual environment made by the README's first command alone."""
    where = tmp_path_factory.mktemp("tour") / "upheaval"
    _copy_repository(where)
    assert not _compiled_kernels(where), "the copy must start with an empty compile cache"
    cmd = readme_install_command()
    t0 = time.perf_counter()
    res = _run(cmd, where, timeout=1800)
    _assert_ok(cmd, res)
    print(f"README install and first analyze: {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    assert "Consistent scenarios" in res.stdout
    assert NOTICE not in res.stderr, res.stderr
    return where


def test_every_readme_step_works_after_the_readme_install(fresh):
    venv = fresh / ".venv" / "bin"
    timings = []
    t_all = time.perf_counter()
    for step in readme_steps():
        t0 = time.perf_counter()
        if step.kind == "python":
            res = subprocess.run(
                [str(venv / "python"), "-c", step.text], cwd=fresh, env=_env(), capture_output=True, text=True,
                timeout=900, stdin=subprocess.DEVNULL,
            )  # fmt: skip
            _assert_ok(f"python block of {step.section}:\n{step.text}", res)
        elif step.subcommand == "serve":
            err = _serve(step.text, fresh)
            assert NOTICE not in err, err
        else:
            res = _run(f"{venv}/{step.text}", fresh)
            if step.subcommand in CHECKS and res.returncode == 1 and res.stdout.strip():
                res = subprocess.CompletedProcess(res.args, 0, res.stdout, res.stderr)  # a finding, reported
            _assert_ok(step.text, res)
            assert NOTICE not in res.stderr, f"$ {step.text} announced a compile:\n{res.stderr[-2000:]}"
        timings.append((time.perf_counter() - t0, step.text.splitlines()[0]))
    assert not _compiled_kernels(fresh), "a step of the tour compiled kernels (every model has <= 1M scenarios)"
    for path in ("report.html", "report.pdf", "actors.gexf", "network.png", "s2.svg", "track.png", "dyad.png",
                 "my-system.scw", "events.duckdb", "near.csv", "draft.yaml"):  # fmt: skip
        assert (fresh / path).stat().st_size > 0, path
    # convert and back: the YAML read back from the tour's .scw gives the same scenarios
    first = _run(f"{venv}/upheaval scenarios my-system.yaml --json", fresh)
    again = _run(f"{venv}/upheaval scenarios back.yaml --json", fresh)
    _assert_ok("scenarios back.yaml", again)
    indices = [s["indices"] for s in json.loads(first.stdout)["scenarios"]]  # ids are remade from the labels
    assert indices and indices == [s["indices"] for s in json.loads(again.stdout)["scenarios"]]
    print(f"README steps: {len(timings)} in {time.perf_counter() - t_all:.0f} s; slowest:", file=sys.stderr)
    for seconds, what in sorted(timings, reverse=True)[:5]:
        print(f"{seconds:6.1f} s  {what}", file=sys.stderr)


def test_a_large_model_compiles_once_per_installation(fresh):
    """Above a million scenarios the kernels compile once, announced once, and never again: not in the next
    run, not for another command that needs other kernels."""
    venv = fresh / ".venv" / "bin"
    runs = [
        "upheaval scenarios tests/data/scenariowizard/CIB_nested.scw",
        "upheaval basins tests/data/scenariowizard/CIB_natl_regional.scw --max-exact 0 --samples 2000",
        "upheaval scenarios tests/data/scenariowizard/CIB_nested.scw",
    ]
    notices = []
    for cmd in runs:
        res = _run(f"{venv}/{cmd}", fresh, timeout=1800)
        _assert_ok(cmd, res)
        notices.append(res.stderr.count(NOTICE))
    assert notices == [1, 0, 0], notices
