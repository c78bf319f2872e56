"""Accounts in the window: signing in, the idle lock keeping open work, File › Users for
administrators only, buttons a role cannot use, a record's history, restoring a backup."""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QVBoxLayout
from pytestqt.qtbot import QtBot

from placement_desk.app import build_main_window
from placement_desk.lifecycle import Database
from placement_desk.models import AuditEvent, Provider, Setting
from placement_desk.models.enums import AuditAction, SettingType, UserRole
from placement_desk.services.common.backups import back_up
from placement_desk.services.users.accounts import (
    add_account,
    create_first_administrator,
    sign_in,
)
from placement_desk.ui.common.history_panel import HistoryPanel
from placement_desk.ui.main_window import MainWindow
from placement_desk.ui.users.dialogs import SignInDialog
from placement_desk.ui.users.idle_lock import Cover, IdleLock
from placement_desk.ui.users.users_dialog import UsersDialog

PASSWORD = "correct horse battery"
SHOTS = os.environ.get("PLACEMENT_DESK_SHOTS")


def _shot(widget: object, name: str) -> None:
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / name))  # type: ignore[attr-defined]


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)


def _window(qtbot: QtBot, db: Database, settings: QSettings) -> MainWindow:
    win: MainWindow = build_main_window(db, settings)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    return win


def _accounts(db: Database) -> None:
    create_first_administrator(db, "alex.admin", "Alex Admin", PASSWORD)
    add_account(db, "morgan", "Morgan Manager", UserRole.MANAGER, PASSWORD)
    add_account(db, "val", "Val Viewer", UserRole.VIEWER, PASSWORD)


def test_the_sign_in_dialog_says_when_the_password_is_wrong(qtbot: QtBot, db: Database) -> None:
    _accounts(db)
    db.act_as("nobody", None)
    dialog = SignInDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username, "morgan")
    qtbot.keyClicks(dialog.password, "wrong password")
    dialog.ok_button.click()
    assert "wrong" in dialog.error.text()
    assert dialog.password.text() == "" and dialog.isVisible()
    _shot(dialog, "sign-in.png")
    qtbot.keyClicks(dialog.password, PASSWORD)
    dialog.ok_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert (db.user, db.role) == ("morgan", "manager")


