"""Who points at whom: every reference, indexed in both directions."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..model import Action, ref_fields
from .records import Record, Register


@dataclass(frozen=True)
class Link:
    source: Record
    field: str
    target: str


class Links:
    """References between records and to catalogue IDs, for one register.

    Only references whose source is in the register are indexed, so a
    register filtered for an audience never leaks a hidden record here.
    """

    def __init__(self, register: Register) -> None:
        self.register = register
        self._incoming: dict[str, list[Link]] = defaultdict(list)
        self._outgoing: dict[str, list[Link]] = defaultdict(list)
        prefix = f"{register.catalog.id}:"
        for record in register.records:
            for name in ref_fields(type(record.doc)):
                value = getattr(record.doc, name)
                for target in value if isinstance(value, list) else [value]:
                    if target is None:
                        continue
                    link = Link(record, name, target.removeprefix(prefix))
                    self._incoming[link.target].append(link)
                    self._outgoing[record.id].append(link)
            for action in actions_of(record):
                for target in action.evidence:
                    link = Link(record, "actions", target)
                    self._incoming[target].append(link)
                    self._outgoing[record.id].append(link)

    def incoming(self, target: str) -> list[Record]:
        """Records that name `target`, in register order, without repeats."""
        return _unique(link.source for link in self._incoming.get(target, []))

    def outgoing(self, source: Record) -> list[Record]:
        """Records that `source` names (catalogue IDs and hidden records left out)."""
        found = (self.register.by_id.get(link.target) for link in self._outgoing.get(source.id, []))
        return _unique(r for r in found if r is not None)

    def related(self, record: Record) -> list[Record]:
        """Records linked to `record` in either direction."""
        return _unique([*self.outgoing(record), *self.incoming(record.id)])


def actions_of(record: Record) -> list[Action]:
    """The actions a record tracks (treatment steps, review outputs, corrective actions)."""
    return list(getattr(record.doc, "actions", None) or ())


def _unique(records) -> list[Record]:
    seen: set[int] = set()
    out = []
    for record in records:
        if id(record) not in seen:
            seen.add(id(record))
            out.append(record)
    return out
