"""Other frameworks: catalogue counts, crosswalks, coverage pages, `aims status --framework`."""

from __future__ import annotations

from collections import Counter

from click.testing import CliRunner

from aims_plugin.catalog import STRENGTHS, load_catalog, load_crosswalk
from aims_plugin.hosts.cli import main
from aims_plugin.reports.frameworks import leaves

from .conftest import APPROVED, complete_files, front, site_config

# NIST AI 100-1 (AI RMF 1.0) Core: subcategories per category.
NIST = {
    "GOVERN": [7, 3, 2, 3, 2, 2],
    "MAP": [6, 3, 5, 2, 2],
    "MEASURE": [3, 13, 3, 3],
    "MANAGE": [4, 4, 2, 3],
}
EU_ARTICLES = [4, 5, 6, 9, 10, 11, 12, 13, 14, 15, 17, 18, 19, 20, 25, 26, 27, 43, 47, 49, 50, 53, 55, 72, 73]


def test_nist_catalogue_matches_the_core():
    catalog = load_catalog("nist-ai-rmf")
    assert [f.id for f in catalog.of_type("function")] == list(NIST)
    assert len(catalog.of_type("category")) == 19
    subcategories = catalog.of_type("subcategory")
    assert len(subcategories) == 72
    per_category = Counter(s.parent for s in subcategories)
    for function, counts in NIST.items():
        for n, count in enumerate(counts, start=1):
            assert per_category[f"{function}-{n}"] == count, f"{function}-{n}"
            assert f"{function}-{n}.{count}" in catalog.requirements
    assert "NIST.AI.100-1" in catalog.source or "100-1" in catalog.source


def test_eu_catalogue_lists_the_articles_an_aims_supports():
    catalog = load_catalog("eu-ai-act")
    assert [r.id for r in catalog.of_type("article")] == [f"Art-{n}" for n in EU_ARTICLES]
    assert catalog.requirements["Art-26"].roles == ("deployer",) or "deployer" in catalog.requirements["Art-26"].roles
    assert "2024/1689" in catalog.source


def test_every_crosswalk_id_exists_on_both_sides():
    iso = load_catalog("iso42001")
    for target in ("nist-ai-rmf", "eu-ai-act"):
        walk = load_crosswalk("iso42001", target)  # the loader refuses unknown IDs
        other = load_catalog(target)
        assert len(walk.mappings) > 50
        for m in walk.mappings:
            assert m.source in iso.requirements and m.target in other.requirements
            assert m.strength in STRENGTHS and m.reason
        assert len({(m.source, m.target) for m in walk.mappings}) == len(walk.mappings)
        reached = {m.target for m in walk.mappings}
        assert len(reached) >= 0.9 * len(leaves(other))


