"""The parts of a system (pydantic models): sources, actors, ties, descriptors, impacts, claims."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, PrivateAttr, WithJsonSchema, field_validator, model_validator

from upheaval.model._common import ID_PATTERN, Citation, Cites, Id, _Part, check_partial_date
from upheaval.model._indicator import Indicator, TrackingSettings
from upheaval.model._periods import PeriodPlan

__all__ = [
    "COOPERATIVE_KINDS",
    "HOSTILE_KINDS",
    "TIE_KINDS",
    "TIE_STATUSES",
    "Actor",
    "Citation",
    "Claim",
    "ClaimCheck",
    "ClaimFieldError",
    "Descriptor",
    "Future",
    "Impact",
    "ImpactRow",
    "Present",
    "Shock",
    "Source",
    "System",
    "Tie",
    "TieChanges",
    "TieKindSpec",
    "Variant",
]


class Source(_Part):
    """A document the system cites."""

    id: Id
    title: str = Field(min_length=1)
    author: str | None = None
    publisher: str | None = None
    date: str | None = None
    url: str | None = None
    path: str | None = Field(
        default=None,
        description="the source's text, a .txt, .md or .html file in the model's folder (relative to the "
        "model file); citations are then checked against it",
    )
    sections: list[str] = Field(default_factory=list)

    _date = field_validator("date", mode="before")(check_partial_date)


ActorKind = Literal["state", "alliance", "organisation", "leader", "group"]


class Actor(_Part):
    """A state, alliance, organisation, leader or group with a stable code (ISO alpha-3 or CAMEO).

    A non-state actor without an ISO or CAMEO code gets a code of the model's own; say so
    with ``own_code: true`` (event data cannot match such a code). ``camp`` is the group the
    analyst puts the actor in (``bloc``, its old name, is still read and mirrors it).
    """

    code: str = Field(pattern=r"^[A-Z][A-Z0-9]{1,7}$")
    name: str = Field(min_length=1)
    kind: ActorKind = "state"
    cameo: str | None = Field(default=None, pattern=r"^[A-Z0-9]{3,}$")
    own_code: bool = Field(default=False, description="the code is the model's own, not ISO alpha-3 or CAMEO")
    aliases: list[str] = Field(default_factory=list)
    camp: str | None = Field(
        default=None, description="the camp the actor belongs to; declared camps win over structural balance"
    )
    bloc: str | None = Field(
        default=None,
        description="the old name of `camp` (still read, with a warning)",
        json_schema_extra={"deprecated": True},
    )

    @model_validator(mode="after")
    def _camp_or_bloc(self) -> Actor:
        if self.bloc is not None:
            if self.camp is not None and self.camp != self.bloc:
                raise ValueError(
                    f"`camp: {self.camp}` and `bloc: {self.bloc}` disagree; `bloc` is the old name of `camp`: keep `camp`"
                )
            object.__setattr__(self, "camp", self.bloc)  # not marked as set: a saved file keeps the key it had
        elif self.camp is not None:
            object.__setattr__(self, "bloc", self.camp)
        return self


COOPERATIVE_KINDS = (
    "troops",
    "munitions",
    "payment",
    "technology",
    "training",
    "recruitment",
    "trade",
    "finance",
    "agreement",
    "diplomatic_support",
    "intelligence",
    "aid",
    "liaison",
    "mediation",
    "stance",
    "alignment",
)
HOSTILE_KINDS = (
    "hostility",
    "combat",
    "attack",
    "casualties",
    "targeting",
    "blockade",
    "interception",
    "sanctions",
    "coercion",
    "pressure",
    "threat",
)
TIE_KINDS = COOPERATIVE_KINDS + HOSTILE_KINDS
TIE_STATUSES = ("reported", "planned", "option", "stance", "draft")
Rate = Literal["once", "day", "week", "month", "year"]
TieKindName = Annotated[
    str,
    Field(pattern=ID_PATTERN, min_length=1, max_length=80),
    WithJsonSchema(
        {
            "anyOf": [
                {"enum": list(TIE_KINDS)},
                {"type": "string", "pattern": ID_PATTERN, "description": "a kind declared under `tie_kinds`"},
            ],
            "description": "what the tie is: one of the built-in kinds, or a kind the model declares under `tie_kinds`",
        }
    ),
]


class TieKindSpec(_Part):
    """A tie kind the model declares beside the built-in ones.

    ``sign`` says whether ties of this kind join actors (``cooperative``) or oppose them
    (``hostile``), which decides the camps (structural balance); ``style`` is how figures draw
    them.
    """

    id: Id
    label: str = Field(min_length=1)
    sign: Literal["cooperative", "hostile"]
    style: Literal["solid", "dashed", "dotted"] = "solid"
    description: str = ""


class Tie(_Part):
    """A directed, typed relation between two actors, with an optional quantity.

    ``amount`` ``unit`` per ``rate``: e.g. 2000 ``USD/soldier`` per ``month``.
    ``status`` distinguishes what is reported as fact from options and plans; ``draft`` marks a
    tie written by ``upheaval draft`` that the analyst has not yet checked. ``sign`` overrides
    the kind's sign for this tie alone, where the kind is ambiguous between the two actors
    (``pressure`` between allies, Washington talking a partner out of a strike, is cooperative).
    """

    id: Id
    source: str = Field(alias="from")
    target: str = Field(alias="to")
    kind: TieKindName
    label: str = ""
    amount: float | None = None
    unit: str | None = None
    rate: Rate | None = None
    since: str | None = None
    until: str | None = None
    status: Literal[TIE_STATUSES] = "reported"
    sign: Literal["cooperative", "hostile"] | None = Field(
        default=None,
        description="this tie's own sign where its kind is ambiguous (e.g. `pressure` between allies); "
        "else the kind's decides",
    )
    cites: Cites

    _spec: TieKindSpec | None = PrivateAttr(default=None)  # set by the system for a kind it declares
    _dates = field_validator("since", "until", mode="before")(check_partial_date)

    @property
    def polarity(self) -> int:
        """+1 for a cooperative tie, -1 for a hostile one: the tie's own ``sign`` where it states one, else
        its kind's (a declared kind's ``sign``, or the built-in kind's)."""
        if self.sign is not None:
            return -1 if self.sign == "hostile" else 1
        if self._spec is not None:
            return -1 if self._spec.sign == "hostile" else 1
        return -1 if self.kind in HOSTILE_KINDS else 1

    @property
    def kind_spec(self) -> TieKindSpec | None:
        """The declaration of this tie's kind, when the model declares it (None for a built-in kind)."""
        return self._spec


