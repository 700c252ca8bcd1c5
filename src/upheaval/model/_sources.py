"""A source's text: its sections and paragraphs, numbered the way citations count them.

A source may point at its text with ``path:`` (a ``.txt``, ``.md`` or ``.html`` file in the
model's folder). The text is then split into sections and paragraphs:

* Markdown and plain text: paragraphs are blocks separated by blank lines (Markdown inline
  markup removed). A line that starts with ``#`` is a heading, and so is a line equal to one of
  the source's declared ``sections`` (compared without ``*``/``_`` emphasis, case and
  surrounding space); a rule (``---``) separates without counting.
* HTML: ``<h1>``..``<h6>`` are headings; ``<p>``, ``<li>``, ``<blockquote>`` and other block
  elements are paragraphs; scripts, styles, navigation, headers and footers are skipped.
* A paragraph that ends without closing punctuation and is followed by one that starts in lower
  case is one paragraph split by a page break (it counts once).

Paragraphs are numbered from 1 inside each section; paragraphs before the first heading
belong to no section and are cited without one. In a text without headings, paragraphs are
numbered through the whole text.
"""

from __future__ import annotations

import html.parser
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from upheaval._system_arg import accepts_system

__all__ = [
    "MAX_SOURCE_BYTES",
    "SOURCE_SUFFIXES",
    "Block",
    "SourceText",
    "cited_paragraph",
    "join_page_breaks",
    "normalise",
    "parse_source_text",
    "resolve_source_path",
    "source_text",
    "text_blocks",
]

SOURCE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
MAX_SOURCE_BYTES = 5_000_000

_SPACE = re.compile(r"\s+")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_ESCAPE = re.compile(r"\\+([\\`*_{}\[\]()#+\-.!$|>~])")  # Markdown backslash escapes ("US\\$2,000")
_EMPHASIS = re.compile(r"(\*\*|__|\*|(?<!\w)_|_(?!\w))")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})


def normalise(text: str) -> str:
    """Text as quotes are compared: Markdown links and emphasis removed, curly quotes straight, spaces collapsed."""
    text = _ESCAPE.sub(r"\1", _LINK.sub(r"\1", text.translate(_QUOTES)))
    text = _EMPHASIS.sub("", text)
    return _SPACE.sub(" ", text).strip()


def _heading_key(text: str) -> str:
    return normalise(text.lstrip("#")).casefold()


@dataclass
class SourceText:
    """A source's paragraphs, by section (``None``: the paragraphs before the first heading)."""

    sections: dict[str | None, list[str]] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)  # heading key -> heading as written

    def section_key(self, section: str | None) -> str | None:
        """The key of ``section`` in :attr:`sections` (None if the text has no such heading)."""
        if section is None:
            return None
        key = _heading_key(section)
        return key if key in self.sections else None

    @property
    def headed(self) -> bool:
        """Whether the text has headings (then citations name a section)."""
        return any(k is not None for k in self.sections)

    def paragraphs(self, section: str | None) -> list[str] | None:
        """The paragraphs of ``section`` (None: unheaded text), or None if the text has no such section."""
        if section is None:
            if not self.headed:
                return self.sections.get(None, [])
            return self.sections.get(None)
        key = self.section_key(section)
        return None if key is None else self.sections[key]

    def headings(self) -> list[str]:
        """The headings, as written, in order."""
        return [self.titles[k] for k in self.sections if k is not None]


@dataclass
class Block:
    """One block of a text: a heading (with its level), a paragraph, or a horizontal rule.

    ``emphasis`` is set when the whole paragraph is italic or bold (a standfirst, a notice).
    """

    kind: str  # "heading", "para" or "rule"
    text: str
    level: int = 0
    emphasis: bool = False


_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")


