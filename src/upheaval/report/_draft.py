"""The draft report: every element ``upheaval draft`` extracted with its citation and quote, and
what it saw but could not place, as Markdown or as a self-contained HTML page."""

from __future__ import annotations

import html

from upheaval.draft import Draft

__all__ = ["draft_report_html", "draft_report_markdown"]

_HEADINGS = [
    ("actor", "Actors"),
    ("tie", "Ties (status: draft)"),
    ("figure", "Figures"),
    ("date", "Dates"),
    ("conditional", "Conditionals (the argument)"),
    ("descriptor", "Candidate descriptors"),
    ("section", "Judgement sections to fill"),
    ("claim", "Candidate claims"),
]
_UNPLACED = ("figure", "date", "sentence", "condition")


def _rows(d: Draft):
    items = d.items()
    placed = items[: len(items) - len(d.unplaced)]
    for kind, title in _HEADINGS:
        yield title, [i for i in placed if i.kind == kind]
    yield "Seen but not placed", d.unplaced


def draft_report_markdown(d: Draft) -> str:
    """The draft report as Markdown."""
    doc = d.document
    out = [
        f"# Draft of “{doc.title}”",
        "",
        f"From `{d.path}`"
        + (f", by {doc.author}" if doc.author else "")
        + (f" ({doc.publisher})" if doc.publisher else "")
        + f". {len(doc.sections)} sections, {sum(len(s.paragraphs) for s in doc.sections)} paragraphs. "
        + (
            "Dated " + d.as_of + "."
            if d.as_of_given
            else "The text gives no date: months without a year are not placed."
        ),
        "",
    ]
    for title, items in _rows(d):
        out += [f"## {title} ({len(items)})", ""]
        if not items:
            out += ["(none)", ""]
            continue
        for i in items:
            where = "; ".join(f"{c.label()} “{c.quote}”" for c in i.cites[:3])
            note = f" ({i.note})" if i.note else ""
            prefix = f"{i.kind}: " if title == "Seen but not placed" else ""
            out.append(f"- **{prefix}{i.what}**{note}: {where}")
        out.append("")
    return "\n".join(out)


def draft_report_html(d: Draft) -> str:
    """The draft report as one self-contained HTML page (no external resources)."""
    esc = html.escape
    doc = d.document
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Draft of {esc(doc.title)}</title>",
        "<style>body{font:15px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
        "td,th{padding:.25rem .5rem;border-bottom:1px solid #ddd;vertical-align:top;text-align:left}"
        "table{border-collapse:collapse;width:100%}q{color:#444}.note{color:#666}</style></head><body>",
        f"<h1>Draft of “{esc(doc.title)}”</h1>",
        f"<p>From <code>{esc(d.path)}</code>{', by ' + esc(doc.author) if doc.author else ''}. "
        f"{len(doc.sections)} sections, {sum(len(s.paragraphs) for s in doc.sections)} paragraphs.</p>",
    ]
    for title, items in _rows(d):
        parts.append(f"<h2>{esc(title)} ({len(items)})</h2>")
        if not items:
            parts.append("<p>(none)</p>")
            continue
        parts.append("<table><tr><th>element</th><th>where</th></tr>")
        for i in items:
            where = "<br>".join(f"{esc(c.label())} <q>{esc(c.quote)}</q>" for c in i.cites[:3])
            note = f" <span class='note'>({esc(i.note)})</span>" if i.note else ""
            parts.append(f"<tr><td>{esc(i.what)}{note}</td><td>{where}</td></tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)
