"""Load and validate entity catalogs (YAML), refusing bad ones with the line at fault."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from prefgym.errors import ConfigError
from prefgym.types import Entity

DEFAULT_CATALOG = Path(__file__).with_name("charities.yaml")


class CatalogError(ConfigError):
    """A catalog file that cannot be loaded, or an entity id that names none."""


@dataclass(frozen=True)
class Catalog:
    kind: str
    entities: tuple[Entity, ...]
    source: str
    sha256: str  # of the file's bytes: recorded in run manifests so results name their catalog

    def get(self, entity_id: str) -> Entity:
        for e in self.entities:
            if e.id == entity_id:
                return e
        close = [e.id for e in self.entities if entity_id.split("-")[0] in e.id][:5]
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise CatalogError(f"no entity {entity_id!r} in {self.source}{hint}")

    def subset(self, ids: list[str]) -> Catalog:
        """The named entities only, in that order (the file's hash still names the source)."""
        return Catalog(self.kind, tuple(self.get(i) for i in ids), self.source, self.sha256)

    @property
    def ids(self) -> list[str]:
        return [e.id for e in self.entities]

    def __len__(self) -> int:
        return len(self.entities)


class _LineLoader(yaml.SafeLoader):
    """Records each mapping's line so errors can point at it."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_catalog(path: str | Path) -> Catalog:
    path = Path(path)
    try:
        raw_bytes = path.read_bytes()
        doc = yaml.load(raw_bytes, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except OSError as e:
        raise CatalogError(f"{path}: cannot read catalog: {e.strerror}") from None
    except yaml.YAMLError as e:
        raise CatalogError(f"{path}: not valid YAML: {e}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("entities"), list):
        raise CatalogError(f"{path}: a catalog is a mapping with an 'entities' list")
    entities, seen_ids, seen_names = [], {}, {}
    for item in doc["entities"]:
        line = item.pop("__line__", "?") if isinstance(item, dict) else "?"
        try:
            entity = Entity.model_validate(item)
        except ValidationError as e:
            err = e.errors()[0]
            field = ".".join(str(p) for p in err["loc"]) or "entry"
            raise CatalogError(f"{path}:{line}: entity field {field!r}: {err['msg']}") from None
        if entity.id in seen_ids:
            raise CatalogError(f"{path}:{line}: duplicate id {entity.id!r} (first at line {seen_ids[entity.id]})")
        if entity.name.lower() in seen_names:
            raise CatalogError(f"{path}:{line}: duplicate name {entity.name!r} (first at line {seen_names[entity.name.lower()]})")
        seen_ids[entity.id], seen_names[entity.name.lower()] = line, line
        entities.append(entity)
    if not entities:
        raise CatalogError(f"{path}: the catalog has no entities")
    return Catalog(kind=str(doc.get("kind", "entity")), entities=tuple(entities), source=str(path),
                   sha256=hashlib.sha256(raw_bytes).hexdigest())


@functools.lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    return load_catalog(DEFAULT_CATALOG)
