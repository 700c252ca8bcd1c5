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
from upheaval.model import Block, join_page_breaks, text_blocks

__all__ = ["Document", "Paragraph", "Section", "decode_text", "publication_date", "read_document", "sentences"]


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
    headed: bool = True  # False: the paragraphs before any heading, named after the document
    offset: int = 0  # blocks of the section that are no paragraph here (a date line, a byline) but count in citations


@dataclass
class Document:
    """A commentary: title, byline, publisher, date (``YYYY-MM-DD`` or ``YYYY-MM``, from its date
    line or the page's metadata) and its sections."""

    title: str
    sections: list[Section]
    author: str | None = None
    publisher: str | None = None
    date: str | None = None
    front: list[str] = field(default_factory=list)
    back: list[str] = field(default_factory=list)
    encoding: str = "utf-8"

    def paragraphs(self):
        """Every paragraph of every section, in order."""
        for s in self.sections:
            yield from s.paragraphs

    @property
    def checkable(self) -> bool:
        """Whether a model's source can point at this text and have its citations checked: the
        text is UTF-8 and every section the draft cites is a heading of the text."""
        return self.encoding == "utf-8" and all(s.headed for s in self.sections)


# ---------------------------------------------------------------------------------------------- document


def _title_case(text: str) -> str:
    """An all-capitals heading in title case ("SYNOPSIS" → "Synopsis"); other headings as they are."""
    if text.isupper() and len(text) > 3:
        small = {"a", "an", "and", "of", "the", "in", "on", "for", "to", "with", "by", "at", "or"}
        words = text.lower().split()
        return " ".join(w if (i and w in small) else w[:1].upper() + w[1:] for i, w in enumerate(words))
    return text


_BYLINE = re.compile(
    r"^(?:by|written\s+by|posted\s+by|author)\s*:?\s+(.+?)\.?$"
    r"|^([A-Z][A-Z.'’-]+(?:\s+[A-Z][A-Z.'’-]+){1,3}),\s+(?:contributing|staff|senior|special)?\s*"
    r"(?:writer|correspondent|reporter|editor|analyst)\b",
    re.I,
)
_PUBLISHER = re.compile(
    r"\b((?:[A-Z][\w.'’-]*\s+){0,6}(?:School|Institute|Centre|Center|Council|Foundation|Programme|Program|"
    r"University|Observatory|Forum|Academy)\b(?:\s+(?:of|for)\s+(?:[A-Z][\w.'’-]*\s*){1,5})?(?:\s*\([A-Z]{2,8}\))?)"
)
_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
)
_MONTH_NUMBER = {m[:3].lower(): i + 1 for i, m in enumerate(_MONTHS.split("|")[:12])}
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mon|Tue|Wed|Thu|Fri|Sat|Sun)\.?,?"
_DATE_FORMS = (
    re.compile(rf"^(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m>{_MONTHS})\.?,?\s+(?P<y>(?:19|20)\d{{2}})$", re.I),
    re.compile(rf"^(?P<m>{_MONTHS})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{{2}})$", re.I),
    re.compile(r"^(?P<y>(?:19|20)\d{2})-(?P<mn>\d{2})-(?P<d>\d{2})$"),
    re.compile(r"^(?P<d>\d{1,2})\s*[|/.]\s*(?P<mn>\d{1,2})\s*[|/.]\s*(?P<y>(?:19|20)\d{2})$"),
    re.compile(rf"^(?P<m>{_MONTHS})\.?,?\s+(?P<y>(?:19|20)\d{{2}})$", re.I),
)
_DATE_LABEL = re.compile(r"^(?:published|posted|updated|first\s+published|date|dated|released)(?:\s+on)?\s*:?\s*", re.I)
_CLOCK = re.compile(r"(?:\s*[|,·•-]?\s*\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AP]\.?M\.?)?\s*(?:[A-Z]{2,4})?)+\s*$", re.I)


