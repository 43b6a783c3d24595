"""Findings in the formats CI systems read: GitHub workflow commands, SARIF 2.1.0 (code scanning)
and GitLab code quality. Each is a pure function of the findings; paths are as findings show them
(relative to where the command runs, which is the repository root in CI)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence

from ..register.findings import CODES, GAP_CODES, Finding, Severity

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL = "aims"
INFORMATION_URI = "https://pypi.org/project/aims-as-code/"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github(findings: Sequence[Finding]) -> str:
    """One workflow command per finding: GitHub shows it on the line of the pull request's diff."""
    lines = []
    for f in findings:
        kind = "error" if f.severity == Severity.error else "warning"
        where = f"file={_escape_property(f.path)},line={f.line},title={_escape_property(f.code)}"
        lines.append(f"::{kind} {where}::{_escape_data(f.message)}")
    return "".join(line + "\n" for line in lines)


def sarif(findings: Sequence[Finding], version: str) -> str:
    """A SARIF 2.1.0 log with one run: every finding code is a rule, every finding a result."""
    codes = sorted({f.code for f in findings})
    index = {code: i for i, code in enumerate(codes)}
    rules = [
        {
            "id": code,
            "shortDescription": {"text": CODES[code]},
            "defaultConfiguration": {"level": "warning" if code in GAP_CODES else "error"},
            "properties": {"work-not-done": code in GAP_CODES},
        }
        for code in codes
    ]
    results = [
        {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": "error" if f.severity == Severity.error else "warning" if f.code not in GAP_CODES else "note",
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.path, "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": max(f.line, 1)},
                    }
                }
            ],
            "partialFingerprints": {"aimsFinding/v1": print_},
        }
        for f, print_ in zip(findings, _fingerprints(findings), strict=True)
    ]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {"name": TOOL, "version": version, "informationUri": INFORMATION_URI, "rules": rules}
                },
                "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The repository root."}}},
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def gitlab(findings: Sequence[Finding]) -> str:
    """GitLab's code quality report: merge requests show each finding on its line."""
    issues = [
        {
            "description": f"{f.code}: {f.message}",
            "check_name": f.code,
            "fingerprint": print_,
            "severity": "critical" if f.severity == Severity.error else "info" if f.code in GAP_CODES else "minor",
            "location": {"path": f.path, "lines": {"begin": max(f.line, 1)}},
        }
        for f, print_ in zip(findings, _fingerprints(findings), strict=True)
    ]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def _fingerprints(findings: Sequence[Finding]) -> list[str]:
    """One per finding, the same from run to run: the file, the code and the message with its numbers
    left out (a day count, a line that moved), and which occurrence of those it is."""
    seen: dict[str, int] = {}
    prints = []
    for f in findings:
        base = f"{f.path}\0{f.code}\0{re.sub(r'[0-9]+', '#', f.message)}"
        seen[base] = seen.get(base, 0) + 1
        prints.append(hashlib.sha256(f"{base}\0{seen[base]}".encode()).hexdigest())
    return prints
