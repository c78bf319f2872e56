"""Make the user guide's pictures (docs/images) from a fresh demo database, offscreen.

    python docs/make_screenshots.py                     # docs/images at 1366×768
    python docs/make_screenshots.py --out DIR --size 1920x1080 --contrast high --all

The demo is seeded and dated (16 March 2026), so the pictures change only when the
application does. ``--all`` also takes every page at the given size (for checking the
layout at 1366×768 and 1920×1080, in standard and high contrast), named
``page-<key>.png``; the guide uses only the default set.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from placement_desk.app import _qt_application, build_main_window  # noqa: E402
from placement_desk.lifecycle import open_database  # noqa: E402
from placement_desk.services.demo.generator import generate_demo  # noqa: E402
from placement_desk.ui.common.look import CONTRAST_KEY, apply_look  # noqa: E402

TODAY = dt.date(2026, 3, 16)
TITLE_BAR = 32
"""What a window's title bar and the taskbar leave of a 768-pixel-high screen, roughly."""


def settle(app: QApplication, window: QWidget, rounds: int = 25) -> None:
    for _ in range(rounds):
        app.processEvents()
        time.sleep(0.02)
    tasks = getattr(getattr(window, "ctx", None), "tasks", None)
    if tasks is not None:
        tasks.wait(20000)
    for _ in range(5):
        app.processEvents()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    parser.add_argument("--size", default="1366x768", help="screen size WxH")
    parser.add_argument("--contrast", choices=["standard", "high"], default="standard")
    parser.add_argument("--all", action="store_true", help="every page too, page-<key>.png")
    parser.add_argument("--only-pages", action="store_true", help="the pages alone")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.lower().split("x"))
    args.out.mkdir(parents=True, exist_ok=True)
    app = _qt_application()
    with tempfile.TemporaryDirectory() as tmp:
        settings = QSettings(str(Path(tmp) / "ui.ini"), QSettings.Format.IniFormat)
        settings.setValue(CONTRAST_KEY, args.contrast)
        apply_look(app, settings)
        empty = open_database(Path(tmp) / "placement-desk.db")
        demo = open_database(Path(tmp) / "demo.db")
        generate_demo(demo.engine, size="council", seed=1, as_of=TODAY)
        try:
            shots = Shots(app, demo, empty, settings, args.out, (width, height - TITLE_BAR))
            if not args.only_pages:
                shots.guide()
            if args.all or args.only_pages:
                shots.pages()
        finally:
            demo.close()
            empty.close()
    print(f"Pictures written to {args.out}")
    return 0


class Shots:
    def __init__(self, app: QApplication, demo, empty, settings: QSettings,  # type: ignore[no-untyped-def]
                 out: Path, size: tuple[int, int]) -> None:
        self.app, self.demo, self.empty, self.settings = app, demo, empty, settings
        self.out, self.size = out, size
        self.window = build_main_window(demo, settings, today=TODAY)
        self.window.persist_state = False
        self.window.db_label.setText("Local file: demo.db")  # not the temporary folder
        self.window.resize(*size)
        self.window.show()
        settle(app, self.window)

    def save(self, widget: QWidget, name: str) -> None:
        settle(self.app, self.window)
        widget.grab().save(str(self.out / f"{name}.png"))

    def page(self, key: str, name: str | None = None,
             before: Callable[[QWidget], None] | None = None) -> None:
        self.window.show_page(key)
        settle(self.app, self.window)
        if before is not None:
            before(self.window.pages[key])
        self.save(self.window, name or key)

    def dialog(self, dialog: QWidget, name: str) -> None:
        dialog.show()
        settle(self.app, self.window)
        self.save(dialog, name)
        dialog.close()

    def pages(self) -> None:
        for key in self.window.pages:
            self.page(key, f"page-{key}", select_first)

    def guide(self) -> None:
        from sqlalchemy import select

        from placement_desk.models import Agreement, AgreementVersion, QaVisit
        from placement_desk.models.enums import AgreementStatus, QaVisitStatus
        from placement_desk.ui.agreements.agreement_dialog import AgreementDialog
        from placement_desk.ui.agreements.step_dialogs import VariationDialog
        from placement_desk.ui.providers.ofsted_import_dialog import OfstedImportDialog
        from placement_desk.ui.qa.visit_dialog import VisitDialog
        from placement_desk.ui.settings_dialog import SettingsDialog
        from placement_desk.ui.tasks import TaskRunner
        from placement_desk.ui.welcome import WelcomeDialog

        runner = TaskRunner()
        self.dialog(WelcomeDialog(self.empty, TODAY, runner), "welcome")
        start = WelcomeDialog(self.empty, TODAY, runner)
        start.show_step(len(start.steps) - 1)
        self.dialog(start, "welcome-start")
        for key in ("dashboard", "providers", "placements", "qa", "contracts", "data"):
            self.page(key, key, select_first)
        self.dialog(OfstedImportDialog(self.demo, runner.start, self.window), "ofsted-import")
        with self.demo.read() as session:
            signed = session.scalar(
                select(Agreement.id).join(AgreementVersion).where(
                    AgreementVersion.status == AgreementStatus.ACTIVE)
                .order_by(Agreement.reference).limit(1))
            visit = session.scalar(select(QaVisit.id).where(
                QaVisit.status == QaVisitStatus.COMPLETED).order_by(QaVisit.visit_date.desc())
                .limit(1))
        if signed is not None:
            self.dialog(AgreementDialog(self.demo, "asha.patel", TODAY, agreement_id=signed,
                                        parent=self.window), "ipa")
        self.dialog(VariationDialog(self.window, today=TODAY), "ipa-variation")
        if visit is not None:
            self.dialog(VisitDialog(self.demo, visit, TODAY, self.window), "qa-visit")
        self.dialog(SettingsDialog(self.demo, TODAY, self.window), "settings")
        self.window.show_help("Placements")
        self.window.help_window.resize(1000, 680)  # the offscreen screen is 800 wide
        settle(self.app, self.window)
        self.window.help_window.show_section("Placements")
        self.save(self.window.help_window, "help")
        self.window.help_window.close()
        runner.wait()


def select_first(page: QWidget) -> None:
    """Choose the first row of the page's main list, so its detail shows."""
    from PySide6.QtWidgets import QTableView

    tables = [t for t in page.findChildren(QTableView) if t.isVisible() and t.model()
              and t.model().rowCount()]
    if tables:
        tables[0].setCurrentIndex(tables[0].model().index(0, 0))
        tables[0].setFocus()


if __name__ == "__main__":
    sys.exit(main())