def publication_date(line: str) -> str | None:
    """The date a publisher's date line gives, as ``YYYY-MM-DD`` (``YYYY-MM`` without a day), or None.

    Date lines take the forms publishers use: "24 January 2024", "March 12, 2024", "Sept 28 2023",
    "21 Mar 2024", "16 | 02 | 2024" (day, month, year), "2023-08-11 | 04:27", "9 January, 2024
    Tuesday", "Posted: March 28th, 2024", "Published on: 2025-03-16", "Date: Monday, 07 October 2024".

    >>> [publication_date(x) for x in ("16 | 02 | 2024", "Sept 28 2023", "2023-08-11 | 04:27", "Posted: March 28th, 2024")]
    ['2024-02-16', '2023-09-28', '2023-08-11', '2024-03-28']
    """
    text = line.strip().strip("*_").strip()
    if len(text) > 60:
        return None
    text = _DATE_LABEL.sub("", text)
    text = _CLOCK.sub("", text)
    text = re.sub(rf"^{_WEEKDAY}\s*|\s*{_WEEKDAY}$", "", text, flags=re.I).strip(" ,:")
    for rx in _DATE_FORMS:
        m = rx.match(text)
        if not m:
            continue
        fields = m.groupdict()
        month = int(fields["mn"]) if fields.get("mn") else _MONTH_NUMBER[fields["m"][:3].lower()]
        if not 1 <= month <= 12:
            return None
        if not fields.get("d"):
            return f"{fields['y']}-{month:02d}"
        day = int(fields["d"])
        return f"{fields['y']}-{month:02d}-{day:02d}" if 1 <= day <= 31 else None
    return None


_META_DATE = re.compile(
    r"<meta\s+[^>]*?(?:property|name|itemprop)\s*=\s*[\"'](?:article:published_time|og:published_time|"
    r"datePublished|date|pubdate|publish-date|DC\.date(?:\.issued)?|citation_publication_date)[\"'][^>]*?"
    r"content\s*=\s*[\"'](?P<v>[^\"']+)[\"']"
    r"|<time\s+[^>]*?datetime\s*=\s*[\"'](?P<t>[^\"']+)[\"']"
    r"|\"datePublished\"\s*:\s*\"(?P<j>[^\"]+)\"",
    re.I,
)
_META_AUTHOR = re.compile(
    r"<meta\s+[^>]*?name\s*=\s*[\"']author[\"'][^>]*?content\s*=\s*[\"'](?P<v>[^\"']+)[\"']", re.I
)


def page_metadata(text: str) -> tuple[str | None, str | None]:
    """An HTML page's publication date (``YYYY-MM-DD``) and author from its metadata, if it has them."""
    date = author = None
    m = _META_DATE.search(text)
    if m:
        raw = m.group("v") or m.group("t") or m.group("j")
        dm = re.match(r"((?:19|20)\d{2})-(\d{2})(?:-(\d{2}))?", raw.strip())
        if dm:
            date = "-".join(x for x in dm.groups() if x)
    a = _META_AUTHOR.search(text)
    if a:
        author = a.group("v").strip()
    return date, author


def _title_block(blocks: list[Block]) -> Block | None:
    """The first heading when it is the title: at the top level with nothing but front matter
    (emphasised notices) before it, and either the only top-level heading or followed by deeper
    ones (a document of equal headings has no title heading)."""
    headings = [b for b in blocks if b.kind == "heading"]
    top = min((b.level for b in headings), default=0)
    if not headings or headings[0].level != top:
        return None
    before = blocks[: blocks.index(headings[0])]
    alone = sum(1 for b in headings if b.level == top) == 1
    deeper = any(b.level > top for b in headings)
    return headings[0] if all(b.kind == "para" and b.emphasis for b in before) and (alone or deeper) else None


