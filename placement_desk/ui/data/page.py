"""Registers the Data page; its module (:mod:`.view`) is imported when it is first shown,
so that start-up does not import the backups and accounts services it uses."""

from __future__ import annotations

from ..common.page import Page
from ..context import AppContext
from ..pages import register_page


@register_page("data", "Data", "database", 7)
def make_data(ctx: AppContext) -> Page:
    from .view import DataPage

    return DataPage(ctx)
