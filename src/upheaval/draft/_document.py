"""A commentary's text (plain, Markdown or HTML) as a titled document of numbered sections and paragraphs.

The text is split into blocks by the same reader that checks citations against a source's text
(:func:`upheaval.model._sources.text_blocks`), so a draft's citations check out against it. The
numbering is the one citations use: sections are the text's own headings, paragraphs are
numbered from 1 inside each section, and a paragraph that the text splits across a page break
(it ends without closing punctuation and the next one starts in lower case) counts as one.
Paragraphs before the first heading that are not front matter form a section named after the
document; paragraphs after a horizontal rule (``---``) are back matter (the author's note, the
publisher's address) and are kept apart from the last section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from upheaval.errors import ModelError, Problem
from upheaval.model._sources import Block, join_page_breaks, text_blocks

__all__ = ["Document", "Paragraph", "Section", "read_document", "sentences"]


@dataclass(frozen=True)
class Paragraph:
    """One paragraph: its section's title, its 1-based number there, and its text."""

    section: str
    number: int
    text: str


@dataclass
class Section:
    """A headed part of the document with its paragraphs."""

    title: str
    paragraphs: list[Paragraph] = field(default_factory=list)


@dataclass
class Document:
    """A commentary: title, byline, publisher, date (as the text gives them) and its sections."""

    title: str
    sections: list[Section]
    author: str | None = None
    publisher: str | None = None
    date: str | None = None
    front: list[str] = field(default_factory=list)
    back: list[str] = field(default_factory=list)

    def paragraphs(self):
        """Every paragraph of every section, in order."""
        for s in self.sections:
            yield from s.paragraphs


# ---------------------------------------------------------------------------------------------- document


def _title_case(text: str) -> str:
    """An all-capitals heading in title case ("SYNOPSIS" → "Synopsis"); other headings as they are."""
    if text.isupper() and len(text) > 3:
        small = {"a", "an", "and", "of", "the", "in", "on", "for", "to", "with", "by", "at", "or"}
        words = text.lower().split()
        return " ".join(w if (i and w in small) else w[:1].upper() + w[1:] for i, w in enumerate(words))
    return text


_BYLINE = re.compile(r"^(?:by|written by)\s+(.+?)\.?$", re.I)
_PUBLISHER = re.compile(
    r"\b((?:[A-Z][\w.'’-]*\s+){0,6}(?:School|Institute|Centre|Center|Council|Foundation|Programme|Program|"
    r"University|Observatory|Forum|Academy)\b(?:\s+(?:of|for)\s+(?:[A-Z][\w.'’-]*\s*){1,5})?(?:\s*\([A-Z]{2,8}\))?)"
)
_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_PUB_DATE = re.compile(
    rf"^\s*(?:published\s*:?\s*)?(\d{{1,2}}\s+(?:{_MONTHS})\.?\s+\d{{4}}|(?:{_MONTHS})\.?\s+(?:\d{{1,2}},\s*)?\d{{4}}|\d{{4}}-\d{{2}}(?:-\d{{2}})?)\s*$",
    re.I,
)


def _document(blocks: list[Block], page_title: str, fallback_title: str) -> Document:
    headings = [b for b in blocks if b.kind == "heading"]
    top = min((b.level for b in headings), default=0)
    # The first heading is the title when it is at the top level and nothing but front matter
    # (emphasised notices) comes before it, and it is either the only top-level heading or
    # followed by deeper ones (a document of equal headings has no title heading).
    title_block = None
    if headings and headings[0].level == top:
        before = blocks[: blocks.index(headings[0])]
        alone = sum(1 for b in headings if b.level == top) == 1
        deeper = any(b.level > top for b in headings)
        if all(b.kind == "para" and b.emphasis for b in before) and (alone or deeper):
            title_block = headings[0]
    title = title_block.text if title_block else (page_title or fallback_title)
    front: list[str] = []
    back: list[str] = []
    sections: list[Section] = []
    current: Section | None = None
    pending: list[Block] = []
    seen_title = title_block is None
    after_rule = False
    author = publisher = date = None

    def close() -> None:
        nonlocal pending
        if current is not None:
            for p in join_page_breaks(pending):
                current.paragraphs.append(Paragraph(current.title, len(current.paragraphs) + 1, p.text))
        pending = []

    for b in blocks:
        if b is title_block:
            front.extend(p.text for p in pending)
            pending = []
            seen_title = True
            continue
        if b.kind == "rule":
            if current is not None and current.paragraphs + pending:
                close()
                after_rule = True
            continue
        if b.kind == "heading":
            if after_rule:
                back.append(b.text)
                continue
            close()
            current = Section(_title_case(b.text))
            sections.append(current)
            continue
        text = b.text
        m = _BYLINE.match(text)
        if m and author is None and len(text) < 120:
            author = m.group(1).strip()
            continue
        if date is None and _PUB_DATE.match(text):
            date = _PUB_DATE.match(text).group(1)
            continue
        if not seen_title or after_rule:
            (front if not seen_title else back).append(text)
            continue
        if current is None:
            if b.emphasis and not sections:
                front.append(text)  # a publisher's notice or standfirst in italics before any heading
                continue
            current = Section(title)
            sections.append(current)
        pending.append(b)
    close()
    sections = [s for s in sections if s.paragraphs]
    for text in back + front:
        m = _PUBLISHER.search(text)
        if m and publisher is None:
            publisher = m.group(1).strip()
    return Document(
        title=title, sections=sections, author=author, publisher=publisher, date=date, front=front, back=back
    )


_MAX_BYTES = 5_000_000


def read_document(path: str | Path, text: str | None = None) -> Document:
    """Read a commentary from ``path`` (``.txt``, ``.md``, ``.html``/``.htm``; others by content).

    Raises :class:`upheaval.errors.ModelError` (with the file named) when the file cannot be
    read as UTF-8 text, is too large, or holds no paragraph.
    """
    path = Path(path)
    if text is None:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise ModelError(
                str(path), [Problem("unreadable", f"cannot read the text: {exc.strerror or exc}")]
            ) from None
        if len(raw) > _MAX_BYTES:
            raise ModelError(
                str(path), [Problem("too-large", f"the text is {len(raw):,} bytes; drafts take at most {_MAX_BYTES:,}")]
            )
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
            raise ModelError(
                str(path),
                [
                    Problem(
                        "encoding",
                        f"not UTF-8 text: byte {exc.start} (line {line}) is 0x{raw[exc.start]:02x}",
                        line=line,
                        column=column,
                        help="save the text as UTF-8",
                    )
                ],
            ) from None
    fallback = path.stem.replace("_", " ").replace("-", " ")
    blocks, page_title = text_blocks(text, path.suffix, guess_headings=True)
    doc = _document(blocks, page_title, fallback)
    if not any(True for _ in doc.paragraphs()):
        raise ModelError(str(path), [Problem("empty", "the text has no paragraph to draft from")])
    return doc


# ---------------------------------------------------------------------------------------------- sentences

_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Gen|Lt|Col|Sen|Rep|Gov|St|No|vs|etc|e\.g|i\.e|U\.S|U\.K|U\.N|Jan|Feb|Mar|Apr|"
    r"Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)|\b[A-Z])\.$"
)


def sentences(text: str) -> list[str]:
    """Split a paragraph into sentences (full stops after abbreviations and initials do not end one)."""
    out: list[str] = []
    start = 0
    for m in re.finditer(r"[.!?][\"”’)\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])", text):
        head = text[start : m.end()]
        if _ABBREV.search(head.rstrip('"”’)]')):
            continue
        out.append(head.strip())
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out
