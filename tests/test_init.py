"""`aims init`: a scaffold that checks and builds, CI files that run the README's commands."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
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
    result = CliRunner().invoke(main, ["init", str(target), "--organisation", "Acme"])
    assert result.exit_code == 1
    assert "1 file of the scaffold exist already (content/policies/POL-001.md)" in result.output
    assert (target / "content/policies/POL-001.md").read_text(encoding="utf-8") == "mine\n"
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()) == [
        "content/policies/POL-001.md"
    ]


def test_init_restore_writes_only_the_missing_files(tmp_path):
    target = tmp_path / "aims"
    assert CliRunner().invoke(main, ["init", str(target), "--organisation", "Acme"]).exit_code == 0
    (target / "content/controls/A.6.2.4.md").unlink()
    (target / "content/policies/POL-001.md").write_text("mine\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["init", str(target), "--organisation", "Acme", "--restore"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"restored 1 missing file in {target}", "  content/controls/A.6.2.4.md"]
    assert (target / "content/policies/POL-001.md").read_text(encoding="utf-8") == "mine\n"


def test_init_asks_for_the_organisation_instead_of_inventing_one(tmp_path):
    result = CliRunner().invoke(main, ["init", str(tmp_path / "x")])
    assert result.exit_code == 2 and "--organisation NAME" in result.output
    assert not (tmp_path / "x").exists()
    done = CliRunner().invoke(main, ["init", str(tmp_path / "y"), "--organisation", "Acme"])
    assert "git init && git add . && git commit" in done.output
    assert "Example Ltd" not in (tmp_path / "y/mkdocs.yml").read_text(encoding="utf-8")


def _readme_main_commands() -> list[str]:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"```sh\n(scripts/setup && .*?)\n```", text).group(1)
    return [part.strip().removeprefix(".venv/bin/") for part in block.split("&&")[1:]]


def test_ci_workflows_parse_and_run_the_readme_commands(tmp_path):
    CliRunner().invoke(main, ["init", str(tmp_path / "x"), "--organisation", "Acme"])
    github = yaml.safe_load((tmp_path / "x/.github/workflows/aims.yml").read_text(encoding="utf-8"))
    gitlab = yaml.safe_load((tmp_path / "x/.gitlab-ci.yml").read_text(encoding="utf-8"))
    steps = [step.get("run", "") for step in github["jobs"]["check-and-build"]["steps"]]
    commands = _readme_main_commands()
    assert commands == ["aims check --strict", "mkdocs build --strict", "aims pdf -o build/auditor-pack.pdf"]
    for command in commands:
        assert command in steps
        assert command in gitlab["aims"]["script"]
    assert "site/" in gitlab["aims"]["artifacts"]["paths"]


def test_the_workflows_run_on_every_branch_and_install_what_init_ran_with(tmp_path):
    CliRunner().invoke(main, ["init", str(tmp_path / "x"), "--organisation", "Acme"])
    github = yaml.safe_load((tmp_path / "x/.github/workflows/aims.yml").read_text(encoding="utf-8"))
    # YAML reads the key `on` as true.
    assert github[True] == ["push", "pull_request"]
    requirement = (tmp_path / "x/requirements-aims.txt").read_text(encoding="utf-8").splitlines()[-1]
    assert requirement.startswith("aims-as-code[pdf]")
    steps = " ".join(step.get("run", "") for step in github["jobs"]["check-and-build"]["steps"])
    assert "pip install -r requirements-aims.txt" in steps


@pytest.mark.slow
def test_a_built_wheel_installs_and_its_scaffold_passes_its_own_ci(tmp_path):
    """Build the wheel, install it in a fresh virtual environment, `aims init` there, and run the
    generated workflow's commands: they pass on the scaffold and fail on a broken reference."""
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[1]
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(repo)],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("aims_as_code-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin/python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, f"aims-as-code[pdf] @ {wheel.as_uri()}"], check=True, capture_output=True)
    project = tmp_path / "new-aims"
    env = {**os.environ, "PATH": f"{venv / 'bin'}:{os.environ['PATH']}", "NO_MKDOCS_2_WARNING": "1"}
    env.pop("VIRTUAL_ENV", None)
    subprocess.run(["aims", "init", str(project), "--organisation", "Acme Lending"], check=True, env=env)
    requirement = (project / "requirements-aims.txt").read_text(encoding="utf-8").splitlines()[-1]
    assert requirement == f"aims-as-code[pdf] @ {wheel.as_uri()}"
    github = yaml.safe_load((project / ".github/workflows/aims.yml").read_text(encoding="utf-8"))
    steps = [s["run"] for s in github["jobs"]["check-and-build"]["steps"] if "run" in s]
    install = next(s for s in steps if "requirements-aims.txt" in s).splitlines()[-1].strip()
    commands = [install, *(s for s in steps if "requirements-aims.txt" not in s)]

    def ci() -> list[int]:
        codes = []
        for command in commands:
            codes.append(subprocess.run(command, shell=True, cwd=project, env=env, capture_output=True).returncode)
        return codes

    assert ci() == [0, 0, 0, 0, 0]
    # The public site: options inherited from mkdocs.yml, the audience its own.
    public = (project / "public/index.html").read_text(encoding="utf-8")
    assert "Acme Lending" in public
    assert (project / "build/auditor-pack.pdf").stat().st_size > 10_000
    policy = project / "content/policies/POL-001.md"
    policy.write_text(policy.read_text(encoding="utf-8").replace("status: draft", "satisfies: [A.99]\nstatus: draft"))
    assert ci()[1:3] == [1, 1]


def test_a_configuration_that_inherits_a_list_of_plugins_is_refused_not_silently_thinned(tmp_path, caplog):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, PluginError

    CliRunner().invoke(main, ["init", str(tmp_path / "x"), "--organisation", "Acme"])
    root = tmp_path / "x"
    base = (root / "mkdocs.yml").read_text(encoding="utf-8")
    listed = base.replace("  search: {}\n  aims:\n", "  - search\n  - aims:\n").replace("\n    ", "\n      ")
    (root / "mkdocs.yml").write_text(listed, encoding="utf-8")
    with pytest.raises((PluginError, Abort)) as raised:
        build(load_config(str(root / "mkdocs-public.yml")))
    said = str(raised.value) + caplog.text
    assert "organisation" in said and "would be lost" in said and "mapping" in said


def test_setup_says_what_to_install_by_hand_when_it_cannot(tmp_path):
    import shutil
    import subprocess

    repo = Path(__file__).resolve().parents[1]
    usage = subprocess.run([str(repo / "scripts/setup"), "--bogus"], capture_output=True, text=True)
    assert usage.returncode == 2 and "usage: scripts/setup [--tests]" in usage.stderr
    # A machine with no apt-get and none of the test tools: it stops and names them.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "dirname", "id", "python3", "env", "cat"):
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    result = subprocess.run(
        ["bash", str(repo / "scripts/setup"), "--tests"],
        capture_output=True,
        text=True,
        env={"PATH": str(bin_dir), "HOME": str(tmp_path)},
    )
    assert result.returncode == 1
    assert "apt-get is not available: install chromium npm qpdf poppler-utils" in result.stderr
    assert "by hand, then run this again" in result.stderr
