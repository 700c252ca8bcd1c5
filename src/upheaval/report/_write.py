"""Writing the report: the HTML file and, on request, the PDF beside it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from upheaval._io import write_text_atomic
from upheaval.model import System
from upheaval.report._html import _environment, build_context
from upheaval.report._pdf import write_pdf

__all__ = ["write_report"]


def write_report(
    system: System, path: str | Path, *, pdf: bool = False, pdf_engine: str = "auto", **options: Any
) -> Path:
    """Write the HTML report of ``system`` to ``path`` atomically; with ``pdf=True`` also a PDF beside it.

    The HTML is one file that opens offline: figures are inline PNG images, the style sheet
    is inline, and every text from the model is HTML-escaped. The PDF (same name, suffix
    ``.pdf``) is made by :func:`upheaval.report.write_pdf` with ``pdf_engine``. ``options`` go to
    :func:`build_context` (``tolerance``, ``max_scenarios``, ``figures``).

    Returns the HTML path.
    """
    path = Path(path)
    context = build_context(system, **options)
    text = _environment().get_template("report.html").render(**context)
    write_text_atomic(path, text)
    if pdf:
        write_pdf(system, path.with_suffix(".pdf"), engine=pdf_engine, html_text=text, context=context)
    return path
