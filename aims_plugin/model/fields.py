"""The building blocks of the content contract (v1): value types, enums, the `Ref`
marker of reference fields and the `Document` fields every kind shares.

They validate values only; cross-references are checked in `checks`, which reads
the `Ref` markers attached to reference fields.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator


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


class ActionStatus(StrEnum):
    open = "open"
    done = "done"
    cancelled = "cancelled"


class EuAiActRole(StrEnum):
    """The organisation's roles under the EU AI Act (Art. 3), as the catalogue's `roles` name them."""

    provider = "provider"
    deployer = "deployer"
    importer = "importer"
    distributor = "distributor"
    gpai_provider = "gpai_provider"
    gpai_systemic_risk = "gpai_systemic_risk"


@dataclass(frozen=True)
class Ref:
    """Marks a field whose values name other records or catalogue entries.

    `kinds` lists the kinds (their `kind:` names) a value may name; `catalog` names a
    catalogue entry type instead ("control", "subclause" or "requirement"
    for any clause or control).
    """

    kinds: tuple[str, ...] = ()
    catalog: str | None = None


@dataclass(frozen=True)
class Names:
    """Marks a field whose values name people: a person's ID or name from the people register, or a role.

    Where the AIMS has a people register, a value that names no one in it is a warning;
    a build for the public shows the person's role instead of their name.
    """


def _date_only(value: Any) -> Any:
    # Refuse numbers (pydantic would read them as Unix timestamps).
    if isinstance(value, bool | int | float):
        raise ValueError("expected a date written as YYYY-MM-DD")
    return value


def _plausible(value: dt.date) -> dt.date:
    # Dates beyond these cannot be meant, and intervals added to them would overflow.
    if not 1900 <= value.year <= 2999:
        raise ValueError("expected a date between 1900 and 2999")
    return value


def text_list(value: Any) -> Any:
    # `tags: ai` is a common slip for `tags: [ai]`; accept the single value.
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return [value]
    return value


#: A review interval: `12 months`, `1 year`, `6 weeks`, `30 days` (at most 999 of a unit).
INTERVAL = re.compile(r"^\s*(\d{1,3})\s*(day|week|month|year)s?\s*$")

# YAML reads `clause: 4.1` as a float; an ID is always text (numbers become text in pydantic-core, booleans do not).
Id = Annotated[str, Field(min_length=1, max_length=128, coerce_numbers_to_str=True)]
Date = Annotated[dt.date, BeforeValidator(_date_only), AfterValidator(_plausible)]
Text = Annotated[str, Field(min_length=1)]
Score = Annotated[int, Field(ge=1, le=5, strict=True)]
IdList = Annotated[list[Id], BeforeValidator(text_list)]
TextList = Annotated[list[Text], BeforeValidator(text_list)]
Version = Annotated[str, Field(min_length=1, max_length=64, coerce_numbers_to_str=True)]
Interval = Annotated[str, Field(pattern=INTERVAL.pattern)]
#: Names of people (see `Names`).
NameList = Annotated[list[Text], BeforeValidator(text_list), Names()]


class Action(BaseModel):
    """One tracked action: a treatment step, a review output, a corrective or follow-up action."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    id: Id = Field(description="Unique in the AIMS, like a document ID.")
    title: Text
    owner: Annotated[Text | None, Names()] = None
    due: Date | None = None
    status: ActionStatus = ActionStatus.open
    closed_on: Date | None = None
    evidence: Annotated[IdList, Ref(kinds=("evidence",))] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _not_prose(cls, data: Any) -> Any:
        if isinstance(data, str):
            raise ValueError("an action is a mapping (id, title, owner, due, status), not a sentence")
        return data

    def overdue(self, today: dt.date) -> bool:
        return self.status == ActionStatus.open and self.due is not None and self.due < today


Actions = list[Action]


def _kind_choices(schema: dict[str, Any]) -> None:
    # The kinds are known once every model is defined: the registry lists them.
    from .registry import SPECS

    schema["anyOf"] = [{"enum": [spec.name for spec in SPECS], "type": "string"}, {"type": "null"}]


class Document(BaseModel):
    """Fields every controlled document has."""

    # Each kind's validator is built when first used: a command that meets only some kinds
    # (or none: `aims --help`) does not pay for the others at start-up.
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, frozen=True, defer_build=True)

    kind: str | None = Field(
        None, description="Overrides the kind given by the folder.", json_schema_extra=_kind_choices
    )
    id: Id = Field(description="Unique in the AIMS; also the page's file name.")
    title: Text
    owner: Annotated[Text | None, Names()] = None
    status: Status = Status.draft
    version: Version | None = None
    approved_by: Annotated[Text | None, Names()] = None
    approved_on: Date | None = None
    effective: Date | None = None
    next_review: Date | None = Field(None, description="Derived from approved_on + review_every when not given.")
    review_every: Interval | None = Field(
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
