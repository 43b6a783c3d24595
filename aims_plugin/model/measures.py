"""Measured evidence: what a results file written by an ML pipeline must show.

An evidence record names its results file (`file`, JSON or CSV) and lists expectations:
a metric, a comparison and a threshold, optionally one threshold per group. Only the
values are typed here; reading the file and comparing are `files.results` and `compare`.
"""

from __future__ import annotations

import math
import operator
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .fields import Text


class Comparison(StrEnum):
    le = "<="
    ge = ">="
    lt = "<"
    gt = ">"
    eq = "=="
    between = "between"


Number = Annotated[float, Field(allow_inf_nan=False, strict=False)]
#: A threshold: one number, or `[low, high]` (both included) for `between`.
Threshold = Number | tuple[Number, Number]


class Expectation(BaseModel):
    """One measured result and the value it must have."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    metric: Text = Field(
        description="JSON: a dotted path into the results (`fairness.approval_rate_ratio`); CSV: a column name."
    )
    title: Text | None = Field(None, description="How the metric is named on the site and in the pack.")
    op: Comparison = Field(description="How the measured value compares with the threshold: <=, >=, <, >, ==, between.")
    threshold: Threshold | None = Field(None, description="A number, or [low, high] for `between`.")
    groups: dict[str, Threshold] = Field(
        default_factory=dict,
        description="Per-group thresholds (a group missing from the results is an error); other groups use "
        "`threshold` when it is given.",
    )
    group_by: Text | None = Field(None, description="CSV: the column naming each row's group.")
    where: dict[str, str] = Field(
        default_factory=dict, description="CSV: only rows whose columns have these values (`{model: v4}`)."
    )

    @model_validator(mode="before")
    @classmethod
    def _mapping(cls, data: Any) -> Any:
        if isinstance(data, str):
            raise ValueError("an expectation is a mapping (metric, op, threshold), not a sentence")
        return data

    @field_validator("where", mode="before")
    @classmethod
    def _where_text(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k): "" if v is None else str(v) for k, v in value.items()}
        return value

    @field_validator("groups", mode="before")
    @classmethod
    def _group_names(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k): v for k, v in value.items()}
        return value

    @model_validator(mode="after")
    def _thresholds(self) -> Expectation:
        if self.threshold is None and not self.groups:
            raise ValueError(f"expectation '{self.metric}' needs a threshold or per-group thresholds")
        for name, value in [("threshold", self.threshold), *((f"group '{g}'", v) for g, v in self.groups.items())]:
            if value is None:
                continue
            if (self.op == Comparison.between) != isinstance(value, tuple):
                need = "[low, high]" if self.op == Comparison.between else "one number"
                raise ValueError(f"expectation '{self.metric}': {name} must be {need} for '{self.op.value}'")
            if isinstance(value, tuple) and value[0] > value[1]:
                raise ValueError(f"expectation '{self.metric}': {name} is [low, high] with low above high")
        return self

    @property
    def label(self) -> str:
        return self.title or self.metric

    def threshold_for(self, group: str | None) -> Threshold | None:
        if group is not None and group in self.groups:
            return self.groups[group]
        return self.threshold


def compare(value: float, op: Comparison, threshold: Threshold) -> bool:
    """Whether a measured value meets its threshold (`==` allows for the rounding of written-out floats)."""
    if isinstance(threshold, tuple):
        return threshold[0] <= value <= threshold[1]
    return _COMPARE[op](value, threshold)


_COMPARE = {
    Comparison.le: operator.le,
    Comparison.ge: operator.ge,
    Comparison.lt: operator.lt,
    Comparison.gt: operator.gt,
    Comparison.eq: lambda value, threshold: math.isclose(value, threshold, rel_tol=1e-9, abs_tol=1e-12),
    Comparison.between: lambda value, threshold: False,
}


def describe(op: Comparison, threshold: Threshold) -> str:
    """`>= 0.8`, `between 0.9 and 1.1`."""
    if isinstance(threshold, tuple):
        return f"between {number(threshold[0])} and {number(threshold[1])}"
    return f"{op.value} {number(threshold)}"


def number(value: float) -> str:
    """A measured value as people read it: no trailing zeros, at most six significant digits."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.6g}"
