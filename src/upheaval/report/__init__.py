"""Views of a system for readers: storylines, figures and the HTML/PDF report."""

from upheaval.report._storyline import Influence, Step, Storyline, storyline

__all__ = ["Influence", "Step", "Storyline", "storyline"]