class TieChanges(_Part):
    """How a variant changes the actor network: ties it adds and ties (by id) it removes."""

    add: list[Tie] = Field(default_factory=list)
    remove: list[str] = Field(default_factory=list)


class Variant(_Part):
    """One of a descriptor's mutually exclusive states."""

    id: Id
    label: str = Field(min_length=1)
    description: str = ""
    ties: TieChanges | None = None


class Descriptor(_Part):
    """An uncertain factor of the system, with two or more mutually exclusive variants.

    A ``context`` descriptor is set from outside the system (a framework condition; the
    ScenarioWizard manual's autonomous descriptor): no judgement of the system acts on it, so
    every variant has the same impact balance and any of them is consistent; it drives the
    others and takes no part in the consistency value. ``held_by`` names the actors that can set
    it (who holds the lever), by code.
    """

    id: Id
    label: str = Field(min_length=1)
    description: str = ""
    held_by: list[str] = Field(
        default_factory=list, description="the actors (codes) that can set this descriptor: who holds the lever"
    )
    variants: list[Variant] = Field(min_length=2)
    context: bool = Field(
        default=False,
        description="set from outside the system (ScenarioWizard's autonomous descriptor): nothing in the system "
        "acts on it, and it is exempt from the consistency test",
    )

    def variant_ids(self) -> list[str]:
        """The variants' ids, in order."""
        return [v.id for v in self.variants]


