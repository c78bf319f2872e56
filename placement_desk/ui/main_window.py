"""The main window: a thin shell of navigation, pages, menus and a status bar.

It knows nothing about any page's content: pages come from the registry in
:mod:`placement_desk.ui.pages`.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSize, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from .. import APP_NAME
from .about import AboutDialog, ShortcutsDialog
from .common.icons import icon
from .common.page import Page
from .common.page_holder import PageHolder
from .context import AppContext
from .council_settings_dialog import CouncilSettingsDialog
from .pages import PageSpec, load_pages


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.persist_state = True
        """False for smoke tests: an offscreen window must not overwrite the user's layout."""
        self.setWindowTitle(f"{APP_NAME} — {ctx.db.display_name}")
        self.specs: list[PageSpec] = load_pages()
        self.pages: dict[str, Page] = {}
        self.nav = QListWidget()
        self.nav.setAccessibleName(self.tr("Pages"))
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setFixedWidth(190)
        self.stack = QStackedWidget()
        for spec in self.specs:
            page = spec.factory(ctx)
            self.pages[spec.key] = page
            # On a screen narrower than a page needs, the page scrolls rather than the
            # window growing past the screen's edge.
            self.stack.addWidget(PageHolder(page))
            item = QListWidgetItem(icon(spec.icon), spec.title)
            item.setToolTip(f"{spec.title} (Ctrl+{spec.position})")
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            self.nav.addItem(item)
            shortcut = QShortcut(QKeySequence(f"Ctrl+{spec.position}"), self)
            shortcut.activated.connect(lambda key=spec.key: self.show_page(key))
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self._menus()
        self._status_bar()
        ctx.hub.status_message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self._restore()

    # -- shell -------------------------------------------------------------------

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        self.council_settings_action = QAction(self.tr("&Council settings…"), self)
        self.council_settings_action.setStatusTip(self.tr(
            "The council's name and area, QA visit cycles and alert visit deadlines"))
        self.council_settings_action.triggered.connect(self.open_council_settings)
        file_menu.addAction(self.council_settings_action)
        file_menu.addSeparator()
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))  # Windows has no standard Quit key
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        view_menu = self.menuBar().addMenu(self.tr("&View"))
        refresh = QAction(self.tr("&Refresh"), self)
        refresh.setShortcut(QKeySequence("F5"))
        refresh.triggered.connect(self.refresh_current)
        view_menu.addAction(refresh)
        view_menu.addSeparator()
        for spec in self.specs:
            go = QAction(spec.title, self)
            go.triggered.connect(lambda _=False, key=spec.key: self.show_page(key))
            go.setShortcut(QKeySequence(f"Ctrl+{spec.position}"))
            go.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)  # the QShortcut acts
            view_menu.addAction(go)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        shortcuts = QAction(self.tr("&Keyboard shortcuts"), self)
        shortcuts.setShortcut(QKeySequence("F1"))
        shortcuts.triggered.connect(lambda: ShortcutsDialog(self.specs, self).exec())
        about = QAction(self.tr("&About Placement Desk"), self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(shortcuts)
        help_menu.addAction(about)

    def _status_bar(self) -> None:
        db = self.ctx.db
        where = self.tr("Local file") if db.is_local else self.tr("Server")
        self.db_label = QLabel(f"{where}: {db.display_name}")
        self.db_label.setToolTip(self.tr("The database this window is using"))
        self.statusBar().addPermanentWidget(self.db_label)
        if db.notices:
            self.statusBar().showMessage(" ".join(db.notices), 15000)

    def show_about(self) -> None:
        AboutDialog(self.ctx.db, self).exec()

    def open_council_settings(self) -> None:
        dialog = CouncilSettingsDialog(self.ctx.db, self.ctx.today(), self)
        dialog.exec()
        saved = dialog.saved
        dialog.deleteLater()
        if saved:
            self.ctx.hub.status_message.emit(self.tr("Council settings saved."))

    # -- navigation ------------------------------------------------------------------

    def show_page(self, key: str) -> None:
        for row in range(self.nav.count()):
            if self.nav.item(row).data(Qt.ItemDataRole.UserRole) == key:
                self.nav.setCurrentRow(row)
                return

    def current_key(self) -> str:
        item = self.nav.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item else ""

    def current_page(self) -> Page | None:
        holder = self.stack.currentWidget()
        widget = holder.widget() if isinstance(holder, PageHolder) else holder
        return widget if isinstance(widget, Page) else None

    def refresh_current(self) -> None:
        page = self.current_page()
        if page is not None:
            page.force_refresh()

    # -- remembered state ---------------------------------------------------------------

    def _restore(self) -> None:
        settings = self.ctx.settings
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1200, 780)
        last = settings.value("window/page", "dashboard")
        self.show_page(str(last) if last in self.pages else self.specs[0].key)
        if self.nav.currentRow() < 0:
            self.nav.setCurrentRow(0)

    def save_state(self) -> None:
        self.ctx.settings.setValue("window/geometry", self.saveGeometry())
        self.ctx.settings.setValue("window/page", self.current_key())
        self.ctx.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.persist_state:
            self.save_state()
        super().closeEvent(event)
