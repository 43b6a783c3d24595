"""Front matter: split it from the body and parse it with each key's line, bounded.

libyaml's node graph gives each key's and list item's line at no extra cost;
aliases are bounded before anything is built, so a YAML bomb is a located
error, never a hang.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import re
from typing import Any

import yaml

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR_TAG = "tag:yaml.org,2002:str"


def _resolve_tag(kind: type, value: str | None, implicit: tuple[bool, bool]) -> str:
    return _BaseLoader.resolve(_RESOLVER, kind, value, implicit)


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader, with tag resolution memoised.

    Front matters repeat the same keys and values thousands of times, and the regex-based
    resolution is the parser's hottest Python code. libyaml's composer calls `resolve` once
    per node: as a cached function (not a method), a repeated value costs no Python frame.
    """

    resolve = staticmethod(functools.lru_cache(maxsize=65536)(_resolve_tag))

    # The composer calls these two hooks around every node, for path resolvers; front matter uses
    # none (and ignores any registered globally), so they do nothing: as C builtins that take the
    # same arguments and whose result is ignored, they cost no Python frame either.
    descend_resolver = staticmethod(operator.is_)  # (parent, index)
    ascend_resolver = staticmethod(tuple)  # ()


_RESOLVER = yaml.resolver.Resolver()


_INT_TAG = "tag:yaml.org,2002:int"
_DATE_TAG = "tag:yaml.org,2002:timestamp"
_MAP_TAG = "tag:yaml.org,2002:map"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_PLAIN_FLOAT = re.compile(r"[-+]?[0-9]+\.[0-9]*")


