"""The kind registry: one spec per kind, and every table derived from it agrees."""

from __future__ import annotations

from aims_plugin.model import MODELS, SPECS, Kind, ref_fields, spec_of
from aims_plugin.present.templates import Templates


def test_every_kind_has_exactly_one_spec():
    assert [spec.name for spec in SPECS] == [kind.value for kind in Kind]
    assert set(MODELS) == set(Kind)
    for field in ("folder", "pack_anchor"):
        values = [getattr(spec, field) for spec in SPECS]
        assert len(values) == len(set(values)), field
    assert len({spec.pack for spec in SPECS}) == len(SPECS)
    page_kinds = [spec.nav for spec in SPECS if spec.layout == "page"]
    assert len(page_kinds) == len(set(page_kinds))


def test_specs_are_complete_for_their_layout():
    templates = Templates()
    for spec in SPECS:
        if spec.layout == "register":
            assert spec.register_folder and spec.view and spec.view.page is None, spec.name
        if spec.catalog_type is not None:
            assert spec.topic and spec.catalog_anchor and "{id}" in spec.catalog_anchor, spec.name
            assert spec.topic in spec.model.model_fields
        if spec.view is not None:
            templates.env.get_template(spec.view.template)  # raises if missing


def test_references_name_registered_kinds():
    names = {spec.name for spec in SPECS}
    for spec in SPECS:
        for field, ref in ref_fields(spec.model).items():
            assert set(ref.kinds) <= names, (spec.name, field, ref.kinds)


def test_field_labels_come_from_the_spec():
    assert spec_of("system").label("eu_ai_act_category") == "EU AI Act category"
    assert spec_of("risk").label("residual_impact") == "Residual impact"
