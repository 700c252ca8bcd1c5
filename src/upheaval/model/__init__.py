"""A system and its parts; loading and saving model files (YAML, ScenarioWizard .scw)."""

from upheaval.model._coverage import Finding, coverage
from upheaval.model._indicator import Alert, EventPattern, Indicator, IndicatorRule, PriorWeight, TrackingSettings
from upheaval.model._load import BUILTIN_DEFAULT, builtin_models, load_system, save_system
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
    Source,
    System,
    Tie,
    TieChanges,
    TieKindSpec,
    Variant,
)
from upheaval.model._sources import SourceText, cited_paragraph, parse_source_text, source_text
from upheaval.model._yaml import dump_yaml, parse_yaml, write_text_atomic

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
    "load_system",
    "parse_source_text",
    "parse_yaml",
    "save_system",
    "source_text",
    "write_text_atomic",
]
