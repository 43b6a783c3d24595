"""The `[[ID]]` cross-reference syntax of document bodies, shared by checks and renderers."""

from __future__ import annotations

import re
from collections.abc import Iterator
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
