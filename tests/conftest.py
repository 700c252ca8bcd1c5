"""Shared fixtures: paths to the test data."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def data_dir() -> Path:
    """The folder of test data files."""
    return DATA


@pytest.fixture
def tiny_path() -> Path:
    """A two-descriptor model with a tie, citations, comments and claims."""
    return DATA / "tiny.yaml"
