"""The auditor documentation pack: one HTML document rendered once by WeasyPrint."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...files.history import NOT_READ, SnapshotError, read_history
from ...files.timeline import change_report
from ...model import Audience
from ...register.records import Register
from ...reports.changes import ChangeReport
from .compose import PackOptions, build_pack
from .write import PdfResult, build_date, write_pdf

__all__ = ["PackSettings", "PdfResult", "make_pack", "pack_settings"]


@dataclass(frozen=True)
class PackSettings:
    options: PackOptions
    filename: str = "aims-pack.pdf"
    attach_evidence: bool = False
    pdfa: bool = False


def pack_settings(plugin_options: dict[str, Any], **overrides: Any) -> PackSettings:
    """Pack settings from the plugin's options in mkdocs.yml, with command-line overrides."""

    def pick(key: str, option: str, default: Any) -> Any:
        value = overrides.get(key)
        return value if value is not None else plugin_options.get(option, default)

    return PackSettings(
        options=PackOptions(
            organisation=str(plugin_options.get("organisation", "")),
            scope=str(plugin_options.get("scope", "")),
            audience=Audience(pick("audience", "pdf_audience", "auditor")),
            page_size=str(pick("page_size", "pdf_page_size", "a4")).lower(),
            changes_since=str(pick("changes_since", "changes_since", "")),
        ),
        filename=str(plugin_options.get("pdf_filename", "aims-pack.pdf")),
        attach_evidence=bool(pick("attach_evidence", "attach_evidence", False)),
        pdfa=bool(pick("pdfa", "pdfa", False)),
    )


def make_pack(
    register: Register,
    content_dir: Path,
    out: Path,
    settings: PackSettings,
    today: dt.date,
    progress: Callable[[str], None] | None = None,
) -> PdfResult:
    """Everything from a loaded register to the PDF on disk."""
    say = progress or (lambda message: None)
    history = register.history
    if not history.available and history.notice == NOT_READ:
        say("reading revision history")
        history = read_history(content_dir)
    changes: ChangeReport | str | None = None
    if settings.options.changes_since:
        say(f"comparing with {settings.options.changes_since}")
        try:
            changes = change_report(
                content_dir, settings.options.changes_since, None, audience=settings.options.audience
            )
        except SnapshotError as exc:
            changes = f"The change report is not available: {exc}."
    say("composing the pack")
    pack = build_pack(
        register, today=today, created=build_date(history), history=history, options=settings.options, changes=changes
    )
    return write_pdf(pack, out, attach_evidence=settings.attach_evidence, pdfa=settings.pdfa, progress=say)
