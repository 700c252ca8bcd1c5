"""The report as PDF: WeasyPrint from the HTML when it is installed and works, else matplotlib pages."""

from __future__ import annotations

import io
import textwrap
from pathlib import Path
from typing import Any

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from upheaval._io import write_text_atomic
from upheaval.errors import UpheavalError
from upheaval.model import System
from upheaval.report._html import build_context, render_report

__all__ = ["PDF_ENGINES", "pdf_engine", "write_pdf"]

PDF_ENGINES = ("auto", "weasyprint", "matplotlib")
A4 = (8.27, 11.69)
LINES_PER_PAGE = 60
WRAP = 100


def _weasyprint():
    """The weasyprint module if it imports and can lay out a page here (it needs Pango), else None."""
    try:
        import weasyprint  # type: ignore[import-not-found]

        weasyprint.HTML(string="<p>ok</p>").write_pdf()
    except Exception:  # ImportError, or OSError when the Pango library is missing
        return None
    return weasyprint


def pdf_engine(engine: str = "auto") -> str:
    """The engine ``write_pdf`` will use: ``weasyprint`` when asked for or available, else ``matplotlib``."""
    if engine not in PDF_ENGINES:
        raise UpheavalError(f"unknown PDF engine {engine!r}; use one of {', '.join(PDF_ENGINES)}")
    if engine == "matplotlib":
        return engine
    if _weasyprint() is not None:
        return "weasyprint"
    if engine == "weasyprint":
        raise UpheavalError(
            "WeasyPrint is not usable here; install it with `pip install weasyprint` (it needs the Pango "
            "library, e.g. `apt-get install libpango-1.0-0 libpangoft2-1.0-0`) or use engine='matplotlib'"
        )
    return "matplotlib"


def write_pdf(
    system: System,
    path: str | Path,
    *,
    engine: str = "auto",
    html_text: str | None = None,
    context: dict[str, Any] | None = None,
) -> Path:
    """Write the report of ``system`` as a PDF, atomically.

    Two routes, chosen by ``engine``:

    * ``weasyprint`` lays out the very HTML report (same sections, tables and figures). It
      is a pip package but needs the Pango library from the operating system.
    * ``matplotlib`` needs nothing beyond upheaval's own dependencies, so it works on any
      machine with only pip: the same content (system, derived flows, camps, figures,
      judgement rationales, storylines, claims) set as A4 pages with ``PdfPages``.

    ``auto`` (the default) takes WeasyPrint when it imports and works, else matplotlib.
    ``html_text`` and ``context`` let :func:`write_report` pass what it already computed.
    """
    chosen = pdf_engine(engine)
    if chosen == "weasyprint":
        weasyprint = _weasyprint()
        text = html_text if html_text is not None else render_report(system)
        data = weasyprint.HTML(string=text).write_pdf()
    else:
        data = _matplotlib_pdf(system, context)
    path = Path(path)
    write_text_atomic(path, data)
    return path


def _text_pages(title: str, lines: list[str]) -> list[Figure]:
    """Set lines of text on A4 pages, the title on the first."""
    pages = []
    chunks = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)] or [[]]
    for k, chunk in enumerate(chunks):
        fig = Figure(figsize=A4)
        head = textwrap.wrap(title if k == 0 else f"{title} (continued)", 60)
        fig.text(0.07, 0.955, "\n".join(head), fontsize=14, fontweight="bold", va="top", linespacing=1.25)
        top = 0.955 - 0.026 * len(head) - 0.015
        fig.text(0.07, top, "\n".join(chunk), fontsize=8.5, va="top", family="DejaVu Sans", linespacing=1.35)
        pages.append(fig)
    return pages


def _wrap(text: str, indent: str = "") -> list[str]:
    return textwrap.wrap(text, WRAP, initial_indent=indent, subsequent_indent=indent + "  ") or [indent]


