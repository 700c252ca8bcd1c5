"""The local web workbench: a FastAPI app with server-rendered pages, htmx and a JSON API."""

from upheaval.web._app import create_app, is_loopback
from upheaval.web._paths import PathNotAllowed, resolve_inside
from upheaval.web._state import Conflict, Document, EditRefused, Workspace

__all__ = [
    "Conflict",
    "Document",
    "EditRefused",
    "PathNotAllowed",
    "Workspace",
    "create_app",
    "is_loopback",
    "resolve_inside",
]