@dataclass
class _Reader:
    """The state of reading a document's blocks in order."""

    title: str
    titled: bool
    doc: Document = field(init=False)
    current: Section | None = None
    pending: list[Block] = field(default_factory=list)
    seen_title: bool = False
    after_rule: bool = False
    skipped: int = 0  # blocks after a title heading taken as byline, date or notice, before its first paragraph

    def __post_init__(self) -> None:
        self.doc = Document(title=self.title, sections=[])
        self.seen_title = not self.titled

    def close(self) -> None:
        if self.current is not None:
            for p in join_page_breaks(self.pending):
                number = self.current.offset + len(self.current.paragraphs) + 1
                self.current.paragraphs.append(Paragraph(self.current.title, number, p.text))
        self.pending = []

    def structure(self, b: Block) -> bool:
        """Take a rule or a heading; whether ``b`` was one."""
        if b.kind == "rule":
            if self.current is not None and self.current.paragraphs + self.pending:
                self.close()
                self.after_rule = True
            return True
        if b.kind != "heading":
            return False
        if self.after_rule:
            self.doc.back.append(b.text)
            return True
        self.close()
        self.current = Section(_title_case(b.text))
        self.doc.sections.append(self.current)
        return True

    def byline_or_date(self, b: Block) -> bool:
        """Take a byline or a date line (it still counts inside a section, as the source checker counts it)."""
        m = _BYLINE.match(b.text)
        if m and self.doc.author is None and len(b.text) < 120:
            self.doc.author = re.sub(r"\s*\(.*\)\s*$", "", (m.group(1) or m.group(2)).strip(" *_"))
        elif self.doc.date is None and publication_date(b.text):
            self.doc.date = publication_date(b.text)
        else:
            return False
        if self.current is not None:
            self.pending.append(b)
        else:
            self._skip()
        return True

    def _skip(self) -> None:
        """A block under the title heading that is no paragraph here still counts in the source
        checker's numbering of that heading's section."""
        if self.titled and self.seen_title and not self.after_rule:
            self.skipped += 1

    def paragraph(self, b: Block) -> None:
        if not self.seen_title or self.after_rule:
            (self.doc.front if not self.seen_title else self.doc.back).append(b.text)
            return
        if self.current is None:
            if b.emphasis and not self.doc.sections:
                self.doc.front.append(b.text)  # a publisher's notice or standfirst in italics before any heading
                self._skip()
                return
            self.current = Section(self.title, headed=self.titled, offset=self.skipped)
            self.doc.sections.append(self.current)
        self.pending.append(b)


_FRONT_CHUNKS = 4  # how many blocks at the top of a text may hold a headline, a byline or a date line


def _front_line(line: str) -> bool:
    """Whether a line is a byline or a date line."""
    return bool(publication_date(line) or (_BYLINE.match(line) and len(line) < 120))


def _headline(line: str) -> bool:
    """Whether a text's first line reads as its headline: short, capitalised, not a sentence
    ending in a full stop (a question or an exclamation is a headline's form too)."""
    return (
        len(line) <= 120
        and len(line.split()) <= 20
        and not re.search(r"[.,;:]$", line)
        and bool(re.match(r"[\"“‘'(]?[A-Z0-9]", line))
        and not _front_line(line)
    )


