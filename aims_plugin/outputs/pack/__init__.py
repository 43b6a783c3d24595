"""The auditor documentation pack: one HTML document rendered once by WeasyPrint."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ...present.templates import Templates
from ...reports.bundle import Reports
from .compose import PackOptions, build_pack
from .write import PdfResult, build_date, write_pdf

__all__ = ["PackOptions", "PdfResult", "make_pack"]


def make_pack(
    reports: Reports,
    out: Path,
    options: PackOptions,
    *,
    templates: Templates | None = None,
    attach_evidence: bool = False,
    pdfa: bool = False,
    progress: Callable[[str], None] | None = None,
) -> PdfResult:
    """From one audience's reports to the PDF on disk."""
    say = progress or (lambda message: None)
    say("composing the pack")
    pack = build_pack(reports, created=build_date(reports.view.history), options=options, templates=templates)
    return write_pdf(pack, out, attach_evidence=attach_evidence, pdfa=pdfa, progress=say)
