"""upheaval: a workbench for modelling geopolitical systems with Cross-Impact Balance analysis."""

__version__ = "0.1.0"
