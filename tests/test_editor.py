"""Editors: per-kind JSON Schemas with the rules of `aims check`, and `aims check --watch` for VS Code's
Problems panel (a task with a problem matcher, which `aims init` writes)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import yaml
from click.testing import CliRunner

from aims_plugin.hosts.cli import main
from aims_plugin.model import FOLDER_KINDS, front_matter_schema, kind_schema


def _front(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1]) or {}


def _jsonable(value):
    return json.loads(json.dumps(value, default=str))


def test_every_scaffold_file_validates_against_its_kind_and_the_whole_schema(tmp_path):
    CliRunner().invoke(main, ["init", str(tmp_path / "x"), "--organisation", "Acme"])
    whole = jsonschema.Draft202012Validator(front_matter_schema())
    files = sorted((tmp_path / "x/content").rglob("*.md"))
    assert len(files) > 60
    for path in files:
        kind = FOLDER_KINDS[path.relative_to(tmp_path / "x/content").parts[0]].value
        data = _jsonable(_front(path))
        assert [e.message for e in jsonschema.Draft202012Validator(kind_schema(kind)).iter_errors(data)] == [], path
        assert whole.is_valid(data), path


def test_a_wrong_risk_fails_its_schema_as_it_fails_aims_check():
    risk = {"id": "R-1", "title": "Risk", "likelihood": 9, "impact": 2, "ownr": "O", "treatment": "mitigated"}
    errors = sorted(e.message for e in jsonschema.Draft202012Validator(kind_schema("risk")).iter_errors(risk))
    assert len(errors) == 3
    assert any("9 is greater than the maximum of 5" in e for e in errors)
    assert any("'ownr' was unexpected" in e for e in errors)
    assert any("'mitigated'" in e for e in errors)
    assert not jsonschema.Draft202012Validator(front_matter_schema()).is_valid(risk)


def test_schemas_are_written_one_per_kind(tmp_path):
    result = CliRunner().invoke(main, ["schema", "--write", str(tmp_path / "s")])
    assert result.exit_code == 0
    written = sorted(p.name for p in (tmp_path / "s").glob("*.schema.json"))
    assert "risk.schema.json" in written and "control.schema.json" in written
    control = json.loads((tmp_path / "s/control.schema.json").read_text(encoding="utf-8"))
    assert "id" not in control.get("required", []) and "control" in control["required"]


def test_watch_reports_again_after_a_file_changes_in_the_form_the_problem_matcher_reads(tree):
    from .conftest import complete_files, front

    root = tree(complete_files())
    CliRunner().invoke(main, ["init", str(root / "scaffold"), "--organisation", "Acme"])
    task = json.loads((root / "scaffold/.vscode/tasks.json").read_text(encoding="utf-8"))["tasks"][0]
    matcher = task["problemMatcher"]
    pattern = re.compile(matcher["pattern"]["regexp"])
    begins, ends = re.compile(matcher["background"]["beginsPattern"]), re.compile(matcher["background"]["endsPattern"])
    proc = subprocess.Popen(
        [sys.executable, "-m", "aims_plugin", "check", "--watch", "--interval", "0.2"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines = []

        def read_until_end() -> list[str]:
            seen = []
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                line = proc.stdout.readline()
                if not line:
                    break
                seen.append(line.rstrip("\n"))
                if ends.search(line):
                    return seen
            raise AssertionError(f"no end of a run in {seen}")

        first = read_until_end()
        assert any(begins.search(line) for line in first)
        (root / "content/policies/BAD.md").write_text(front(id="BAD", title="T", ownr="x"), encoding="utf-8")
        second = read_until_end()
        lines = [pattern.match(line) for line in second]
        found = [m for m in lines if m]
        assert found, second
        match = found[0]
        groups = matcher["pattern"]
        assert match.group(groups["file"]) == "content/policies/BAD.md"
        assert match.group(groups["code"]) == "AIMS007" and match.group(groups["severity"]) == "warning"
        assert int(match.group(groups["line"])) == 4
    finally:
        proc.terminate()
        proc.wait(timeout=10)
