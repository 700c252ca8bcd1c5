"""Where a view registers how to tell the user that compiled kernels are being built (no imports: cheap to set)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

__all__ = ["compile_notice", "set_compile_notice"]

compile_notice: Callable[[str], AbstractContextManager[None]] | None = None


def set_compile_notice(notice: Callable[[str], AbstractContextManager[None]] | None) -> None:
    """Register ``notice(what)``, a context manager entered while kernels load or compile (None: silent)."""
    global compile_notice
    compile_notice = notice
