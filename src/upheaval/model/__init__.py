"""A system and its parts; reading and writing it as YAML; the built-in models."""

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
