"""The README's tour, run as a new user would: a fresh virtual environment made by exactly the README's
first command (no extras), then every command of the tour against it.

The commands are read from the README's code blocks, so the README and this test cannot drift apart.
Each must exit 0 (``check`` included: the built-in model's claims pass) and print no traceback. The
server is started, fetched with a real HTTP GET and stopped. Run with ``pytest -m tour`` (``.ci/run``
does); it builds its environment in a temporary copy of the repository's files.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.tour

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
ICEWS = (
    next(
        (
            p
            for p in (ROOT.parent / "shared", Path("/work/shared"))  # beside the clone in CI; the shared folder here
            if (p / "data" / "icews" / "events.2018.sample.even.tab").exists()
        ),
        ROOT.parent / "shared",
    )
    / "data"
    / "icews"
    / "events.2018.sample.even.tab"
)

# The few tour lines that name files a reader has and this test has not: what runs instead, and why.
SUBSTITUTES = {
    # the event files a user downloads: the real ICEWS rows beside the repository (see ../shared/data)
    "upheaval events ingest 20241101.export.CSV.zip acled.csv --db events.duckdb": (
        f"upheaval events ingest {ICEWS} --db events.duckdb"
    ),
}


# Checks that report a finding with exit 1, as the README says ("exit 1 on a failure"): for these the
# test asks for a result (exit 0 or 1, output on stdout), never a usage error, a crash or a traceback.
CHECKS = {"upheaval check --audit"}


def _blocks(text: str, heading: str) -> list[list[str]]:
    """The ```bash blocks of the README section that starts with ``heading`` (up to the next ``## ``)."""
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    section = text[start : end if end > 0 else None]
    return [block.strip("\n").splitlines() for block in re.findall(r"```bash\n(.*?)```", section, flags=re.S)]


def _command(line: str) -> str:
    """A README line without its trailing comment."""
    return re.split(r"\s+#\s", line, maxsplit=1)[0].strip()


def readme_install_command() -> str:
    return _command(_blocks(README.read_text(encoding="utf-8"), "## Quickstart")[0][0])


def readme_tour_commands() -> list[str]:
    lines = [_command(line) for block in _blocks(README.read_text(encoding="utf-8"), "## A tour") for line in block]
    return [SUBSTITUTES.get(line, line) for line in lines if line]


def test_readme_lists_the_tour():
    """The parsing itself: the install line is the documented one, and the tour covers every part."""
    assert readme_install_command() == (
        "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/upheaval analyze"
    )
    words = {shlex.split(c)[1] for c in readme_tour_commands()}
    for needed in ("serve", "track", "events", "report", "figure", "network", "convert", "basins", "robustness",
                   "sensitivity", "pathways", "ensemble", "succession", "validate", "scenarios", "check"):  # fmt: skip
        assert needed in words, needed


def _copy_repository(dest: Path) -> None:
    """The repository's own files (as a clone has them, uncommitted edits included), without venvs or caches."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, listed):
        src = ROOT / os.fsdecode(name)
        if src.is_file():
            target = dest / os.fsdecode(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "NUMBA_CACHE_DIR")}
    env["COLUMNS"] = "80"
    return env


def _run(cmd: str, cwd: Path, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run(
        cmd, shell=True, cwd=cwd, env=_env(), capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
    )


def _assert_ok(cmd: str, res: subprocess.CompletedProcess) -> None:
    detail = f"$ {cmd}\nexit {res.returncode}\n--- stdout\n{res.stdout[-3000:]}\n--- stderr\n{res.stderr[-3000:]}"
    assert res.returncode == 0, detail
    assert "Traceback" not in res.stderr, detail


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(cmd: str, cwd: Path) -> None:
    """Start the server on a free port, GET its first page, stop it; it must stop cleanly."""
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


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    """A copy of the repository with a virtual environment made by the README's first command alone."""
    where = tmp_path_factory.mktemp("tour") / "upheaval"
    _copy_repository(where)
    cmd = readme_install_command()
    t0 = time.perf_counter()
    res = _run(cmd, where, timeout=1800)
    _assert_ok(cmd, res)
    print(f"README install and first analyze: {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    assert "Consistent scenarios" in res.stdout
    return where


def _write_ensemble_members(cwd: Path) -> None:
    """a.yaml and b.yaml: the built-in model as two experts would hand it in, the second judging one cell otherwise."""
    _assert_ok("convert a.yaml", _run(".venv/bin/upheaval convert dprk-ukraine-2024 a.yaml", cwd))
    text = (cwd / "a.yaml").read_text(encoding="utf-8")
    changed, n = re.subn(r"(\{[^{}\n]*?:\s*)(-?[0-3])\b", lambda m: m.group(1) + ("1" if m.group(2) != "1" else "2"),
                         text, count=1)  # fmt: skip
    assert n == 1
    (cwd / "b.yaml").write_text(changed, encoding="utf-8")


def _write_my_system(cwd: Path) -> None:
    """my-system.yaml: the README's own example of the model format."""
    text = README.read_text(encoding="utf-8")
    example = re.search(r"## The model format.*?```yaml\n(.*?)```", text, flags=re.S)
    assert example, "the README shows no model example"
    (cwd / "my-system.yaml").write_text(example.group(1), encoding="utf-8")


def test_every_tour_command_works_after_the_readme_install(fresh):
    _write_my_system(fresh)
    _write_ensemble_members(fresh)
    venv_bin = fresh / ".venv" / "bin"
    timings = []
    for cmd in readme_tour_commands():
        words = shlex.split(cmd)
        assert words[0] == "upheaval", cmd
        if words[1] == "serve":
            _serve(cmd, fresh)
            continue
        t0 = time.perf_counter()
        res = _run(f"{venv_bin}/{cmd}", fresh)
        timings.append((time.perf_counter() - t0, cmd))
        if cmd in CHECKS and res.returncode == 1 and res.stdout.strip():
            res = subprocess.CompletedProcess(res.args, 0, res.stdout, res.stderr)  # a finding, reported
        _assert_ok(cmd, res)
    for path in ("report.html", "report.pdf", "actors.gexf", "network.png", "s2.svg", "track.png", "dyad.png",
                 "my-system.scw", "events.duckdb", "near.csv"):  # fmt: skip
        assert (fresh / path).stat().st_size > 0, path
    # convert and back: the YAML read back from the tour's .scw gives the same scenarios
    first = _run(f"{venv_bin}/upheaval scenarios my-system.yaml --json", fresh)
    again = _run(f"{venv_bin}/upheaval scenarios back.yaml --json", fresh)
    _assert_ok("scenarios back.yaml", again)
    for seconds, cmd in sorted(timings, reverse=True)[:5]:
        print(f"{seconds:6.1f} s  {cmd}", file=sys.stderr)
    indices = [s["indices"] for s in json.loads(first.stdout)["scenarios"]]  # ids are remade from the labels
    assert indices and indices == [s["indices"] for s in json.loads(again.stdout)["scenarios"]]
