"""Findings: what the loader and the checks report, each with a location."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from enum import IntEnum, StrEnum
from typing import NamedTuple


class Severity(StrEnum):
    error = "error"
    warning = "warning"


class ExitCode(IntEnum):
    """Exit codes of the `aims` command (a contract with CI scripts)."""

    ok = 0
    findings = 1
    usage = 2


#: Every finding code, with the one-line meaning documented for users.
CODES: dict[str, str] = {
    "AIMS001": "file cannot be read or is not UTF-8",
    "AIMS002": "no front matter (empty file, missing or unclosed '---' block)",
    "AIMS003": "front matter is not valid YAML",
    "AIMS004": "front matter is not a mapping",
    "AIMS005": "file or front matter too large, or expands too much",
    "AIMS006": "invalid front-matter value",
    "AIMS007": "unknown front-matter key",
    "AIMS008": "unsafe or unknown kind of ID",
    "AIMS009": "duplicate ID",
    "AIMS010": "reference to an unknown ID",
    "AIMS011": "reference to a record of the wrong kind",
    "AIMS012": "control excluded without justification",
    "AIMS013": "control included without justification",
    "AIMS014": "evidence file missing",
    "AIMS015": "path leaves the content folder",
    "AIMS016": "approved document without approver or approval date",
    "AIMS017": "review overdue",
    "AIMS018": "Annex A control has no write-up",
    "AIMS019": "subclause not covered by any document",
    "AIMS020": "control or clause has more than one write-up",
    "AIMS021": "evidence record has neither file nor url",
    "AIMS022": "front-matter key given twice",
    "AIMS023": "kind cannot be told from the folder",
    "AIMS024": "cross-reference `[[ID]]` to an unknown ID",
    "AIMS025": "approved document changed since its approval",
    "AIMS030": "risk criteria file is invalid",
    "AIMS031": "organisation-defined control uses an Annex A ID",
    "AIMS032": "action overdue",
    "AIMS033": "action closed without evidence or closing date",
    "AIMS034": "residual risk above appetite without acceptance",
    "AIMS035": "EU AI Act enabled but no AI system names the organisation's roles",
    "AIMS036": "evidence with neither collected_on nor expires",
    "AIMS037": "evidence file no longer matches its recorded hash",
    "AIMS038": "evidence file without a recorded hash",
    "AIMS039": "a date of something done lies in the future",
    "AIMS040": "approver changed the version they approved (self-approval)",
    "AIMS041": "measured result outside its threshold",
    "AIMS042": "results file unreadable, or without a metric its expectations name",
    "AIMS043": "measured evidence not measured again within its interval (stale)",
    "AIMS044": "people register or attendance file cannot be read, or has an invalid row",
    "AIMS045": "acknowledgement row invalid, or of an unknown person, document or version",
    "AIMS046": "role without holders",
    "AIMS047": "role holder without a current training record giving a required competence",
    "AIMS048": "acknowledgements of a document's current version below the target after the grace period",
    "AIMS049": "a name that is in no people register and names no role",
    "AIMS050": "acknowledgement row committed by someone other than the person it names",
    "AIMS051": "a project's own catalogue or crosswalk (frameworks/) cannot be used",
}

#: Warnings that mean work not done yet, not broken content: the site shows
#: them on the dashboard and does not raise them unless asked to.
GAP_CODES = frozenset(
    {
        "AIMS013",
        "AIMS017",
        "AIMS018",
        "AIMS019",
        "AIMS025",
        "AIMS032",
        "AIMS034",
        "AIMS035",
        "AIMS036",
        "AIMS038",
        "AIMS041",
        "AIMS043",
        "AIMS046",
        "AIMS047",
        "AIMS048",
    }
)


def nearest(value: str, choices: Iterable[str], cutoff: float = 0.75) -> str | None:
    """The choice nearest a mistyped one: the same but for case and separators (`A7.2`, `a-7-2`), else the
    closest by difflib (at least `cutoff` alike); None when nothing is near."""
    options = list(choices)

    def shape(text: str) -> str:
        return re.sub(r"[^0-9a-z]", "", text.casefold())

    by_shape = {shape(c): c for c in options}
    if shape(value) in by_shape and by_shape[shape(value)] != value:
        return by_shape[shape(value)]
    found = difflib.get_close_matches(value, options, n=1, cutoff=cutoff)
    return found[0] if found else None


def did_you_mean(value: str, choices: Iterable[str], cutoff: float = 0.75, prefix: str = "") -> str:
    """`; did you mean 'A.7.2'?` for the nearest choice (see `nearest`), or ''."""
    found = nearest(value, choices, cutoff)
    return f"; did you mean '{prefix}{found}'?" if found is not None else ""


def plural(count: int, noun: str) -> str:
    """`1 day`, `2 days`."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


class Finding(NamedTuple):
    """One finding, located. A tuple, so findings sort by place (path, line, code, severity, message)
    and hash in C: a large AIMS can have thousands of them. Made by `error` and `warning`, which
    accept only registered codes."""

    path: str
    line: int
    code: str
    severity: Severity
    message: str

    def format(self) -> str:
        return f"{self.path}:{self.line}: {self.code} {self.severity}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "code": self.code,
            "severity": str(self.severity),
            "message": self.message,
        }


def _registered(code: str) -> str:
    if code not in CODES:
        raise ValueError(f"unregistered finding code {code}")
    return code


def error(path: str, line: int, code: str, message: str) -> Finding:
    return Finding(path, line, _registered(code), Severity.error, message)


def warning(path: str, line: int, code: str, message: str) -> Finding:
    return Finding(path, line, _registered(code), Severity.warning, message)
