"""Framework catalogues as data: a framework is a file of requirements with IDs."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

DEFAULT_FRAMEWORK = "iso42001"


@dataclass(frozen=True)
class Requirement:
    id: str
    type: str
    title: str
    parent: str | None = None
    intent: str | None = None
    questions: tuple[str, ...] = ()
    evidence_examples: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()  # EU AI Act: the operators an article addresses

    @property
    def guidance(self) -> str | None:
        """The Annex B section that gives implementation guidance for an ISO/IEC 42001 Annex A control."""
        if self.type == "control" and self.id.startswith("A."):
            return "B." + self.id[2:]
        return None


@dataclass(frozen=True)
class Catalog:
    """One framework's requirements in the framework's own order."""

    id: str
    title: str
    source: str
    requirements: dict[str, Requirement] = field(default_factory=dict)

    def of_type(self, type_: str) -> list[Requirement]:
        return [r for r in self.requirements.values() if r.type == type_]

    @property
    def controls(self) -> list[Requirement]:
        return self.of_type("control")

    @property
    def control_groups(self) -> list[Requirement]:
        return self.of_type("control_group")

    @property
    def subclauses(self) -> list[Requirement]:
        """Second-level subclauses (4.1 .. 10.2): the unit of clause coverage."""
        return [r for r in self.of_type("subclause") if r.parent and self.requirements[r.parent].type == "clause"]

    def subclause_of(self, req_id: str) -> str | None:
        """The second-level subclause that contains a clause ID (6.1.3 -> 6.1)."""
        req = self.requirements.get(req_id)
        while req is not None and req.type == "subclause":
            parent = self.requirements.get(req.parent or "")
            if parent is not None and parent.type == "clause":
                return req.id
            req = parent
        return None

    def group_of(self, control_id: str) -> Requirement | None:
        """The control-objective group (A.2 .. A.10) a control belongs to."""
        req = self.requirements.get(control_id)
        while req is not None and req.type != "control_group":
            req = self.requirements.get(req.parent or "")
        return req

    def is_type(self, req_id: str, type_: str) -> bool:
        req = self.requirements.get(req_id)
        return req is not None and req.type == type_


_REQUIREMENT_KEYS = frozenset({"id", "type", "title", "parent", "intent", "questions", "evidence_examples", "roles"})


def available_frameworks() -> list[str]:
    """IDs of the catalogues shipped with the package."""
    return sorted(
        p.name.removesuffix(".yaml") for p in resources.files(__package__).iterdir() if p.name.endswith(".yaml")
    )


def load_catalog(name: str = DEFAULT_FRAMEWORK, folder: Path | None = None) -> Catalog:
    """A catalogue: the project's own `folder/<name>.yaml` (an imported one) if there is one, else a shipped one."""
    own = folder / f"{name}.yaml" if folder is not None else None
    if own is not None and own.is_file():
        stat = own.stat()
        return _own_catalog(str(own), stat.st_mtime_ns, stat.st_size)
    return _shipped_catalog(name)


def project_frameworks(folder: Path | None) -> list[str]:
    """IDs of the catalogues a project holds in its own folder (imported with `aims import oscal-catalog`)."""
    if folder is None or not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.yaml") if "--" not in p.stem)


@cache
def _own_catalog(path: str, mtime: int, size: int) -> Catalog:
    return _parse_catalog(Path(path).read_text(encoding="utf-8"), Path(path).name)


@cache
def _shipped_catalog(name: str) -> Catalog:
    """Read a shipped catalogue once per process (the files never change)."""
    return _parse_catalog(resources.files(__package__).joinpath(f"{name}.yaml").read_text(encoding="utf-8"), name)


def _parse_catalog(text: str, name: str) -> Catalog:
    name = name.removesuffix(".yaml")
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    meta = data["framework"]
    reqs = {}
    for item in data["requirements"]:
        req = Requirement(
            id=str(item["id"]),
            type=item["type"],
            title=item["title"],
            parent=str(item["parent"]) if item.get("parent") is not None else None,
            intent=item.get("intent"),
            questions=tuple(item.get("questions") or ()),
            evidence_examples=tuple(item.get("evidence_examples") or ()),
            roles=tuple(item.get("roles") or ()),
        )
        unknown = set(item) - _REQUIREMENT_KEYS
        if unknown:
            raise ValueError(f"{name}.yaml: {req.id}: unknown keys {sorted(unknown)}")
        if req.id in reqs:
            raise ValueError(f"{name}.yaml: duplicate requirement {req.id}")
        reqs[req.id] = req
    return Catalog(id=meta["id"], title=meta["title"], source=meta.get("source", ""), requirements=reqs)


@dataclass(frozen=True)
class Mapping:
    source: str  # an ID in the crosswalk's `from` catalogue
    target: str  # an ID in its `to` catalogue
    strength: str  # equivalent | partial | related
    reason: str


STRENGTHS = ("equivalent", "partial", "related")


@dataclass(frozen=True)
class Crosswalk:
    source: str
    target: str
    note: str
    mappings: tuple[Mapping, ...]

    def to_target(self, target_id: str) -> list[Mapping]:
        return [m for m in self.mappings if m.target == target_id]


def load_crosswalk(source: str, target: str, folder: Path | None = None) -> Crosswalk:
    """The mapping from one catalogue to another (the project's own `folder/<source>--<target>.yaml`, else
    a shipped one; none: an empty mapping that says so); every ID is checked against both."""
    own = folder / f"{source}--{target}.yaml" if folder is not None else None
    if own is not None and own.is_file():
        return _crosswalk(own.read_text(encoding="utf-8"), own.name, source, target, folder)
    shipped = resources.files(__package__).joinpath("crosswalks", f"{source}--{target}.yaml")
    if not shipped.is_file():
        note = f"No crosswalk from {source} to {target} yet: write {source}--{target}.yaml beside the catalogue."
        return Crosswalk(source, target, note, ())
    return _shipped_crosswalk(source, target)


@cache
def _shipped_crosswalk(source: str, target: str) -> Crosswalk:
    path = resources.files(__package__).joinpath("crosswalks", f"{source}--{target}.yaml")
    return _crosswalk(path.read_text(encoding="utf-8"), path.name, source, target, None)


def _crosswalk(text: str, name: str, source: str, target: str, folder: Path | None) -> Crosswalk:
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    head = data["crosswalk"]
    if (head["from"], head["to"]) != (source, target):
        raise ValueError(f"{name}: says it maps {head['from']} to {head['to']}")
    src, dst = load_catalog(source, folder), load_catalog(target, folder)
    mappings = []
    for item in data["mappings"]:
        mapping = Mapping(str(item["from"]), str(item["to"]), item["strength"], item.get("reason", ""))
        if mapping.source not in src.requirements or mapping.target not in dst.requirements:
            raise ValueError(f"{name}: unknown ID in {mapping.source} -> {mapping.target}")
        if mapping.strength not in STRENGTHS:
            raise ValueError(f"{name}: strength {mapping.strength!r} is not one of {STRENGTHS}")
        mappings.append(mapping)
    return Crosswalk(source, target, head.get("note", ""), tuple(mappings))
