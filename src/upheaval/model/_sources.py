"""A source's text: its sections and paragraphs, numbered the way citations count them.

A source may point at its text with ``path:`` (a ``.txt``, ``.md`` or ``.html`` file in the
model's folder). The text is then split into sections and paragraphs:

* Markdown and plain text: paragraphs are blocks separated by blank lines. A block of one
  line that starts with ``#`` is a heading, and so is a line equal to one of the source's
  declared ``sections`` (compared without ``*``/``_`` emphasis, case and surrounding space).
  A block that starts with a lower-case letter continues the paragraph before it (a
  paragraph broken across a page in a converted PDF counts once).
* HTML: ``<h1>``..``<h6>`` are headings, ``<p>`` elements are paragraphs.

Paragraphs are numbered from 1 inside each section; paragraphs before the first heading
belong to no section and are cited without one. In a text without headings, paragraphs are
numbered through the whole text.
"""

from __future__ import annotations

import html.parser
import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "MAX_SOURCE_BYTES",
    "SOURCE_SUFFIXES",
    "SourceText",
    "cited_paragraph",
    "normalise",
    "parse_source_text",
    "resolve_source_path",
    "source_text",
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


class _HTMLText(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []  # ("h" | "p", text)
        self._kind: str | None = None
        self._buf: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "p" or re.fullmatch(r"h[1-6]", tag):
            self._flush()
            self._kind = "p" if tag == "p" else "h"
        elif tag == "br" and self._kind:
            self._buf.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(self._skip - 1, 0)
        elif tag == "p" or re.fullmatch(r"h[1-6]", tag):
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._kind and not self._skip:
            self._buf.append(data)

    def _flush(self) -> None:
        if self._kind:
            text = _SPACE.sub(" ", "".join(self._buf)).strip()
            if text:
                self.blocks.append((self._kind, text))
        self._kind, self._buf = None, []


def _text_blocks(text: str, declared: list[str]) -> list[tuple[str, str]]:
    keys = {_heading_key(s) for s in declared}
    out: list[tuple[str, str]] = []
    for raw in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        block = raw.strip()
        if not block:
            continue
        one_line = "\n" not in block
        if one_line and (block.startswith("#") or _heading_key(block) in keys):
            out.append(("h", block))
        elif out and out[-1][0] == "p" and block[0].islower():
            out[-1] = ("p", out[-1][1] + " " + block)
        else:
            out.append(("p", block))
    return out


def parse_source_text(text: str, suffix: str, declared: list[str] | None = None) -> SourceText:
    """Split a source's text into sections and numbered paragraphs (see the module's docstring)."""
    if suffix.lower() in (".html", ".htm"):
        parser = _HTMLText()
        parser.feed(text)
        parser.close()
        blocks = parser.blocks
    else:
        blocks = _text_blocks(text, declared or [])
    out = SourceText()
    current: str | None = None
    for kind, body in blocks:
        if kind == "h":
            current = _heading_key(body)
            out.titles.setdefault(current, normalise(body.lstrip("#")))
            out.sections.setdefault(current, [])
        else:
            out.sections.setdefault(current, []).append(body)
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


def cited_paragraph(system, citation) -> str | None:
    """The paragraph a citation points at, from its source's text (None when the source has no text)."""
    text = source_text(system, citation.source)
    if text is None:
        return None
    paragraphs = text.paragraphs(citation.section)
    if paragraphs is None or not 1 <= citation.paragraph <= len(paragraphs):
        return None
    return paragraphs[citation.paragraph - 1]
