"""The ISO/IEC 42001 catalogue: complete, well-formed, and our own words."""

from __future__ import annotations

from collections import Counter

from aims_plugin.catalog import load_catalog

SUBCLAUSES = [
    "4.1",
    "4.2",
    "4.3",
    "4.4",
    "5.1",
    "5.2",
    "5.3",
    "6.1",
    "6.2",
    "6.3",
    "7.1",
    "7.2",
    "7.3",
    "7.4",
    "7.5",
    "8.1",
    "8.2",
    "8.3",
    "8.4",
    "9.1",
    "9.2",
    "9.3",
    "10.1",
    "10.2",
]


def test_annex_a_has_38_controls_in_9_groups():
    catalog = load_catalog()
    assert len(catalog.controls) == 38
    groups = [g.id for g in catalog.control_groups]
    assert groups == [f"A.{n}" for n in range(2, 11)]
    per_group = Counter(catalog.group_of(c.id).id for c in catalog.controls)
    assert per_group == {"A.2": 3, "A.3": 2, "A.4": 5, "A.5": 4, "A.6": 9, "A.7": 5, "A.8": 4, "A.9": 3, "A.10": 3}


def test_every_subclause_4_1_to_10_2_in_order():
    catalog = load_catalog()
    assert [s.id for s in catalog.subclauses] == SUBCLAUSES
    assert catalog.subclause_of("6.1.3") == "6.1"
    assert catalog.subclause_of("9.2.2") == "9.2"
    assert catalog.subclause_of("A.2.2") is None


def test_ids_unique_and_parents_exist():
    catalog = load_catalog()
    ids = list(catalog.requirements)
    assert len(ids) == len(set(ids))
    for req in catalog.requirements.values():
        assert req.parent is None or req.parent in catalog.requirements, req.id


def test_controls_number_from_2_within_each_group():
    for control in load_catalog().controls:
        assert int(control.id.rsplit(".", 1)[1]) >= 2, control.id


def test_every_control_and_subclause_has_guidance():
    catalog = load_catalog()
    for req in [*catalog.controls, *catalog.of_type("subclause")]:
        assert req.intent and len(req.intent) <= 200, req.id
        assert req.questions and req.evidence_examples, req.id
