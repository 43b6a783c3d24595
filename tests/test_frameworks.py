"""Other frameworks: catalogue counts, crosswalks, coverage pages, `aims status --framework`."""

from __future__ import annotations

from collections import Counter

from click.testing import CliRunner

from aims_plugin.catalog import STRENGTHS, load_catalog, load_crosswalk
from aims_plugin.hosts.cli import main
from aims_plugin.reports.frameworks import leaves

from .conftest import complete_files, front, site_config

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
        id="PRC-9", title="Human subjects in evaluations", satisfies=["nist-ai-rmf:MEASURE-2.2"]
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
