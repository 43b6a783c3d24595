"""`aims init`: a new AIMS repository that checks and builds from the first minute.

Every Annex A control and subclause gets a skeleton write-up marked as not
started, so `aims status` shows the whole road to Stage 1 at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import yaml

from ..catalog import load_catalog
from ..files.load import PLACEHOLDER
from ..model.criteria import CRITERIA_FILE
from ..outputs.writefile import write_atomically
from ..present.templates import md_escape
from .install import REQUIREMENTS_FILE, requirements_text

MKDOCS_YML = """\
site_name: {site_name}
theme:
  name: material
  # System fonts: a page makes no request outside the site (intranet and air-gapped hosting).
  font: false
  features:
    - navigation.sections
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      toggle:
        icon: material/brightness-7
        name: Switch to dark mode
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      toggle:
        icon: material/brightness-4
        name: Switch to light mode
markdown_extensions:
  - tables
  - admonition
  - attr_list
  - toc:
      permalink: true
# A mapping, not a list: mkdocs-public.yml INHERITs this file and changes one option
# (MkDocs merges mappings and replaces lists).
plugins:
  search: {{}}
  aims:
    content_dir: content
    audience: internal
    organisation: {organisation}
    scope: To be defined (clause 4.3)
    pdf: true
nav:
  - Home: index.md
"""

PUBLIC_YML = """\
# The public site (for example GitHub or GitLab Pages): public documents only, and no
# person's name. `mkdocs build --strict -f mkdocs-public.yml`; the rest comes from mkdocs.yml.
INHERIT: mkdocs.yml
site_dir: public
plugins:
  aims:
    audience: public
    pdf: false
"""

INDEX_MD = """\
# {organisation} AI management system

This site publishes the AI management system (AIMS) of {organisation}. The
pages under *AI management system* are generated from `content/` on every
build: start with the [readiness dashboard](readiness.md) and the
[Statement of Applicability](statement-of-applicability.md).

<!-- aims:home -->
"""

GITIGNORE = """\
/site/
/build/
.venv/
__pycache__/
"""

#: VS Code: `aims check --watch` runs when the folder opens, and its findings fill the Problems panel
#: (a problem matcher for `path:line: CODE severity: message`) each time a file is saved.
VSCODE_TASKS = json.dumps(
    {
        "version": "2.0.0",
        "tasks": [
            {
                "label": "aims check (watch)",
                "type": "shell",
                "command": "aims check --watch",
                "isBackground": True,
                "runOptions": {"runOn": "folderOpen"},
                "presentation": {"reveal": "never"},
                "problemMatcher": {
                    "owner": "aims",
                    "source": "aims",
                    "fileLocation": ["relative", "${workspaceFolder}"],
                    "pattern": {
                        "regexp": r"^(.+?):(\d+): (AIMS\d{3}) (error|warning): (.*)$",
                        "file": 1,
                        "line": 2,
                        "code": 3,
                        "severity": 4,
                        "message": 5,
                    },
                    "background": {
                        "activeBegins": True,
                        "beginsPattern": "^aims check: checking$",
                        "endsPattern": "^aims check: watching ",
                    },
                },
            }
        ],
    },
    indent=2,
)

# The commands are the README's main job: check, build the site, write the pack.
CHECK = "aims check --strict"
BUILD = "mkdocs build --strict"
PACK = "aims pdf -o build/auditor-pack.pdf"
PUBLIC = "mkdocs build --strict -f mkdocs-public.yml"
INSTALL = f"pip install -r {REQUIREMENTS_FILE}"

GITHUB_WORKFLOW = f"""\
name: AIMS
on: [push, pull_request]  # every branch: the default one, whatever its name, and the others
jobs:
  check-and-build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0  # full history: revision records and change reports come from git
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install
        run: |
          sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
          {INSTALL}
      - name: Check the AIMS
        run: {CHECK}
      - name: Build the site
        run: {BUILD}
      - name: Write the auditor pack
        run: {PACK}
      - name: Build the public site
        run: {PUBLIC}
      - uses: actions/upload-artifact@v4
        with:
          name: aims-site
          path: site/
      - uses: actions/upload-artifact@v4
        with:
          name: auditor-pack
          path: build/auditor-pack.pdf
      - uses: actions/upload-artifact@v4
        with:
          name: public-site  # publish it with GitHub Pages when you choose to (see the guide)
          path: public/
