"""Typed records for every document kind of the content contract (v1).

The models are the contract with users: field names, enums and the folder a
kind lives in are documented and changed only with a migration note. They
validate values only; cross-references are checked in `checks`, which reads
the `Ref` markers attached to reference fields here.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator


class Kind(StrEnum):
    policy = "policy"
    procedure = "procedure"
    control = "control"
    clause = "clause"
    risk = "risk"
    system = "system"
    impact_assessment = "impact_assessment"
    evidence = "evidence"
    incident = "incident"
    audit = "audit"
    management_review = "management_review"
    nonconformity = "nonconformity"


#: The folder under the content directory that gives a file its default kind.
FOLDER_KINDS: dict[str, Kind] = {
    "policies": Kind.policy,
    "procedures": Kind.procedure,
    "controls": Kind.control,
    "clauses": Kind.clause,
    "risks": Kind.risk,
    "systems": Kind.system,
    "assessments": Kind.impact_assessment,
    "evidence": Kind.evidence,
    "incidents": Kind.incident,
    "audits": Kind.audit,
    "reviews": Kind.management_review,
    "nonconformities": Kind.nonconformity,
}


#: How each kind is named in headings and navigation.
KIND_TITLES: dict[Kind, str] = {
    Kind.policy: "Policies",
    Kind.procedure: "Procedures",
    Kind.control: "Annex A controls",
    Kind.clause: "Clauses",
    Kind.risk: "Risk register",
    Kind.system: "AI systems",
    Kind.impact_assessment: "Impact assessments",
    Kind.evidence: "Evidence index",
    Kind.incident: "Incidents",
    Kind.audit: "Audits",
    Kind.management_review: "Management reviews",
    Kind.nonconformity: "Nonconformities",
}


class Status(StrEnum):
    draft = "draft"
    in_review = "in_review"
    approved = "approved"
    retired = "retired"


class Classification(StrEnum):
    """Ordered from most to least widely shared."""

    public = "public"
    internal = "internal"
    confidential = "confidential"

    @property
    def rank(self) -> int:
        return list(Classification).index(self)


class Audience(StrEnum):
    """Who a build is for; each audience sees classifications up to its own."""

    public = "public"
    internal = "internal"
    auditor = "auditor"

    def may_see(self, classification: Classification) -> bool:
        limit = {
            Audience.public: Classification.public,
            Audience.internal: Classification.internal,
            Audience.auditor: Classification.confidential,
        }[self]
        return classification.rank <= limit.rank


class Implementation(StrEnum):
    not_started = "not_started"
    in_progress = "in_progress"
    implemented = "implemented"


class InclusionBasis(StrEnum):
    risk_treatment = "risk_treatment"
    legal = "legal"
    contractual = "contractual"
    stakeholder = "stakeholder"
    good_practice = "good_practice"


class Treatment(StrEnum):
    mitigate = "mitigate"
    accept = "accept"
    transfer = "transfer"
    avoid = "avoid"


class Lifecycle(StrEnum):
    design = "design"
    development = "development"
    validation = "validation"
    deployed = "deployed"
    retired = "retired"


class RiskTier(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


class EuAiActCategory(StrEnum):
    prohibited = "prohibited"
    high_risk = "high_risk"
    limited_risk = "limited_risk"
    minimal_risk = "minimal_risk"
    gpai = "gpai"
    out_of_scope = "out_of_scope"


class IncidentSeverity(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


class AuditType(StrEnum):
    internal = "internal"
    external = "external"


class NonconformityGrade(StrEnum):
    major = "major"
    minor = "minor"
    observation = "observation"


@dataclass(frozen=True)
class Ref:
    """Marks a field whose values name other records or catalogue entries.

    `kinds` lists the document kinds a value may name; `catalog` names a
    catalogue entry type instead ("control", "subclause" or "requirement"
    for any clause or control).
    """

    kinds: tuple[Kind, ...] = ()
    catalog: str | None = None


def _id_text(value: Any) -> Any:
    # YAML reads `clause: 4.1` as a float; an ID is always text.
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return str(value)
    return value


def _date_only(value: Any) -> Any:
    # Refuse numbers (pydantic would read them as Unix timestamps).
    if isinstance(value, bool | int | float):
        raise ValueError("expected a date written as YYYY-MM-DD")
    return value


def _text_list(value: Any) -> Any:
    # `tags: ai` is a common slip for `tags: [ai]`; accept the single value.
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return [value]
    return value


#: A review interval: `12 months`, `1 year`, `6 weeks`, `30 days`.
INTERVAL = re.compile(r"^\s*(\d+)\s*(day|week|month|year)s?\s*$")

Id = Annotated[str, BeforeValidator(_id_text), Field(min_length=1, max_length=128)]
Date = Annotated[dt.date, BeforeValidator(_date_only)]
Text = Annotated[str, Field(min_length=1)]
Score = Annotated[int, Field(ge=1, le=5, strict=True)]
IdList = Annotated[list[Id], BeforeValidator(_text_list)]
TextList = Annotated[list[Text], BeforeValidator(_text_list)]
Version = Annotated[str, BeforeValidator(_id_text), Field(min_length=1, max_length=64)]


class Document(BaseModel):
    """Fields every controlled document has."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, frozen=True)

    kind: Kind | None = Field(None, description="Overrides the kind given by the folder.")
    id: Id = Field(description="Unique in the AIMS; also the page's file name.")
    title: Text
    owner: Text | None = None
    status: Status = Status.draft
    version: Version | None = None
    approved_by: Text | None = None
    approved_on: Date | None = None
    effective: Date | None = None
    next_review: Date | None = Field(None, description="Derived from approved_on + review_every when not given.")
    review_every: Annotated[str, Field(pattern=INTERVAL.pattern)] | None = Field(
        None, description="Review interval such as `12 months`, counted from approved_on."
    )
    classification: Classification = Classification.internal
    satisfies: Annotated[IdList, Ref(catalog="requirement")] = Field(
        default_factory=list, description="Clause and control IDs this document addresses."
    )
    tags: TextList = Field(default_factory=list)

    def review_overdue(self, today: dt.date) -> bool:
        """Past its next review date, and not retired."""
        return self.status != Status.retired and self.next_review is not None and self.next_review < today

    @model_validator(mode="after")
    def _derive_next_review(self) -> Document:
        if self.next_review is None and self.review_every and self.approved_on:
            return self.model_copy(update={"next_review": add_interval(self.approved_on, self.review_every)})
        return self


