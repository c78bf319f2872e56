"""Every page and every dialog, on a demo database, can be used by keyboard and screen reader.

For each page (every tab opened and the first row of every list chosen, so that detail
panels fill) and each dialog class of ``placement_desk.ui`` (built on the demo data), the
walk fails on:

- a control that takes focus by Tab with no accessible name (a screen reader would say
  only "button" or "edit"): a button's text, a label's buddy or ``setAccessibleName``
  name it; a combo box is not named by the choice it shows;
- a label in a form with no buddy, or with one but no mnemonic (Alt+letter);
- a table or list that Tab cannot leave;
- a dialog with no default button (Enter) or that Escape does not close.

A dialog class added later must be built here (``FACTORIES``): the test says which is
missing, so a new dialog is checked before it is merged.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QTabBar,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import select

import placement_desk.ui as ui_package
from placement_desk.app import build_main_window
from placement_desk.lifecycle import Database
from placement_desk.models import (
    Agreement,
    Child,
    Contract,
    ContractReview,
    PlacementEpisode,
    Provider,
    QaVisit,
    Setting,
)
from placement_desk.models.enums import QaVisitStatus
from placement_desk.services.demo.generator import generate_demo
from placement_desk.ui.main_window import MainWindow
from placement_desk.ui.pages import load_pages

TODAY = dt.date(2026, 3, 16)
ABSTRACT = {"DiscardGuard", "CheckedDialog", "FormDialog", "ImportTaskDialog"}
"""Bases that are never shown themselves."""


@pytest.fixture(autouse=True)
def _demo(db: Database) -> None:
    generate_demo(db.engine, size="small", seed=7, as_of=TODAY)


@pytest.fixture
def window(qtbot: QtBot, db: Database, tmp_path: Path) -> Iterator[MainWindow]:
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    win: MainWindow = build_main_window(db, settings, today=TODAY)
    win.persist_state = False
    qtbot.addWidget(win)
    win.resize(1366, 740)
    win.show()
    qtbot.waitExposed(win)
    yield win
    assert win.ctx.tasks.wait(10000)


# --- What counts as a problem ------------------------------------------------------------

def _inside_a_composite(widget: QWidget) -> bool:
    """Parts of a control that the control itself names: a combo box's list and edit, a
    spin box's edit, a tab bar's scroll arrows."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QComboBox | QAbstractSpinBox | QTabBar):
            return True
        parent = parent.parentWidget()
    return False


def accessible_name(widget: QWidget) -> str:
    if widget.accessibleName().strip():
        return widget.accessibleName().strip()
    face = QAccessible.queryAccessibleInterface(widget)
    name = (face.text(QAccessible.Text.Name) if face is not None else "") or ""
    if isinstance(widget, QComboBox) and name == widget.currentText():
        return ""  # the choice shown is its value, not its name
    return name.strip()


def where(widget: QWidget) -> str:
    """The widget and its ancestors' classes and names, to find it in the code."""
    parts = []
    node: QWidget | None = widget
    while node is not None and len(parts) < 6:
        label = type(node).__name__
        if node.objectName():
            label += f"#{node.objectName()}"
        if node.accessibleName():
            label += f"[{node.accessibleName()}]"
        parts.append(label)
        node = node.parentWidget()
    tip = widget.toolTip()
    text = widget.text() if isinstance(widget, QAbstractButton) else ""
    return " < ".join(parts) + (f" text={text!r}" if text else "") + \
        (f" tooltip={tip[:60]!r}" if tip else "")


def problems(root: QWidget) -> list[str]:
    found = []
    for widget in [root, *root.findChildren(QWidget)]:
        if isinstance(widget, QTabBar):
            for i in range(widget.count()):
                if not widget.tabText(i).strip() and not widget.tabToolTip(i):
                    found.append(f"a tab with no name: {where(widget)}")
            continue
        if _inside_a_composite(widget) or (widget.isWindow() and widget is not root) \
                or widget.focusProxy() is not None:
            continue  # parts named by their control, other windows, focus handed on
        takes_tab = bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
        if takes_tab and not accessible_name(widget):
            found.append(f"no accessible name: {where(widget)}")
        if isinstance(widget, QAbstractItemView) and widget.tabKeyNavigation() and \
                widget.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers:
            found.append(f"Tab does not leave this view: {where(widget)}")
    for form in root.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            label = item.widget() if item is not None else None
            field_item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            field = field_item.widget() if field_item is not None else None
            if not isinstance(label, QLabel) or field is None or not label.text().strip() \
                    or isinstance(field, QLabel):
                continue  # a value shown beside its label, not a field
            takes_focus = field.focusPolicy() != Qt.FocusPolicy.NoFocus or any(
                w.focusPolicy() & Qt.FocusPolicy.TabFocus for w in field.findChildren(QWidget))
            if not takes_focus:
                continue  # a value shown, not a field
            if label.buddy() is None:
                found.append(f"label {label.text()!r} has no buddy: {where(field)}")
            elif "&" not in label.text().replace("&&", ""):
                found.append(f"label {label.text()!r} has no mnemonic (Alt+letter)")
    return found