def _md_inline(text: str) -> tuple[str, bool]:
    """Markdown inline markup removed (links, escapes, emphasis); also whether it all was emphasised."""
    text = _ESCAPE.sub(r"\1", _LINK.sub(r"\1", text))
    stripped = text.strip()
    emph = bool(re.fullmatch(r"([*_]{1,3})[^*_].*?\1[.\w\"”']{0,3}", stripped, flags=re.S))
    text = re.sub(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1", r"\2", text)
    text = text.replace("**", "")
    return _SPACE.sub(" ", text).strip(), emph


def _markdown_blocks(text: str, keys: set[str]) -> list[Block]:
    blocks: list[Block] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            body, emph = _md_inline(" ".join(buf))
            if body and len(buf) == 1 and _heading_key(body) in keys:
                blocks.append(Block("heading", body, level=2))
            elif body:
                blocks.append(Block("para", body, emphasis=emph))
            buf.clear()

    for raw in text.splitlines():
        line = raw.rstrip()
        m = _MD_HEADING.match(line)
        if m:
            flush()
            title, _ = _md_inline(m.group(2))
            if title:
                blocks.append(Block("heading", title, level=len(m.group(1))))
        elif _RULE.match(line):
            flush()
            blocks.append(Block("rule", ""))
        elif not line.strip():
            flush()
        else:
            buf.append(line.strip())
    flush()
    return blocks


def _plain_blocks(text: str, keys: set[str], guess_headings: bool) -> list[Block]:
    """Plain text: blank lines separate paragraphs. A one-line block is a heading when it is one of
    the declared sections or, with ``guess_headings``, short, capitalised and without closing
    punctuation."""
    blocks: list[Block] = []
    for chunk in re.split(r"\n[ \t]*\n", text):
        lines = [ln.strip() for ln in chunk.strip().splitlines() if ln.strip()]
        if not lines:
            continue
        body = _SPACE.sub(" ", " ".join(lines))
        if _RULE.match(body):
            blocks.append(Block("rule", ""))
        elif len(lines) == 1 and (
            _heading_key(body) in keys
            or (guess_headings and len(body) <= 90 and not re.search(r"[.!?:;,\"”]$", body) and body[:1].isupper())
        ):
            blocks.append(Block("heading", body, level=2))
        else:
            blocks.append(Block("para", body))
    return blocks


class _HTMLBlocks(html.parser.HTMLParser):
    """Headings, paragraphs and rules of an HTML page (scripts, styles, navigation, header and footer skipped)."""

    _SKIP: ClassVar[set[str]] = {"script", "style", "nav", "header", "footer", "noscript", "template", "svg"}
    _BLOCK: ClassVar[set[str]] = {"p", "li", "blockquote", "div", "td", "dd", "figcaption"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.title = ""
        self._buf: list[str] = []
        self._skip = 0
        self._heading = 0
        self._in_title = False
        self._italic = 0
        self._italic_chars = 0
        self._chars = 0

    def _flush(self) -> None:
        text = _SPACE.sub(" ", "".join(self._buf)).strip()
        if text:
            emph = self._chars > 0 and self._italic_chars >= 0.9 * self._chars
            if self._heading:
                self.blocks.append(Block("heading", text, level=self._heading))
            else:
                self.blocks.append(Block("para", text, emphasis=emph))
        self._buf.clear()
        self._chars = self._italic_chars = 0

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIP:
            self._skip += 1
        elif self._skip:
            return
        elif tag == "title":
            self._in_title = True
        elif re.fullmatch(r"h[1-6]", tag):
            self._flush()
            self._heading = int(tag[1])
        elif tag in self._BLOCK:
            self._flush()
        elif tag == "br":
            self._buf.append(" ")
        elif tag == "hr":
            self._flush()
            self.blocks.append(Block("rule", ""))
        elif tag in ("em", "i"):
            self._italic += 1

    def handle_endtag(self, tag):
        if tag in self._SKIP:
            self._skip = max(0, self._skip - 1)
        elif self._skip:
            return
        elif tag == "title":
            self._in_title = False
        elif re.fullmatch(r"h[1-6]", tag):
            self._flush()
            self._heading = 0
        elif tag in self._BLOCK:
            self._flush()
        elif tag in ("em", "i"):
            self._italic = max(0, self._italic - 1)

    def handle_data(self, data):
        if self._in_title:
            self.title += data
            return
        if self._skip:
            return
        self._buf.append(data)
        n = len(data.strip())
        self._chars += n
        if self._italic:
            self._italic_chars += n

    def close(self):
        super().close()
        self._flush()


def _is_html(text: str, suffix: str) -> bool:
    suffix = suffix.lower()
    if suffix in (".html", ".htm", ".xhtml"):
        return True
    return suffix not in (".md", ".markdown", ".txt") and bool(re.search(r"<(html|body|p|h[1-6])\b", text[:4000], re.I))


def text_blocks(
    text: str, suffix: str, declared: list[str] | None = None, *, guess_headings: bool = False
) -> tuple[list[Block], str]:
    """A text's blocks in order, and the page title (HTML ``<title>``, else "").

    HTML by its suffix or its tags; Markdown for ``.md`` and for text with ``#`` headings;
    plain text otherwise. ``declared`` section names count as headings wherever they stand
    alone on a line; ``guess_headings`` also takes short capitalised lines of plain text.
    """
    keys = {_heading_key(d) for d in declared or []}
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _is_html(text, suffix):
        parser = _HTMLBlocks()
        parser.feed(text)
        parser.close()
        return parser.blocks, html.unescape(parser.title).strip()
    if suffix.lower() == ".txt" and not re.search(r"^#{1,6}\s", text, re.M):
        return _plain_blocks(text, keys, guess_headings), ""
    return _markdown_blocks(text, keys), ""


def join_page_breaks(paragraphs: list[Block]) -> list[Block]:
    """Paragraphs a page break split joined back: one ends without closing punctuation and the
    next starts in lower case."""
    out: list[Block] = []
    for b in paragraphs:
        if out and not re.search(r"[.!?:;\"”’)\]]$", out[-1].text) and b.text[:1].islower():
            out[-1] = Block("para", out[-1].text + " " + b.text, emphasis=out[-1].emphasis and b.emphasis)
        else:
            out.append(b)
    return out


def parse_source_text(text: str, suffix: str, declared: list[str] | None = None) -> SourceText:
    """Split a source's text into sections and numbered paragraphs (see the module's docstring)."""
    blocks, _title = text_blocks(text, suffix, declared)
    out = SourceText()
    current: str | None = None
    pending: list[Block] = []

    def close() -> None:
        out.sections.setdefault(current, []).extend(p.text for p in join_page_breaks(pending))
        pending.clear()

    for b in blocks:
        if b.kind == "heading":
            close()
            current = _heading_key(b.text)
            out.titles.setdefault(current, normalise(b.text))
            out.sections.setdefault(current, [])
        elif b.kind == "para":
            pending.append(b)
    close()
    if not out.sections.get(None) and any(k is not None for k in out.sections):
        out.sections.pop(None, None)
    return out


def resolve_source_path(folder: Path, path: str) -> Path:
    """``path`` inside ``folder``, or ValueError saying why not (outside it, wrong suffix)."""
    rel = Path(path)
    if rel.is_absolute() or ".." in rel.parts:
        raise ValueError(
            f"`{path}` is outside the model's folder; give a path relative to the model file, inside its folder"
        )
    if rel.suffix.lower() not in SOURCE_SUFFIXES:
        raise ValueError(f"`{path}` is not a text file upheaval reads; use a .txt, .md or .html file")
    base = folder.resolve()
    target = (base / rel).resolve()
    if target != base and base not in target.parents:
        raise ValueError(f"`{path}` leads outside the model's folder (a link?); keep the text next to the model")
    return target


_TEXTS: dict[tuple[str, float], SourceText] = {}


@accepts_system("system")
def source_text(system, source_id: str) -> SourceText | None:
    """The text of a source of ``system`` that points at one (None if it does not, or it cannot be read)."""
    folder = getattr(system, "_folder", None)
    src = next((s for s in system.sources if s.id == source_id), None)
    if folder is None or src is None or not src.path:
        return None
    try:
        target = resolve_source_path(Path(folder), src.path)
        st = target.stat()
        if st.st_size > MAX_SOURCE_BYTES:
            return None
        key = (str(target), st.st_mtime)
        if key not in _TEXTS:
            if len(_TEXTS) > 32:
                _TEXTS.clear()
            _TEXTS[key] = parse_source_text(target.read_text(encoding="utf-8"), target.suffix, src.sections)
        return _TEXTS[key]
    except (OSError, UnicodeDecodeError, ValueError):
        return None


@accepts_system("system")
def cited_paragraph(system, citation) -> str | None:
    """The paragraph a citation points at, from its source's text (None when the source has no text)."""
    text = source_text(system, citation.source)
    if text is None:
        return None
    paragraphs = text.paragraphs(citation.section)
    if paragraphs is None or not 1 <= citation.paragraph <= len(paragraphs):
        return None
    return paragraphs[citation.paragraph - 1]
