"""The local web workbench: a FastAPI app with server-rendered pages, htmx and a JSON API."""

from upheaval.web._app import create_app
from upheaval.web._app import is_loopback as is_loopback
from upheaval.web._paths import PathNotAllowed as PathNotAllowed
from upheaval.web._paths import resolve_inside as resolve_inside
from upheaval.web._state import Conflict, Document, EditRefused, Workspace

# Names imported above but not listed here (``x as x``) are plumbing the project's own packages share;
# they may change without notice. ``__all__`` is the public API.
__all__ = [
    "Conflict",
    "Document",
    "EditRefused",
    "Workspace",
    "create_app",
]
