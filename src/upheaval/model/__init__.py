"""A system and its parts; reading and writing it as YAML; the built-in models."""

from upheaval._lazy import lazy_names
from upheaval.model._builtin import BUILTIN_DEFAULT, builtin_models
from upheaval.model._coverage import Finding, coverage
from upheaval.model._indicator import Alert, EventPattern, Indicator, IndicatorRule, PriorWeight, TrackingSettings
from upheaval.model._periods import PeriodPlan, ScheduledChange
from upheaval.model._schema import (
    Actor,
    Citation,
    Claim,
    ClaimCheck,
    Descriptor,
    Future,
    Impact,
    ImpactRow,
    Present,
    Shock,
    Source,
    System,
    Tie,
    TieChanges,
    TieKindSpec,
    Variant,
)
from upheaval.model._sources import SourceText, cited_paragraph, parse_source_text, source_text
from upheaval.model._yaml import dump_yaml, parse_yaml

__all__ = [
    "BUILTIN_DEFAULT",
    "Actor",
    "Alert",
    "Citation",
    "Claim",
    "ClaimCheck",
    "Descriptor",
    "EventPattern",
    "Finding",
    "Future",
    "Impact",
    "ImpactRow",
    "Indicator",
    "IndicatorRule",
    "PeriodPlan",
    "Present",
    "PriorWeight",
    "ScheduledChange",
    "Shock",
    "Source",
    "SourceText",
    "System",
    "Tie",
    "TieChanges",
    "TieKindSpec",
    "TrackingSettings",
    "Variant",
    "builtin_models",
    "cited_paragraph",
    "coverage",
    "dump_yaml",
    "parse_source_text",
    "parse_yaml",
    "source_text",
]

# Plumbing the project's own packages share: loaded from these modules on first use, not the public
# API (``__all__``), free to change.
_SHARED = {
    "check_partial_date": "_common",
    "set_judgement": "_edit",
    "system_json_schema": "_jsonschema",
    "MAX_DESCRIPTORS": "_limits",
    "MAX_NODES": "_limits",
    "MAX_SECTIONS": "_limits",
    "MAX_STRING": "_limits",
    "MAX_TOTAL_VARIANTS": "_limits",
    "MAX_VARIANTS": "_limits",
    "check_file_size": "_limits",
    "check_printable": "_limits",
    "decode_text": "_limits",
    "HOSTILE_KINDS": "_schema",
    "TIE_KINDS": "_schema",
    "TIE_STATUSES": "_schema",
    "Block": "_sources",
    "join_page_breaks": "_sources",
    "text_blocks": "_sources",
    "cross_references": "_yaml",
    "field_location": "_yaml",
    "first_validation_error": "_yaml",
    "portable_system": "_yaml",
    "read_yaml": "_yaml",
    "write_yaml": "_yaml",
}

__getattr__ = lazy_names(__name__, _SHARED, globals())