def _split_front(blocks: list[Block], text: str) -> tuple[str | None, list[Block]]:
    """A plain text's headline and its date and byline lines, when the text runs them together
    in its first paragraphs ("Headline\\n8 January 2022" with no blank line between them).

    The first line of the text is its headline when it is short, without a final full stop and
    followed by a blank line or by date and byline lines only; a block near the top whose lines
    are all date or byline lines is split into one block a line (the reader then takes them).
    Returns the headline (None without one) and the blocks.
    """
    chunks = [c for c in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").replace("\r", "\n")) if c.strip()]
    lines_of = {}
    for chunk in chunks[:_FRONT_CHUNKS]:
        lines = [ln.strip() for ln in chunk.strip().splitlines() if ln.strip()]
        lines_of.setdefault(" ".join(" ".join(lines).split()), lines)
    title, out = None, []
    for i, b in enumerate(blocks):
        lines = lines_of.get(" ".join(b.text.split())) if i < _FRONT_CHUNKS and b.kind == "para" else None
        if not lines or b.emphasis:
            out.append(b)
            continue
        if i == 0 and len(blocks) > 1 and _headline(lines[0]) and all(_front_line(ln) for ln in lines[1:]):
            title = lines[0]
            out.extend(Block("para", ln) for ln in lines[1:])
        elif len(lines) > 1 and all(_front_line(ln) for ln in lines):
            out.extend(Block("para", ln) for ln in lines)
        else:
            out.append(b)
    return title, out


def _document(blocks: list[Block], page_title: str, fallback_title: str, text: str = "") -> Document:
    title_block = _title_block(blocks)
    if title_block is None and not page_title and text:
        headline, blocks = _split_front(blocks, text)
        page_title = headline or page_title
    r = _Reader(title_block.text if title_block else (page_title or fallback_title), title_block is not None)
    for b in blocks:
        if b is title_block:
            r.doc.front.extend(p.text for p in r.pending)
            r.pending = []
            r.seen_title = True
        elif not r.structure(b) and not r.byline_or_date(b):
            r.paragraph(b)
    r.close()
    doc = r.doc
    doc.sections = [s for s in doc.sections if s.paragraphs]
    found = (_PUBLISHER.search(text) for text in doc.back + doc.front)
    doc.publisher = next((m.group(1).strip() for m in found if m), None)
    return doc


_MAX_BYTES = 5_000_000
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))  # fmt: skip
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _not_text(path: Path, why: str) -> ModelError:
    return ModelError(
        str(path),
        [Problem("not-text", f"not a text to draft from: {why}", help="give a .txt, .md or .html file (any encoding)")],
    )


def decode_text(raw: bytes, path: Path) -> tuple[str, str]:
    """``raw`` as text and the encoding it was read in: UTF-8 (with or without a byte-order
    mark), UTF-16 or UTF-32 by their mark, else Windows-1252, else Latin-1.

    Raises :class:`upheaval.errors.ModelError` for bytes that are no text (a binary file:
    NUL bytes without a UTF-16/32 mark, or control characters in more than 1 % of it).
    """
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding), encoding.replace("-sig", "")
            except UnicodeDecodeError:
                raise _not_text(path, f"it starts with a {encoding} mark but does not decode as {encoding}") from None
    if b"\x00" in raw:
        at = raw.index(b"\x00")
        raise _not_text(path, f"byte {at} is NUL (binary data; a UTF-16 text needs its byte-order mark)")
    for encoding in ("utf-8", "cp1252", "latin-1"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    controls = len(_CONTROL.findall(text))
    if controls > max(2, len(text) // 100):
        raise _not_text(path, f"{controls} control characters in {len(text):,} (binary data)")
    return _CONTROL.sub(" ", text), encoding


def read_document(path: str | Path, text: str | None = None) -> Document:
    """Read a commentary from ``path`` (``.txt``, ``.md``, ``.html``/``.htm``; others by content),
    in any encoding (see :func:`decode_text`).

    Raises :class:`upheaval.errors.ModelError` (with the file named) when the file cannot be
    read, is too large, is empty or is not text.
    """
    path = Path(path)
    encoding = "utf-8"
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
        text, encoding = decode_text(raw, path)
    if not text.strip():
        raise ModelError(str(path), [Problem("empty", "the text is empty: there is nothing to draft from")])
    fallback = path.stem.replace("_", " ").replace("-", " ")
    blocks, page_title = text_blocks(text, path.suffix, guess_headings=True)
    doc = _document(blocks, page_title, fallback, text)
    doc.encoding = encoding
    if "<" in text[:5000]:
        meta_date, meta_author = page_metadata(text)
        doc.date = doc.date or meta_date
        doc.author = doc.author or meta_author
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