"""

GITLAB_CI = f"""\
aims:
  image: python:3.12
  variables:
    GIT_DEPTH: "0"  # full history: revision records and change reports come from git
  before_script:
    - apt-get update && apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
    - {INSTALL}
  script:
    - {CHECK}
    - {BUILD}
    - {PACK}
  artifacts:
    paths:
      - site/
      - build/auditor-pack.pdf

# GitLab Pages: the public site, from the default branch (whatever its name), when you start it.
pages:
  image: python:3.12
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
      when: manual
  variables:
    GIT_DEPTH: "0"
  before_script:
    - {INSTALL}
  script:
    - {PUBLIC}
  artifacts:
    paths:
      - public/
"""


#: The default risk criteria, written out so the organisation can make them its own.
CRITERIA_YAML = """\
# Risk criteria: the scales, rating bands and appetite the risk register uses.
# Scores are likelihood x impact, each 1 to 5. Bands must cover 1..25 once,
# lowest first; a residual risk rated above the appetite band needs
# accepted_by and accepted_on, and a band without accepted_by cannot be accepted.
likelihood: [Rare, Unlikely, Possible, Likely, Almost certain]
impact: [Negligible, Minor, Moderate, Major, Severe]
bands:
  - {name: Low, min: 1, max: 4, colour: "#2e7d32", accepted_by: Risk owner}
  - {name: Medium, min: 5, max: 9, colour: "#f9a825", accepted_by: AIMS owner}
  - {name: High, min: 10, max: 16, colour: "#ef6c00", accepted_by: Top management}
  - {name: Very high, min: 17, max: 25, colour: "#b71c1c"}
appetite: Medium
"""


#: The starter evidence file; its record carries its hash, as `aims evidence add` writes it.
EXAMPLE_EVIDENCE = "name,acknowledged_on\nExample Person,2026-01-01\n"


def _doc(fields: dict[str, object], body: str) -> str:
    front = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True)
    return f"---\n{front}---\n\n{body.strip()}\n"


def scaffold_files(organisation: str, today: dt.date) -> dict[str, str]:
    """Every file of a new AIMS repository, by path."""
    catalog = load_catalog()
    files: dict[str, str] = {
        # JSON strings are YAML strings: any name is safe to write.
        "mkdocs.yml": MKDOCS_YML.format(
            site_name=json.dumps(f"{organisation} AI management system"), organisation=json.dumps(organisation)
        ),
        "docs/index.md": INDEX_MD.format(organisation=md_escape(organisation)),
        ".gitignore": GITIGNORE,
        "mkdocs-public.yml": PUBLIC_YML,
        ".vscode/tasks.json": VSCODE_TASKS + "\n",
        ".github/workflows/aims.yml": GITHUB_WORKFLOW,
        ".gitlab-ci.yml": GITLAB_CI,
        REQUIREMENTS_FILE: requirements_text(),
    }
    for req in catalog.controls:
        files[f"content/controls/{req.id}.md"] = _doc(
            {
                "control": req.id,
                "applicable": True,
                "implementation": "not_started",
                "owner": "AIMS owner",
                "status": "draft",
            },
            f"{PLACEHOLDER}\n\n## Intent\n\n{req.intent or req.title}\n\n## How we implement it\n\nTo be written.\n\n"
            "## Evidence\n\n" + "\n".join(f"- {e}" for e in req.evidence_examples),
        )
    for req in catalog.subclauses:
        files[f"content/clauses/{req.id}.md"] = _doc(
            {"clause": req.id, "owner": "AIMS owner", "status": "draft"},
            f"{PLACEHOLDER}\n\n## Intent\n\n{req.intent or req.title}\n\n## How we meet it\n\nTo be written.",
        )
    files["content/policies/POL-001.md"] = _doc(
        {
            "id": "POL-001",
            "title": "AI policy",
            "owner": "AIMS owner",
            "status": "draft",
            "version": "0.1",
            "classification": "public",
            "review_every": "12 months",
            "satisfies": ["5.2", "A.2.2"],
        },
        f"""
