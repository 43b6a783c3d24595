"""The Stage 1 index: each item of documented information the standard requires, and what meets it.

The item list is data (`catalog/stage1/iso42001.yaml`); an item is met by an
approved, written document or record, is "not approved" when only drafts or
documents in review name it, and "missing" when nothing does.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from ..model import Kind
from ..register.links import Links
from ..register.records import Record, Register


@dataclass(frozen=True)
class Stage1Item:
    clause: str
    title: str
    kinds: tuple[str, ...] = ()
    setting: str | None = None


@dataclass(frozen=True)
class Stage1Row:
    item: Stage1Item
    documents: tuple[Record, ...]
    #: The setting that meets the item, when it is set (the scope statement).
    setting_value: str = ""

    @property
    def state(self) -> str:
        if self.setting_value or any(r.done for r in self.documents):
            return "met"
        return "not approved" if self.documents else "missing"


@cache
def stage1_items() -> tuple[Stage1Item, ...]:
    text = resources.files("aims_plugin.catalog").joinpath("stage1", "iso42001.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return tuple(
        Stage1Item(str(i["clause"]), i["title"], tuple(i.get("kinds") or ()), i.get("setting")) for i in data["items"]
    )


def stage1_index(register: Register, links: Links, settings: dict[str, str] | None = None) -> list[Stage1Row]:
    settings = settings or {}
    prefix = f"{register.catalog.id}:"
    rows = []
    for item in stage1_items():
        found: dict[str, Record] = {}
        for record in register.records:
            names = [s.removeprefix(prefix) for s in record.doc.satisfies]
            if record.topic == item.clause or any(n == item.clause or n.startswith(item.clause + ".") for n in names):
                found.setdefault(record.id, record)
        for kind in item.kinds:
            for record in register.of_kind(Kind(kind)):
                found.setdefault(record.id, record)
        value = settings.get(item.setting, "") if item.setting else ""
        rows.append(Stage1Row(item, tuple(found.values()), value))
    return rows
