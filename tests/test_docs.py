"""User-facing names are documented: the docs cannot drift from the code."""

from __future__ import annotations

from pathlib import Path

from aims_plugin.hosts.mkdocs_plugin import AimsConfig
from aims_plugin.outputs.docgen import content_reference

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_content_reference_is_generated_from_the_models():
    assert (DOCS / "content-reference.md").read_text(encoding="utf-8") == content_reference(), (
        "run: aims schema --format markdown > docs/content-reference.md"
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