# --- Pages ----------------------------------------------------------------------------------

PAGES = [spec.key for spec in load_pages()]


def _settle(qtbot: QtBot, win: MainWindow) -> None:
    qtbot.wait(50)
    assert win.ctx.tasks.wait(10000)
    QApplication.processEvents()


def _open_everything(qtbot: QtBot, win: MainWindow, page: QWidget) -> None:
    """Every tab shown once (tabs built when first shown) and the first row of every list
    chosen (detail panels fill)."""
    for _round in range(2):  # a chosen row may add tabs and lists
        for tabs in page.findChildren(QTabWidget):
            for i in range(tabs.count()):
                tabs.setCurrentIndex(i)
                _settle(qtbot, win)
        for view in page.findChildren(QAbstractItemView):
            model = view.model()
            if model is not None and model.rowCount() and not _inside_a_composite(view) \
                    and view.selectionModel() is not None and \
                    not view.selectionModel().hasSelection():
                view.setCurrentIndex(model.index(0, 0))
                _settle(qtbot, win)
        for tabs in page.findChildren(QTabWidget):
            tabs.setCurrentIndex(0)


@pytest.mark.parametrize("key", PAGES)
def test_every_control_on_the_page_is_named_and_reachable(
        qtbot: QtBot, window: MainWindow, key: str) -> None:
    window.show_page(key)
    page = window.pages[key]
    _settle(qtbot, window)
    _open_everything(qtbot, window, page)
    found = problems(page)
    assert not found, "\n".join(found)


def test_the_window_shell_is_named(window: MainWindow) -> None:
    shell = [w for w in [window.nav, *window.statusBar().findChildren(QWidget)]]
    assert all(not p for w in shell for p in problems(w)), [problems(w) for w in shell]
    assert all(m.title().count("&") == 1 for m in (a.menu() for a in
                                                   window.menuBar().actions()) if m), \
        "every menu has its Alt+letter"


# --- Dialogs --------------------------------------------------------------------------------

@dataclass
class Built:
    """What a factory gets: the demo database, the day, the window as parent."""

    db: Database
    today: dt.date
    window: MainWindow

    def first(self, query: object) -> uuid.UUID:
        with self.db.read() as session:
            found = session.scalars(query).first()  # type: ignore[call-overload]
        assert found is not None, f"the demo has no row for {query}"
        return found  # type: ignore[no-any-return]


def _contract(b: Built) -> uuid.UUID:
    return b.first(select(Contract.id).order_by(Contract.reference))


def _detail(b: Built):  # type: ignore[no-untyped-def]
    from placement_desk.services.contracts.contract_views import contract_detail

    with b.db.read() as session:
        ids = list(session.scalars(select(Contract.id).order_by(Contract.reference)))
    for contract_id in ids:  # one with lots, members and extension options if there is one
        detail = contract_detail(b.db, contract_id, b.today)
        if detail.lots and detail.members and detail.extensions:
            return detail
    return contract_detail(b.db, ids[0], b.today)


def _visit(b: Built, status: QaVisitStatus) -> uuid.UUID:
    return b.first(select(QaVisit.id).where(QaVisit.status == status).order_by(QaVisit.id))


def _import_task(*_args: object, **_kwargs: object) -> None:
    raise AssertionError("an accessibility walk starts no import")


