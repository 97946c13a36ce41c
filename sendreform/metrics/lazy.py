"""Importing a module when it is first used rather than when its importer is loaded.

Ibis (with sqlglot and pandas) takes about a second to import. The catalogue's definitions need it only to build
queries, and a query whose SQL is already kept on disk is not built (ADR 31): `sendreform metrics` then runs
without importing it at all. `lazy_import` is the standard library's recipe (`importlib.util.LazyLoader`).
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_import(name: str) -> ModuleType:
    """The module `name`: the loaded one if it is loaded, else one that loads itself on first attribute access."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
