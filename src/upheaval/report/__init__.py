"""Views of a system for readers: storylines, figures and the HTML/PDF report."""

from __future__ import annotations

import importlib
from typing import Any

from upheaval.report._storyline import Influence, Step, Storyline, storyline

# Figures and the report pull in matplotlib and jinja2; they load on first use so that
# commands that only need storylines start fast.
_LAZY = {
    "FIGURES": "_figures",
    "claims_figure": "_figures",
    "figure_bytes": "_figures",
    "impact_figure": "_figures",
    "landscape_figure": "_figures",
    "matrix_figure": "_figures",
    "network_figure": "_figures",
    "save_figure": "_figures",
    "tableau_figure": "_figures",
    "render_report": "_html",
    "scenario_set_html": "_html",
    "system_html": "_html",
    "write_report": "_write",
    "dyad_figure": "_tracking",
    "tracking_figure": "_tracking",
    "tracking_html": "_tracking",
    "PDF_ENGINES": "_pdf",
    "write_pdf": "_pdf",
}

__all__ = ["Influence", "Step", "Storyline", "storyline", *_LAZY]


def __getattr__(name: str) -> Any:
    """Load the figures, HTML and PDF parts on first use."""
    if name in _LAZY:
        value = getattr(importlib.import_module(f"upheaval.report.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'upheaval.report' has no attribute {name!r}")
