"""Shared fixtures: paths to the test data, and the browser the page tests drive."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium, for the tests that drive pages; skipped, saying what to install, where it is missing
    or where Playwright's driver (a Node.js program in its wheel, which needs libatomic) cannot start."""
    if not CHROMIUM.exists():
        pytest.skip(
            f"Chromium is missing at {CHROMIUM}: the browser tests need it. `bash scripts/test` installs it when "
            "run as root; or `apt-get update && apt-get install -y chromium` (not `playwright install`)."
        )
    from playwright._impl._driver import compute_driver_executable

    node, _ = compute_driver_executable()
    run = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=120, check=False)
    if run.returncode != 0:
        why = run.stderr.strip()[-200:] or f"exit status {run.returncode}"
        pytest.skip(
            f"Playwright's driver does not start ({why}): `bash scripts/test` installs what it needs when run "
            "as root; or `apt-get install -y libatomic1`."
        )
    return CHROMIUM


@pytest.fixture
def data_dir() -> Path:
    """The folder of test data files."""
    return DATA


@pytest.fixture
def tiny_path() -> Path:
    """A two-descriptor model with a tie, citations, comments and claims."""
    return DATA / "tiny.yaml"
