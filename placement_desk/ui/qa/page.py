"""QA: the visit schedule, the actions tracker, coverage figures and the area templates.

One page with a tab per part; each tab is its own widget module. A refresh first
brings the stored due dates, contract alert actions and overdue actions up to date,
then reloads the tabs.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QTabWidget

from ..common.page import Page
from ..context import AppContext
from ..hub import NavigationRequest
from ..pages import register_page

if TYPE_CHECKING:
    from .actions_view import ActionsView
    from .coverage_view import CoverageView
    from .schedule_view import QaScheduleView
    from .templates_view import TemplatesView

TAB_KEY = "qa/tab"


class QaPage(Page):
    title = "QA"
    summary = ("Quality-assurance visits planned by risk, the actions they raise, how many "
               "settings in use were visited in the last 12 months, and the areas each "
               "visit examines.")
    entities = frozenset({"qa_visit", "setting", "action", "rating_alert", "placement_episode",
                          "qa_template", "contract_review", "user"})

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        # The tabs' modules are imported here, when the page is first shown, not at start.
        from .actions_view import ActionsView
        from .coverage_view import CoverageView
        from .schedule_view import QaScheduleView
        from .templates_view import TemplatesView

        self._today = ctx.today()
        self.schedule: QaScheduleView = QaScheduleView(ctx)
        self.action_list: ActionsView = ActionsView(ctx)
        self.coverage: CoverageView = CoverageView(ctx)
        self.templates: TemplatesView = TemplatesView(ctx)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.schedule, self.tr("Schedule"))
        self.tabs.addTab(self.action_list, self.tr("Actions"))
        self.tabs.addTab(self.coverage, self.tr("Coverage"))
        self.tabs.addTab(self.templates, self.tr("Templates"))
        stored = str(ctx.settings.value(TAB_KEY, 0) or 0)
        self.tabs.setCurrentIndex(int(stored) if stored.isdigit() else 0)
        self.tabs.currentChanged.connect(lambda i: ctx.settings.setValue(TAB_KEY, i))
        self.body.addWidget(self.tabs, 1)

    @property
    def today(self) -> dt.date:
        return self._today

    @today.setter
    def today(self, day: dt.date) -> None:
        """The date the page works to (tests set it); every tab follows."""
        self._today = day
        for tab in (self.schedule, self.action_list, self.coverage, self.templates):
            tab.today = day

    def open_request(self, request: NavigationRequest) -> None:
        """The actions or the schedule behind a figure, with their filter bar set."""
        view = {"actions": self.action_list, "schedule": self.schedule,
                "coverage": self.coverage}.get(request.tab)
        if view is None:
            return
        self.tabs.setCurrentWidget(view)
        bar = getattr(view, "bar", None)
        if bar is not None:
            bar.show_only(request.filters)

    def refresh(self) -> None:
        from ...services.contracts.alerts import raise_contract_actions
        from ...services.qa.actions import mark_overdue
        from ...services.qa.schedule import update_schedule

        update_schedule(self.ctx.db, self.today)
        raise_contract_actions(self.ctx.db, self.today)  # contracts ending, decisions due
        mark_overdue(self.ctx.db, self.today)
        self.schedule.reload()
        self.action_list.reload()
        self.coverage.reload()
        self.templates.reload()


@register_page("qa", "QA", "clipboard-check", 4)
def make_qa(ctx: AppContext) -> Page:
    return QaPage(ctx)