def framework_tree(tree):
    files = complete_files()
    files["content/procedures/PRC-9.md"] = front(
        id="PRC-9", title="Human subjects in evaluations", satisfies=["nist-ai-rmf:MEASURE-2.2"], **APPROVED
    )
    root = tree(files)
    site_config(root)
    yml = (root / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(yml + "      frameworks: [nist-ai-rmf, eu-ai-act]\n", encoding="utf-8")
    return root


def test_document_satisfying_a_nist_subcategory_shows_on_its_page(tree):
    root = framework_tree(tree)
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    build(load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"), strict=True))
    page = (root / "site/frameworks/nist-ai-rmf/index.html").read_text(encoding="utf-8")
    row = page.split('id="MEASURE-2.2"', 1)[1].split("</tr>", 1)[0]
    assert "PRC-9" in row and "gap" not in row
    assert (root / "site/frameworks/eu-ai-act/index.html").exists()


def test_satisfies_a_framework_that_is_not_enabled_is_an_error(tree):
    root = tree(
        {
            **complete_files(),
            "content/procedures/PRC-9.md": front(
                id="PRC-9", title="T", satisfies=["nist-ai-rmf:MEASURE-2.2", "eu-ai-act:Art-9"]
            ),
        }
    )
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 1
    assert "names the framework 'nist-ai-rmf', which is not enabled" in result.output


def test_unknown_requirement_of_an_enabled_framework_is_an_error(tree):
    root = framework_tree(tree)
    (root / "content/procedures/PRC-9.md").write_text(
        front(id="PRC-9", title="T", satisfies=["nist-ai-rmf:GOVERN-9.9"]), encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 1
    assert "content/procedures/PRC-9.md:5: AIMS010 error: satisfies: 'nist-ai-rmf:GOVERN-9.9'" in result.output


def test_status_framework(tree):
    root = framework_tree(tree)
    result = CliRunner().invoke(main, ["status", str(root), "--framework", "nist-ai-rmf"])
    assert result.exit_code == 0, result.output
    assert "NIST AI RMF 1.0: 72 requirements" in result.output
    assert CliRunner().invoke(main, ["status", str(root), "--framework", "nope"]).exit_code == 2


def eu_status(root, *args):
    result = CliRunner().invoke(main, ["status", str(root), "--framework", "eu-ai-act", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_eu_ai_act_roles_decide_applicability(tree):
    files = complete_files()
    root = tree(files)
    # No system names a role: every article counts, and the check says why.
    out = eu_status(root)
    assert "25 applicable" in out and "Not applicable               0 / 25" in out
    from aims_plugin.checks import run_checks
    from aims_plugin.files.load import load

    found = run_checks(load(root / "content", display_root=root, frameworks=["eu-ai-act"]))
    assert [f.code for f in found if f.code == "AIMS035"] == ["AIMS035"]

    # A deployer and provider of its own systems: the GPAI-model articles do not apply.
    system = front(id="SYS-1", title="Scorer", eu_ai_act_roles=["provider", "deployer"], **APPROVED)
    root = tree({"content/systems/SYS-1.md": system})
    out = eu_status(root)
    assert "23 applicable" in out
    assert "Not applicable               2 / 25" in out
    na = out.split("Not applicable (2)", 1)[1]
    assert "Art-53" in na and "Art-55" in na
    assert "addresses gpai systemic risk; the organisation is provider, deployer" in na
    # The counts of the applicable states add up to the applicable total, never to 25.
    counts = [int(line.split()[-3]) for line in out.splitlines() if line.strip().endswith("/ 23")]
    assert len(counts) == 4 and sum(counts) == 23

    # A GPAI model provider with systemic risk: Art. 55 applies.
    system = front(id="SYS-1", title="Model", eu_ai_act_roles=["gpai_systemic_risk"], **APPROVED)
    root = tree({"content/systems/SYS-1.md": system})
    out = eu_status(root)
    assert "Art-55" not in out.split("Not applicable (", 1)[1] if "Not applicable (" in out else True
    assert "Art-55" not in [line.split()[0] for line in out.split("Not applicable (")[-1].splitlines()[1:] if line]


def test_framework_page_summary_and_rows_agree(tree):
    root = framework_tree(tree)
    (root / "content/systems").mkdir()
    (root / "content/systems/SYS-1.md").write_text(
        front(id="SYS-1", title="Scorer", eu_ai_act_roles=["deployer"], **APPROVED), encoding="utf-8"
    )
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    build(load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"), strict=True))
    page = (root / "site/frameworks/eu-ai-act/index.html").read_text(encoding="utf-8")
    row = page.split('id="Art-55"', 1)[1].split("</tr>", 1)[0]
    assert "Not applicable: addresses gpai systemic risk; the organisation is deployer" in row
    import re

    summary = page.split('class="aims-summary"', 1)[1].split("</p>", 1)[0]
    shown = {m[1]: int(m[0]) for m in re.findall(r">(\d+) ([a-z, ]+)</a>", summary)}
    rows = re.findall(r'<tr id="(Art-\d+)"[^>]*>(.*?)</tr>', page, re.S)
    states = Counter(
        "not applicable"
        if "Not applicable:" in body
        else "gap"
        if 'class="aims-gap"' in body
        else body.rsplit("<td>", 1)[1].split("</td>")[0].lower()
        for _, body in rows
    )
    assert {k: v for k, v in shown.items() if v} == dict(states), (shown, states)