def _matplotlib_pdf(system: System, context: dict[str, Any] | None) -> bytes:
    from upheaval.report import _figures as F

    ctx = context if context is not None else build_context(system, figures=False)
    result = ctx["result"]
    cim = result.cim
    pages: list[Figure] = []
    lines = _wrap(f"Model {system.id}{', as of ' + system.as_of if system.as_of else ''}. {system.description}")
    lines.append("")
    for s in ctx["sources"]:
        lines += _wrap(f"Source {s['id']}: {s['title']}, {s['author']}, {s['publisher']} {s['date']}".strip())
    lines += ["", f"{len(system.actors)} actors, {len(system.ties)} ties, {len(system.descriptors)} descriptors, "
              f"{ctx['n_scenarios']:,} scenarios, {ctx['n_consistent']} consistent, {len(ctx['claims'])} claims", ""]  # fmt: skip
    if ctx["flows"]:
        lines.append("Derived flows")
        for f in ctx["flows"]:
            lines += _wrap(f"{f.label}: {f.formula}  [{'; '.join(f.cites)}]", "  ")
        lines.append("")
    if ctx["blocs"] is not None:
        part = ctx["blocs"]
        lines.append(f"Camps (structural balance; frustration {part.frustration} of {part.signed_pairs} signed pairs)")
        for camp, members in part.camps.items():
            lines += _wrap(f"{camp}: {', '.join(members)}", "  ")
        lines.append("")
        lines.append("Brokers (betweenness on the cooperative graph)")
        for b in ctx["brokers"][:8]:
            lines.append(f"  {b.name}: {b.betweenness:.3f}{'  (between the camps)' if b.between_blocs else ''}")
    pages += _text_pages(system.title, lines)
    if system.actors:
        pages.append(F.network_figure(system))
    pages.append(F.matrix_figure(system, cim))
    lines = []
    for s in ctx["sections"]:
        lines += _wrap(f"{s.source_label} → {s.target_label}")
        for label, row in zip(s.rows, s.cells, strict=True):
            cells = ", ".join(f"{c}: {x:+d}" for c, x in zip(s.cols, row, strict=True) if x)
            lines += _wrap(f"{label} — {cells or 'no impact'}", "    ")
        if s.rationale:
            lines += _wrap(s.rationale, "  ")
        if s.cites:
            lines += _wrap("cited: " + "; ".join(s.cites), "  ")
        for r in s.row_reasons:
            lines += _wrap(f"{r['variant']}: {r['rationale']} [{'; '.join(r['cites'])}]", "  ")
        lines.append("")
    pages += _text_pages("The judgements", lines)
    pages.append(F.tableau_figure(system, result))
    pages.append(F.landscape_figure(system, 2, cim=cim))
    for view in ctx["scenarios"]:
        lines = [" · ".join(f"{k} {v}" for k, v in view.measures.items()), ""]
        for st in view.steps:
            lines += _wrap(f"{st['descriptor']}: {st['variant']} (impact balance {st['balance']})")
            for i in st["promoted"]:
                lines += _wrap(f"{i['score']} because {i['source']} is {i['variant']}: {i['rationale']} "
                               f"[{'; '.join(i['cites'])}]", "    ")  # fmt: skip
            for i in st["hindered"]:
                lines += _wrap(f"{i['score']} although {i['source']} is {i['variant']}: {i['rationale']}", "    ")
        pages += _text_pages(f"Scenario S{view.number}" + (f" · {view.name}" if view.name else ""), lines)
        pages.append(
            F.impact_figure(system, result.indices[view.number - 1], cim, title=f"Impact diagram of S{view.number}")
        )
    if ctx["claims"]:
        pages.append(F.claims_figure(system, ctx["claims"]))
    buf = io.BytesIO()
    with PdfPages(buf, metadata={"Title": system.title, "Creator": "upheaval", "CreationDate": None}) as pdf:
        for fig in pages:
            pdf.savefig(fig)
    return buf.getvalue()