def _construct(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """`construct_object(deep=True)` with fast paths for text, plain integers, dates and lists."""
    if isinstance(node, yaml.ScalarNode):
        tag, value = node.tag, node.value
        if tag == _STR_TAG:
            return value
        if tag == _INT_TAG and value.isdigit() and (value == "0" or value[0] != "0"):
            return int(value)  # 0-prefixed (octal) and signed forms go the long way
        if tag == _FLOAT_TAG and _PLAIN_FLOAT.fullmatch(value):
            return float(value)  # `0.8`, `-1.25`; `.inf`, `1e3` and `1_000.5` go the long way
        if tag == _DATE_TAG and len(value) == 10:
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass  # the constructor gives YAML's own error
        return loader.construct_object(node)
    if isinstance(node, yaml.SequenceNode) and node.tag == "tag:yaml.org,2002:seq":
        return [_construct(loader, child) for child in node.value]
    if isinstance(node, yaml.MappingNode) and node.tag == _MAP_TAG and all(_plain_key(key) for key, _ in node.value):
        # A mapping of text keys (list items such as actions and expectations): the same dict
        # PyYAML builds (the last of two equal keys wins), without its constructor's overhead.
        return {key.value: _construct(loader, value) for key, value in node.value}
    return loader.construct_object(node, deep=True)


def _plain_key(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _STR_TAG and node.value != "<<"


#: YAML nodes a front matter may expand to once aliases are followed.
MAX_NODES = 20_000
MAX_DEPTH = 64


def split_front_matter(text: str) -> tuple[str, str, int] | str:
    if not text.strip():
        return "file is empty; a document starts with a '---' line and YAML front matter"
    first_end = text.find("\n")
    if text[: first_end if first_end >= 0 else len(text)].rstrip() != "---":
        return "no front matter: the file must start with a '---' line"
    close = _CLOSING.search(text, first_end + 1)
    if close is None:
        return "front matter is not closed: no second '---' line"
    front = text[first_end + 1 : close.start()]
    body = text[close.end() + 1 :]
    closing_line = text.count("\n", 0, close.start()) + 1
    return front.removesuffix("\n"), body, closing_line + 1


_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


#: Front matter starts on the file's second line.
_OFFSET = 2


class Refused(Exception):
    """The front matter cannot be read: where and why."""

    def __init__(self, line: int, code: str, message: str) -> None:
        super().__init__(message)
        self.line, self.code, self.message = line, code, message


#: Where the fault starts is where the construct opens, not where YAML gives up.
_OPENERS = {
    "while scanning a quoted scalar": "the quoted value that starts on this line is never closed",
    "while parsing a flow sequence": "the list in [ ] that starts on this line is never closed",
    "while parsing a flow mapping": "the mapping in { } that starts on this line is never closed",
}


def _opened(exc: yaml.MarkedYAMLError, offset: int) -> tuple[int, str, str] | None:
    """A quoted value, list or mapping never closed: the line where it opens."""
    opener = _OPENERS.get(exc.context or "")
    if not opener or exc.context_mark is None:
        return None
    return exc.context_mark.line + offset, "AIMS003", f"front matter is not valid YAML: {opener}"


def _yaml_fault(exc: yaml.MarkedYAMLError, offset: int, text: str) -> tuple[int, str, str]:
    problem = exc.problem or exc.context or "syntax error"
    opened = _opened(exc, offset)
    if opened is not None:
        line, code, message = opened
        where = f" (YAML gives up on line {exc.problem_mark.line + offset})" if exc.problem_mark else ""
        return line, code, message + where
    mark = exc.problem_mark or exc.context_mark
    if mark is not None and not text[mark.index :].strip() and text.strip():
        return _fault_at_end(exc, offset, text, problem)
    line = mark.line + offset if mark else offset
    return line, "AIMS003", f"front matter is not valid YAML: {problem}"


def _fault_at_end(exc: yaml.MarkedYAMLError, offset: int, text: str, problem: str) -> tuple[int, str, str]:
    """YAML gave up at the end of the text: where the unfinished part starts."""
    # A list or mapping left open after a comma (`[5.2,`): with a value after it, YAML names its opener.
    try:
        yaml.compose(text.rstrip() + " x", Loader=_Loader)
    except yaml.MarkedYAMLError as again:
        opened = _opened(again, offset)
        if opened is not None:
            return opened
    except yaml.YAMLError:
        pass
    context = exc.context_mark
    if context is not None and text[context.index :].strip():  # the construct YAML was reading (a key, ...)
        what = "this line has no ':' after its key" if exc.context == "while scanning a simple key" else exc.context
        return context.line + offset, "AIMS003", f"front matter is not valid YAML: {what} ({problem})"
    last = text.rstrip().count("\n") + offset  # the last value, left unfinished (`id: [`)
    return last, "AIMS003", f"front matter is not valid YAML: the value on this line is not finished ({problem})"


def parse_yaml(
    fm_text: str,
    offset: int = _OFFSET,
) -> tuple[dict[str, Any], dict[str, int], dict[str, list[int]], list[tuple[str, int]]]:
    """Parse front matter, keeping each key's line; a refusal raises `Refused`.

    `offset` is the file line of the text's first line (front matter starts below `---`).
    """
    loader = _Loader(fm_text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            raise Refused(*_yaml_fault(exc, offset, fm_text)) from None
        except yaml.reader.ReaderError as exc:  # a character YAML does not allow (NUL, controls)
            line = fm_text.count("\n", 0, max(exc.position, 0)) + offset
            raise Refused(line, "AIMS003", f"front matter has a character YAML does not allow ({exc.reason})") from None
        except yaml.YAMLError as exc:
            message = str(exc).splitlines()[0]
            raise Refused(offset, "AIMS003", f"front matter is not valid YAML: {message}") from None
        except RecursionError:
            raise Refused(offset, "AIMS005", "front matter is nested too deeply") from None
        if node is None:
            raise Refused(1, "AIMS004", "front matter is empty; it needs at least 'id' and 'title'")
        if not isinstance(node, yaml.MappingNode):
            raise Refused(node.start_mark.line + offset, "AIMS004", "front matter must be a mapping of keys to values")
        # Without anchors there is nothing to expand; only bound the rest.
        if ("&" in fm_text or len(fm_text) > 65536) and not _bounded(node):
            raise Refused(
                node.start_mark.line + offset,
                "AIMS005",
                f"front matter expands to more than {MAX_NODES} values or {MAX_DEPTH} levels (YAML aliases?)",
            )
        try:
            if "<<" in fm_text:
                loader.flatten_mapping(node)  # resolve `<<` merge keys first
        except yaml.YAMLError as exc:
            raise Refused(node.start_mark.line + offset, "AIMS003", f"front matter is not valid YAML: {exc}") from None
        data: dict[str, Any] = {}
        lines: dict[str, int] = {}
        items: dict[str, list[int]] = {}
        duplicates: list[tuple[str, int]] = []
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + offset
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                raise Refused(line, "AIMS004", "a front-matter key must be plain text")
            key = key_node.value
            if key in lines:
                duplicates.append((key, line))
            lines[key] = line
            if isinstance(value_node, yaml.SequenceNode):
                items[key] = [item.start_mark.line + offset for item in value_node.value]
            try:
                data[key] = _construct(loader, value_node)
            except RecursionError:
                raise Refused(value_node.start_mark.line + offset, "AIMS005", f"{key}: nested too deeply") from None
            except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
                problem = getattr(exc, "problem", None) or str(exc)
                raise Refused(
                    value_node.start_mark.line + offset, "AIMS003", f"{key}: YAML cannot read this value: {problem}"
                ) from None
        return data, lines, items, duplicates
    finally:
        loader.dispose()


def _bounded(root: yaml.Node) -> bool:
    """True when the node graph, aliases followed, stays small and shallow."""
    budget = MAX_NODES
    stack: list[tuple[yaml.Node, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        budget -= 1
        if budget < 0 or depth > MAX_DEPTH:
            return False
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))
    return True
