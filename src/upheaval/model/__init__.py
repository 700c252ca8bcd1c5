"""A system and its parts; loading and saving model files (YAML, ScenarioWizard .scw)."""

from upheaval.model._indicator import EventPattern, Indicator, IndicatorRule
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
    Variant,
)
from upheaval.model._yaml import dump_yaml, parse_yaml, write_text_atomic

__all__ = [
    "BUILTIN_DEFAULT",
    "Actor",
    "Citation",
    "Claim",
    "ClaimCheck",
    "Descriptor",
    "EventPattern",
    "Future",
    "Impact",
    "ImpactRow",
    "Indicator",
    "IndicatorRule",
    "PeriodPlan",
    "Present",
    "ScheduledChange",
    "Source",
    "System",
    "Tie",
    "TieChanges",
    "Variant",
    "builtin_models",
    "dump_yaml",
    "load_system",
    "parse_yaml",
    "save_system",
    "write_text_atomic",
]
