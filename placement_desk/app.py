"""The GUI's composition root: logging, Qt application, database, context, main window.

``run_gui`` is what ``placement-desk`` runs with no subcommand. With
``smoke_test`` it opens (and upgrades) the database, draws the main window offscreen,
writes a one-page PDF in a ``placement-desk-smoke-test`` folder in the temporary
folder, prints what it did and exits 0: installers and CI use that to prove that an
installed copy starts and prints. ``--smoke-test=window`` stops once the window is
drawn (the start-up benchmarks time that).
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from pathlib import Path
from types import TracebackType

from . import APP_ID, APP_NAME
from .errors import EXIT_BUG, DatabaseDamagedError, ServerSignInRefused, UserError
from .logs import apology, log_file, note_user_error, setup_file_logging

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
    from .ui.common.icons import app_icon

    app.setWindowIcon(app_icon())
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    return app


def _wait_until_painted(window, timeout_ms: int, *,  # type: ignore[no-untyped-def]
                        settle: bool = True) -> bool:
    """Show the window and wait for its first paint; ``settle`` then runs what waited
    for it (the Dashboard's figures), which ``--smoke-test=window`` leaves out: it times
    the start to a drawn window, as the start-up benchmark's floor does."""
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
    if settle:
        QApplication.processEvents()
    return watcher.painted


def sign_in_at_start(db) -> bool:  # type: ignore[no-untyped-def]
    """Once the database has accounts, ask who is using it; False if they cancel."""
    from .services.users.roles import accounts_enabled

    if db.role is not None:
        return True  # a team server signed them in: their login and its group role
    with db.read() as session:
        if not accounts_enabled(session):
            return True  # single-user mode: acting as the computer's account
    from .ui.users.dialogs import SignInDialog

    return bool(SignInDialog(db).exec())


def offer_newest_backup(db_target: str | None, exc: UserError) -> bool:
    """Start-up found the database damaged: offer the newest good backup. True once it is
    restored (a copy of the damaged file is kept beside the backups)."""
    from PySide6.QtWidgets import QMessageBox

    from .lifecycle import resolve_target
    from .services.common.backups import newest_good_backup, restore_file

    url = resolve_target(db_target)
    path = Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None
    backup = newest_good_backup(path) if path is not None else None
    if path is None or backup is None:
        return False
    answer = QMessageBox.question(
        None, APP_NAME,
        f"{exc}\n\nRestore the newest good backup, {backup.name}, now? The damaged file is "
        "kept in the backups folder.")
    if answer != QMessageBox.StandardButton.Yes:
        return False
    restore_file(path, backup)
    return True


def _smoke_pdf(db) -> int:  # type: ignore[no-untyped-def]
    """The smoke test's last step: a PDF in the temporary folder; 0 when it is sound."""
    import tempfile

    from .reports.smoke_test import write_smoke_pdf

    folder = Path(tempfile.gettempdir()) / "placement-desk-smoke-test"
    folder.mkdir(exist_ok=True)
    path = write_smoke_pdf(folder, db.revision)
    with path.open("rb") as pdf:
        if pdf.read(5) != b"%PDF-":
            print(f"placement-desk: {path} is not a PDF.", file=sys.stderr)
            return 1
    print(f"Smoke test passed: database {db.display_name} at schema revision "
          f"{db.revision}; window drawn; PDF written to {path} "
          f"({path.stat().st_size:,} bytes).")
    return 0


DEMO_SIZE = "council"


def _build_demo(path: Path) -> bool:
    """Make the demo database at ``path`` in the background with a progress window; True
    once it is there (False: cancelled or failed, nothing left)."""
    import datetime as dt

    from PySide6.QtWidgets import QMessageBox

    from .lifecycle import open_or_build
    from .services.demo.generator import generate_demo
    from .ui.tasks import ProgressDialog, TaskRunner

    def build(state):  # type: ignore[no-untyped-def]
        with open_or_build(path, doing="make the demo database") as db:
            generate_demo(db.engine, size=DEMO_SIZE, as_of=dt.date.today(), state=state)

    runner = TaskRunner()
    task = runner.start("Making the demo database", build)
    failure: list[BaseException] = []
    task.failed.connect(lambda exc, _details: failure.append(exc))
    dialog = ProgressDialog(task)
    dialog.setModal(True)
    dialog.exec()
    runner.wait()
    if failure:
        exc = failure[0]
        message = str(exc) if isinstance(exc, UserError) else apology(log_file())
        if not isinstance(exc, UserError):
            log.error("The demo database could not be made: %r", exc)
        QMessageBox.warning(None, APP_NAME, message)
    return path.exists() and not failure


def _welcome(db):  # type: ignore[no-untyped-def]
    """The first-run welcome on a new, empty database: the start chosen (None: closed)."""
    import datetime as dt

    from .ui.tasks import TaskRunner
    from .ui.welcome import WelcomeDialog

    runner = TaskRunner()
    dialog = WelcomeDialog(db, dt.date.today(), runner)
    dialog.exec()
    runner.wait()
    return dialog.start


def run_gui(db_target: str | None, smoke_test: str | bool | None = None) -> int:
    """Open the database and the window; ``smoke_test`` ("full", or "window" to stop once
    the window is drawn) runs offscreen and exits."""
    if smoke_test:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    log_file = setup_file_logging()
    _install_excepthook(log_file)
    app = _qt_application()  # type: ignore[no-untyped-call]
    from .lifecycle import open_database
    from .ui.common.look import apply_look

    apply_look(app, make_settings())

    if not db_target:  # a team server, as IT sets it in the user's settings
        db_target = str(make_settings().value(DATABASE_SETTING, "") or "") or None
    try:
        try:
            db = open_database(db_target)
        except DatabaseDamagedError as exc:
            if smoke_test or not offer_newest_backup(db_target, exc):
                raise
            db = open_database(db_target)
        except ServerSignInRefused as exc:
            if smoke_test:
                raise
            from .ui.users.server_sign_in import sign_in_to_server

            signed_in = sign_in_to_server(db_target, exc, open_database)
            if signed_in is None:
                return 0
            db = signed_in
    except UserError as exc:
        note_user_error(exc, "open the database")
        if smoke_test:
            print(f"placement-desk: {exc}", file=sys.stderr)
        else:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.critical(None, APP_NAME, str(exc))
        return exc.exit_status
    if not smoke_test and not sign_in_at_start(db):
        db.close()
        return 0
    window = None
    start = None
    try:
        if not smoke_test:
            from .services.common.first_run import needs_welcome
            from .ui.welcome import Start

            if needs_welcome(db):
                start = _welcome(db)  # type: ignore[no-untyped-call]
            if start == Start.DEMO:
                from .paths import data_dir

                demo = data_dir() / "demo.db"
                if demo.exists() or _build_demo(demo):
                    db.close()
                    db = open_database(demo)
        window = build_main_window(db, make_settings())  # type: ignore[no-untyped-call]
        if not smoke_test:
            from .ui.users.session import daily_backup_task

            window.ctx.hub.when_drawn(lambda: daily_backup_task(window))
        if smoke_test:
            window.persist_state = False
            if not _wait_until_painted(window, SMOKE_TIMEOUT_MS,
                                       settle=smoke_test != "window"):
                print("placement-desk: the main window was not drawn within "
                      f"{SMOKE_TIMEOUT_MS // 1000} s.", file=sys.stderr)
                return 1
            window.close()
            return 0 if smoke_test == "window" else _smoke_pdf(db)
        window.show()
        if start is not None:
            window.after_welcome(str(start))
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
