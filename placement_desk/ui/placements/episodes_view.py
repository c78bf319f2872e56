"""The Placements list: every episode, filtered as you type, with the record's details below.

Filter bar (search first, then type, route, live or ended, within 20 miles, dates,
"only with 903 problems", clear, count), a sortable table and a detail panel with
tabs. The SSDA903 checks run in the background after each load and fill the
"903 checks" column when done. Filters are remembered across restarts.
"""

from __future__ import annotations

import datetime as dt
import html
import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelection, QSettings, Qt, QUrl, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...db import Database
from ...errors import UserError
from ...models.enums import CommissioningRoute, PlacementType
from ...services.common.formatting import date_short
from ...services.placements.episode_detail import EpisodeDetail, episode_detail
from ...services.placements.listing import (
    EpisodeFilter,
    EpisodeRow,
    IssueCount,
    filter_rows,
    haystack,
    issue_counts,
    list_episodes,
    problem_codes,
)
from ...services.placements.spot import approve_spot_purchase, spot_approval
from ...services.users.roles import Permission
from ..common.colours import colour
from ..common.fast_rows import FastRowsModel
from ..common.file_dialogs import save_file_name
from ..common.filter_bar import FilterBar
from ..common.history_panel import HistoryPanel
from ..common.list_table import list_table
from ..common.permissions import guard
from ..common.rows import Column
from ..common.shortcuts import local_shortcuts
from ..tasks import LatestRequest

Start = Callable[..., Any]


def _miles(row: EpisodeRow) -> str:
    if row.distance_miles is None:
        return "Unknown"
    return f"{row.distance_miles:,.1f}" + (" (typed)" if row.distance_entered else "")


def _spot_text(db: Database, episode_id: uuid.UUID, route: CommissioningRoute | None) -> str:
    if route != CommissioningRoute.SPOT:
        return ""
    approval = spot_approval(db, episode_id)
    if approval is None:
        return "<br><b>Awaiting a manager's approval of the spot purchase</b>"
    who, when = approval
    return html.escape(f" (approved by {who} on {when:%d/%m/%Y})")


