"""The JSON Schema of the model format, generated from the pydantic models (so it cannot drift from them)."""

from __future__ import annotations

from typing import Any

from upheaval.model._schema import System

__all__ = ["SCHEMA_ID", "system_json_schema"]

SCHEMA_ID = "https://upheaval.invalid/schema/model.json"


def system_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) a model file follows, field names as written in YAML.

    Editors use it for completion and validation (yaml-language-server: put
    ``# yaml-language-server: $schema=model.schema.json`` at the top of a model). The schema
    checks each part's shape; references between parts (a tie's actors, an impact's
    variants, citations against a source's text) are checked by ``upheaval validate``.
    """
    schema = System.model_json_schema(by_alias=True, mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
        "title": "upheaval model",
    }
