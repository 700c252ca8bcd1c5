"""Small wording helpers shared by every view: counts with the right plural."""

from __future__ import annotations

__all__ = ["counted", "of_consistent"]


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``1 scenario``, ``2 scenarios``, ``1,234 scenarios``."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def of_consistent(n: int) -> str:
    """How to say "all N consistent scenarios": ``the only consistent scenario`` when N is 1."""
    return "the only consistent scenario" if n == 1 else f"all {n:,} consistent scenarios"
