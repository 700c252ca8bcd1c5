"""Views of a system for readers: storylines, figures and the HTML/PDF report."""

from __future__ import annotations

from upheaval._lazy import lazy_names
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
    "write_pdf": "_pdf",
    "REPORT_SECTIONS": "_html",
    "ReportSection": "_html",
    "add_report_section": "_html",
}

__all__ = ["Influence", "Step", "Storyline", "storyline", *_LAZY]

# Plumbing the project's own packages share: loaded from these modules on first use, not the public
# API (``__all__``), free to change.
_SHARED = {
    "consistent": "_data",
    "pick_scenario": "_data",
    "disagreement_figure": "_decisions",
    "lever_figure": "_decisions",
    "pick_figure": "_decisions",
    "shock_figure": "_decisions",
    "draft_report_html": "_draft",
    "draft_report_markdown": "_draft",
    "attach_notebook_display": "_notebook",
    "PDF_HELP": "_pdf",
    "pdf_unavailable": "_pdf",
    "probability_figure": "_tracking",
    "signpost_figure": "_tracking",
}

__getattr__ = lazy_names(__name__, _LAZY | _SHARED, globals())
