"""The main window: a thin shell of navigation, pages, menus and a status bar.

It knows nothing about any page's content: pages come from the registry in
:mod:`placement_desk.ui.pages`. The navigation lists every page with its shortcut
from the start; a page is built the first time it is shown (:class:`Pages`), so the
window appears after building only the one it opens on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from PySide6.QtCore import QByteArray, QEvent, QSize, Qt, QTimer
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
from ..db import Database
from .common.icons import icon
from .common.page import Page
from .common.page_holder import PageHolder
from .context import AppContext
from .pages import PageSpec, load_pages

PREFERRED_SIZE = QSize(1200, 760)
"""The window's size on a screen with room for it; smaller screens get what they have."""


def window_title(db: Database) -> str:
    """"Placement Desk — placement-desk.db": the app's name once, then the file's name
    (or, on a server, the database's name and its host)."""
    name = db.path.name if db.path is not None else db.server_name
    return f"{APP_NAME} — {name}"


def fit_to_screen(window: QWidget, size: QSize | None = None) -> None:
    """Size ``window`` (or keep its size) so that it lies within its screen's available
    area, frame included, and move it inside that area."""
    screen = window.screen().availableGeometry()
    frame = window.frameGeometry()
    # Before the first show the frame is not known: allow for borders and a title bar.
    extra_w = max(frame.width() - window.width(), 16)
    extra_h = max(frame.height() - window.height(), 40)
    wanted = size or window.size()
    width = min(wanted.width(), screen.width() - extra_w)
    height = min(wanted.height(), screen.height() - extra_h)
    window.resize(width, height)
    left = min(max(frame.left(), screen.left()), screen.right() - width - extra_w + 1)
    top = min(max(frame.top(), screen.top()), screen.bottom() - height - extra_h + 1)
    if size is not None:  # a first start: centred
        left = screen.left() + (screen.width() - width - extra_w) // 2
        top = screen.top() + (screen.height() - height - extra_h) // 2
    window.move(max(left, screen.left()), max(top, screen.top()))


class Pages(Mapping[str, Page]):
    """The window's pages by key: every registered one is listed; each is built (by
    ``build``) the first time it is asked for."""

    def __init__(self, specs: list[PageSpec], build: Callable[[PageSpec], Page]) -> None:
        self._specs = {spec.key: spec for spec in specs}
        self._build = build
        self._built: dict[str, Page] = {}

    def __getitem__(self, key: str) -> Page:
        page = self._built.get(key)
        if page is None:
            page = self._built[key] = self._build(self._specs[key])
        return page

    def __iter__(self) -> Iterator[str]:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)

    def built(self) -> dict[str, Page]:
        """The pages made so far."""
        return dict(self._built)


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.persist_state = True
        """False for smoke tests: an offscreen window must not overwrite the user's layout."""
        self.setWindowTitle(window_title(ctx.db))
        self.specs: list[PageSpec] = load_pages()
        self.pages = Pages(self.specs, self._build_page)
        self.holders: dict[str, PageHolder] = {}
        self.nav = QListWidget()
        self.nav.setAccessibleName(self.tr("Pages"))
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setFixedWidth(190)
        self.stack = QStackedWidget()
        for spec in self.specs:
            # On a screen narrower than a page needs, the page scrolls rather than the
            # window growing past the screen's edge. It holds an empty stand-in until
            # the page is first shown.
            holder = PageHolder(QWidget())
            self.holders[spec.key] = holder
            self.stack.addWidget(holder)
            item = QListWidgetItem(icon(spec.icon), spec.title)
            item.setToolTip(f"{spec.title} (Ctrl+{spec.position})")
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            self.nav.addItem(item)
            shortcut = QShortcut(QKeySequence(f"Ctrl+{spec.position}"), self)
            shortcut.activated.connect(lambda key=spec.key: self.show_page(key))
        self.nav.currentRowChanged.connect(self._show_row)
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
        shortcuts.triggered.connect(self.show_shortcuts)
        about = QAction(self.tr("&About Placement Desk"), self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(shortcuts)
        help_menu.addAction(about)

    def _status_bar(self) -> None:
        db = self.ctx.db
        where = self.tr("Local file") if db.is_local else self.tr("Server")
        self.db_label = QLabel(f"{where}: {db.display_name if db.is_local else db.server_name}")
        self.db_label.setToolTip(self.tr("The database this window is using"))
        self.statusBar().addPermanentWidget(self.db_label)
        if db.notices:
            self.statusBar().showMessage(" ".join(db.notices), 15000)

    def show_about(self) -> None:
        from .about import AboutDialog

        AboutDialog(self.ctx.db, self).exec()

    def show_shortcuts(self) -> None:
        from .about import ShortcutsDialog

        ShortcutsDialog(self.specs, self).exec()

    def open_council_settings(self) -> None:
        from .council_settings_dialog import CouncilSettingsDialog

        dialog = CouncilSettingsDialog(self.ctx.db, self.ctx.today(), self)
        dialog.exec()
        saved = dialog.saved
        dialog.deleteLater()
        if saved:
            self.ctx.hub.status_message.emit(self.tr("Council settings saved."))

    # -- navigation ------------------------------------------------------------------

    def _build_page(self, spec: PageSpec) -> Page:
        page = spec.factory(self.ctx)
        holder = self.holders[spec.key]
        holder.setWidget(page)  # the stand-in goes
        holder.fit()
        return page

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        _page = self.pages[self.specs[row].key]  # built the first time it is shown
        self.stack.setCurrentIndex(row)

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
        if isinstance(geometry, QByteArray) and not geometry.isEmpty() \
                and self.restoreGeometry(geometry):
            fit_to_screen(self)  # a screen smaller than last time: still within it
        else:
            fit_to_screen(self, PREFERRED_SIZE)
        last = settings.value("window/page", "dashboard")
        self.show_page(str(last) if last in self.pages else self.specs[0].key)
        if self.nav.currentRow() < 0:
            self.nav.setCurrentRow(0)

    def save_state(self) -> None:
        self.ctx.settings.setValue("window/geometry", self.saveGeometry())
        self.ctx.settings.setValue("window/page", self.current_key())
        self.ctx.settings.sync()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self.ctx.hub.window_drawn:
            QTimer.singleShot(0, self.ctx.hub.mark_drawn)  # once this paint is done
        return super().event(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.persist_state:
            self.save_state()
        super().closeEvent(event)