def test_the_idle_lock_covers_the_window_and_keeps_open_work(
        qtbot: QtBot, db: Database, settings: QSettings) -> None:
    _accounts(db)
    sign_in(db, "morgan", PASSWORD)
    win = _window(qtbot, db, settings)
    qtbot.waitUntil(lambda: win.idle_lock is not None, timeout=5000)
    lock: IdleLock = win.idle_lock
    assert lock.minutes == 15  # the shared setting's default
    # A form left open with unsaved text, not modal.
    form = QDialog(win)
    qtbot.addWidget(form)
    typed = QLineEdit()
    QVBoxLayout(form).addWidget(typed)
    form.show()
    qtbot.keyClicks(typed, "notes not yet saved")
    lock.lock()
    assert lock.locked
    covers = set(win.findChildren(Cover)) | set(form.findChildren(Cover))
    assert len(covers) == 2 and all(c.isVisible() for c in covers)
    asking = lock.asking_cover()
    assert asking is not None and asking.parentWidget() is win
    _shot(win, "idle-lock.png")
    # Shortcuts do nothing while locked (Ctrl+7 would open the Data page).
    before = win.current_key()
    qtbot.keyClick(win.windowHandle(), Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    assert win.current_key() == before
    assert asking.password is not None
    qtbot.keyClicks(asking.password, "wrong password")
    qtbot.keyClick(asking.password, Qt.Key.Key_Return)
    assert lock.locked and asking.error is not None and "wrong" in asking.error.text()
    qtbot.keyClicks(asking.password, PASSWORD)
    qtbot.keyClick(asking.password, Qt.Key.Key_Return)
    assert not lock.locked
    assert form.isVisible() and typed.text() == "notes not yet saved"
    QApplication.processEvents()
    assert not any(c.isVisible() for c in win.findChildren(Cover))


def test_the_lock_time_comes_from_the_shared_setting(
        qtbot: QtBot, db: Database, settings: QSettings) -> None:
    from placement_desk.services.common.settings_store import IDLE_LOCK_MINUTES, set_setting

    _accounts(db)
    with db.write() as s:
        set_setting(s, IDLE_LOCK_MINUTES, 5)
    sign_in(db, "alex.admin", PASSWORD)
    win = _window(qtbot, db, settings)
    qtbot.waitUntil(lambda: win.idle_lock is not None, timeout=5000)
    assert win.idle_lock.minutes == 5
    assert win.idle_lock.timer.isActive() and win.idle_lock.timer.interval() == 5 * 60_000


def test_users_is_for_administrators_and_says_why_to_others(
        qtbot: QtBot, db: Database, settings: QSettings) -> None:
    _accounts(db)
    sign_in(db, "morgan", PASSWORD)
    win = _window(qtbot, db, settings)
    assert not win.users_action.isEnabled()
    assert "manager may not manage user accounts" in win.users_action.toolTip()
    assert win.settings_action.isEnabled()  # a manager may change settings
    assert "Signed in as morgan (Commissioning manager)" in win.user_label.text()
    win.close()
    sign_in(db, "val", PASSWORD)
    viewer = _window(qtbot, db, settings)
    assert not viewer.settings_action.isEnabled()
    viewer.show_page("placements")
    page = viewer.pages["placements"]
    assert not page.import_button.isEnabled()  # type: ignore[attr-defined]
    assert "viewer may not import files" in page.import_button.toolTip()  # type: ignore[attr-defined]
    episodes = page.episodes  # type: ignore[attr-defined]
    assert not episodes.new_button.isEnabled()
    episodes.new_button.setEnabled(True)  # a page's own logic cannot switch it back on
    assert not episodes.new_button.isEnabled()


def test_an_administrator_adds_and_switches_off_accounts(
        qtbot: QtBot, db: Database, qtmodeltester: object) -> None:
    _accounts(db)
    dialog = UsersDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtmodeltester.check(dialog.model)  # type: ignore[attr-defined]
    names = [a.username for a in dialog.model.rows]
    assert set(names) == {"alex.admin", "morgan", "val"}
    _shot(dialog, "users.png")
    row = names.index("val")
    dialog.table.selectRow(row)
    dialog.role.setCurrentIndex(dialog.role.findData(UserRole.QA_OFFICER.value))
    dialog.role_button.click()
    assert next(a for a in dialog.model.rows if a.username == "val").role == UserRole.QA_OFFICER
    dialog.table.selectRow([a.username for a in dialog.model.rows].index("alex.admin"))
    dialog.role.setCurrentIndex(dialog.role.findData(UserRole.VIEWER.value))
    dialog.role_button.click()
    assert "last administrator" in dialog.error.text()


def test_a_settings_history_shows_field_labels_and_exports(
        qtbot: QtBot, db: Database, tmp_path: Path, qtmodeltester: object,
        monkeypatch: pytest.MonkeyPatch) -> None:
    with db.write() as s:
        provider = Provider(name="Acorn Care")
        s.add(provider)
        s.flush()
        setting = Setting(provider_id=provider.id, name="Acorn House",
                          setting_type=SettingType.CHILDRENS_HOME, urn="SC123456")
        s.add(setting)
    with db.write() as s:
        stored = s.get(Setting, setting.id)
        assert stored is not None
        stored.name = "Acorn House East"
        stored.setting_type = SettingType.SUPPORTED_ACCOMMODATION
    panel = HistoryPanel(db, "setting")
    qtbot.addWidget(panel)
    panel.resize(900, 300)
    panel.show_records([("setting", setting.id)])
    qtmodeltester.check(panel.model)  # type: ignore[attr-defined]
    newest = panel.model.rows[0]
    assert newest.action == AuditAction.UPDATE
    assert "Name: Acorn House → Acorn House East" in newest.summary
    assert "Setting type: Children's home → " in newest.summary  # the label, not the value
    assert "setting_type" not in newest.summary
    _shot(panel, "history.png")
    out = tmp_path / "history.xlsx"
    import placement_desk.ui.common.history_panel as module

    monkeypatch.setattr(module, "save_file_name", lambda *_a, **_k: str(out))
    panel.export()
    sheet = openpyxl.load_workbook(out).active
    assert [c.value for c in sheet[1]] == ["When (UTC)", "Who", "What", "Field", "Before",
                                           "After"]
    with db.read() as s:
        logged = s.scalars(sa.select(AuditEvent).where(
            AuditEvent.action == AuditAction.EXPORT)).one()
        assert logged.entity_id == setting.id and logged.after is not None
        assert logged.after["what"] == "history of a setting"


@pytest.mark.sqlite_only(reason="restoring a backup replaces a database file")
def test_the_data_page_restores_a_backup_and_carries_on(
        qtbot: QtBot, db: Database, settings: QSettings) -> None:
    with db.write() as s:
        s.add(Provider(name="Acorn Care"))
    made = back_up(db)
    with db.write() as s:
        s.add(Provider(name="Beacon Homes"))
    win = _window(qtbot, db, settings)
    win.show_page("data")
    page = win.pages["data"]
    page.restore(made)  # type: ignore[attr-defined]
    assert "Restored" in page.result.text()  # type: ignore[attr-defined]
    with db.read() as s:
        assert set(s.scalars(sa.select(Provider.name))) == {"Acorn Care"}
    with db.write() as s:  # and the window carries on writing to the restored file
        s.add(Provider(name="Compass Care"))
    win.ctx.tasks.wait(5000)


def test_users_on_a_database_without_accounts_creates_the_administrator_first(
        qtbot: QtBot, db: Database, settings: QSettings) -> None:
    from placement_desk.ui.users.dialogs import FirstAdministratorDialog
    from tests.ui.modal import when_modal

    win = _window(qtbot, db, settings)
    assert "No accounts: acting as test.user" in win.user_label.text()
    assert win.users_action.isEnabled() and not win.lock_action.isEnabled()

    def create(dialog: QDialog) -> None:
        assert isinstance(dialog, FirstAdministratorDialog)
        _shot(dialog, "first-administrator.png")
        qtbot.keyClicks(dialog.username, "alex.admin")
        qtbot.keyClicks(dialog.display_name, "Alex Admin")
        qtbot.keyClicks(dialog.password, "short")
        qtbot.keyClicks(dialog.again, "short")
        dialog.save()
        assert dialog.isVisible() and "at least 10" in dialog.errors["password"].text()
        dialog.password.setText(PASSWORD)
        dialog.again.setText(PASSWORD)
        dialog.save()
        when_modal(UsersDialog, lambda users: users.reject())

    when_modal(FirstAdministratorDialog, create)
    win.users_action.trigger()
    assert (db.user, db.role) == ("alex.admin", "admin")
    assert "Signed in as alex.admin (Administrator)" in win.user_label.text()
    assert win.lock_action.isEnabled()


def test_a_damaged_database_at_start_up_is_offered_its_newest_good_backup(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QMessageBox

    from placement_desk.app import offer_newest_backup
    from placement_desk.errors import DatabaseDamagedError
    from placement_desk.lifecycle import open_database

    path = tmp_path / "pd.db"
    db = open_database(path)
    with db.write() as s:
        s.add(Provider(name="Acorn Care"))
    back_up(db)
    db.close()
    size = path.stat().st_size
    with open(path, "r+b") as fh:  # every page after the first overwritten
        fh.seek(4096)
        fh.write(b"\xa5" * (size - 4096))
    with pytest.raises(DatabaseDamagedError) as damaged:
        open_database(path)
    asked: list[str] = []

    def answer(_parent: object, _title: str, text: str, *_a: object) -> object:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    assert offer_newest_backup(str(path), damaged.value)
    assert "Restore the newest good backup" in asked[0]
    again = open_database(path)
    try:
        with again.read() as s:
            assert set(s.scalars(sa.select(Provider.name))) == {"Acorn Care"}
    finally:
        again.close()
    kept = [p.name for p in (tmp_path / "backups").iterdir()]
    assert any("replaced" in name or "before-restore" in name for name in kept)
