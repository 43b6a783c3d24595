"""Compare the example's site text and pack text as built by two versions of the code.

    python -m benchmarks.same_output BASE [--out DIR]

BASE is a git revision (a commit, tag or `HEAD~3`). Its `aims_plugin` package is
taken out of git into a temporary folder; both versions then build the same
example (this checkout's mkdocs.yml, content/ and docs/, so both read the same
git history) with the same SOURCE_DATE_EPOCH and `--today`. The text of every
HTML page (tags, scripts and styles dropped, whitespace folded) and the pack's
text (poppler's pdftotext) are compared; the differences are printed as a
unified diff, file by file. Exit 0 when the texts are the same, 1 otherwise.

A refactoring should print nothing; an intended change shows up here, to be
listed in its note.
"""

from __future__ import annotations

import argparse
import difflib
import html.parser
import os
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EPOCH = "1764547200"  # 2025-12-01, fixed so both builds date the pack alike
TODAY = "2026-12-01"

#: Builds the site with the plugin found on sys.path, whatever the installed entry point names.
_DRIVER = """
import importlib, sys
from importlib.metadata import EntryPoint
from mkdocs.config.defaults import MkDocsConfig
for module in ("aims_plugin.hosts.mkdocs_plugin", "aims_plugin.plugin"):
    try:
        importlib.import_module(module)
    except ImportError:
        continue
    for key, option in MkDocsConfig._schema:
        if key == "plugins":
            option.installed_plugins["aims"] = EntryPoint("aims", module + ":AimsPlugin", "mkdocs.plugins")
    break
from mkdocs.commands.build import build
from mkdocs.config import load_config
config = load_config(config_file=sys.argv[1], site_dir=sys.argv[2])
config.plugins.on_startup(command="build", dirty=False)
build(config)
"""


class _Text(html.parser.HTMLParser):
    """The visible text of a page, one line per block."""

    SKIP = frozenset({"script", "style", "svg"})
    BLOCKS = frozenset(
        {"p", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "div", "section", "table", "br", "summary"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)

    def lines(self) -> list[str]:
        text = "".join(self.parts)
        return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def page_text(path: Path) -> list[str]:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return parser.lines()


def build(code: Path | None, out: Path) -> dict[str, list[str]]:
    """Build the example with the package under `code` (None: this checkout); its texts by file."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    if code is not None:
        env["PYTHONPATH"] = os.fspath(code)
    site = out / "site"
    run = [sys.executable, "-c", _DRIVER, os.fspath(REPO / "mkdocs.yml"), os.fspath(site)]
    # Run from `out`, not the checkout: Python puts the working folder first on the path.
    out.mkdir(parents=True, exist_ok=True)
    _run(run, out, env)
    pdf = out / "pack.pdf"
    cmd = [sys.executable, "-m", "aims_plugin", "pdf", os.fspath(REPO), "-o", os.fspath(pdf), "--today", TODAY]
    _run(cmd, out, env)
    texts = {p.relative_to(site).as_posix(): page_text(p) for p in sorted(site.rglob("*.html"))}
    for name in ("pack.pdf", "site/aims-pack.pdf"):
        if (out / name).is_file():
            text = subprocess.run(
                ["pdftotext", "-layout", os.fspath(out / name), "-"], check=True, capture_output=True, text=True
            ).stdout
            texts[name] = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    return texts


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> None:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:3])} ... failed:\n{done.stderr[-3000:]}")


def extract(revision: str, into: Path) -> Path:
    archive = subprocess.run(
        ["git", "-C", os.fspath(REPO), "archive", "--format=tar", revision, "aims_plugin"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="git revision to compare with")
    parser.add_argument("--out", type=Path, default=None, help="keep both builds here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="same_output_") as tmp:
        root = args.out or Path(tmp)
        code = extract(args.base, root / "base-code")
        before = build(code, root / "base")
        after = build(None, root / "head")
    same = True
    for name in sorted(set(before) | set(after)):
        a, b = before.get(name), after.get(name)
        if a == b:
            continue
        same = False
        if a is None or b is None:
            print(f"{'only in ' + args.base if b is None else 'new'}: {name}")
            continue
        sys.stdout.writelines(
            line + "\n" for line in difflib.unified_diff(a, b, f"{args.base}/{name}", f"HEAD/{name}", n=1, lineterm="")
        )
    print(f"{len(after)} files compared: {'same text' if same else 'differences above'}", file=sys.stderr)
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
