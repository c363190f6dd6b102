"""Entity catalogs as data. The default is ``charities.yaml`` beside this file."""

from prefgym.entities.catalog import Catalog, CatalogError, default_catalog, load_catalog

__all__ = ["Catalog", "CatalogError", "default_catalog", "load_catalog"]
