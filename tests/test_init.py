"""`aims init`: a scaffold that checks and builds, CI files that run the README's commands."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from click.testing import CliRunner

from aims_plugin.catalog import load_catalog
from aims_plugin.hosts.cli import main

from .conftest import pdf_text

README = Path(__file__).resolve().parents[1] / "README.md"


def test_scaffold_checks_with_warnings_only_and_builds_strict(tmp_path):
    target = tmp_path / "new-aims"
    runner = CliRunner()
    result = runner.invoke(main, ["init", str(target), "--organisation", 'Acme: "AI" <Ltd>'])
    assert result.exit_code == 0, result.output
    for control in load_catalog().controls:
        assert (target / f"content/controls/{control.id}.md").exists()
    check = runner.invoke(main, ["check", str(target), "--format", "json"])
    report = __import__("json").loads(check.output)
    assert check.exit_code == 0 and report["errors"] == 0 and report["warnings"] > 0
    # Not-started work (no justification yet, subclauses not covered), nothing broken.
    assert {f["code"] for f in report["findings"]} == {"AIMS013", "AIMS019"}
    status = runner.invoke(main, ["status", str(target)]).output
    assert "not_started         38" in status
    # Stubs and drafts never count as done: nothing is covered or written up, and all of it is open.
    assert "controls written up   0 / 38 (0%)" in status
    assert "subclauses covered    0 / 24 (0%)" in status
    assert "Controls without an approved write-up (38)" in status
    assert "Subclauses not covered (24)" in status
    assert "A.2.2 AI policy: placeholder [AIMS owner]" in status

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    build(load_config(str(target / "mkdocs.yml"), site_dir=str(target / "site"), strict=True))
    assert (target / "site/statement-of-applicability/index.html").exists()
    assert (target / "site/aims-pack.pdf").exists()
    readiness = (target / "site/readiness/index.html").read_text(encoding="utf-8")
    assert 'covered by an approved document<br><span class="aims-fraction">0 / 24</span>' in readiness
    assert 'written up and approved<br><a href="#open-missing-write-ups">38 not yet</a>' in readiness
    assert 'id="open-missing-write-ups">Controls without an approved write-up (38)' in readiness
    assert 'id="open-uncovered">Subclauses not covered (24)' in readiness
    pack = pdf_text(target / "site/aims-pack.pdf")
    assert "Controls without an approved write-up (38)" in pack and "Subclauses not covered (24)" in pack
    assert "Open items" in pack and "placeholder" in pack
    assert "<script" not in (target / "site/index.html").read_text(encoding="utf-8").split("Acme", 1)[1][:40]


def test_init_refuses_to_overwrite_and_writes_nothing(tmp_path):
    target = tmp_path / "aims"
    (target / "content/policies").mkdir(parents=True)
    (target / "content/policies/POL-001.md").write_text("mine\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["init", str(target)])
    assert result.exit_code == 1
    assert "POL-001.md: already exists" in result.output
    assert (target / "content/policies/POL-001.md").read_text(encoding="utf-8") == "mine\n"
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()) == [
        "content/policies/POL-001.md"
    ]


def _readme_main_commands() -> list[str]:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"```sh\n(scripts/setup && .*?)\n```", text).group(1)
    return [part.strip().removeprefix(".venv/bin/") for part in block.split("&&")[1:]]


def test_ci_workflows_parse_and_run_the_readme_commands(tmp_path):
    CliRunner().invoke(main, ["init", str(tmp_path / "x")])
    github = yaml.safe_load((tmp_path / "x/.github/workflows/aims.yml").read_text(encoding="utf-8"))
    gitlab = yaml.safe_load((tmp_path / "x/.gitlab-ci.yml").read_text(encoding="utf-8"))
    steps = [step.get("run", "") for step in github["jobs"]["check-and-build"]["steps"]]
    commands = _readme_main_commands()
    assert commands == ["aims check --strict", "mkdocs build --strict", "aims pdf -o build/auditor-pack.pdf"]
    for command in commands:
        assert command in steps
        assert command in gitlab["aims"]["script"]
    assert "site/" in gitlab["aims"]["artifacts"]["paths"]
