"""The exceptions upheaval raises, in one tree.

* UpheavalError            base of everything upheaval raises on purpose
  + ModelError             a model file (YAML or .scw) is invalid; holds every Problem found
  + EngineError            the CIB engine was asked something it cannot answer
    x SearchBudgetExceeded a complete search would take longer than the budget allows
  + EventDataError         an event file or event database cannot be read

Every error's message says what is wrong and what to do about it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "EngineError",
    "EventDataError",
    "ModelError",
    "Problem",
    "SearchBudgetExceeded",
    "UpheavalError",
]


class UpheavalError(Exception):
    """Base class of every error upheaval raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a model file, located as precisely as the file allows.

    ``code`` is a stable identifier (``unknown-reference``, ``duplicate-id``...),
    ``field`` the dotted path of the offending field (``impacts[3].to``),
    ``line`` and ``column`` are 1-based (0 when unknown).
    """

    code: str
    message: str
    field: str = ""
    line: int = 0
    column: int = 0
    help: str = ""
    source_line: str = ""

    def render(self, path: str | Path | None = None) -> str:
        """Format like a compiler diagnostic: location, source line, caret and help."""
        where = str(path) if path else "<model>"
        if self.line:
            where += f":{self.line}:{self.column or 1}"
        head = f"error[{self.code}]: {self.message}"
        if self.field:
            head += f" (field `{self.field}`)"
        lines = [head, f"  --> {where}"]
        if self.source_line:
            num = str(self.line)
            pad = " " * len(num)
            caret_at = max(self.column - 1, 0)
            shown = self.source_line
            if len(shown) > 100:  # a window around the column, so a long line stays readable
                start = max(caret_at - 50, 0)
                shown = ("…" if start else "") + shown[start : start + 100] + ("…" if start + 100 < len(shown) else "")
                caret_at -= start - (1 if start else 0)
            lines += [
                f"{pad} |",
                f"{num} | {shown}",
                f"{pad} | {' ' * caret_at}^",
            ]
        if self.help:
            lines.append(f"  help: {self.help}")
        return "\n".join(lines)


@dataclass
class ModelError(UpheavalError):
    """A model file is invalid. ``problems`` holds every problem found, not only the first."""

    path: str | None
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.render())

    def render(self) -> str:
        """All problems, one diagnostic each, and a count at the end."""
        body = "\n\n".join(p.render(self.path) for p in self.problems)
        n = len(self.problems)
        return f"{body}\n\n{n} problem{'s' if n != 1 else ''} in {self.path or '<model>'}"

    def __str__(self) -> str:
        return self.render()


class EngineError(UpheavalError):
    """The CIB engine was asked something it cannot answer (bad shape, unknown variant...)."""


class SearchBudgetExceeded(EngineError):
    """A complete search would exceed the time or size budget the caller set."""


class EventDataError(UpheavalError):
    """An event file or event database cannot be read or is not in the expected layout."""
