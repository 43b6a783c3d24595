"""Fixtures that build small AIMS trees in tmp_path."""

from __future__ import annotations

import datetime as dt
import hashlib
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from aims_plugin.catalog import load_catalog

MKDOCS_YML = """\
site_name: Test AIMS
plugins:
  - aims:
      organisation: Test Org
"""


def pdf_text(path: Path) -> str:
    """The text of a PDF as poppler reads it, with runs of white space made one space."""
    import subprocess

    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


def front(**fields: object) -> str:
    """A Markdown file with the given front matter (values written as YAML)."""
    import yaml

    body = fields.pop("body", "Body text.\n")
    return "---\n" + yaml.safe_dump(fields, sort_keys=False, allow_unicode=True) + "---\n" + str(body)


Writer = Callable[..., Path]


@pytest.fixture
def tree(tmp_path: Path) -> Writer:
    """Write files under tmp_path/project: tree({"content/policies/P.md": "..."})."""
    root = tmp_path / "project"
    (root / "content").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")

    def write(files: dict[str, str | bytes] | None = None) -> Path:
        for rel, text in (files or {}).items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
        return root

    return write


#: Document control of an approved document (approved a month ago: nothing is overdue or stale).
APPROVED = {
    "status": "approved",
    "version": "1.0",
    "approved_by": "Top management",
    "approved_on": dt.date.today() - dt.timedelta(days=30),
}


#: The evidence file of the complete tree, and its hash as recorded at collection.
EV1 = "evidence\n"
EV1_SHA256 = hashlib.sha256(EV1.encode()).hexdigest()


def complete_files() -> dict[str, str]:
    """A tiny AIMS that covers every control and subclause, all approved: zero findings, nothing open."""
    catalog = load_catalog()
    files: dict[str, str] = {}
    for req in catalog.controls:
        files[f"content/controls/{req.id}.md"] = front(
            control=req.id,
            applicable=True,
            justification="Needed to treat our AI risks.",
            implementation="implemented",
            owner="Owner",
            evidence=["EV-1"],
            **APPROVED,
        )
    files["content/policies/POL-1.md"] = front(
        id="POL-1",
        title="AI policy",
        owner="Owner",
        classification="public",
        satisfies=[req.id for req in catalog.subclauses],
        **APPROVED,
    )
    files["content/evidence/EV-1.md"] = front(
        id="EV-1",
        title="Evidence",
        file="files/ev1.txt",
        controls=["A.2.2"],
        owner="Owner",
        collected_on=dt.date.today() - dt.timedelta(days=10),
        sha256=EV1_SHA256,
        size=len(EV1),
        **APPROVED,
    )
    files["content/evidence/files/ev1.txt"] = EV1
    files["content/soa/SOA.md"] = front(id="SOA", title="Statement of Applicability", owner="Owner", **APPROVED)
    return files


SITE_YML = """\
site_name: Test AIMS
theme:
  name: material
plugins:
  - search
  - aims:
      organisation: Test Org
      audience: {audience}
      page_size: {page_size}
"""


def site_config(root: Path, *, audience: str = "internal", page_size: int = 200) -> Path:
    """Write mkdocs.yml and a home page for a site build of the project at root."""
    (root / "docs").mkdir(exist_ok=True)
    if not (root / "docs/index.md").exists():
        (root / "docs/index.md").write_text("# Home\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(SITE_YML.format(audience=audience, page_size=page_size), encoding="utf-8")
    return root / "mkdocs.yml"


def build_site(root: Path, *, audience: str = "internal", page_size: int = 200, strict: bool = True) -> Path:
    """Run a real MkDocs build of the project at root; returns the site folder."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site_config(root, audience=audience, page_size=page_size)
    site = root / f"site-{audience}"
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(site), strict=strict)
    build(config)
    return site
