"""Check a pack against the files it says it was made from: its embedded manifest, re-hashed.

The files are read from the working tree, or (`at_commit`) from the commit the
pack names, through git, so an auditor can check a pack without trusting the
tool that made it: the manifest is plain JSON and every hash is a SHA-256.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from .compose import MANIFEST_FORMAT, MANIFEST_NAME


class NotAPack(Exception):
    """The file is not a PDF, or holds no AIMS manifest."""


@dataclass
class Verification:
    digest: str
    commit: str | None
    checked: int = 0
    #: (path, what is wrong) for every file that does not match.
    problems: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def read_manifest(pdf: Path) -> dict:
    """The manifest embedded in a pack."""
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # its warnings about a bad file: our message says it
    try:
        reader = PdfReader(pdf)
        attachments = reader.attachments
    except (PyPdfError, OSError, ValueError) as exc:
        raise NotAPack(f"{pdf} is not a readable PDF ({exc})") from None
    blobs = attachments.get(MANIFEST_NAME)
    if not blobs:
        raise NotAPack(f"{pdf} holds no {MANIFEST_NAME}: it is not an AIMS pack")
    try:
        data = json.loads(blobs[0].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise NotAPack(f"{pdf}: its {MANIFEST_NAME} is not valid JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT or not isinstance(data.get("files"), list):
        raise NotAPack(f"{pdf}: its {MANIFEST_NAME} is not an {MANIFEST_FORMAT} manifest")
    return data


def verify(pdf: Path, root: Path, *, at_commit: bool = False) -> Verification:
    """Re-hash every file the pack lists, in the working tree under `root` or at the pack's commit."""
    data = read_manifest(pdf)
    result = Verification(digest=str(data.get("digest", "")), commit=data.get("commit"))
    lines = []
    read = _reader(root, result.commit) if at_commit else (lambda path: _read_file(root / path))
    for entry in data["files"]:
        path, recorded, size = str(entry.get("path", "")), str(entry.get("sha256", "")), entry.get("size")
        lines.append(f"{path} {recorded}\n")
        result.checked += 1
        content = read(path)
        if content is None:
            result.problems.append((path, "missing"))
            continue
        actual = hashlib.sha256(content).hexdigest()
        if actual != recorded:
            result.problems.append((path, f"changed: recorded sha256 {recorded[:16]}…, now {actual[:16]}…"))
        elif size is not None and size != len(content):
            result.problems.append((path, f"size {len(content)} bytes, recorded {size}"))
    digest = hashlib.sha256("".join(lines).encode()).hexdigest()
    if digest != result.digest:
        result.problems.append((MANIFEST_NAME, "the manifest does not add up to the pack digest"))
    return result


def _read_file(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _reader(root: Path, commit: str | None):
    if not commit:
        raise NotAPack("the pack names no commit (it was built outside git): verify the working tree instead")
    prefix = _git(root, "rev-parse", "--show-prefix")
    if prefix is None or _git(root, "cat-file", "-e", f"{commit}^{{commit}}") is None:
        raise NotAPack(f"commit {commit[:12]} is not in the repository at {root}")

    def read(path: str) -> bytes | None:
        done = subprocess.run(
            ["git", "-C", str(root), "show", f"{commit}:{prefix.strip()}{path}"], capture_output=True, check=False
        )
        return done.stdout if done.returncode == 0 else None

    return read


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None
