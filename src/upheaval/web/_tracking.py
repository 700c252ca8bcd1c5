"""Tracking for the pages: the current model followed through an event database, cached per model version."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import HTTPException

__all__ = ["tracking_data"]


def tracking_data(ws: Any, events: Path | None) -> dict[str, Any]:
    """``tracking_json`` of the current model over ``events`` (404 when the workbench has no event database)."""
    if events is None:
        raise HTTPException(404, "no event database: start the workbench with `upheaval serve --events DB`")
    doc = ws.doc()
    system = doc.system
    if not system.indicators:
        raise HTTPException(422, f"model {system.id} defines no indicators; add an `indicators:` section to track it")

    def run() -> dict[str, Any]:
        from upheaval.events import connect
        from upheaval.events._track import track, tracking_json

        con = connect(events, read_only=True)
        try:
            return tracking_json(track(system, con))
        finally:
            con.close()

    return ws._cached(("tracking", doc.key, doc.version, str(events)), run)
