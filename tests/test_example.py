"""The example AIMS that ships in content/: clean under --strict, and its site links resolve."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner
from pypdf import PdfReader

from aims_plugin.hosts.cli import main

from .test_site import broken_links

REPO = Path(__file__).resolve().parents[1]


def test_example_passes_strict_check_with_no_findings():
    result = CliRunner().invoke(main, ["check", str(REPO), "--strict"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("0 errors, 0 warnings")


def test_example_site_builds_strict_and_every_link_resolves(tmp_path):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    project = tmp_path / "example"
    for name in ("content", "docs"):
        shutil.copytree(REPO / name, project / name)
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(project / "site"), strict=True)
    build(config)
    site = project / "site"
    assert (site / "statement-of-applicability/index.html").exists()
    assert broken_links(site) == []
    # The example turns the pack on: it lands in the site, for the site's own audience.
    reader = PdfReader(site / "aims-pack.pdf")
    text = "".join(page.extract_text() for page in reader.pages[:2])
    assert "Calder Finance Ltd" in text and "INTERNAL" in text
    assert "aims-pack.pdf" in (site / "index.html").read_text(encoding="utf-8")
