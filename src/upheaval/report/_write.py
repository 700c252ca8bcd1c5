"""Writing the report: the HTML file and, on request, the PDF beside it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from upheaval._io import write_text_atomic
from upheaval._system_arg import accepts_system
from upheaval.model import System
from upheaval.report._html import _environment, build_context

__all__ = ["write_report"]


@accepts_system("system")
def write_report(system: System, path: str | Path, *, pdf: bool = False, **options: Any) -> Path:
    """Write the HTML report of ``system`` to ``path`` atomically; with ``pdf=True`` also a PDF beside it.

    The HTML is one file that opens offline: figures are inline SVG, the style sheet is inline,
    and every text from the model is HTML-escaped. The PDF (same name, suffix ``.pdf``) is that
    same document laid out by :func:`upheaval.report.write_pdf`; when it cannot be made here, the
    error says what to install before anything is written. ``options`` go to :func:`build_context`
    (``tolerance``, ``max_scenarios``, ``figures``, ...).

    Returns the HTML path.
    """
    path = Path(path)
    if pdf:
        from upheaval.errors import UpheavalError
        from upheaval.report._pdf import PDF_HELP, pdf_unavailable

        why = pdf_unavailable()
        if why:
            raise UpheavalError(f"cannot write {path.with_suffix('.pdf').name}: {why}; {PDF_HELP}")
    context = build_context(system, **options)
    text = _environment().get_template("report.html").render(**context)
    write_text_atomic(path, text)
    if pdf:
        from upheaval.report._pdf import write_pdf

        write_pdf(system, path.with_suffix(".pdf"), html_text=text)
    return path