class ImpactRow(_Part):
    """Why one variant of a judgement section's ``from`` descriptor acts as its row says."""

    rationale: str = ""
    cites: Cites


class Impact(_Part):
    """A judgement section: how the variants of descriptor ``from`` act on those of ``to``.

    ``values[a][b]`` is the impact of variant ``a`` of ``from`` on variant ``b`` of ``to``:
    +1..+3 promotes, -1..-3 hinders (the system's ``scale`` sets the bound; 3 unless a model,
    such as an imported ScenarioWizard file, declares a wider one); cells left out are 0. ``uncertainty`` says by how much
    each cell may plausibly differ (used by robustness analysis). ``diagonal`` must be set
    for a self-impact block (``from`` equal to ``to``), which ScenarioWizard files may carry.

    ``rationale`` and ``cites`` explain the section as a whole; ``rows[a]`` may give variant
    ``a``'s row its own rationale and citations, which then explain that row instead (the
    section's stay the default for rows without their own): see :meth:`reason`.
    """

    source: str = Field(alias="from")
    target: str = Field(alias="to")
    values: dict[str, dict[str, int]]
    rationale: str = ""
    cites: Cites
    rows: dict[str, ImpactRow] = Field(default_factory=dict)
    uncertainty: int = Field(default=0, ge=0, le=99)
    diagonal: bool = False

    def reason(self, variant: str) -> tuple[str, list[Citation]]:
        """The rationale and citations that explain row ``variant``: its own where given, else the section's.

        A row's own rationale comes with its own citations, or the section's when it lists none.
        """
        row = self.rows.get(variant)
        if row is not None and row.rationale.strip():
            return row.rationale.strip(), list(row.cites or self.cites)
        return self.rationale.strip(), list(row.cites if row is not None and row.cites else self.cites)


Condition = dict[str, str | list[str]]