def add_interval(start: dt.date, interval: str) -> dt.date:
    """`start` plus an interval such as `12 months` (month ends clamp: 31 Jan + 1 month = 28/29 Feb)."""
    match = INTERVAL.match(interval)
    if match is None:
        raise ValueError(f"not an interval: {interval!r}")
    count, unit = int(match.group(1)), match.group(2)
    if unit in ("day", "week"):
        return start + dt.timedelta(days=count * (7 if unit == "week" else 1))
    year, month = divmod(start.month - 1 + count * (12 if unit == "year" else 1), 12)
    year, month = start.year + year, month + 1
    next_month = dt.date(year + month // 12, month % 12 + 1, 1)
    return dt.date(year, month, min(start.day, (next_month - dt.timedelta(days=1)).day))


class Policy(Document):
    """A policy (AI policy, data policy, ...)."""


class Procedure(Document):
    """A procedure or process description."""


def _default_id(data: Any, key: str) -> Any:
    if isinstance(data, dict) and "id" not in data and data.get(key) is not None:
        return {**data, "id": data[key]}
    return data


class Control(Document):
    """One Annex A control: its SoA row and its write-up."""

    id: Id = Field(description="Defaults to the control ID.")
    title: Text | None = None
    control: Annotated[Id, Ref(catalog="control")]
    applicable: bool = Field(strict=True)
    justification: Text | None = None
    inclusion_basis: Annotated[list[InclusionBasis], BeforeValidator(_text_list)] = Field(default_factory=list)
    implementation: Implementation = Implementation.not_started
    reviewer: Text | None = None
    approver: Text | None = None
    due: Date | None = None
    policies: Annotated[IdList, Ref(kinds=(Kind.policy, Kind.procedure))] = Field(default_factory=list)
    evidence: Annotated[IdList, Ref(kinds=(Kind.evidence,))] = Field(default_factory=list)
    risks: Annotated[IdList, Ref(kinds=(Kind.risk,))] = Field(default_factory=list)
    auditor_feedback: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _id_from_control(cls, data: Any) -> Any:
        return _default_id(data, "control")


class Clause(Document):
    """One management-system subclause write-up."""

    id: Id = Field(description="Defaults to the clause ID.")
    title: Text | None = None
    clause: Annotated[Id, Ref(catalog="subclause")]

    @model_validator(mode="before")
    @classmethod
    def _id_from_clause(cls, data: Any) -> Any:
        return _default_id(data, "clause")


class Risk(Document):
    """One AI risk with its assessment and treatment."""

    system: Annotated[Id | None, Ref(kinds=(Kind.system,))] = None
    source: Text | None = Field(None, description="Risk source (ISO/IEC 42001 Annex C vocabulary).")
    likelihood: Score
    impact: Score
    residual_likelihood: Score | None = None
    residual_impact: Score | None = None
    treatment: Treatment | None = None
    controls: Annotated[IdList, Ref(catalog="control")] = Field(default_factory=list)


class System(Document):
    """One AI system in the inventory."""

    purpose: Text | None = None
    lifecycle: Lifecycle | None = None
    risk_tier: RiskTier | None = None
    eu_ai_act_category: EuAiActCategory | None = None
    provider: Text | None = None
    data_sources: TextList = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _title_from_name(cls, data: Any) -> Any:
        if isinstance(data, dict) and "title" not in data and "name" in data:
            data = {**data, "title": data["name"]}
        return data


class ImpactAssessment(Document):
    """An AI system impact assessment."""

    system: Annotated[Id, Ref(kinds=(Kind.system,))]
    assessed_on: Date | None = None
    assessor: Text | None = None
    affected_groups: TextList = Field(default_factory=list)
    outcome: Text | None = None


class Evidence(Document):
    """One evidence record; may point to a file beside it."""

    file: Text | None = Field(None, description="Path relative to the record, inside the content folder.")
    url: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = None
    collected_on: Date | None = None
    collected_by: Text | None = None
    controls: Annotated[IdList, Ref(catalog="control")] = Field(default_factory=list)
    expires: Date | None = None


class Incident(Document):
    """An AI incident record."""

    system: Annotated[Id | None, Ref(kinds=(Kind.system,))] = None
    occurred_on: Date | None = None
    detected_on: Date | None = None
    resolved_on: Date | None = None
    severity: IncidentSeverity | None = None
    reported_to: TextList = Field(default_factory=list)
    nonconformities: Annotated[IdList, Ref(kinds=(Kind.nonconformity,))] = Field(default_factory=list)


class Audit(Document):
    """An internal or external audit record."""

    audit_type: AuditType = AuditType.internal
    performed_on: Date | None = None
    auditor: Text | None = None
    scope: Text | None = None
    nonconformities: Annotated[IdList, Ref(kinds=(Kind.nonconformity,))] = Field(default_factory=list)


class ManagementReview(Document):
    """A management review record."""

    held_on: Date | None = None
    chair: Text | None = None
    attendees: TextList = Field(default_factory=list)
    actions: TextList = Field(default_factory=list)


class Nonconformity(Document):
    """A nonconformity and its corrective action."""

    raised_on: Date | None = None
    source: Annotated[Id | None, Ref(kinds=(Kind.audit, Kind.incident, Kind.management_review))] = None
    grade: NonconformityGrade | None = None
    root_cause: Text | None = None
    corrective_action: Text | None = None
    due: Date | None = None
    closed_on: Date | None = None


MODELS: dict[Kind, type[Document]] = {
    Kind.policy: Policy,
    Kind.procedure: Procedure,
    Kind.control: Control,
    Kind.clause: Clause,
    Kind.risk: Risk,
    Kind.system: System,
    Kind.impact_assessment: ImpactAssessment,
    Kind.evidence: Evidence,
    Kind.incident: Incident,
    Kind.audit: Audit,
    Kind.management_review: ManagementReview,
    Kind.nonconformity: Nonconformity,
}

#: Keys a kind accepts besides its fields (aliases handled by validators).
EXTRA_KEYS: dict[Kind, frozenset[str]] = {Kind.system: frozenset({"name"})}


def accepted_keys(kind: Kind) -> frozenset[str]:
    return frozenset(MODELS[kind].model_fields) | EXTRA_KEYS.get(kind, frozenset())


@functools.cache
def ref_fields(model: type[Document]) -> dict[str, Ref]:
    """The reference fields of a model and what they may name."""
    found = {}
    for name, info in model.model_fields.items():
        for meta in info.metadata:
            if isinstance(meta, Ref):
                found[name] = meta
    return found


def front_matter_schema() -> dict[str, Any]:
    """JSON Schema of the front matter: one of the kinds' models."""
    defs: dict[str, Any] = {}
    variants = []
    for model in MODELS.values():
        schema = model.model_json_schema(ref_template="#/$defs/{model}")
        defs.update(schema.pop("$defs", {}))
        defs[model.__name__] = schema
        variants.append({"$ref": f"#/$defs/{model.__name__}"})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "AIMS as code front matter (content contract v1)",
        "anyOf": variants,
        "$defs": defs,
    }
