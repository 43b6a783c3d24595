"""A readable redline of a document's text between two versions: words removed and added, in place."""

from __future__ import annotations

import difflib
import re

from markupsafe import Markup, escape

#: Words and the spaces between them, so the redline keeps the text's own spacing.
_TOKENS = re.compile(r"\s+|[^\s]+")
#: A redline longer than this many words is cut, with a note (the full text is in the document itself).
LIMIT = 4000


def redline(before: str, after: str) -> Markup:
    """HTML of `after` with deletions in <del> and insertions in <ins>; unchanged runs far from a change elided."""
    old, new = _TOKENS.findall(before), _TOKENS.findall(after)
    if len(old) + len(new) > 2 * LIMIT:
        old, new = old[:LIMIT], new[:LIMIT]
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            same = "".join(old[i1:i2])
            out.append(escape(same) if len(same) <= 240 else escape(same[:100]) + " … " + escape(same[-100:]))
            continue
        if i2 > i1:
            out.append(f"<del>{escape(''.join(old[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{escape(''.join(new[j1:j2]))}</ins>")
    return Markup(f'<div class="aims-redline">{"".join(str(part) for part in out)}</div>')
