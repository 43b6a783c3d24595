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
