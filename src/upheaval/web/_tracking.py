"""Tracking for the pages: the current model followed through an event database, cached per model version."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import HTTPException

__all__ = ["tracked", "tracking_data", "tracking_figure_svg"]


def tracked(ws: Any, events: Path | None) -> Any:
    """The :class:`~upheaval.events.Tracking` of the current model over ``events`` (404 without a database)."""
    if events is None:
        raise HTTPException(404, "no event database: start the workbench with `upheaval serve --events DB`")
    doc = ws.doc()
    system = doc.system
    if not system.indicators:
        raise HTTPException(422, f"model {system.id} defines no indicators; add an `indicators:` section to track it")

    def run() -> Any:
        from upheaval.events import connect, track

        con = connect(events, read_only=True)
        try:
            return track(system, con)
        finally:
            con.close()

    return ws._cached(("tracked", doc.key, doc.version, str(events)), run)


def tracking_data(ws: Any, events: Path | None) -> dict[str, Any]:
    """``tracking_json`` of the current model over ``events`` (404 when the workbench has no event database)."""
    result = tracked(ws, events)
    doc = ws.doc()

    def run() -> dict[str, Any]:
        from upheaval.events import tracking_json

        return tracking_json(result)

    return ws._cached(("tracking", doc.key, doc.version, str(events)), run)


def tracking_figure_svg(ws: Any, events: Path | None, kind: str) -> bytes:
    """The probability of each future over time (``probabilities``) or the signpost matrix (``signposts``), as SVG."""
    from upheaval.web._figures import _LOCK

    result = tracked(ws, events)
    doc = ws.doc()

    def draw() -> bytes:
        from upheaval.events import signposts
        from upheaval.report import figure_bytes, probability_figure, signpost_figure

        with _LOCK:
            if kind == "probabilities":
                fig = probability_figure(result)
            else:
                fig = signpost_figure(signposts(result.system, result.consistent))
            return figure_bytes(fig, "svg")

    return ws._cached(("tracking-figure", doc.key, doc.version, str(events), kind), draw)
