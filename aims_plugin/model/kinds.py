"""One model class per document kind: the fields a kind adds to `Document`.

A model says what its front matter may hold; where its files live and how it
is shown is the kind's spec in `registry`.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, model_validator

from .fields import (
    Actions,
    AuditType,
    Date,
    Document,
    EuAiActCategory,
    EuAiActRole,
    Id,
    IdList,
    Implementation,
    IncidentSeverity,
    InclusionBasis,
    Interval,
    Lifecycle,
    NameList,
    Names,
    NonconformityGrade,
    Ref,
    RiskTier,
    Score,
    Text,
    TextList,
    Treatment,
    text_list,
)
from .measures import Expectation

#: `acknowledge_by: all`: everyone in the people register must acknowledge the document.
EVERYONE = "all"


class Acknowledged(Document):
    """A document staff must acknowledge they have read."""

    acknowledge_by: Annotated[IdList, Ref(kinds=("role",))] = Field(
        default_factory=list,
        description="Roles whose holders must acknowledge each major version (1.x -> 2.0), or `all`.",
    )


class Policy(Acknowledged):
    """A policy (AI policy, data policy, ...)."""


class Procedure(Acknowledged):
    """A procedure or process description."""


def default_id(data: Any, key: str) -> Any:
    """`id` defaults to the catalogue ID a write-up is about."""
    if isinstance(data, dict) and "id" not in data and data.get(key) is not None:
        return {**data, "id": data[key]}
    return data


class Control(Document):
    """One Annex A control: its SoA row and its write-up."""

    id: Id = Field(description="Defaults to the control ID.")
    title: Text | None = None
    control: Annotated[Id, Ref(catalog="control")] = Field(
        description="The Annex A control ID, or the organisation's own ID when organisation_defined."
    )
    organisation_defined: bool = Field(
        False, strict=True, description="A control the organisation adds beyond Annex A (clause 6.1.3); needs a title."
    )
    applicable: bool = Field(strict=True)
    justification: Text | None = None
    inclusion_basis: Annotated[list[InclusionBasis], BeforeValidator(text_list)] = Field(default_factory=list)
    implementation: Implementation = Implementation.not_started
    reviewer: Annotated[Text | None, Names()] = None
    approver: Annotated[Text | None, Names()] = None
    due: Date | None = None
    policies: Annotated[IdList, Ref(kinds=("policy", "procedure"))] = Field(default_factory=list)
    evidence: Annotated[IdList, Ref(kinds=("evidence",))] = Field(default_factory=list)
    risks: Annotated[IdList, Ref(kinds=("risk",))] = Field(default_factory=list)
    auditor_feedback: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _id_from_control(cls, data: Any) -> Any:
        return default_id(data, "control")

    @model_validator(mode="after")
    def _own_controls_have_titles(self) -> Control:
        if self.organisation_defined and not self.title:
            raise ValueError("an organisation-defined control needs a title")
        return self


class Clause(Document):
    """One management-system subclause write-up."""

    id: Id = Field(description="Defaults to the clause ID.")
    title: Text | None = None
    clause: Annotated[Id, Ref(catalog="subclause")]

    @model_validator(mode="before")
    @classmethod
    def _id_from_clause(cls, data: Any) -> Any:
        return default_id(data, "clause")


class Risk(Document):
    """One AI risk with its assessment and treatment."""

    system: Annotated[Id | None, Ref(kinds=("system",))] = None
    source: Text | None = Field(None, description="Risk source (ISO/IEC 42001 Annex C vocabulary).")
    likelihood: Score
    impact: Score
    residual_likelihood: Score | None = None
    residual_impact: Score | None = None
    treatment: Treatment | None = None
    controls: Annotated[IdList, Ref(catalog="control")] = Field(default_factory=list)
    accepted_by: Annotated[Text | None, Names()] = Field(
        None, description="Who accepted the residual risk (needed above appetite)."
    )
    accepted_on: Date | None = None
    actions: Actions = Field(default_factory=list, description="The treatment plan's actions.")


class System(Document):
    """One AI system in the inventory."""

    purpose: Text | None = None
    lifecycle: Lifecycle | None = None
    risk_tier: RiskTier | None = None
    eu_ai_act_category: EuAiActCategory | None = None
    provider: Text | None = None
    eu_ai_act_roles: Annotated[list[EuAiActRole], BeforeValidator(text_list)] = Field(
        default_factory=list, description="The organisation's EU AI Act roles for this system."
    )
    data_sources: TextList = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _title_from_name(cls, data: Any) -> Any:
        if isinstance(data, dict) and "title" not in data and "name" in data:
            data = {**data, "title": data["name"]}
        return data


class ImpactAssessment(Document):
    """An AI system impact assessment."""

    system: Annotated[Id, Ref(kinds=("system",))]
    assessed_on: Date | None = None
    assessor: Annotated[Text | None, Names()] = None
    affected_groups: TextList = Field(default_factory=list)
    outcome: Text | None = None


class Evidence(Document):
    """One evidence record; may point to a file beside it."""

    file: Text | None = Field(
        None, description="Path relative to the record, inside the content folder (for URL evidence: its snapshot)."
    )
    url: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = None
    sha256: Annotated[str, Field(pattern=r"^[0-9a-fA-F]{64}$")] | None = Field(
        None, description="SHA-256 of the file, recorded when it was collected (`aims evidence add` writes it)."
    )
    size: Annotated[int, Field(ge=0, strict=True)] | None = Field(
        None, description="Its size in bytes, recorded with it."
    )
    collected_on: Date | None = None
    collected_by: Annotated[Text | None, Names()] = None
    controls: Annotated[IdList, Ref(catalog="control")] = Field(default_factory=list)
    expires: Date | None = None
    shelf_life: Interval | None = Field(
        None, description="How long it stays current after collected_on when it has no expires (default: setting)."
    )
    measures: Annotated[Id | None, Ref(kinds=("system",))] = Field(
        None, description="Measured evidence: the AI system whose results the file holds."
    )
    measured_on: Date | None = Field(
        None, description="When the results were measured (default: the results file's `measured_on`)."
    )
    every: Interval | None = Field(
        None, description="How often the results must be measured again; older results are stale."
    )
    blocking: bool = Field(False, description="A failed expectation is an error that fails every build, not a warning.")
    expectations: list[Expectation] = Field(
        default_factory=list,
        description="What the results file (`file`, JSON or CSV) must show: metric, op, threshold, groups.",
    )


class Incident(Document):
    """An AI incident record."""

    system: Annotated[Id | None, Ref(kinds=("system",))] = None
    occurred_on: Date | None = None
    detected_on: Date | None = None
    resolved_on: Date | None = None
    severity: IncidentSeverity | None = None
    reported_to: TextList = Field(default_factory=list)
    nonconformities: Annotated[IdList, Ref(kinds=("nonconformity",))] = Field(default_factory=list)
    actions: Actions = Field(default_factory=list, description="Follow-up actions.")


class Audit(Document):
    """An internal or external audit record."""

    audit_type: AuditType = AuditType.internal
    performed_on: Date | None = None
    auditor: Annotated[Text | None, Names()] = Field(
        None, description="Who audited: a person of the register, or for an external audit the firm (not checked)."
    )
    scope: Text | None = None
    nonconformities: Annotated[IdList, Ref(kinds=("nonconformity",))] = Field(default_factory=list)
    actions: Actions = Field(default_factory=list, description="Follow-up actions from the audit.")


class ManagementReview(Document):
    """A management review record."""

    held_on: Date | None = None
    chair: Annotated[Text | None, Names()] = None
    attendees: NameList = Field(default_factory=list)
    actions: Actions = Field(default_factory=list, description="The review's decisions and actions.")


class Nonconformity(Document):
    """A nonconformity and its corrective action."""

    raised_on: Date | None = None
    source: Annotated[Id | None, Ref(kinds=("audit", "incident", "management_review"))] = None
    grade: NonconformityGrade | None = None
    root_cause: Text | None = None
    corrective_action: Text | None = None
    due: Date | None = None
    closed_on: Date | None = None
    actions: Actions = Field(default_factory=list, description="Corrective actions.")


class Role(Document):
    """A role in the AIMS: its responsibilities (the body), who holds it, what they must read and know."""

    holders: Annotated[IdList, Names()] = Field(
        default_factory=list, description="IDs of the people who hold it (the people register's `roles` adds more)."
    )
    required_reading: Annotated[IdList, Ref(kinds=("policy", "procedure"))] = Field(
        default_factory=list, description="Policies and procedures its holders must read."
    )
    competences: TextList = Field(
        default_factory=list, description="What its holders must be competent in (labels that training records give)."
    )
    reports_to: Annotated[Id | None, Ref(kinds=("role",))] = None


class Training(Document):
    """A training session or course: who attended and which competences it gives."""

    date: Date = Field(description="When it was held (or completed).")
    provider: Text | None = None
    competences: TextList = Field(default_factory=list, description="The competences it gives its attendees.")
    valid_for: Interval | None = Field(None, description="How long the competences stay current, from its date.")
    attendees: Annotated[IdList, Names()] = Field(default_factory=list, description="IDs of the people who attended.")
    attendees_file: Text | None = Field(
        None, description="A CSV file beside the record with a `person` column: more attendees, one per row."
    )
    evidence: Annotated[IdList, Ref(kinds=("evidence",))] = Field(
        default_factory=list, description="Evidence of attendance (sign-in sheet, LMS export)."
    )


class Statement(Document):
    """The Statement of Applicability as a controlled document: its version, approval and review."""