def _factories() -> dict[str, Callable[[Built], QDialog]]:
    from placement_desk.errors import ConcurrentEdit
    from placement_desk.services.contracts.tiers import list_tiers
    from placement_desk.services.kpis.unregistered import UnregisteredRow
    from placement_desk.services.qa.actions import list_actions
    from placement_desk.services.qa.templates import ensure_default_templates, list_templates
    from placement_desk.ui import about, settings_dialog, welcome
    from placement_desk.ui import help as help_window
    from placement_desk.ui.agreements import agreement_dialog, step_dialogs, uplift_dialog
    from placement_desk.ui.common import conflict_dialog, history_panel
    from placement_desk.ui.contracts import contract_dialogs, review_dialog, tiers_view
    from placement_desk.ui.dashboard import tables as dashboard_tables
    from placement_desk.ui.placements import placement_dialogs, ssda903_import_dialog
    from placement_desk.ui.providers import ofsted_import_dialog, setting_dialog
    from placement_desk.ui.qa import action_dialogs, plan_visit_dialog, template_dialog
    from placement_desk.ui.qa import visit_dialog as qa_visit
    from placement_desk.ui.reports import batch_dialog
    from placement_desk.ui.spreadsheets import exporting as sheet_export
    from placement_desk.ui.spreadsheets import import_wizard
    from placement_desk.ui.tasks import ProgressDialog
    from placement_desk.ui.users import dialogs as user_dialogs
    from placement_desk.ui.users import server_sign_in, users_dialog

    def templates(b: Built) -> list[object]:
        ensure_default_templates(b.db)
        return list(list_templates(b.db))

    def visit_record(b: Built):  # type: ignore[no-untyped-def]
        from placement_desk.services.qa.visits import load_visit

        return load_visit(b.db, _visit(b, QaVisitStatus.COMPLETED))

    def progress(b: Built) -> QDialog:
        task = b.window.ctx.tasks.start("Checking", lambda state: None)
        return ProgressDialog(task, b.window)

    cd = contract_dialogs
    return {
        "about.AboutDialog": lambda b: about.AboutDialog(b.db, b.window),
        "about.ShortcutsDialog": lambda b: about.ShortcutsDialog(b.window.specs, b.window),
        "settings_dialog.SettingsDialog":
            lambda b: settings_dialog.SettingsDialog(b.db, b.today, b.window),
        "agreements.step_dialogs.StepDialog":
            lambda b: step_dialogs.StepDialog("Approve", True, "Asha Patel", b.window,
                                              today=b.today, needs_role=True),
        "agreements.step_dialogs.VariationDialog":
            lambda b: step_dialogs.VariationDialog(b.window, today=b.today),
        "agreements.agreement_dialog.AgreementDialog":
            lambda b: agreement_dialog.AgreementDialog(
                b.db, "test.user", b.today,
                agreement_id=b.first(select(Agreement.id).order_by(Agreement.reference)),
                parent=b.window),
        "agreements.uplift_dialog.UpliftDialog":
            lambda b: uplift_dialog.UpliftDialog(
                b.db, [b.first(select(Agreement.id).order_by(Agreement.reference))],
                "test.user", b.today, parent=b.window),
        "contracts.contract_dialogs.ContractDialog":
            lambda b: cd.ContractDialog(b.db, _contract(b), b.window),
        "contracts.contract_dialogs.EndContractDialog":
            lambda b: cd.EndContractDialog(b.db, _contract(b), "BLK-001", b.today, b.window),
        "contracts.contract_dialogs.RateDialog":
            lambda b: cd.RateDialog(b.db, _contract(b), _detail(b).lots, b.today, b.window),
        "contracts.contract_dialogs.UpliftDialog":
            lambda b: cd.UpliftDialog(b.db, _contract(b), 250, b.today, b.window),
        "contracts.contract_dialogs.ExtensionDialog":
            lambda b: cd.ExtensionDialog(b.db, _contract(b), b.window),
        "contracts.contract_dialogs.DecisionDialog":
            lambda b: cd.DecisionDialog(b.db, _detail(b).extensions, b.today, b.window),
        "contracts.contract_dialogs.LotDialog":
            lambda b: cd.LotDialog(b.db, _contract(b), b.window),
        "contracts.contract_dialogs.ProviderLotDialog":
            lambda b: (lambda d: cd.ProviderLotDialog(
                b.db, d.row.id, d.members[0].provider_id, d.members[0].name, d.lots,
                d.members[0].lot_id, b.window))(_detail(b)),
        "contracts.contract_dialogs.DocumentDialog":
            lambda b: cd.DocumentDialog(b.db, _contract(b), b.today, b.window),
        "contracts.review_dialog.AddendumDialog":
            lambda b: review_dialog.AddendumDialog(
                b.db, b.first(select(ContractReview.id).order_by(ContractReview.id)),
                b.today, b.window),
        "contracts.review_dialog.ReviewDialog":
            lambda b: review_dialog.ReviewDialog(
                b.db, b.first(select(ContractReview.id).order_by(ContractReview.id)),
                b.today, b.window),
        "contracts.tiers_view.TierDialog":
            lambda b: tiers_view.TierDialog(b.db, list_tiers(b.db, b.today)[0], b.today,
                                            b.window),
        "placements.placement_dialogs.ChildDialog":
            lambda b: placement_dialogs.ChildDialog(
                b.db, b.today, b.first(select(Child.id).order_by(Child.case_ref)), b.window),
        "placements.placement_dialogs.EpisodeDialog":
            lambda b: placement_dialogs.EpisodeDialog(
                b.db, b.first(select(PlacementEpisode.id).order_by(PlacementEpisode.id)),
                parent=b.window),
        "placements.ssda903_import_dialog.Ssda903ImportDialog":
            lambda b: ssda903_import_dialog.Ssda903ImportDialog(b.db, _import_task, b.window),
        "dashboard.tables.NoteDialog":
            lambda b: dashboard_tables.NoteDialog(
                b.db, UnregisteredRow(
                    b.first(select(PlacementEpisode.id).order_by(PlacementEpisode.id)).hex,
                    "C-0001", 15, "K2", "Oak House", "SC000001", b.today, 30,
                    "the setting is not registered", None, None), b.window),
        "common.history_panel.HistoryDialog":
            lambda b: history_panel.HistoryDialog(
                b.db, "setting", [("setting", b.first(select(Setting.id).order_by(Setting.id)))],
                b.window),
        "users.dialogs.SignInDialog": lambda b: user_dialogs.SignInDialog(b.db, b.window),
        "users.dialogs.FirstAdministratorDialog":
            lambda b: user_dialogs.FirstAdministratorDialog(b.db, b.window),
        "users.dialogs.AccountDialog": lambda b: user_dialogs.AccountDialog(b.db, b.window),
        "users.dialogs.PasswordDialog":
            lambda b: user_dialogs.PasswordDialog(b.db, uuid.uuid4(), "Sam Jones", b.window),
        "users.users_dialog.UsersDialog": lambda b: users_dialog.UsersDialog(b.db, b.window),
        "reports.batch_dialog.BatchPacksDialog":
            lambda b: batch_dialog.BatchPacksDialog(b.db, _import_task, b.today, b.window),
        "providers.ofsted_import_dialog.OfstedImportDialog":
            lambda b: ofsted_import_dialog.OfstedImportDialog(b.db, _import_task, b.window),
        "providers.setting_dialog.SettingDialog":
            lambda b: setting_dialog.SettingDialog(
                b.db, b.first(select(Setting.id).order_by(Setting.name)), b.window),
        "qa.action_dialogs.ChangeStatusDialog":
            lambda b: action_dialogs.ChangeStatusDialog(
                b.db, list_actions(b.db, None, b.today)[:2], "test.user", b.today, b.window),
        "qa.action_dialogs.VisitSummaryDialog":
            lambda b: action_dialogs.VisitSummaryDialog(visit_record(b), b.window, b.db,
                                                        b.today),
        "qa.plan_visit_dialog.AssignOfficerDialog":
            lambda b: plan_visit_dialog.AssignOfficerDialog(
                b.db, [b.first(select(Setting.id).order_by(Setting.name))], ["Alder House"],
                parent=b.window),
        "qa.plan_visit_dialog.PlanVisitDialog":
            lambda b: plan_visit_dialog.PlanVisitDialog(
                b.db, b.first(select(Setting.id).order_by(Setting.name)), "Alder House",
                b.today, parent=b.window),
        "qa.template_dialog.TemplateDialog":
            lambda b: template_dialog.TemplateDialog(b.db, templates(b)[0],  # type: ignore[arg-type]
                                                     parent=b.window),
        "qa.visit_dialog.VisitDialog":
            lambda b: qa_visit.VisitDialog(b.db, _visit(b, QaVisitStatus.COMPLETED), b.today,
                                           b.window),
        "common.conflict_dialog.ConflictDialog":
            lambda b: conflict_dialog.ConflictDialog(ConcurrentEdit(
                "Asha Patel saved this agreement at 10:42, after you opened it.",
                entity="agreement", changed_by="asha.patel",
                changed_at=dt.datetime(2026, 3, 31, 10, 42),
                theirs={"weekly_fee_pence": 120000, "notes": "Theirs"},
                mine={"weekly_fee_pence": 125000, "notes": "Mine"}, current_version=3),
                b.window),
        "spreadsheets.exporting.ExportDialog":
            lambda b: sheet_export.ExportDialog(b.window.ctx, b.window, kind="placements"),
        "spreadsheets.import_wizard.ImportWizard":
            lambda b: import_wizard.ImportWizard(b.window.ctx, b.window, kind="providers"),
        "tasks.ProgressDialog": progress,
        "users.server_sign_in.ServerSignInDialog":
            lambda b: server_sign_in.ServerSignInDialog(
                "postgresql+psycopg://asha.patel@db.council.local/placements",
                "The database placements on db.council.local did not accept your name and "
                "password.", lambda url: None, b.window),
        "help.HelpWindow": lambda b: help_window.HelpWindow(b.window),
        "welcome.WelcomeDialog":
            lambda b: welcome.WelcomeDialog(b.db, b.today, b.window.ctx.tasks, b.window),
    }


