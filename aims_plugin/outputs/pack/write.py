"""Lay out the pack with WeasyPrint and write it atomically, byte for byte reproducible."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ...files.history import History
from ..writefile import write_atomically
from .compose import MANIFEST_NAME, Pack


@dataclass(frozen=True)
class PdfResult:
    path: Path
    pages: int
    size: int
    sha256: str


def build_date(history: History, now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)) -> dt.datetime:
    """SOURCE_DATE_EPOCH if set, else the source commit's date, else now (not reproducible)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    if history.head is not None:
        return history.head.date.astimezone(dt.UTC)
    return now().replace(microsecond=0)


def _no_network(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    # The pack is made from the sources alone: nothing is fetched, no file outside is read.
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher

        return default_url_fetcher(url)
    raise ValueError(f"the pack does not load external resources ({url[:80]})")


def write_pdf(
    pack: Pack,
    out: Path,
    *,
    attach_evidence: bool = False,
    pdfa: bool = False,
    progress: Callable[[str], None] = lambda message: None,
) -> PdfResult:
    import weasyprint

    progress("laying out the pack")
    document = weasyprint.HTML(string=pack.html, url_fetcher=_no_network).render()
    progress(f"writing {len(document.pages)} pages")
    attachments = [
        weasyprint.Attachment(
            string=pack.manifest_json,
            name=MANIFEST_NAME,
            description="Machine-readable manifest: every source and evidence file with size and SHA-256",
            created=pack.created,
            modified=pack.created,
        )
    ]
    if attach_evidence:
        for record in pack.attachments:
            assert record.attachment is not None
            attachments.append(
                weasyprint.Attachment(
                    string=record.attachment.path.read_bytes(),
                    name=record.attachment.rel.replace("/", "_"),
                    description=f"{record.id}: {record.doc.title} (sha256 {record.attachment.sha256})",
                    created=pack.created,
                    modified=pack.created,
                )
            )
    data = document.write_pdf(
        pdf_identifier=bytes.fromhex(pack.digest[:32]),
        pdf_variant="pdf/a-3b" if pdfa else None,
        attachments=attachments or None,
    )
    out = write_atomically(Path(out), data)
    return PdfResult(out, len(document.pages), len(data), hashlib.sha256(data).hexdigest())
