"""Find an AIMS project's settings without importing MkDocs.

The `aims` command and other hosts read the plugin's options straight from
`mkdocs.yml`, through the same settings model as the plugin, so the core
works where MkDocs plugins do not run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError

from ..catalog import DEFAULT_FRAMEWORK, available_frameworks, project_frameworks
from .settings import Settings, describe

if TYPE_CHECKING:
    from ..present.templates import Templates

CONFIG_FILE = "mkdocs.yml"
#: The project's own catalogues and crosswalks, beside mkdocs.yml.
FRAMEWORKS_FOLDER = "frameworks"
PLUGIN_NAME = "aims"


class ProjectError(Exception):
    """The project cannot be used as given (a usage error, exit 2)."""


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml while ignoring MkDocs' and Python's custom tags."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)


_ConfigLoader.add_multi_constructor("!", _ignore_tag)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore_tag)


@dataclass
class Project:
    root: Path
    settings: Settings = field(default_factory=Settings)
    site_name: str = ""
    #: The theme's `custom_dir`, where `aims/` may hold template overrides.
    custom_dir: Path | None = None

    @property
    def content_dir(self) -> Path:
        return self.root / self.settings.content_dir

    @property
    def catalog_dir(self) -> Path:
        """The project's own catalogues and crosswalks (`aims import oscal-catalog` writes there)."""
        return self.root / FRAMEWORKS_FOLDER

    @property
    def frameworks(self) -> list[str]:
        return list(self.settings.frameworks)

    @property
    def templates(self) -> Templates:
        from ..present.templates import OVERRIDES, Templates  # Jinja2 only for what renders

        return Templates(self.custom_dir / OVERRIDES if self.custom_dir else None)


def find_root(start: Path) -> Path:
    """The project holding `start`: the nearest folder at or above it with a mkdocs.yml whose content
    folder exists (as git finds a repository); `start` itself when there is none."""
    start = Path(start)
    here = start.resolve()
    for folder in (here, *here.parents):
        config = folder / CONFIG_FILE
        if config.is_file():
            try:
                content = _content_dir_of(config)
            except ProjectError:
                return folder  # a broken mkdocs.yml: read_project reports it
            if (folder / content).is_dir():
                return start if folder == here else folder
    return start


def _content_dir_of(config: Path) -> str:
    try:
        data = yaml.load(config.read_text(encoding="utf-8"), Loader=_ConfigLoader) or {}
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ProjectError(str(exc)) from None
    options = plugin_options(data.get("plugins")) if isinstance(data, dict) else {}
    return str(options.get("content_dir") or "content")


def read_project(root: Path) -> Project:
    """The project at `root`: its plugin settings, or the defaults when there is no mkdocs.yml."""
    root = Path(root)
    if not root.is_dir():
        raise ProjectError(f"{root}: no such folder")
    config_path = root / CONFIG_FILE
    project = Project(root=root)
    if config_path.is_file():
        try:
            config = yaml.load(config_path.read_text(encoding="utf-8"), Loader=_ConfigLoader) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise ProjectError(f"{config_path}: cannot read it: {exc}") from None
        if not isinstance(config, dict):
            raise ProjectError(f"{config_path}: expected a mapping of settings")
        try:
            project.settings = Settings.model_validate(plugin_options(config.get("plugins")))
        except ValidationError as exc:
            problems = "; ".join(describe(p) for p in exc.errors(include_url=False))
            raise ProjectError(f"{config_path}: plugin 'aims': {problems}") from None
        project.site_name = str(config.get("site_name") or "")
        theme = config.get("theme")
        if isinstance(theme, dict) and theme.get("custom_dir"):
            project.custom_dir = root / str(theme["custom_dir"])
    if not project.content_dir.is_dir():
        raise ProjectError(f"{project.content_dir}: content folder not found")
    problem = unknown_framework(project.root, project.settings.frameworks)
    if problem:
        raise ProjectError(f"{config_path}: plugin 'aims': {problem}")
    return project


def unknown_framework(root: Path, frameworks: list[str]) -> str | None:
    """Why a `frameworks` setting names no catalogue (shipped, or in the project's frameworks/), or None."""
    known = set(available_frameworks()) | set(project_frameworks(root / FRAMEWORKS_FOLDER))
    for framework in frameworks:
        if framework == DEFAULT_FRAMEWORK or framework not in known:
            choices = ", ".join(sorted(known - {DEFAULT_FRAMEWORK}))
            return f"frameworks: no catalogue '{framework}' (known: {choices})"
    return None


def lost_by_inherit(config_file: Path) -> list[str]:
    """The aims options a configuration that INHERITs another loses: MkDocs merges mappings but
    replaces lists, so a child's `plugins` replaces a parent's list of plugins whole."""
    try:
        child = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_ConfigLoader) or {}
        if not isinstance(child, dict) or not child.get("INHERIT"):
            return []
        parent_file = config_file.parent / str(child["INHERIT"])
        parent = yaml.load(parent_file.read_text(encoding="utf-8"), Loader=_ConfigLoader) or {}
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return []  # MkDocs reports a file it cannot read
    if not isinstance(parent, dict) or "plugins" not in child or not isinstance(parent.get("plugins"), list):
        return []
    inherited = plugin_options(parent.get("plugins"))
    own = plugin_options(child.get("plugins"))
    return sorted(key for key in inherited if key not in own)


def plugin_options(plugins: Any) -> dict[str, Any]:
    """The `aims` plugin's options from either form of MkDocs' `plugins` list."""
    entries = (
        plugins.items()
        if isinstance(plugins, dict)
        else ((next(iter(p.items())) if isinstance(p, dict) and p else (p, None)) for p in plugins or [])
    )
    for name, options in entries:
        if name == PLUGIN_NAME:
            return dict(options or {})
    return {}
