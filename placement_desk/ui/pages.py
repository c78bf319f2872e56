"""The page registry: each feature adds its page here; the shell lists what is registered.

A page module calls :func:`register_page` at import; :func:`load_pages` imports the
``page`` module of each feature folder listed in :data:`PAGE_MODULES`. The shell lists
every page at start-up but builds each one when it is first shown, so a ``page``
module stays cheap to import: it imports its views inside the page's constructor. Positions give
the order in the navigation and the Ctrl+N shortcut (Dashboard 1 … Data 7).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .common.page import Page
    from .context import AppContext


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    icon: str
    """A file in ``resources/icons`` without ``.svg`` (see ``ui/common/icons.py``)."""
    position: int
    factory: Callable[[AppContext], Page]


_REGISTRY: dict[str, PageSpec] = {}
PAGE_MODULES = ("dashboard", "providers", "placements", "qa", "contracts", "reports", "data")
"""Feature folders of ``ui/`` whose ``page`` module registers a page."""


def register_page(key: str, title: str, icon: str,
                  position: int) -> Callable[[Callable[[AppContext], Page]],
                                             Callable[[AppContext], Page]]:
    def decorate(factory: Callable[[AppContext], Page]) -> Callable[[AppContext], Page]:
        _REGISTRY[key] = PageSpec(key, title, icon, position, factory)
        return factory

    return decorate


def load_pages() -> list[PageSpec]:
    for name in PAGE_MODULES:
        importlib.import_module(f"{__package__}.{name}.page")
    return sorted(_REGISTRY.values(), key=lambda spec: spec.position)
