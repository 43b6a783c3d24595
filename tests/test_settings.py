"""One settings model: mkdocs.yml, the plugin and the `aims` command agree on every option."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from aims_plugin.hosts.cli import main
from aims_plugin.hosts.mkdocs_plugin import AimsConfig
from aims_plugin.hosts.settings import Settings

from .conftest import complete_files


def write_config(root: Path, options: str, theme: str = "  name: material\n") -> Path:
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs/index.md").write_text("# Home\n", encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(f"site_name: Test\ntheme:\n{theme}plugins:\n  - search\n  - aims:\n{options}", encoding="utf-8")
    return config


def mkdocs_build(config: Path, site: Path) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    build(load_config(str(config), site_dir=str(site), strict=True))


def test_the_plugin_config_is_the_settings_model():
    assert [key for key, _ in AimsConfig._schema] == list(Settings.model_fields)


def test_every_pack_option_of_aims_pdf_can_be_set_in_mkdocs_yml(tree):
    """The command's pack options are the settings' keys: pdf_audience works in both hosts."""
    root = tree(complete_files())
    config = write_config(root, "      pdf_audience: public\n      pdf_page_size: letter\n      pdf: true\n")
    mkdocs_build(config, root / "site")  # declared, so accepted by --strict
    result = CliRunner().invoke(main, ["pdf", str(root), "-o", str(root / "pack.pdf")])
    assert result.exit_code == 0, result.output
    text = subprocess.run(["pdftotext", str(root / "pack.pdf"), "-"], capture_output=True, text=True).stdout
    assert "PUBLIC" in text  # the pack's classification banner follows pdf_audience
    info = subprocess.run(["pdfinfo", str(root / "pack.pdf")], capture_output=True, text=True).stdout
    assert "612 x 792" in info  # letter


@pytest.mark.parametrize(
    ("options", "named"),
    [("      pdf_audiance: public\n", "pdf_audiance"), ("      page_size: 0\n", "page_size")],
)
def test_a_wrong_option_is_refused_by_both_hosts(tree, options, named):
    from mkdocs.exceptions import Abort, PluginError

    root = tree(complete_files())
    config = write_config(root, options)
    with pytest.raises((Abort, PluginError, SystemExit)):
        mkdocs_build(config, root / "site")
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 2 and named in result.output, result.output


def test_templates_are_overridden_from_the_theme_custom_dir(tree):
    """A file under `<custom_dir>/aims/` replaces the plugin's template, on the site and in the pack."""
    root = tree(complete_files())
    overrides = root / "overrides/aims"
    overrides.mkdir(parents=True)
    (overrides / "stub.html").write_text('<p class="aims-gap">Our own stub for {{ key }}.</p>\n', encoding="utf-8")
    soa = (Path(__file__).parents[1] / "aims_plugin/templates/soa.html").read_text(encoding="utf-8")
    (overrides / "soa.html").write_text(soa.replace("Implemented: ", "Ours. Implemented: "), encoding="utf-8")
    config = write_config(root, "      organisation: Test Org\n", theme="  name: material\n  custom_dir: overrides\n")
    (root / "content/clauses").mkdir(exist_ok=True)
    mkdocs_build(config, root / "site")
    assert "Our own stub for 4.1." in (root / "site/clauses/4.1/index.html").read_text(encoding="utf-8")
    assert "Ours. Implemented:" in (root / "site/statement-of-applicability/index.html").read_text("utf-8")
    result = CliRunner().invoke(main, ["pdf", str(root), "-o", str(root / "pack.pdf")])
    assert result.exit_code == 0, result.output
    text = subprocess.run(["pdftotext", str(root / "pack.pdf"), "-"], capture_output=True, text=True).stdout
    assert "Ours. Implemented:" in text