## Purpose

This policy sets how {organisation} designs, buys, deploys and uses AI systems.

## Commitments

- We keep an inventory of our AI systems and assess their risks and impacts before use.
- We meet the legal and contractual requirements that apply to our AI systems.
- We improve the AI management system continually.

## Roles

The AIMS owner maintains this policy; top management approves it.
""",
    )
    files["content/procedures/PRC-001.md"] = _doc(
        {
            "id": "PRC-001",
            "title": "AI risk assessment procedure",
            "owner": "AIMS owner",
            "status": "draft",
            "version": "0.1",
            "satisfies": ["6.1.2", "8.2"],
        },
        "## Steps\n\n1. Identify risks for each AI system.\n2. Rate likelihood and impact from 1 to 5.\n"
        "3. Decide a treatment and the controls that carry it out.\n",
    )
    files["content/procedures/PRC-002.md"] = _doc(
        {
            "id": "PRC-002",
            "title": "AI system impact assessment procedure",
            "owner": "AIMS owner",
            "status": "draft",
            "version": "0.1",
            "satisfies": ["6.1.4", "8.4", "A.5.2"],
        },
        "## Steps\n\n1. Describe the system and who it affects.\n2. Assess impacts on individuals and society.\n"
        "3. Record the result and its sign-off.\n",
    )
    files["content/systems/SYS-001.md"] = _doc(
        {
            "id": "SYS-001",
            "title": "Example AI system",
            "owner": "System owner",
            "status": "draft",
            "lifecycle": "design",
            "risk_tier": "medium",
            "eu_ai_act_category": "minimal_risk",
            "provider": "in-house",
        },
        "Replace this record with one of your AI systems: what it does, who uses it, and on what data.",
    )
    files["content/risks/RSK-001.md"] = _doc(
        {
            "id": "RSK-001",
            "title": "Example risk: the system's output is wrong and nobody notices",
            "system": "SYS-001",
            "source": "machine learning",
            "likelihood": 3,
            "impact": 3,
            "treatment": "mitigate",
            "controls": ["A.6.2.6"],
            "owner": "Risk owner",
            "status": "draft",
        },
        "## Scenario\n\nDescribe how the risk would happen and whom it would harm.",
    )
    files["content/evidence/EV-001.md"] = _doc(
        {
            "id": "EV-001",
            "title": "Example evidence: AI policy acknowledgement log",
            "file": "files/EV-001.csv",
            "sha256": hashlib.sha256(EXAMPLE_EVIDENCE.encode()).hexdigest(),
            "size": len(EXAMPLE_EVIDENCE.encode()),
            "collected_on": today,
            "collected_by": "AIMS owner",
            "controls": ["A.2.2"],
            "owner": "AIMS owner",
            "status": "draft",
        },
        "Replace with a real record; keep the evidence file beside it in `files/`.",
    )
    files["content/evidence/files/EV-001.csv"] = EXAMPLE_EVIDENCE
    files["content/soa/SOA.md"] = _doc(
        {
            "id": "SOA",
            "title": "Statement of Applicability",
            "owner": "AIMS owner",
            "status": "draft",
            "version": "0.1",
            "review_every": "12 months",
        },
        "The Statement of Applicability is generated from the control write-ups in `content/controls/`; "
        "this record holds its version, approval and review.",
    )
    files[f"content/{CRITERIA_FILE}"] = CRITERIA_YAML
    return files


def init(target: Path, organisation: str, today: dt.date, *, restore: bool = False) -> list[Path]:
    """Write the scaffold into `target`; refuses (writing nothing) if any file exists already.

    With `restore`, writes only the files that are missing and leaves every other one as it is.
    """
    files = scaffold_files(organisation, today)
    existing = sorted(rel for rel in files if (target / rel).exists())
    if existing and not restore:
        raise FileExistsError(existing)
    missing = {rel: text for rel, text in files.items() if rel not in existing}
    return [write_atomically(target / rel, text.encode("utf-8")) for rel, text in missing.items()]
