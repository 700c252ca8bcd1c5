"""Editing the model's listed parts in the workbench: actors, ties, sources, claims and indicators.

Each edit adds, replaces or removes one item; the model is then validated exactly as a model
file is when it is loaded (each part's fields, then every cross-reference: a tie's actors, a
claim's descriptors and variants, a citation's source, section, paragraph and quote), and the
edit is refused with the loader's messages if anything is wrong. Accepted edits are undoable
and saved like every other edit (atomically, comments kept).
"""

from __future__ import annotations

from typing import Any

from upheaval.model import System
from upheaval.web._state import EditRefused, OpenModel, Workspace, _dump, _rebuild

__all__ = ["PART_KEYS", "edit_part", "part_item"]

PART_KEYS = {"actors": "code", "ties": "id", "sources": "id", "claims": "id", "indicators": "id"}
_SINGULAR = {"actors": "actor", "ties": "tie", "sources": "source", "claims": "claim", "indicators": "indicator"}
MAX_ITEMS = 500


def _clean(value: Any) -> Any:
    """Form values as model data: empty text, empty lists and empty maps mean 'left out'."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            v = _clean(v)
            if v is None or v == "" or v == [] or v == {}:
                continue
            out[k] = v
        return out
    if isinstance(value, list):
        return [c for c in (_clean(v) for v in value) if c not in (None, "", {}, [])]
    if isinstance(value, str):
        return value.strip()
    return value


def _merge(old: dict[str, Any], new: dict[str, Any], shown: set[str]) -> dict[str, Any]:
    """``old`` with the editor's fields replaced by ``new``'s: a field shown and sent empty is removed.

    Fields the editor does not show are kept, so an item never loses what the form cannot display.
    """
    return {k: v for k, v in old.items() if k not in shown} | new


def part_item(system: System, section: str, key: str) -> dict[str, Any] | None:
    """One item of a listed part as YAML-shaped data (None if there is no such item)."""
    field = PART_KEYS[section]
    for item in _dump(system).get(section, []):
        if item.get(field) == key:
            return item
    return None


def edit_part(
    ws: Workspace, section: str, key: str | None, item: dict[str, Any] | None, *, delete: bool = False
) -> OpenModel:
    """Add (``key`` None), change (``key`` names the item) or remove (``delete``) one item of ``section``."""
    if section not in PART_KEYS:
        raise EditRefused(f"the workbench edits {', '.join(PART_KEYS)}; not {section!r}")
    field = PART_KEYS[section]
    noun = _SINGULAR[section]
    with ws.lock:
        doc = ws.doc()
        system = doc.system
        data = _dump(system)
        items = data.setdefault(section, [])
        index = next((i for i, x in enumerate(items) if key is not None and x.get(field) == key), None)
        if key is not None and index is None:
            raise EditRefused(f"there is no {noun} {key!r} (reload the page?)")
        if delete:
            if index is None:
                raise EditRefused(f"say which {noun} to remove")
            removed = items.pop(index)
            what = f"remove {noun} {removed.get(field)}"
        else:
            new_item = _clean(item or {})
            if index is None:
                if len(items) >= MAX_ITEMS:
                    raise EditRefused(f"the workbench edits at most {MAX_ITEMS} {section}")
                if any(x.get(field) == new_item.get(field) for x in items):
                    raise EditRefused(
                        f"there is already a {noun} {new_item.get(field)!r}; give the new one its own {field}"
                    )
                items.append(new_item)
                what = f"add {noun} {new_item.get(field)}"
            else:
                merged = _merge(items[index], new_item, _FORM_FIELDS[section])
                if any(i != index and x.get(field) == merged.get(field) for i, x in enumerate(items)):
                    raise EditRefused(f"there is already a {noun} {merged.get(field)!r}")
                items[index] = merged
                what = f"edit {noun} {merged.get(field)}"
        return ws._commit(doc, _rebuild(system, data), what)


# top-level fields each editor shows: one left empty in the form is removed from the item
_FORM_FIELDS = {
    "actors": {"code", "name", "kind", "cameo", "own_code", "aliases", "camp", "bloc"},
    "ties": {"id", "from", "to", "kind", "label", "amount", "unit", "rate", "since", "until", "status", "cites"},
    "sources": {"id", "title", "author", "publisher", "date", "url", "path", "sections"},
    "claims": {"id", "text", "cites", "check", "note"},
    "indicators": {"id", "label", "signals", "pattern", "measure", "window", "rule", "rationale", "cites"},
}
