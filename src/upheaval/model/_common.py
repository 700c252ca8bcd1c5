"""Pieces shared by every part of a model: ids, partial dates, citations."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ID_PATTERN", "Citation", "Cites", "Id"]


ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_\-]*$"
PARTIAL_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")

Id = Annotated[str, Field(pattern=ID_PATTERN, min_length=1, max_length=80)]


def check_partial_date(value: Any) -> str | None:
    """Accept ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (YAML dates arrive as date objects)."""
    if value is None:
        return None
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    if not PARTIAL_DATE.match(text):
        raise ValueError(f"{text!r} is not a date; write YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2024-10")
    return text


class _Part(BaseModel):
    """Base of every model part: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=False)


class Citation(_Part):
    """A place in a source: its section and paragraph (1-based), optionally a short quote.

    A source without sections is cited by paragraph alone (``section`` left out). When the
    source points at its text (``path``), the section, the paragraph and the quote are
    checked against that text.
    """

    source: Id
    section: str | None = Field(default=None, min_length=1)
    paragraph: int = Field(ge=1)
    quote: str | None = Field(default=None, max_length=160)

    def label(self) -> str:
        """``source §section ¶n`` (or ``source ¶n``) as shown to readers."""
        where = f" §{self.section}" if self.section else ""
        return f"{self.source}{where} ¶{self.paragraph}"


Cites = Annotated[list[Citation], Field(default_factory=list)]
