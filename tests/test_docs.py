"""User-facing names are documented: the docs cannot drift from the code."""

from __future__ import annotations

from pathlib import Path

from aims_plugin.hosts.mkdocs_plugin import AimsConfig
from aims_plugin.outputs.docgen import content_reference

GUIDE = Path(__file__).resolve().parents[1] / "guide"
DOCS = GUIDE / "docs"


def test_content_reference_is_generated_from_the_models():
    assert (DOCS / "content-reference.md").read_text(encoding="utf-8") == content_reference(), (
        "run: aims schema --format markdown > guide/docs/content-reference.md"
    )


def test_every_plugin_option_is_documented():
    usage = (DOCS / "usage.md").read_text(encoding="utf-8")
    for key, _option in AimsConfig._schema:
        assert f"| `{key}` |" in usage, key


def test_every_template_closes_the_elements_it_opens():
    """A stray closing tag in a generated block ends the page's article early (seen in a browser)."""
    import re
    from pathlib import Path

    templates = Path(__file__).resolve().parent.parent / "aims_plugin" / "templates"
    for path in templates.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for tag in ("div", "table", "section", "details", "figure", "ul", "dl"):
            opened, closed = len(re.findall(rf"<{tag}\b", text)), len(re.findall(rf"</{tag}>", text))
            assert opened == closed, f"{path.name}: {opened} <{tag}> but {closed} </{tag}>"


def test_the_user_guide_is_a_site_of_its_own(tmp_path):
    """The tool's guide builds on its own (strict: every link resolves), without the plugin."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(GUIDE / "mkdocs.yml"), site_dir=str(tmp_path / "guide"), strict=True)
    assert "aims" not in config.plugins
    build(config)
    pages = {p.parent.name for p in (tmp_path / "guide").rglob("index.html")}
    assert {"getting-started", "usage", "content-reference", "audit", "frameworks", "contributing"} <= pages
