"""Keep every file the workbench reads or writes inside the allowed folders."""

from __future__ import annotations

import os
from pathlib import Path

from upheaval._load import MODEL_SUFFIXES
from upheaval.errors import UpheavalError

__all__ = ["MODEL_SUFFIXES", "PathNotAllowed", "list_model_files", "resolve_inside"]

_MAX_LISTED = 200
_MAX_DEPTH = 3


class PathNotAllowed(UpheavalError):
    """A path points outside the folders the workbench may read and write."""


def resolve_inside(root: Path, name: str, *, suffixes: tuple[str, ...] = MODEL_SUFFIXES) -> Path:
    """The real path of ``name`` (relative to ``root``), refusing anything outside ``root``.

    ``name`` must be relative, free of NUL bytes and end in one of ``suffixes``; after
    symlinks and ``..`` are resolved it must still lie inside ``root``. Raises
    :class:`PathNotAllowed` otherwise.

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> resolve_inside(root, "a.yaml") == root.resolve() / "a.yaml"
    True
    """
    if not isinstance(name, str) or not name.strip():
        raise PathNotAllowed("give a file name, e.g. model.yaml")
    if "\x00" in name or len(name) > 400:
        raise PathNotAllowed("not a usable file name")
    if os.path.isabs(name) or name.startswith(("~", "\\")) or (len(name) > 1 and name[1] == ":"):
        raise PathNotAllowed(f"{name!r}: absolute paths are not allowed; give a path inside the working folder")
    if Path(name).suffix.lower() not in suffixes:
        raise PathNotAllowed(f"{name!r}: a model file ends in {', '.join(suffixes)}")
    base = root.resolve()
    target = (base / name).resolve()
    if not target.is_relative_to(base):
        raise PathNotAllowed(f"{name!r} lies outside the working folder {base}")
    return target


def list_model_files(root: Path) -> list[str]:
    """Model files under ``root`` (a few levels deep, hidden folders skipped), as relative paths.

    Symlinks that lead outside ``root`` are left out.
    """
    base = root.resolve()
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(base):
        depth = len(Path(dirpath).relative_to(base).parts)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in ("node_modules", "__pycache__"))
        if depth >= _MAX_DEPTH:
            dirnames[:] = []
        for f in sorted(filenames):
            if f.startswith(".") or Path(f).suffix.lower() not in MODEL_SUFFIXES:
                continue
            rel = str((Path(dirpath) / f).relative_to(base))
            try:
                resolve_inside(base, rel)
            except PathNotAllowed:
                continue
            found.append(rel)
            if len(found) >= _MAX_LISTED:
                return found
    return found
