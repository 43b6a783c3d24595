"""`aims import oscal-catalog`: an OSCAL catalog (JSON) as a catalogue file of the project's own
(`frameworks/<ID>.yaml`), which the loader reads like the shipped ones.

Groups and controls become requirements in the catalog's order, each under its parent; the
ID is the `label` property when that is a safe ID (as this tool writes them), else the OSCAL
ID; the type is the `class`; the intent is the first statement's prose. Anything that cannot
be mapped is an error located to the line of the JSON file it is on, and nothing is written.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..catalog import available_frameworks
from ..outputs.writefile import write_atomically
from ..register.records import SAFE_ID
from .project import FRAMEWORKS_FOLDER

_PROSE_MAX = 2000
OSCAL_NS = "http://csrc.nist.gov/ns/oscal"


class ImportProblem(Exception):
    """The catalog cannot be imported: every problem, as `path:line: message`."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class _Reader:
    display: str
    text: str
    problems: list[str] = field(default_factory=list)
    requirements: list[dict[str, Any]] = field(default_factory=list)
    seen: dict[str, str] = field(default_factory=dict)
    groups: int = 0

    def line_of(self, oscal_id: str | None) -> int:
        """The line of `"id": "<oscal_id>"` in the file (1 when it cannot be found)."""
        if not oscal_id:
            return 1
        match = re.search(r'"id"\s*:\s*"' + re.escape(oscal_id) + '"', self.text)
        return self.text.count("\n", 0, match.start()) + 1 if match else 1

    def fail(self, oscal_id: str | None, message: str) -> None:
        self.problems.append(f"{self.display}:{self.line_of(oscal_id)}: {message}")

    def walk(self, items: Any, parent: str | None, what: str) -> None:
        if items is None:
            return
        if not isinstance(items, list):
            self.fail(None, f"'{what}' must be a list")
            return
        for item in items:
            self.item(item, parent, what[:-1])

    def item(self, item: Any, parent: str | None, what: str) -> None:
        if not isinstance(item, dict):
            self.fail(None, f"a {what} must be an object")
            return
        oscal_id = item.get("id")
        title = item.get("title")
        if what == "group" and oscal_id is None and isinstance(title, str) and title.strip():
            # A group's ID is optional in OSCAL: one is made from its place.
            self.groups += 1
            oscal_id = f"{parent or 'group'}-g{self.groups}"
        if not isinstance(oscal_id, str) or not oscal_id:
            self.fail(None, f"a {what} without an 'id' (title {title!r})")
            return
        if not isinstance(title, str) or not title.strip():
            self.fail(oscal_id, f"{what} '{oscal_id}' has no title")
            return
        # OSCAL's own `label` property only (no `ns`, or OSCAL's namespace): another namespace's is theirs.
        label = next(
            (
                p.get("value")
                for p in item.get("props") or []
                if isinstance(p, dict) and p.get("name") == "label" and p.get("ns", OSCAL_NS) == OSCAL_NS
            ),
            None,
        )
        key = label if isinstance(label, str) and SAFE_ID.fullmatch(label) else oscal_id
        if not SAFE_ID.fullmatch(key):
            self.fail(oscal_id, f"{what} ID '{key}' cannot be used: use letters, digits, '.', '-' and '_' only")
            return
        if key in self.seen:
            self.fail(oscal_id, f"{what} ID '{key}' is given twice (first as '{self.seen[key]}')")
            return
        self.seen[key] = oscal_id
        entry: dict[str, Any] = {"id": key, "type": str(item.get("class") or what), "title": " ".join(title.split())}
        if parent is not None:
            entry["parent"] = parent
        prose = _statement(item.get("parts"))
        if prose:
            entry["intent"] = prose[:_PROSE_MAX]
        self.requirements.append(entry)
        self.walk(item.get("groups"), key, "groups")
        self.walk(item.get("controls"), key, "controls")


def _statement(parts: Any) -> str | None:
    """The prose of the first statement (or any part with prose), on one line."""
    if not isinstance(parts, list):
        return None
    ordered = sorted((p for p in parts if isinstance(p, dict)), key=lambda p: p.get("name") != "statement")
    for part in ordered:
        prose = part.get("prose")
        if isinstance(prose, str) and prose.strip():
            return " ".join(prose.split())
        inner = _statement(part.get("parts"))
        if inner:
            return inner
    return None


def read_oscal_catalog(path: Path, display: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The catalog's metadata and its requirements in order; ImportProblem lists what cannot be mapped."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportProblem([f"{display}:1: cannot read it: {exc}"]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportProblem([f"{display}:{exc.lineno}: not JSON: {exc.msg}"]) from None
    catalog = data.get("catalog") if isinstance(data, dict) else None
    if not isinstance(catalog, dict):
        raise ImportProblem([f"{display}:1: not an OSCAL catalog (no top-level 'catalog' object)"])
    reader = _Reader(display, text)
    reader.walk(catalog.get("groups"), None, "groups")
    reader.walk(catalog.get("controls"), None, "controls")
    if not reader.requirements and not reader.problems:
        reader.problems.append(f"{display}:1: the catalog has no groups or controls")
    if reader.problems:
        raise ImportProblem(reader.problems)
    metadata = catalog.get("metadata") if isinstance(catalog.get("metadata"), dict) else {}
    return metadata, reader.requirements


def import_catalog(path: Path, display: str, framework: str, project_root: Path) -> tuple[Path, int]:
    """Write `frameworks/<framework>.yaml` from an OSCAL catalog; returns the file and how many requirements."""
    if not SAFE_ID.fullmatch(framework) or framework.startswith(".") or "--" in framework:
        raise ImportProblem([f"--as {framework!r}: use letters, digits, '.', '-' and '_' only (no '--')"])
    if framework in available_frameworks():
        raise ImportProblem([f"--as {framework}: a shipped catalogue has that ID; choose another"])
    target = project_root / FRAMEWORKS_FOLDER / f"{framework}.yaml"
    if target.exists():
        raise ImportProblem([f"{target}: exists already; remove it to import again"])
    metadata, requirements = read_oscal_catalog(path, display)
    title = str(metadata.get("title") or framework)
    head = {
        "id": framework,
        "title": " ".join(title.split()),
        "version": str(metadata.get("version") or ""),
        "source": f"Imported from the OSCAL catalog {path.name} ({metadata.get('oscal-version', 'OSCAL')})",
    }
    text = (
        f"# Imported by `aims import oscal-catalog {path.name} --as {framework}`; the loader reads it like the\n"
        "# shipped catalogues. Enable it with `frameworks: [" + framework + "]` in mkdocs.yml and map the\n"
        f"# ISO/IEC 42001 clauses and controls to it in {FRAMEWORKS_FOLDER}/iso42001--{framework}.yaml.\n"
        + yaml.safe_dump({"framework": head, "requirements": requirements}, sort_keys=False, allow_unicode=True)
    )
    write_atomically(target, text.encode("utf-8"))
    return target, len(requirements)
