"""Templates and the helpers they share: tables -> HTML. Templates only format; reports compute."""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
from markupsafe import Markup

from ..files.results import measured_day
from ..model.measures import compare, describe, number
from ..reports.soa import failure_text, measurement_due
from . import charts
from .redline import redline

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!-])")


def md_escape(text: object) -> str:
    """Text safe to place in Markdown: no markup, no HTML."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False))


def yaml_title(text: str) -> str:
    """A page title for generated front matter: HTML-escaped (themes print it raw), JSON-quoted."""
    return json.dumps(html.escape(text), ensure_ascii=False)


#: What the measured-evidence template needs beside the record: how values read and when it was measured.
MEASURED = {
    "number": number,
    "describe": describe,
    "measured_on": measured_day,
    "due": measurement_due,
    "failure": failure_text,
}

#: Where a user's overrides live inside a theme's `custom_dir`.
OVERRIDES = "aims"


@cache
def _environment(overrides: str | None) -> jinja2.Environment:
    package = jinja2.PackageLoader("aims_plugin", "templates")
    loader: jinja2.BaseLoader = (
        jinja2.ChoiceLoader([jinja2.FileSystemLoader(overrides), package]) if overrides else package
    )
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
        # No stat of the template file at every render and include (tens of thousands a build):
        # each Templates() (one per build, so also per `mkdocs serve` rebuild) empties the cache.
        auto_reload=False,
    )
    env.filters["label"] = lambda value: "" if value is None else str(value).replace("_", " ")
    env.globals["redline"] = redline
    env.filters["meets"] = compare
    env.globals["charts"] = charts
    env.globals["measured"] = MEASURED
    return env


class Templates:
    """The plugin's templates; a file of the same name under `overrides` replaces one.

    Hosts pass `<theme custom_dir>/aims`, so a site overrides `soa.html` or
    `pack/pack.css` the way it overrides a theme's partials.
    """

    def __init__(self, overrides: Path | None = None) -> None:
        self.overrides = overrides if overrides is not None and overrides.is_dir() else None
        self.env = _environment(os.fspath(self.overrides) if self.overrides else None)
        if self.env.cache is not None:
            self.env.cache.clear()  # a new build reads edited templates again

    def render(self, template: str, **context: object) -> str:
        """One HTML block with no blank lines."""
        out = self.env.get_template(template).render(**context)
        return "\n".join(line for line in out.splitlines() if line.strip())

    def source(self, template: str) -> str:
        """A template file's text as it is (a stylesheet, say)."""
        return self.env.loader.get_source(self.env, template)[0]  # type: ignore[union-attr]


_HEADING = re.compile(r"^(#{1,5})(?=\s)", re.MULTILINE)
_FENCE = re.compile(r"^(```|~~~)", re.MULTILINE)


def demote_headings(markdown: str, levels: int = 2) -> str:
    """Push ATX headings down `levels` levels, leaving fenced code alone."""
    parts = _FENCE.split(markdown)
    out, in_fence, i = [], False, 0
    while i < len(parts):
        part = parts[i]
        if part in ("```", "~~~"):
            in_fence = not in_fence
            out.append(part)
        else:
            out.append(part if in_fence else _HEADING.sub(lambda m: min(len(m.group(1)) + levels, 6) * "#", part))
        i += 1
    return "".join(out)


def link_helpers(href: Callable[[str], str | None], label: Callable[[str], str]) -> dict[str, Callable[..., Markup]]:
    """`ref`, `rec`, `recs` for templates: links to IDs and records.

    Python rather than Jinja macros: they run tens of thousands of times per build.
    """
    esc = markupsafe.escape

    def ref(key: str, text: str | None = None) -> Markup:
        target = href(key)
        text = text or key
        # The ID at the head of a link's text never breaks across lines.
        short = key.split(":", 1)[-1]
        if text == short and target:
            # A link that is only the ID carries the class itself: one element less in every
            # register row (the pack's layout time grows with the number of boxes).
            return Markup(f'<a class="aims-id" href="{esc(target)}">{esc(short)}</a>')
        if text.startswith(short):
            shown = f'<span class="aims-id">{esc(short)}</span>{esc(text[len(short) :])}'
        else:
            shown = str(esc(text))
        return Markup(f'<a href="{esc(target)}">{shown}</a>') if target else Markup(shown)

    def rec(record: Any, full: bool = False) -> Markup:
        target = href(record.id)
        if target:
            out = f'<a class="aims-id" href="{esc(target)}">{esc(record.id)}</a>'
        else:
            out = f'<span class="aims-id">{esc(record.id)}</span>'
        if full:
            out += f" {esc(record.doc.title or label(record.id))}"
        return Markup(out)

    def recs(records: Any, full: bool = False) -> Markup:
        return Markup(", ").join(rec(r, full) for r in records)

    return {"ref": ref, "rec": rec, "recs": recs}
