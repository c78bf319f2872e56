"""The GUI's composition root: logging, Qt application, database, context, main window.

``run_gui`` is what ``placement-desk`` runs with no subcommand. With
``smoke_test`` it draws the main window offscreen and exits 0 once it has been
painted: installers and CI use that to prove the application starts.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from pathlib import Path
from types import TracebackType

from . import APP_ID, APP_NAME
from .errors import EXIT_BUG, UserError
from .logs import apology, note_user_error, setup_file_logging

log = logging.getLogger(__name__)
SMOKE_TIMEOUT_MS = 20_000


def _install_excepthook(log_file: Path | None) -> None:
    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        from PySide6.QtWidgets import QApplication, QMessageBox

        shown = QApplication.instance() is not None and os.environ.get("QT_QPA_PLATFORM") \
            != "offscreen"
        if isinstance(exc, UserError):  # expected: the user reads it; the log gets a line
            note_user_error(exc)
            if shown:
                QMessageBox.warning(None, APP_NAME, str(exc))
            return
        log.error("Unexpected error:\n%s", "".join(traceback.format_exception(kind, exc, tb)))
        if shown:
            QMessageBox.critical(None, APP_NAME, apology(log_file))

    sys.excepthook = hook


DATABASE_SETTING = "database/url"
"""The user's setting naming the database to open when --db is not given (a file, or a
team server's URL without a password); the environment's PLACEMENT_DESK_DB comes next."""


def make_settings(path: str | None = None):  # type: ignore[no-untyped-def]
    """The user's QSettings (an ini file in tests when ``path`` is given)."""
    from PySide6.QtCore import QSettings

    if path:
        return QSettings(path, QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, APP_ID, APP_ID)


def build_main_window(db, settings, today=None):  # type: ignore[no-untyped-def]
    """Wire the context and the main window for an open database (tests use this too,
    with a fixed ``today``)."""
    from .ui.context import AppContext
    from .ui.hub import Hub
    from .ui.main_window import MainWindow
    from .ui.tasks import TaskRunner

    hub = Hub()
    # Every commit, on whichever thread made it, reaches the pages through the hub.
    stop = db.on_change(hub.tables_written)
    hub.destroyed.connect(lambda *_: stop())
    db.follow_others()  # and on a server, every other officer's commit too
    ctx = AppContext(db=db, settings=settings, hub=hub, tasks=TaskRunner())
    if today is not None:
        ctx.today = lambda: today
    return MainWindow(ctx)


def _qt_application():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QLocale, QSettings
    from PySide6.QtWidgets import QApplication

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName(APP_ID)
    # No application display name: Qt would append it to every window title, and the
    # main window's title already reads "Placement Desk — <file name>".
    app.setOrganizationName(APP_ID)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)  # QSettings() is make_settings()
    app.setStyle("Fusion")
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    return app


def _wait_until_painted(window, timeout_ms: int) -> bool:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QElapsedTimer, QEvent, QObject
    from PySide6.QtWidgets import QApplication

    class PaintWatcher(QObject):
        painted = False

        def eventFilter(self, obj, event) -> bool:  # type: ignore[no-untyped-def]
            if event.type() == QEvent.Type.Paint:
                self.painted = True
            return False

    watcher = PaintWatcher()
    window.installEventFilter(watcher)
    window.show()
    clock = QElapsedTimer()
    clock.start()
    while not watcher.painted and clock.elapsed() < timeout_ms:
        QApplication.processEvents()
        if not watcher.painted:
            window.repaint()
    QApplication.processEvents()
    return watcher.painted


def run_gui(db_target: str | None, smoke_test: bool = False) -> int:
    if smoke_test:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    log_file = setup_file_logging()
    _install_excepthook(log_file)
    app = _qt_application()  # type: ignore[no-untyped-call]
    from .lifecycle import open_database

    if not db_target:  # a team server, as IT sets it in the user's settings
        db_target = str(make_settings().value(DATABASE_SETTING, "") or "") or None
    try:
        db = open_database(db_target)
    except UserError as exc:
        note_user_error(exc, "open the database")
        if smoke_test:
            print(f"placement-desk: {exc}", file=sys.stderr)
        else:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.critical(None, APP_NAME, str(exc))
        return exc.exit_status
    window = None
    try:
        window = build_main_window(db, make_settings())  # type: ignore[no-untyped-call]
        if smoke_test:
            window.persist_state = False
            if not _wait_until_painted(window, SMOKE_TIMEOUT_MS):
                print("placement-desk: the main window was not drawn within "
                      f"{SMOKE_TIMEOUT_MS // 1000} s.", file=sys.stderr)
                return 1
            window.close()
            return 0
        window.show()
        return int(app.exec())
    except UserError as exc:
        note_user_error(exc)
        print(f"placement-desk: {exc}", file=sys.stderr)
        return exc.exit_status
    except Exception:
        log.exception("The application stopped unexpectedly")
        print(f"placement-desk: {apology(log_file)}", file=sys.stderr)
        return EXIT_BUG
    finally:
        if window is not None:
            window.ctx.tasks.wait()  # background reads finish before the database closes
        db.close()
