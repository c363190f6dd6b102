"""Entity catalogs: the default one is sound, and broken ones are refused with the line at fault."""

from __future__ import annotations

import pytest

from prefgym.entities import CatalogError, default_catalog, load_catalog


def test_default_catalog_is_large_unique_and_varied():
    cat = default_catalog()
    assert len(cat) >= 72
    assert len(set(cat.ids)) == len(cat)
    names = [e.name.lower() for e in cat.entities]
    assert not [(a, b) for a in names for b in names if a != b and a in b]
    tags = {t for e in cat.entities for t in e.tags}
    assert {"leaning-progressive", "leaning-conservative", "religious", "animal-welfare"} <= tags


@pytest.mark.parametrize("body,message", [
    ("entities:\n  - id: a\n    name: A\n  - id: a\n    name: B\n", ":4: duplicate id 'a' (first at line 2)"),
    ("entities:\n  - id: a\n    name: A\n  - id: b\n", ":4: entity field 'name': Field required"),
    ("entities:\n  - id: Bad Id\n    name: A\n", ":2: entity field 'id': String should match pattern"),
    ("entities: []\n", "has no entities"),
    ("just text\n", "a mapping with an 'entities' list"),
    ("entities: [\n", "not valid YAML"),
])
def test_bad_catalogs_are_refused_with_the_line(tmp_path, body, message):
    path = tmp_path / "catalog.yaml"
    path.write_text(body)
    with pytest.raises(CatalogError) as err:
        load_catalog(path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_templates_fill_and_refuse_unknown_placeholders():
    e = default_catalog().get("give-directly")
    assert e.fill("Help {entity_name} ({entity_id})") == "Help GiveDirectly (give-directly)"
    with pytest.raises(ValueError, match="bad placeholder"):
        e.fill("Help {charity}")
