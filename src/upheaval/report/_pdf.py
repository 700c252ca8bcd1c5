"""The report as PDF: the HTML report itself, laid out on A4 pages by WeasyPrint (an HTML-to-PDF engine).

The PDF is the same document as the HTML file: the same sections, tables and inline SVG
figures, set by the report's print style sheet. WeasyPrint is a Python package that draws
text with the Pango library of the operating system; where Pango is missing the PDF cannot be
made, and :func:`pdf_unavailable` says what to install (no other engine stands in for it, so a
PDF always looks like the report).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from upheaval._io import write_text_atomic
from upheaval._system_arg import accepts_system
from upheaval.errors import UpheavalError
from upheaval.model import System

__all__ = ["PDF_HELP", "pdf_unavailable", "write_pdf"]

PDF_HELP = (
    "WeasyPrint draws text with the Pango library: on Debian or Ubuntu `sudo apt-get install libpango-1.0-0 "
    "libpangoft2-1.0-0`, on Fedora `sudo dnf install pango`, on macOS `brew install pango`; then "
    "`pip install weasyprint` if it is missing (see https://doc.courtbouillon.org/weasyprint)"
)


def pdf_unavailable() -> str:
    """Why a PDF cannot be made here ('' when it can): WeasyPrint missing, or Pango missing beneath it."""
    try:
        import weasyprint  # type: ignore[import-not-found]
    except ImportError as exc:
        if isinstance(exc, ModuleNotFoundError) and exc.name == "weasyprint":
            return "the PDF is made by WeasyPrint, which is not installed"
        return f"WeasyPrint cannot load a library it needs ({exc})"
    except OSError as exc:  # the Pango library is missing
        return f"WeasyPrint cannot load the Pango library ({exc})"
    del weasyprint
    return ""


@accepts_system("system")
def write_pdf(system: System, path: str | Path, *, html_text: str | None = None, **options: Any) -> Path:
    """Write the report of ``system`` as a PDF, atomically: the HTML report (``html_text`` when the caller
    rendered it already, else :func:`upheaval.report.render_report` with ``options``) laid out by WeasyPrint.

    Raises :class:`upheaval.errors.UpheavalError` naming what to install when WeasyPrint cannot run here.
    """
    why = pdf_unavailable()
    if why:
        raise UpheavalError(f"cannot write {Path(path).name}: {why}; {PDF_HELP}")
    import logging

    import weasyprint  # type: ignore[import-not-found]

    if html_text is None:
        from upheaval.report._html import render_report

        html_text = render_report(system, **options)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # its notes on unsupported CSS are not the user's
    data = weasyprint.HTML(string=html_text).write_pdf()
    path = Path(path)
    write_text_atomic(path, data)
    return path
