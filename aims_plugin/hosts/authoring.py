"""Authoring commands: `aims new` writes a record with the next free ID and every required field;
`aims approve` records an approval (status, approver, date, version, next review) and can commit it.

Both edit sources on purpose, atomically, and only the lines they set.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import ValidationError

from ..files.load import PLACEHOLDER
from ..model import MODELS, SPECS, Kind, Ref, add_interval, ref_fields, spec_of
from ..model.fields import Score
from ..model.people import major, version_key
from ..outputs.writefile import write_atomically
from ..register.records import Register
from .evidence import next_id, set_front_matter


class AuthoringError(Exception):
    """The record cannot be written or approved as asked (a usage error)."""


@dataclass(frozen=True)
class Written:
    path: Path
    id: str


def new_record(register: Register, content_dir: Path, kind: str, title: str, today: dt.date) -> Written:
    """A draft record of `kind`: the next free ID, every required field (with a value to be checked),
    and a body marked as a placeholder, so that it counts as not written until someone writes it."""
    try:
        spec = spec_of(kind)
    except KeyError:
        choices = ", ".join(s.name for s in SPECS if s.id_prefix)
        raise AuthoringError(f"'{kind}' is not a kind `aims new` writes (kinds: {choices})") from None
    if not spec.id_prefix:
        where = f"{spec.folder}/<ID>.md"
        raise AuthoringError(f"a {kind} is named after what it writes up: edit {where} (aims init --restore writes it)")
    if kind == "evidence":
        raise AuthoringError(
            "evidence needs its file: `aims evidence add FILE -c CONTROL` writes the record with its hash"
        )
    if not title.strip():
        raise AuthoringError("the title cannot be empty")
    prefix = spec.id_prefix.format(year=today.year)
    key = next_id(set(register.by_id) | register.broken_ids, prefix)
    fields: dict[str, Any] = {"id": key, "title": title.strip(), "status": "draft"}
    notes: dict[str, str] = {}
    model = MODELS[Kind(kind)]
    refs = ref_fields(model)
    for name, info in model.model_fields.items():
        if name in fields or name == "kind" or not info.is_required():
            continue
        value, note = _placeholder(register, name, info.annotation, refs.get(name), today)
        fields[name] = value
        notes[name] = note
    if "version" in model.model_fields:
        fields["version"] = "0.1"
    try:
        model.model_validate({**fields, "kind": kind})
    except ValidationError as exc:
        raise AuthoringError(f"cannot write a valid {kind}: {exc.errors()[0]['msg']}") from None
    lines = []
    for line in yaml.safe_dump(fields, sort_keys=False, allow_unicode=True).splitlines():
        name = line.split(":", 1)[0]
        lines.append(f"{line}  # {notes[name]}" if name in notes else line)
    body = f"{PLACEHOLDER}\n\nTo be written: remove the marker above when it is.\n"
    path = content_dir / spec.folder / f"{key}.md"
    if path.exists():
        raise AuthoringError(f"{path} exists already")
    write_atomically(path, ("---\n" + "\n".join(lines) + "\n---\n\n" + body).encode("utf-8"))
    return Written(path, key)


def _placeholder(register: Register, name: str, annotation: Any, ref: Ref | None, today: dt.date) -> tuple[Any, str]:
    """A value that passes validation for a required field, and the note saying it is to be set."""
    if ref is not None and ref.kinds:
        found = [r.id for r in register.records if r.kind.value in ref.kinds]
        if not found:
            raise AuthoringError(f"a {name} is required: add a {' or '.join(ref.kinds)} first")
        return found[0], f"set: the {' or '.join(ref.kinds)} it is about"
    if annotation is dt.date or dt.date in get_args(annotation):
        return today, "set: the date"
    if annotation == Score or name in ("likelihood", "impact"):
        return 3, "set: 1 (lowest) to 5 (highest)"
    if annotation is bool:
        return True, "set: true or false"
    return "to be set", "set it"


@dataclass(frozen=True)
class Approved:
    path: Path
    version: str
    next_review: dt.date | None
    commit: str | None = None


def bump(version: str | None) -> str:
    """The next minor version: 1.2 -> 1.3; a draft's 0.x or none -> 1.0."""
    key = version_key(version) if version else (0,)
    if key is None:
        raise AuthoringError(f"version '{version}' is not numbers and dots: give --version")
    if key[0] == 0:
        return "1.0"
    return f"{key[0]}.{key[1] + 1 if len(key) > 1 else 1}"


def approve(
    register: Register,
    key: str,
    by: str,
    today: dt.date,
    *,
    version: str | None = None,
    commit: bool = False,
) -> Approved:
    """Record the approval of record `key` by `by` today; with `commit`, commit it with an Approved-by trailer."""
    record = register.by_id.get(key)
    if record is None:
        broken = " (its file has errors)" if key in register.broken_ids else ""
        raise AuthoringError(f"no record has the ID '{key}'{broken}")
    if record.source.placeholder:
        raise AuthoringError(f"{record.source.display} is not written yet (it is a placeholder): write it first")
    if not by.strip():
        raise AuthoringError("--by needs the approver's name")
    doc = record.doc
    chosen = version or bump(doc.version)
    key_new, key_old = version_key(chosen), version_key(doc.version or "0")
    if key_new is None:
        raise AuthoringError(f"--version {chosen!r}: write a version as numbers and dots, such as 2.0")
    if key_old is not None and key_new < key_old:
        raise AuthoringError(f"version {chosen} is lower than the current one ({doc.version})")
    fields = {
        "status": "approved",
        "version": f'"{chosen}"',
        "approved_by": _scalar(by.strip()),
        "approved_on": today.isoformat(),
    }
    if doc.effective is None or major(chosen) != major(doc.version or "0"):
        # A new major version takes effect when it is approved: acknowledgements of it fall due from then.
        fields["effective"] = today.isoformat()
    next_review = add_interval(today, doc.review_every) if doc.review_every else None
    if next_review is not None:
        fields["next_review"] = next_review.isoformat()
    path = record.source.path
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    try:
        updated = set_front_matter(text, fields)
    except StopIteration:
        raise AuthoringError(f"{record.source.display}: its front matter has no closing '---' line") from None
    write_atomically(path, (b"\xef\xbb\xbf" if bom else b"") + updated.encode("utf-8"))
    made = None
    if commit:
        made = _commit(path, f"Approve {key} version {chosen}", by.strip())
    return Approved(path, chosen, next_review, made)


def _scalar(text: str) -> str:
    """A YAML scalar for a name (quoted when YAML would read it as something else)."""
    try:
        plain = yaml.safe_load(text) == text and ":" not in text and "#" not in text
    except yaml.YAMLError:
        plain = False
    return text if plain else json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML string


def _commit(path: Path, message: str, approver: str) -> str:
    def git(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", "-C", str(path.parent), *args], capture_output=True, text=True)

    added = git("add", "--", path.name)
    if added.returncode != 0:
        raise AuthoringError(f"git add failed: {added.stderr.strip() or added.stdout.strip()}")
    done = git("commit", "-m", message, "-m", f"Approved-by: {approver}", "--", path.name)
    if done.returncode != 0:
        raise AuthoringError(f"git commit failed: {done.stderr.strip() or done.stdout.strip()}")
    return git("rev-parse", "HEAD").stdout.strip()