def _dialog_classes() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(ui_package.__path__, "placement_desk.ui."):
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if inspect.isclass(obj) and issubclass(obj, QDialog) and \
                    obj.__module__ == module.__name__ and name not in ABSTRACT:
                names.append(f"{module.__name__.removeprefix('placement_desk.ui.')}.{name}")
    return sorted(set(names))


DIALOGS = _dialog_classes()


def test_every_dialog_class_can_be_built_here() -> None:
    missing = sorted(set(DIALOGS) - set(_factories()))
    assert missing == [], "add these dialogs to FACTORIES in this test so they are checked"


def _buttons_close(qtbot: QtBot, dialog: QDialog) -> None:
    defaults = [b for b in dialog.findChildren(QPushButton) if b.isDefault()]
    boxes = [box for box in dialog.findChildren(QDialogButtonBox) if box.buttons()]
    accepting = [b for box in boxes for b in box.buttons() if box.buttonRole(b) in (
        QDialogButtonBox.ButtonRole.AcceptRole, QDialogButtonBox.ButtonRole.YesRole,
        QDialogButtonBox.ButtonRole.ApplyRole)]
    closing = [b for box in boxes for b in box.buttons()
               if box.buttonRole(b) == QDialogButtonBox.ButtonRole.RejectRole]
    assert defaults or accepting or closing, "the dialog has a button for Enter"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible(), "Escape closes an untouched dialog"


