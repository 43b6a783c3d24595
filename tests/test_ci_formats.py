"""`aims check` for CI and hooks: GitHub workflow commands, SARIF, GitLab code quality, single files,
and the root found from anywhere inside the project."""

from __future__ import annotations

import json
import os
from pathlib import Path

import yaml
from click.testing import CliRunner

from aims_plugin.hosts.cli import main

from .conftest import complete_files, front

BROKEN = {
    "content/policies/P-1.md": front(id="P-1", title="Policy", satisfies=["A.99"], owner="O"),
    "content/policies/P-2.md": front(id="P-2", title="Policy, 100% new\nline", ownr="O"),
}


def run(*args: str, cwd: Path | None = None):
    old = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        return CliRunner().invoke(main, list(args))
    finally:
        os.chdir(old)


def test_github_format_writes_workflow_commands_with_escaped_values(tree):
    root = tree({**complete_files(), **BROKEN})
    result = run("check", "--format", "github", cwd=root)
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert (
        "::error file=content/policies/P-1.md,line=5,title=AIMS010::satisfies: 'A.99' is not a clause or control"
        in (" ".join(lines))
    )
    warning = next(line for line in lines if "AIMS007" in line)
    assert warning.startswith("::warning file=content/policies/P-2.md,line=")
    assert "unknown key 'ownr' for a policy; did you mean 'owner'?" in warning


def test_gitlab_format_is_a_code_quality_report(tree):
    root = tree({**complete_files(), **BROKEN})
    result = run("check", "--format", "gitlab", cwd=root)
    issues = json.loads(result.stdout)
    assert result.exit_code == 1
    first = next(i for i in issues if i["check_name"] == "AIMS010")
    assert first["location"] == {"path": "content/policies/P-1.md", "lines": {"begin": 5}}
    assert first["severity"] == "critical" and len(first["fingerprint"]) == 64
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    assert json.loads(run("check", "--format", "gitlab", cwd=root).stdout) == issues  # stable


def test_sarif_format_names_rules_and_locations(tree):
    root = tree({**complete_files(), **BROKEN})
    log = json.loads(run("check", "--format", "sarif", cwd=root).stdout)
    assert log["version"] == "2.1.0"
    run_ = log["runs"][0]
    rules = [rule["id"] for rule in run_["tool"]["driver"]["rules"]]
    result = next(r for r in run_["results"] if r["ruleId"] == "AIMS010")
    assert rules[result["ruleIndex"]] == "AIMS010" and result["level"] == "error"
    location = result["locations"][0]["physicalLocation"]
    assert location == {
        "artifactLocation": {"uri": "content/policies/P-1.md", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 5},
    }


def test_check_paths_reports_only_them_but_in_the_context_of_the_whole_aims(tree):
    files = {**complete_files(), **BROKEN}
    files["content/policies/P-3.md"] = front(id="P-3", title="Names P-1", satisfies=["5.2"], owner="O")
    root = tree(files)
    only = run("check", "content/policies/P-3.md", cwd=root)
    assert only.exit_code == 0, only.output  # P-1 and P-2 are broken, but they are not asked about
    assert "(1 path of it)" in only.output
    one = run("check", str(root / "content/policies/P-1.md"))
    assert one.exit_code == 1 and "P-1.md:5: AIMS010" in one.output and "P-2.md" not in one.output


def test_every_command_finds_the_root_from_a_folder_inside_it(tree):
    root = tree(complete_files())
    inside = root / "content/controls"
    result = run("check", cwd=inside)
    assert result.exit_code == 0, result.output
    status = run("status", cwd=inside)
    assert status.exit_code == 0 and "AIMS readiness" in status.output


def test_the_pre_commit_hook_runs_aims_check_on_the_changed_files():
    hooks = yaml.safe_load((Path(__file__).resolve().parents[1] / ".pre-commit-hooks.yaml").read_text())
    (hook,) = hooks
    assert hook["id"] == "aims-check" and hook["entry"] == "aims check"
    assert hook["pass_filenames"] is True and hook["language"] == "python"
    assert "content/" in hook["files"]


def test_sarif_output_validates_against_the_sarif_2_1_0_schema(tree):
    import jsonschema

    schema = json.loads((Path(__file__).parent / "data/sarif/sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    root = tree({**complete_files(), **BROKEN})
    log = json.loads(run("check", "--format", "sarif", cwd=root).stdout)
    assert log["runs"][0]["results"], "the broken tree has findings"
    assert [e.message for e in validator.iter_errors(log)] == []
    clean = json.loads(run("check", "--format", "sarif", cwd=tree(complete_files())).stdout)
    assert [e.message for e in validator.iter_errors(clean)] == []
    log["runs"][0]["results"][0]["level"] = "fatal"
    assert list(validator.iter_errors(log)), "the schema catches a wrong level"


def test_aims_build_prints_one_summary_line_and_no_theme_banner(tree):
    import subprocess
    import sys

    from .conftest import site_config

    root = tree(complete_files())
    site_config(root)
    env = {k: v for k, v in os.environ.items() if k != "NO_MKDOCS_2_WARNING"}
    proc = subprocess.run(
        [sys.executable, "-m", "aims_plugin", "build"], cwd=root, capture_output=True, text=True, env=env
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        f"aims build: site: {sum(1 for _ in (root / 'site').rglob('*.html'))} pages; "
        f"{len(list((root / 'content').rglob('*.md')))} records checked: 0 errors, 0 warnings; no pack (pdf: false)"
    ]
    assert "MkDocs 2" not in proc.stdout + proc.stderr and "Zensical" not in proc.stdout + proc.stderr


def test_csv_columns_do_not_move_with_the_content_and_carry_risk_ratings(tree):
    import csv
    import io

    files = complete_files()
    files["content/risks/R-1.md"] = front(
        id="R-1", title="Risk", likelihood=4, impact=5, residual_likelihood=1, residual_impact=2, owner="O"
    )
    root = tree(files)
    before = run("export", str(root), "--format", "csv").stdout
    header = before.splitlines()[0]
    control = root / "content/controls/A.6.2.4.md"
    control.write_text(control.read_text(encoding="utf-8").replace("---\n", "---\ndue: 2027-01-31\n", 1))
    assert run("export", str(root), "--format", "csv").stdout.splitlines()[0] == header
    (risk,) = [r for r in csv.DictReader(io.StringIO(before)) if r["id"] == "R-1"]
    assert (risk["inherent_score"], risk["residual_score"]) == ("20", "2")
    assert risk["inherent_rating"] and risk["residual_rating"]
    assert json.loads(run("export", str(root)).stdout)["schema_version"] == "1"


def test_fingerprints_survive_a_changed_count_and_a_moved_line():
    from aims_plugin.outputs.findings import _fingerprints
    from aims_plugin.register.findings import warning

    today = warning("a.md", 24, "AIMS032", "actions[0] (ACT-1) was due on 2026-11-30 (2 days ago)")
    tomorrow = warning("a.md", 25, "AIMS032", "actions[0] (ACT-1) was due on 2026-11-30 (3 days ago)")
    other = warning("a.md", 30, "AIMS032", "actions[1] (ACT-2) was due on 2026-11-30 (2 days ago)")
    assert _fingerprints([today]) == _fingerprints([tomorrow])
    assert len(set(_fingerprints([today, other]))) == 2