class ClaimFieldError(ValueError):
    """A claim check that is invalid because of one of its fields (``field``, as written in YAML)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


# the fields each kind of claim reads (YAML names); the first ones listed are required
_CLAIM_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "implies": (("then",), ("fix", "where", "tolerance")),
    "exists": (("match",), ("fix", "tolerance")),
    "never": (("match",), ("fix", "tolerance")),
    "consistent": (("scenario",), ("tolerance",)),
    "lowers": (("fix", "outcome", "at_most"), ("baseline", "tolerance")),
}
# a claim's old keys (still read, with a warning) -> the commands' words (--fix, --where)
OLD_CLAIM_KEYS = {"given": "fix", "if": "where"}
_FIELD = {"if": "if_"}  # YAML key -> Python field, where they differ


def _allowed(cond: dict[str, Any], did: str) -> set[str] | None:
    """The variants a condition allows for descriptor ``did`` (None: any)."""
    if did not in cond:
        return None
    v = cond[did]
    return {v} if isinstance(v, str) else set(v)


def _meet(*conds: dict[str, Any]) -> dict[str, set[str]]:
    """The conjunction of conditions: per descriptor, the variants all of them allow."""
    out: dict[str, set[str]] = {}
    for cond in conds:
        for did in cond:
            allowed = _allowed(cond, did) or set()
            out[did] = out[did] & allowed if did in out else set(allowed)
    return out


def _implied(premise: dict[str, set[str]], conclusion: dict[str, Any]) -> bool:
    """Whether every scenario satisfying ``premise`` satisfies ``conclusion``, whatever the matrix."""
    return all(did in premise and premise[did] <= (_allowed(conclusion, did) or set()) for did in conclusion)


def _excluded(premise: dict[str, set[str]], conclusion: dict[str, Any]) -> str | None:
    """A descriptor on which ``premise`` and ``conclusion`` allow no common variant (None if there is none)."""
    for did in conclusion:
        if did in premise and not premise[did] & (_allowed(conclusion, did) or set()):
            return did
    return None


def _a(kind: str) -> str:
    return f"{'an' if kind[0] in 'aeiou' else 'a'} `{kind}`"


def _show(cond: dict[str, Any]) -> str:
    return ", ".join(f"{d}={v if isinstance(v, str) else '|'.join(v)}" for d, v in cond.items())


class ClaimCheck(_Part):
    """What a claim asserts about the consistent scenarios.

    kinds (required fields first, then the optional ones):
      ``implies``    (``then``; ``fix``, ``where``) every consistent scenario that matches ``where``
                     also matches ``then`` (and at least one matches ``where``);
      ``exists``     (``match``; ``fix``) some consistent scenario matches ``match``;
      ``never``      (``match``; ``fix``) no consistent scenario matches ``match`` (and some
                     scenario is consistent);
      ``consistent`` (``scenario``) the full ``scenario`` is consistent within ``tolerance``;
      ``lowers``     (``fix``, ``outcome``, ``at_most``; ``baseline``) the share of scenarios
                     matching ``outcome`` under the intervention ``fix`` is at most ``at_most``
                     (below 1) times its share under ``baseline`` (an intervention too; none
                     when left out).
    ``fix`` is an intervention, as the commands' ``--fix``: its descriptors take these variants
    and are exempt from the consistency test (CIB intervention analysis, Weimer-Jehle 2006);
    ``where`` filters the consistent scenarios after the search (a restriction, as ``--where``).
    Their old names ``given`` and ``if`` are still read (a modelling warning says so; a save
    writes the new keys). Every kind can fail: a check whose conclusion follows from its
    premise alone, or that no scenario could satisfy, is refused, as is a field its kind does
    not read.
    """

    kind: Literal["implies", "exists", "never", "consistent", "lowers"]
    fix: Condition = Field(default_factory=dict, description="an intervention, as the commands' --fix")
    where: Condition = Field(default_factory=dict, description="a restriction, as the commands' --where")
    given: Condition | None = Field(
        default=None,
        description="the old name of `fix` (still read, with a warning)",
        json_schema_extra={"deprecated": True},
        exclude=True,
    )
    if_: Condition | None = Field(
        default=None,
        alias="if",
        description="the old name of `where` (still read, with a warning)",
        json_schema_extra={"deprecated": True},
        exclude=True,
    )
    then: Condition = Field(default_factory=dict)
    match: Condition = Field(default_factory=dict)
    scenario: dict[str, str] = Field(default_factory=dict)
    baseline: Condition = Field(default_factory=dict)
    outcome: Condition = Field(default_factory=dict)
    at_most: float | None = Field(default=None, gt=0, lt=1)
    tolerance: int = Field(default=0, ge=0)

    def old_keys(self) -> dict[str, str]:
        """The old keys this check was written with (``given``, ``if``), each mapped to its new name."""
        return {old: new for old, new in OLD_CLAIM_KEYS.items() if _FIELD.get(old, old) in self.model_fields_set}

    def _mirror_old_keys(self) -> dict[str, str]:
        """Move ``given``/``if`` into ``fix``/``where``; return the name each field was written under."""
        written: dict[str, str] = {}
        for old, new in OLD_CLAIM_KEYS.items():
            value = getattr(self, _FIELD.get(old, old))
            if value is None:
                continue
            if new in self.model_fields_set:
                raise ClaimFieldError(old, f"`{old}` is the old name of `{new}`, and both are given: keep `{new}`")
            object.__setattr__(self, new, value)
            object.__setattr__(self, _FIELD.get(old, old), None)  # read once: the check holds it under the new key
            self.model_fields_set.add(new)  # saved under the new key
            written[new] = old
        return written

    @model_validator(mode="after")
    def _per_kind(self) -> ClaimCheck:
        written = self._mirror_old_keys()
        fix, where = written.get("fix", "fix"), written.get("where", "where")
        required, optional = _CLAIM_FIELDS[self.kind]
        set_fields = self.model_fields_set - {"kind", "given", "if_"}
        for f in sorted(set_fields - set(required) - set(optional)):
            raise ClaimFieldError(
                written.get(f, f),
                f"{_a(self.kind)} check does not use `{written.get(f, f)}`; it reads "
                + ", ".join(f"`{x}`" for x in required + optional),
            )
        for f in required:
            value = getattr(self, f)
            if f == "at_most" and value is None:
                raise ClaimFieldError(
                    f, "a `lowers` check needs `at_most` below 1 (e.g. 0.8): with 1, equal shares would pass"
                )
            if value == {}:
                raise ClaimFieldError(f, f"{_a(self.kind)} check needs a non-empty `{f}`")
        for f in ("fix", "where", "then", "match", "baseline", "outcome"):
            for did, vs in getattr(self, f).items():
                if not isinstance(vs, str) and not vs:
                    name = written.get(f, f)
                    raise ClaimFieldError(name, f"`{name}` gives descriptor `{did}` no variant")
        premise = _meet(self.fix, self.where)
        if self.kind == "implies":
            gap = _excluded(_meet(self.fix), self.where)
            if gap:
                raise ClaimFieldError(
                    where, f"`{where}` asks for a variant of `{gap}` that `{fix}` excludes: no scenario could match"
                )
            if _implied(premise, self.then):
                raise ClaimFieldError(
                    "then",
                    f"`then` ({_show(self.then)}) follows from `{fix}`/`{where}` alone: the claim cannot fail; "
                    "state a conclusion about other descriptors",
                )
        elif self.kind == "exists" and _implied(premise, self.match):
            raise ClaimFieldError(
                "match", f"`match` ({_show(self.match)}) follows from `{fix}` alone: the claim cannot fail"
            )
        elif self.kind == "never" and _excluded(premise, self.match):
            raise ClaimFieldError(
                "match",
                f"`match` ({_show(self.match)}) asks for a variant `{fix}` excludes: the claim cannot fail",
            )
        elif self.kind == "lowers":
            both = sorted(set(self.outcome) & set(self.fix))
            if both:
                raise ClaimFieldError(
                    "outcome",
                    f"`outcome` names `{both[0]}`, which `{fix}` sets: its share is decided by the intervention",
                )
        return self


class Future(_Part):
    """A named future: the scenarios that satisfy ``match`` carry its ``name`` and ``summary``.

    ``match`` is a condition like a claim's ``where``: each descriptor takes the variant, or one
    of the variants, it names. A system's futures are tried in order; the first that matches
    names the scenario (:meth:`System.future_of`).
    """

    id: Id
    name: str = Field(min_length=1, max_length=80)
    summary: str = ""
    match: Condition = Field(default_factory=dict)

    def matches(self, scenario: dict[str, str]) -> bool:
        """Whether the scenario (descriptor id -> variant id) satisfies ``match``."""
        for did, want in self.match.items():
            got = scenario.get(did)
            if got is None or got not in ([want] if isinstance(want, str) else want):
                return False
        return True


class Shock(_Part):
    """A named shock: variants it forces and judgements it adds while it lasts.

    ``fix`` is an intervention (each descriptor takes the variant, or one of the variants,
    given, exempt from the consistency test); ``impacts`` are judgement sections added to
    the model's own while the shock lasts (cell by cell, on top of the model's values).
    """

    id: Id
    label: str = Field(min_length=1)
    description: str = ""
    fix: Condition = Field(default_factory=dict)
    impacts: list[Impact] = Field(default_factory=list)
    rationale: str = ""
    cites: Cites

    @model_validator(mode="after")
    def _does_something(self) -> Shock:
        if not self.fix and not self.impacts:
            raise ValueError("a shock needs `fix` (variants it forces) or `impacts` (judgements it adds), or both")
        for did, vs in self.fix.items():
            if not isinstance(vs, str) and not vs:
                raise ValueError(f"`fix` gives descriptor `{did}` no variant")
        return self


class Claim(_Part):
    """A conclusion of the source, written as a check over the consistent scenarios."""

    id: Id
    text: str = Field(min_length=1)
    cites: Cites
    check: ClaimCheck
    note: str = ""


class Present(_Part):
    """The situation as of ``as_of``: one variant per descriptor, with why."""

    scenario: dict[str, str]
    tolerance: int = Field(default=0, ge=0)
    note: str = ""
    cites: Cites


class System(_Part):
    """The model of one geopolitical situation."""

    id: Id
    title: str = Field(min_length=1)
    as_of: str | None  # the date the model describes; None when its source states none (a ScenarioWizard file)
    description: str = ""
    scale: int = Field(default=3, ge=1, le=99)
    tie_kinds: list[TieKindSpec] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    actors: list[Actor] = Field(default_factory=list)
    ties: list[Tie] = Field(default_factory=list)
    descriptors: list[Descriptor] = Field(min_length=1)
    impacts: list[Impact] = Field(default_factory=list)
    present: Present | None = None
    futures: list[Future] = Field(default_factory=list)
    shocks: list[Shock] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    tracking: TrackingSettings = Field(default_factory=TrackingSettings)
    periods: PeriodPlan | None = None

    _document: Any = PrivateAttr(default=None)
    _folder: Any = PrivateAttr(default=None)  # the model file's folder (for sources' ``path``)
    _path: Any = PrivateAttr(default=None)  # the model file, when read from one (for warnings' lines)

    _as_of = field_validator("as_of", mode="before")(check_partial_date)

    @model_validator(mode="after")
    def _declared_signs(self) -> System:
        specs = {k.id: k for k in self.tie_kinds}
        if specs:
            for tie in self.all_ties():
                tie._spec = specs.get(tie.kind)
        return self

    def all_ties(self) -> list[Tie]:
        """The ties of the network and the ties variants add."""
        out = list(self.ties)
        for d in self.descriptors:
            for v in d.variants:
                if v.ties:
                    out += v.ties.add
        return out

    def tie_kind(self, kind: str) -> TieKindSpec | None:
        """The declaration of a kind this model declares (None for a built-in kind)."""
        return next((k for k in self.tie_kinds if k.id == kind), None)

    def descriptor(self, descriptor_id: str) -> Descriptor:
        """The descriptor with this id (KeyError if none)."""
        for d in self.descriptors:
            if d.id == descriptor_id:
                return d
        raise KeyError(descriptor_id)

    def actor(self, code: str) -> Actor:
        """The actor with this code (KeyError if none)."""
        for a in self.actors:
            if a.code == code:
                return a
        raise KeyError(code)

    def source(self, source_id: str) -> Source:
        """The source with this id (KeyError if none)."""
        for s in self.sources:
            if s.id == source_id:
                return s
        raise KeyError(source_id)

    def impact_sections(self, source: str, target: str) -> list[Impact]:
        """The judgement sections from descriptor ``source`` to descriptor ``target``."""
        return [i for i in self.impacts if i.source == source and i.target == target]

    def shock(self, shock_id: str) -> Shock:
        """The shock with this id (KeyError if none)."""
        for s in self.shocks:
            if s.id == shock_id:
                return s
        raise KeyError(shock_id)

    def future_of(self, scenario: dict[str, str]) -> Future | None:
        """The first of the system's futures whose ``match`` the scenario satisfies, or None."""
        for future in self.futures:
            if future.matches(scenario):
                return future
        return None

    @property
    def n_scenarios(self) -> int:
        """How many scenarios the descriptors span (the product of their variant counts)."""
        n = 1
        for d in self.descriptors:
            n *= len(d.variants)
        return n
