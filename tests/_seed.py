"""Where the tests find the seed commentary, which the repository does not ship.

Drew Thompson's RSIS commentary (November 2024), the source of the built-in model: its publisher asks
for permission to reproduce it, so its text is not part of the repository. Tests that read it look for
the file named by ``UPHEAVAL_SEED`` (a file, or a folder holding it), then beside the repository
(``../shared/seed``); without it they skip with :data:`ABSENT` as the reason.
"""

from __future__ import annotations

import os
from pathlib import Path

NAME = "000_f03b6d0b2c9a8991.txt"
ABSENT = (
    "the seed commentary is not in the repository (its publisher, RSIS, asks for permission to reproduce it); "
    "set UPHEAVAL_SEED to its file to run this test"
)


def _find() -> Path:
    env = os.environ.get("UPHEAVAL_SEED")
    if env:
        given = Path(env)
        return given / NAME if given.is_dir() else given
    return Path(__file__).resolve().parents[2] / "shared" / "seed" / NAME


SEED = _find()