@pytest.mark.parametrize("name", DIALOGS)
def test_every_control_in_the_dialog_is_named_and_it_closes_by_keyboard(
        qtbot: QtBot, window: MainWindow, db: Database, name: str) -> None:
    factory = _factories().get(name)
    if factory is None:
        pytest.fail(f"{name} is not built by this test: add it to FACTORIES")
    dialog = factory(Built(db, TODAY, window))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    _settle(qtbot, window)
    for tabs in dialog.findChildren(QTabWidget):
        for i in range(tabs.count()):
            tabs.setCurrentIndex(i)
        tabs.setCurrentIndex(0)
    found = problems(dialog)
    assert not found, "\n".join(found)
    _buttons_close(qtbot, dialog)


@pytest.mark.qt_log_ignore("This plugin does not support")  # the offscreen popup
def test_the_app_is_en_gb_and_calendars_start_the_week_on_monday(qtbot: QtBot) -> None:
    from PySide6.QtCore import QLocale

    from placement_desk.app import _qt_application
    from placement_desk.ui.common.fields import DateField

    app = QApplication.instance()
    assert app is not None
    before = (app.applicationName(), app.organizationName(), QLocale())
    _qt_application()  # type: ignore[no-untyped-call]
    try:
        assert QLocale().name() == "en_GB"
        assert QLocale().firstDayOfWeek() == Qt.DayOfWeek.Monday
        assert QLocale().toString(dt.date(2026, 3, 7), QLocale.FormatType.ShortFormat) \
            == "07/03/2026"
        field = DateField()
        qtbot.addWidget(field)
        field.show()
        field.open_calendar()
        assert field.calendar is not None
        assert field.calendar.firstDayOfWeek() == Qt.DayOfWeek.Monday
        assert field.calendar.locale().name() == "en_GB"
        field._menu.close()  # type: ignore[union-attr]
    finally:
        app.setApplicationName(before[0])
        app.setOrganizationName(before[1])
        QLocale.setDefault(before[2])


_ = Provider  # the demo's providers are reached through their settings
