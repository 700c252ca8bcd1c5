"""The local web workbench: a FastAPI app with server-rendered pages, htmx and a JSON API."""

from upheaval._lazy import lazy_names
from upheaval.web._app import create_app
from upheaval.web._state import Conflict, EditRefused, OpenModel, Workspace

__all__ = [
    "Conflict",
    "EditRefused",
    "OpenModel",
    "Workspace",
    "create_app",
]

# Plumbing the project's own packages share: loaded from these modules on first use, not the public
# API (``__all__``), free to change.
_SHARED = {
    "is_loopback": "_app",
    "PathNotAllowed": "_paths",
    "resolve_inside": "_paths",
}

__getattr__ = lazy_names(__name__, _SHARED, globals(), {"Document": "OpenModel"})
