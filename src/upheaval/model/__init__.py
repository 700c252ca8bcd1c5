"""A system and its parts; reading and writing it as YAML; the built-in models."""

from upheaval.model._builtin import BUILTIN_DEFAULT, builtin_models
from upheaval.model._indicator import EventPattern, Indicator, IndicatorRule
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
from upheaval.model._yaml import dump_yaml, parse_yaml

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
    "parse_yaml",
]
