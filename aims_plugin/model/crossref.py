"""The `[[ID]]` cross-reference syntax of document bodies, shared by checks and renderers."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

#: A fenced block or code span (left alone), or `[[ID]]` / `[[ID|text]]`.
CROSS_REF = re.compile(
    r"(?P<code>^(?:```|~~~)[^\n]*\n.*?^(?:```|~~~)[ \t]*$|`[^`\n]+`)"
    r"|\[\[(?P<ref>[A-Za-z0-9][A-Za-z0-9._:-]*)(?:\|(?P<text>[^\]\n]+))?\]\]",
    re.MULTILINE | re.DOTALL,
)


@dataclass(frozen=True)
class CrossRef:
    ref: str
    text: str | None
    line: int  # 0-based line within the text


def find_refs(markdown: str) -> Iterator[CrossRef]:
    if "[[" not in markdown:
        return
    for match in CROSS_REF.finditer(markdown):
        if match.group("ref"):
            yield CrossRef(match.group("ref"), match.group("text"), markdown.count("\n", 0, match.start()))


def expand_refs(
    markdown: str,
    resolve: Callable[[str], tuple[str, str, str] | None],
    unknown: Callable[[str, int], None],
    escape: Callable[[str], str],
) -> str:
    """Replace `[[ID]]` with `[label](target)` links; `unknown(ref, line)` hears of the rest.

    `resolve` gives (target, ID as shown, title) for an ID it can link; `escape` makes
    text safe for Markdown. The ID is kept on one line (a `span.aims-id`); a link's own
    text (`[[ID|text]]`) is used as written. Code spans and fenced blocks are left as they are.
    """
    if "[[" not in markdown:
        return markdown

    def link(match: re.Match[str]) -> str:
        if match.group("code"):
            return match.group("code")
        ref, text = match.group("ref"), match.group("text")
        found = resolve(ref)
        if found is None:
            unknown(ref, markdown.count("\n", 0, match.start()))
            return escape(text or ref)
        target, shown, title = found
        label = escape(text) if text else f'<span class="aims-id">{escape(shown)}</span> {escape(title)}'.rstrip()
        return f"[{label}]({target})"

    return CROSS_REF.sub(link, markdown)