class EpisodesView(QWidget):
    """Emits :attr:`open_agreement` with an agreement id when a link asks for one."""

    changed = Signal()
    open_agreement = Signal(object)
    new_agreement = Signal(object)

    def __init__(self, db: Database, settings: QSettings, start_task: Start,
                 today: dt.date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.settings, self.start_task = db, settings, start_task
        self.checker = LatestRequest(self, start_task)
        self.today = today or dt.date.today()
        self.issues: dict[str, IssueCount] = {}
        self.checks_done = False
        self._hays: list[str] = []
        self._child_filter: str | None = None
        self._setting_filter: str | None = None
        """One child's or one setting's episodes only (hex ids), set from a link."""
        self._only: frozenset[str] | None = None
        self._only_label = ""
        """Only the episodes another page asked for (behind a Dashboard figure)."""
        self._build_model()
        self._build_filters()
        actions = self._build_actions()
        self._build_table()
        self._build_detail()
        self._build_layout(actions)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.model.modelReset.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.new_button.clicked.connect(lambda: self.new_episode())
        self.new_child_button.clicked.connect(lambda: self.new_child())
        self.edit_button.clicked.connect(lambda: self.edit_selected())
        self.edit_child_button.clicked.connect(lambda: self.edit_child())
        self.agreement_button.clicked.connect(self._new_agreement)
        self.spot_button.clicked.connect(self.approve_spot)
        self.export_button.clicked.connect(self.export_view)
        local_shortcuts(self, ((QKeySequence.StandardKey.Find, self.bar.focus_search),
                               (QKeySequence.StandardKey.New, self.new_episode),
                               ("Ctrl+E", self.export_view),
                               (Qt.Key.Key_Return, self.edit_selected)))
        self._update_buttons()

    def _build_model(self) -> None:
        """The list's columns and the model behind the table."""
        columns: list[Column[EpisodeRow]] = [
            Column("Child", lambda r: r.child_ref, tooltip="The council's case reference"),
            Column("Start", lambda r: date_short(r.start_date), sort=lambda r: r.start_date),
            Column("End", lambda r: date_short(r.end_date), sort=lambda r: r.end_date),
            Column("Type", lambda r: r.placement_type,
                   tooltip="SSDA903 PLACE code (care leavers' types start CL_)"),
            Column("Setting", lambda r: r.setting_name or ""),
            Column("URN", lambda r: r.urn or "", tooltip="Ofsted Unique Reference Number"),
            Column("Route", lambda r: r.route.label if r.route else ""),
            Column("Miles", _miles, sort=lambda r: r.distance_miles, align_right=True,
                   tooltip="Straight-line miles from home; 20 or less is local"),
            Column("IPA", lambda r: r.agreement_ref or "",
                   tooltip="Individual Placement Agreement"),
            Column("903 checks", self._issue_text, sort=self._issue_sort,
                   tooltip="Errors and warnings from the SSDA903 return's rules"),
        ]
        self.model: FastRowsModel[EpisodeRow] = FastRowsModel(columns, lambda r: r.id)
        self.model.extra = self._cell_extra

    def _build_filters(self) -> None:
        """The filter bar: two rows, so that the page fits a small laptop screen."""
        self.bar = FilterBar(self.settings, "placements",
                             self.tr("Search child reference, setting, URN, postcode or IPA"),
                             self.tr("{shown} of {total} placements"))
        self.date_from, self.date_to = self.bar.add_dates(self.tr("From"), self.tr("To"))
        self.problems = self.bar.add_check("only_with_issues", self.tr("Only with 903 problems"))
        self.type_combo = self.bar.add_combo(
            "placement_type", self.tr("All types"),
            [("care_leavers", self.tr("Care leavers' accommodation")),
             *((value, f"{value} – {label}") for value, label in PlacementType.choices())],
            row=1)
        self.route_combo = self.bar.add_combo("route", self.tr("Any route"),
                                              CommissioningRoute.choices(), row=1)
        self.state_combo = self.bar.add_combo(
            "state", self.tr("Live or ended"),
            [("live", self.tr("Live")), ("ended", self.tr("Ended"))], row=1)
        self.within_combo = self.bar.add_combo(
            "within_20", self.tr("Any distance"),
            [("yes", self.tr("Within 20 miles")), ("no", self.tr("Over 20 miles")),
             ("unknown", self.tr("Distance unknown"))], row=1)
        self.rule_combo = self.bar.add_combo(
            "problem_code", self.tr("Any 903 rule"), row=1,
            tooltip=self.tr("Only the placements with a problem of this SSDA903 rule (the "
                            "DfE's codes, then PD- for Placement Desk's own checks)"))
        self.bar.finish()
        self.combos = {k: c for k, c in self.bar.combos.items() if k != "problem_code"}
        self.search, self.count, self.clear_button = (self.bar.search, self.bar.count,
                                                      self.bar.clear_button)
        self.bar.changed.connect(self.apply_filters)
        self.bar.cleared.connect(self._forget_links)

    def _build_actions(self) -> QHBoxLayout:
        """The count, then the buttons acting on the list or the chosen placement."""
        self.new_child_button = QPushButton(self.tr("New child…"))
        self.new_button = QPushButton(self.tr("New placement…"))
        self.new_button.setToolTip("Ctrl+N")
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.edit_button.setToolTip(self.tr("Edit the selected placement (Enter)"))
        self.edit_child_button = QPushButton(self.tr("Edit child…"))
        self.agreement_button = QPushButton(self.tr("New IPA…"))
        self.agreement_button.setToolTip(self.tr(
            "Draw up an Individual Placement Agreement for the selected placement"))
        self.spot_button = QPushButton(self.tr("Approve spot purchase"))
        self.spot_button.setToolTip(self.tr(
            "A commissioning manager approves the selected spot-purchased placement"))
        self.export_button = QPushButton(self.tr("Export view…"))
        self.export_button.setToolTip(self.tr("Save the rows shown to Excel (Ctrl+E)"))
        for button, needs in ((self.new_child_button, Permission.EDIT_PLACEMENTS),
                              (self.new_button, Permission.EDIT_PLACEMENTS),
                              (self.edit_button, Permission.EDIT_PLACEMENTS),
                              (self.edit_child_button, Permission.EDIT_PLACEMENTS),
                              (self.agreement_button, Permission.CHANGE_FEES),
                              (self.spot_button, Permission.APPROVE_SPOT_PURCHASES)):
            guard(button, self.db, needs)
        actions = QHBoxLayout()
        actions.addWidget(self.count, 1)
        for button in (self.new_child_button, self.edit_child_button, self.new_button,
                       self.edit_button, self.agreement_button, self.spot_button,
                       self.export_button):
            actions.addWidget(button)
        return actions

    def _build_table(self) -> None:
        """The placements table, sorted newest first, and the note shown when it is empty."""
        self.table = list_table(self.model, self.tr("Placements"),
                                (95, 85, 85, 55, 220, 85, 130, 80, 120), stretch=4)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(1, Qt.SortOrder.DescendingOrder)
        self.empty = QLabel(self.tr(
            "No placements yet. Add a child with \"New child…\" and then their placement "
            "with \"New placement…\" (Ctrl+N), or import your SSDA903 files."))
        self.empty.setWordWrap(True)
        self.empty.setVisible(False)

    def _build_detail(self) -> None:
        """The chosen placement's details, in tabs."""
        self.detail = QTabWidget()
        self.overview = self._browser()
        self.checks = self._browser()
        self.history = self._browser()
        for browser, name in ((self.overview, self.tr("The placement's details")),
                              (self.checks, self.tr("The placement's SSDA903 checks")),
                              (self.history, self.tr("The child's placements and agreements"))):
            browser.setAccessibleName(name)
        self.detail.addTab(self.overview, self.tr("Placement"))
        self.detail.addTab(self.checks, self.tr("903 checks"))
        self.detail.addTab(self.history, self.tr("Child and agreements"))
        self.change_history = HistoryPanel(self.db, "placement")
        self.detail.addTab(self.change_history, self.tr("History"))

    def _build_layout(self, actions: QHBoxLayout) -> None:
        """Filters, actions and the note above the list, with its details below it."""
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([3000, 1400])  # scaled to the room there is: the list gets most
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar)
        layout.addLayout(actions)
        layout.addWidget(self.empty)
        layout.addWidget(split, 1)

    def _browser(self) -> QTextBrowser:
        browser = QTextBrowser()
        browser.setOpenLinks(False)
        browser.anchorClicked.connect(self._link)
        return browser

    # -- data --------------------------------------------------------------------------------

    def reload(self) -> None:
        keep = self.selected_id()
        rows = list_episodes(self.db)
        self._hays = [haystack(r) for r in rows]
        self.model.set_rows(rows, self._filtered(rows))
        self._after_filter()
        if keep is not None:
            self.select_id(keep)
        self.run_checks()

    def run_checks(self) -> None:
        """Count each episode's 903 problems in the background; a later load's answer wins."""
        self.checks_done = False
        self.checker.run(self.tr("Checking placements against the SSDA903 rules"),
                         lambda: issue_counts(self.db, self.today), self._checks_ready)

    def _fill_rules(self) -> None:
        """The rule codes the checks found, each with its number of placements."""
        self.bar.set_choices("problem_code", [
            (code, self.tr("Rule {code} ({count})").format(code=code, count=f"{count:,}"))
            for code, count in problem_codes(self.issues)], missing=self.tr("Rule {value}"))

    def _checks_ready(self, found: dict[str, IssueCount]) -> None:
        self.issues = found
        self.checks_done = True
        self._fill_rules()
        if self.problems.isChecked() or self.rule_combo.currentData():
            self.apply_filters()
        else:
            self.model.refresh_column(9)

    def _issue_text(self, row: EpisodeRow) -> str:
        found = self.issues.get(row.id)
        if found is not None:
            return found.text
        return "" if self.checks_done else "…"

    def _issue_sort(self, row: EpisodeRow) -> tuple[int, int]:
        found = self.issues.get(row.id)
        return (found.errors, found.warnings) if found else (0, 0)

    def _cell_extra(self, row: EpisodeRow, column: int, role: int) -> Any:
        if column == 9 and role == Qt.ItemDataRole.ForegroundRole:
            found = self.issues.get(row.id)
            if found is not None:
                return colour("red" if found.errors else "amber")
        if column == 3 and role == Qt.ItemDataRole.ToolTipRole:
            return row.type_label
        return None

    def filters(self) -> EpisodeFilter:
        return EpisodeFilter(**self.bar.values(), child_id=self._child_filter,
                             setting_id=self._setting_filter, ids=self._only)

    def _filtered(self, rows: list[EpisodeRow]) -> list[int]:
        return filter_rows(rows, self._hays, self.filters(), self.today,
                           self.issues if self.checks_done else None)

    def apply_filters(self) -> None:
        self.bar.settle()
        self.model.set_shown(self._filtered(self.model.all_rows))
        self._after_filter()

    def _after_filter(self) -> None:
        shown, total = len(self.model.shown), len(self.model.all_rows)
        more = ""
        if self._only is not None:  # asked for by another page: say which records
            more = self.tr(": {label}").format(label=self._only_label)
        elif shown and self._setting_filter:  # from a link: say whose list this is
            more = self.tr(", at {name} only").format(name=self.model.row_at(0).setting_name)
        elif shown and self._child_filter:
            more = self.tr(", {ref} only").format(ref=self.model.row_at(0).child_ref)
        self.bar.show_count(shown, total, more=more,
                            narrowed=bool(self._child_filter or self._setting_filter
                                          or self._only is not None))
        self.empty.setVisible(total == 0)
        self._update_buttons()
        if not self.selected_id():
            self._show_detail(None)

    def clear_filters(self) -> None:
        self.bar.clear()

    def _forget_links(self) -> None:
        self._child_filter = None
        self._setting_filter = None
        self._only = None
        self._only_label = ""

    def show_records(self, values: tuple[tuple[str, Any], ...], ids: frozenset[str] | None,
                     label: str) -> None:
        """Show only ``ids`` (all, if None), with the filter bar set to ``values`` and the
        count saying ``label`` (another page asked)."""
        self.bar.show_only(values)  # clears the links and narrowing, then filters
        self._only, self._only_label = ids, label
        self.apply_filters()

    def show_child(self, child_id: str) -> None:
        """Show only one child's episodes (from a link)."""
        self.clear_filters()
        self._child_filter = child_id
        self.apply_filters()

    def show_setting(self, setting_id: str) -> None:
        """Show only the episodes at one setting (from a link)."""
        self.clear_filters()
        self._setting_filter = setting_id
        self.apply_filters()

    # -- selection and detail ----------------------------------------------------------------

    def selected_row(self) -> EpisodeRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def selected_id(self) -> str | None:
        row = self.selected_row()
        return row.id if row else None

    def select_id(self, episode_id: str) -> bool:
        position = self.model.position_of(episode_id)
        if position is None:
            return False
        self.table.selectRow(position)
        self.table.scrollTo(self.model.index(position, 0))
        return True

    def _selected(self, _new: QItemSelection, _old: QItemSelection) -> None:
        row = self.selected_row()
        self._update_buttons()
        self._show_detail(episode_detail(self.db, row.uuid, self.today) if row else None)

    def _update_buttons(self) -> None:
        row = self.selected_row()
        chosen = row is not None
        for button in (self.edit_button, self.edit_child_button, self.agreement_button):
            button.setEnabled(chosen)
        self.spot_button.setEnabled(row is not None and row.route == CommissioningRoute.SPOT
                                    and spot_approval(self.db, row.uuid) is None)

    def approve_spot(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        try:
            approve_spot_purchase(self.db, row.uuid)
        except UserError as exc:
            QMessageBox.warning(self, self.tr("Placement Desk"), str(exc))
            return
        self._update_buttons()
        self._show_detail(episode_detail(self.db, row.uuid, self.today))

    def _show_detail(self, d: EpisodeDetail | None) -> None:
        if d is None:
            for browser in (self.overview, self.checks, self.history):
                browser.setHtml(html.escape(self.tr("Choose a placement in the list to see "
                                                    "its details.")))
            self.change_history.show_records([])
            return
        self.change_history.show_records([("placement_episode", d.id),
                                          ("child", d.child_id)])
        e = html.escape

        def line(label: str, value: str) -> str:
            return f"<tr><th align='left'>{e(label)}</th><td>{value}</td></tr>"

        tr = self.tr
        if d.distance_miles is None:
            miles = tr("Unknown (a postcode is not in the lookup)")
        else:
            miles = tr("{n} miles").format(n=f"{d.distance_miles:,.1f}") + (
                tr(" (typed by hand)") if d.distance_entered else "")
        local = {True: tr("Within 20 miles"), False: tr("Over 20 miles"),
                 None: ""}[d.within_20]
        area = {True: tr("inside the council's area"),
                False: tr("outside the council's area"),
                None: tr("inside or outside the council's area not known")}[d.in_area]
        child = f"<a href='child:{d.child_id.hex}'>{e(d.child_ref)}</a>"
        if d.child_age is not None:
            child += e(tr(", aged {age}").format(age=d.child_age))
        if d.uasc:
            child += e(tr(" (UASC)"))
        setting = e(d.setting_name or tr("Not in the register")) + (
            e(f" ({d.urn})") if d.urn else "")
        if d.setting_id:
            setting = f"<a href='setting:{d.setting_id.hex}'>{setting}</a>"
        rows = [
            line(tr("Child"), child),
            line(tr("Dates"), e(tr("{start} to {end}").format(
                start=date_short(d.start_date),
                end=date_short(d.end_date) or tr("now (live)")))),
            line(tr("Type"), e(d.type_label)),
            line(tr("Setting"), setting),
            line(tr("Route"), e(d.route.label if d.route else tr("Not recorded"))
                 + (f"<br><i>{e(d.route_reason)}</i>" if d.route_reason else "")
                 + _spot_text(self.db, d.id, d.route)),
            line(tr("Postcodes"), e(tr("home {home}, placement {placement}").format(
                home=d.home_postcode or tr("unknown"),
                placement=d.placement_postcode or tr("unknown")))),
            line(tr("Distance"), e(miles + (f"; {local}" if local else "") + f"; {area}")),
        ]
        if d.needs_level or d.personal_adviser:
            rows.append(line(tr("Care leaver"), e(tr("needs level {level}, adviser {who}").format(
                level=d.needs_level or tr("not assessed"),
                who=d.personal_adviser or tr("none")))))
        rows += [line(code, e(text)) for code, text in d.codes]
        self.overview.setHtml(f"<table cellspacing='4'>{''.join(rows)}</table>")
        if d.issues:
            items = "".join(f"<li><b>{e(i.code)}</b> {e(i.level)} ({e(i.columns)}): "
                            f"{e(i.message)}</li>" for i in d.issues)
            self.checks.setHtml(f"<ul>{items}</ul>")
        else:
            self.checks.setHtml(e(tr("No problems: this episode passes the SSDA903 "
                                     "checks.")))
        others = "".join(f"<li>{e(text)}</li>" for _id, text in d.other_episodes) or \
            f"<li>{e(tr('None'))}</li>"
        deals = "".join(f"<li><a href='agreement:{aid.hex}'>{e(ref)}</a>: {e(status)}</li>"
                        for aid, ref, status in d.agreements) or \
            f"<li>{e(tr('None yet'))}</li>"
        show_all = e(tr("Show all of {child}'s placements in the list").format(
            child=d.child_ref))
        self.history.setHtml(
            f"<p><a href='child:{d.child_id.hex}'>{show_all}</a></p>"
            f"<p><b>{e(tr('Other placements'))}</b></p><ul>{others}</ul>"
            f"<p><b>{e(tr('Individual Placement Agreements'))}</b></p><ul>{deals}</ul>")

    def _link(self, url: QUrl) -> None:
        kind, _sep, value = url.toString().partition(":")
        if kind == "child":
            self.show_child(value)
        elif kind == "setting":
            self.show_setting(value)
        elif kind == "agreement":
            self.open_agreement.emit(uuid.UUID(value))

    # -- actions -----------------------------------------------------------------------------

    def new_child(self) -> Any:
        from .placement_dialogs import ChildDialog

        dialog = ChildDialog(self.db, self.today, None, self)
        if dialog.exec() and dialog.saved_id:
            self.changed.emit()
            self.new_episode(dialog.saved_id)
        return dialog

    def edit_child(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        from .placement_dialogs import ChildDialog

        dialog = ChildDialog(self.db, self.today, uuid.UUID(row.child_id), self)
        if dialog.exec():
            self.reload()
            self.changed.emit()

    def new_episode(self, child_id: uuid.UUID | None = None) -> None:
        from .placement_dialogs import EpisodeDialog

        if child_id is None and (row := self.selected_row()) is not None:
            child_id = uuid.UUID(row.child_id)
        dialog = EpisodeDialog(self.db, None, child_id, self)
        if dialog.exec() and dialog.saved_id:
            self.reload()
            if not self.select_id(dialog.saved_id.hex):
                self.clear_filters()
                self.select_id(dialog.saved_id.hex)
            self.changed.emit()

    def edit_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        from .placement_dialogs import EpisodeDialog

        dialog = EpisodeDialog(self.db, row.uuid, None, self)
        if dialog.exec():
            self.reload()
            self.changed.emit()

    def _new_agreement(self) -> None:
        row = self.selected_row()
        if row is not None:
            self.new_agreement.emit(row.uuid)

    def export_view(self) -> None:
        name = save_file_name(self, self.tr("Export the placements shown"), "placements.xlsx",
                              self.tr("Excel workbook (*.xlsx);;CSV (*.csv)"))
        if name:
            self.export_to(name)

    def export_to(self, path: str) -> None:
        """The placements shown, in the import layout, with the filter named."""
        from ..spreadsheets.exporting import export_shown

        export_shown(self.db, "placements", [r.uuid for r in self.model.visible()],
                     self.bar.describe(), path, self.today)
