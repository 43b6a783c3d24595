"""How the running `aims` was installed, as a requirement another machine can install the same way.

Read from the distribution's own metadata (PEP 610 `direct_url.json`): a local
folder or wheel, a VCS checkout at its commit, or, when it came from a package
index, the exact version.
"""

from __future__ import annotations

import json
from importlib import metadata

DISTRIBUTION = "aims-as-code"
EXTRAS = "[pdf]"


def install_spec() -> str:
    """A pip requirement for this very installation of the tool."""
    try:
        dist = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return DISTRIBUTION + EXTRAS
    name = DISTRIBUTION + EXTRAS
    try:
        direct = json.loads(dist.read_text("direct_url.json") or "null")
    except ValueError:
        direct = None
    if not isinstance(direct, dict) or not isinstance(direct.get("url"), str):
        return f"{name}=={dist.version}"
    url = direct["url"]
    vcs = direct.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs"):
        commit = vcs.get("commit_id") or vcs.get("requested_revision")
        return f"{name} @ {vcs['vcs']}+{url}" + (f"@{commit}" if commit else "")
    return f"{name} @ {url}"


def local_only(spec: str) -> bool:
    """The requirement names a folder or file on this machine: CI elsewhere cannot install it."""
    return " @ file:" in spec


REQUIREMENTS_FILE = "requirements-aims.txt"


def requirements_text() -> str:
    return (
        "# The AIMS tool, as `aims init` found it installed; CI installs it from here.\n"
        "# To move to a release from the package index, write: aims-as-code[pdf]==VERSION\n"
        f"{install_spec()}\n"
    )
