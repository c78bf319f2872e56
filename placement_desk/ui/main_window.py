"""The main window: a thin shell of navigation, pages, menus and a status bar.

It knows nothing about any page's content: pages come from the registry in
:mod:`placement_desk.ui.pages`. The navigation lists every page with its shortcut
from the start; a page is built the first time it is shown (:class:`Pages`), so the
window appears after building only the one it opens on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from .. import APP_NAME
from ..db import Database
from ..services.common.settings_store import DEMO, read_setting
from .common.icons import icon_at
from .common.page import Page
from .common.page_holder import PageHolder
from .context import AppContext
from .hub import NavigationRequest
from .pages import PageSpec, load_pages

PREFERRED_SIZE = QSize(1280, 860)
"""The window's size at its first start on a screen with room for it."""
ROOMY_SCREEN = QSize(1500, 950)
"""A screen smaller than this (a council laptop's 1366×768) gets the window maximized at
its first start: every page is laid out for the whole of such a screen."""


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


def nav_icon(name: str) -> QIcon:
    """A page's icon in the text colour even when its item is chosen: the navigation marks
    the chosen page with a bar and bold text, not by filling it with the highlight."""
    return icon_at(name, 20)


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
    users_action: QAction
    lock_action: QAction
    user_label: QLabel
    idle_lock: Any
    """The idle lock (ui/users/idle_lock.py) once accounts are on, else None."""

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
        self.nav.setObjectName("navigation")  # the style sheet's side navigation
        self.nav.setAccessibleName(self.tr("Pages"))
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setFixedWidth(184)
        self.stack = QStackedWidget()
        for spec in self.specs:
            # On a screen narrower than a page needs, the page scrolls rather than the
            # window growing past the screen's edge. It holds an empty stand-in until
            # the page is first shown.
            holder = PageHolder(QWidget())
            self.holders[spec.key] = holder
            self.stack.addWidget(holder)
            item = QListWidgetItem(nav_icon(spec.icon), spec.title)
            item.setToolTip(f"{spec.title} (Ctrl+{spec.position})")
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            item.setSizeHint(QSize(0, 36))  # a comfortable target, on the 4-pixel grid
            self.nav.addItem(item)
            shortcut = QShortcut(QKeySequence(f"Ctrl+{spec.position}"), self)
            shortcut.activated.connect(lambda key=spec.key: self.show_page(key))
        self.nav.currentRowChanged.connect(self._show_row)
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.demo = bool(read_setting(ctx.db, DEMO))
        self.demo_banner = QLabel(self.tr(
            "DEMO: the data in this database is made up, for trying Placement Desk out. "
            "Nothing here is about real children or providers."))
        self.demo_banner.setObjectName("demoBanner")
        self.demo_banner.setWordWrap(True)
        self.demo_banner.setVisible(self.demo)
        outer.addWidget(self.demo_banner)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        outer.addLayout(row, 1)
        self.setCentralWidget(central)
        if self.demo:
            self.setWindowTitle(self.tr("{title} (demo)").format(title=self.windowTitle()))
        self._menus()
        self._status_bar()
        ctx.hub.status_message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        ctx.hub.navigate.connect(self.open_request)
        self._restore()

    # -- shell -------------------------------------------------------------------

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        self.settings_action = QAction(self.tr("&Settings…"), self)
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.settings_action.setStatusTip(self.tr(
            "The council's name and area, QA visit cycles, alert deadlines, risk weights and "
            "contract reviews, for everyone using this database"))
        self.settings_action.triggered.connect(self.open_settings)
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        self.import_action = QAction(self.tr("&Import a spreadsheet…"), self)
        self.import_action.setShortcut(QKeySequence("Ctrl+I"))
        self.import_action.setStatusTip(self.tr("Bring in a team's own workbook or CSV"))
        self.import_action.triggered.connect(self.open_import)
        self.export_action = QAction(self.tr("&Export…"), self)
        self.export_action.setShortcut(QKeySequence("Ctrl+Shift+E"))
        self.export_action.setStatusTip(self.tr("Save any kind of record, or a blank "
                                                "template, to Excel or CSV"))
        self.export_action.triggered.connect(self.open_export)
        file_menu.addAction(self.import_action)
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))  # Windows has no standard Quit key
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        from .users.session import install

        install(self, file_menu)  # Users, Lock, who is signed in, the idle lock
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
        view_menu.addSeparator()
        self.contrast_actions: dict[str, QAction] = {}
        contrast_menu = view_menu.addMenu(self.tr("&Contrast"))
        from .common.look import Contrast, contrast_choice

        chosen = contrast_choice(self.ctx.settings)
        for choice in Contrast:
            action = QAction(self.tr(choice.label), self, checkable=True)
            action.setChecked(choice is chosen)
            action.triggered.connect(lambda _=False, c=choice: self.choose_contrast(c))
            contrast_menu.addAction(action)
            self.contrast_actions[choice.value] = action
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self.page_help_action = QAction(self.tr("&Help for this page"), self)
        self.page_help_action.setShortcut(QKeySequence("F1"))
        self.addAction(self.page_help_action)  # F1 works wherever the focus is in the window
        self.page_help_action.triggered.connect(self.show_page_help)
        guide = QAction(self.tr("&User guide"), self)
        guide.triggered.connect(lambda: self.show_help(None))
        shortcuts = QAction(self.tr("&Keyboard shortcuts"), self)
        shortcuts.triggered.connect(self.show_shortcuts)
        about = QAction(self.tr("&About Placement Desk"), self)
        about.triggered.connect(self.show_about)
        for action in (self.page_help_action, guide, shortcuts, about):
            help_menu.addAction(action)
        self.help_window: Any = None  # made when first asked for

    def _status_bar(self) -> None:
        db = self.ctx.db
        where = self.tr("Local file") if db.is_local else self.tr("Server")
        self.db_label = QLabel(f"{where}: {db.display_name if db.is_local else db.server_name}")
        self.db_label.setToolTip(self.tr("The database this window is using"))
        self.statusBar().addPermanentWidget(self.db_label)
        if db.notices:
            self.statusBar().showMessage(" ".join(db.notices), 15000)

    def show_help(self, section: str | None) -> None:
        """The user guide, at ``section`` (a page's title) or at the start."""
        from .help import HelpWindow

        if self.help_window is None:
            self.help_window = HelpWindow(self)
        window = self.help_window
        window.show()
        window.raise_()
        window.activateWindow()
        QApplication.processEvents()  # laid out, so that the section can be scrolled to
        if section is None or not window.show_section(section):
            window.browser.verticalScrollBar().setValue(0)

    def show_page_help(self) -> None:
        """F1: the guide at the section for the page in view."""
        page = self.current_page()
        self.show_help(page.title if page is not None else None)

    def choose_contrast(self, choice: object) -> None:
        """View › Contrast: follow the system, standard, or high contrast (kept per user)."""
        from .common.look import Contrast, current_look

        chosen = Contrast(str(choice))
        for value, action in self.contrast_actions.items():
            action.setChecked(value == chosen.value)
        look = current_look()
        if look is not None:
            look.choose(chosen)
        else:
            self.ctx.settings.setValue("ui/contrast", chosen.value)
        for row, spec in enumerate(self.specs):  # icons drawn in the new text colour
            self.nav.item(row).setIcon(nav_icon(spec.icon))

    def show_about(self) -> None:
        from .about import AboutDialog

        AboutDialog(self.ctx.db, self).exec()

    def show_shortcuts(self) -> None:
        from .about import ShortcutsDialog

        ShortcutsDialog(self.specs, self).exec()

    def after_welcome(self, start: str) -> None:
        """Carry on from the first-run welcome's choice: the Ofsted import, for one."""
        from .welcome import START_HOOKS, Start

        choice = Start(start)
        if choice is Start.OFSTED:
            self.show_page("providers")
            page = self.pages["providers"]
            opener = getattr(page, "open_import", None)
            if opener is not None:
                opener()
        hook = START_HOOKS.get(choice)
        if hook is not None:
            hook(self)

    def open_settings(self, focus: str | None = None) -> None:
        """The settings dialog (on the setting ``focus`` when given)."""
        from .settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.ctx.db, self.ctx.today(), self, focus=focus)
        dialog.exec()
        saved = dialog.saved
        dialog.deleteLater()
        if saved:
            self.ctx.hub.status_message.emit(self.tr("Settings saved."))

    def open_import(self) -> QWidget:
        from .spreadsheets.import_wizard import ImportWizard

        wizard = ImportWizard(self.ctx, self)
        wizard.show()
        return wizard

    def open_export(self) -> QWidget:
        from .spreadsheets.exporting import ExportDialog

        dialog = ExportDialog(self.ctx, self)
        dialog.show()
        return dialog

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

    def open_request(self, request: NavigationRequest) -> None:
        """Show the page a request names, then let the page narrow its list."""
        if request.page not in self.pages:
            return
        self.show_page(request.page)
        self.pages[request.page].open_request(request)

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
            room = self.screen().availableGeometry().size()
            if room.width() < ROOMY_SCREEN.width() or room.height() < ROOMY_SCREEN.height():
                self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
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
