"""Help: the user guide (``docs/user-guide.md``) in a window, open at the page in view.

F1 opens the guide at the section for the page on screen (the ``##`` heading that starts
with the page's title, "## Providers: …"); Help › User guide opens it at the start.
The guide is Markdown shown by Qt (``QTextDocument.setMarkdown``) with its pictures from
``docs/images``; a contents list beside it moves between sections, and a link to another
guide in ``docs`` (such as the definitions of the dashboard's figures) opens in place.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSignalBlocker, Qt, QUrl
from PySide6.QtGui import (
    QDesktopServices,
    QImageReader,
    QKeySequence,
    QResizeEvent,
    QShortcut,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..resource_files import docs_dir

GUIDE = "user-guide.md"


def guide_text(name: str = GUIDE) -> tuple[str, Path | None]:
    """The guide's Markdown and its folder; a short note when it is not installed."""
    folder = docs_dir()
    if folder is None or not (folder / name).is_file():
        return ("# Help\n\nThe user guide is not installed with this copy of Placement "
                "Desk. Ask whoever supports it for a copy of the installer.\n", None)
    return (folder / name).read_text(encoding="utf-8"), folder


class HelpWindow(QDialog):
    """The guide with its contents; :meth:`show_section` opens it at a heading."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Placement Desk help"))
        self.setModal(False)
        self.contents = QListWidget()
        self.contents.setAccessibleName(self.tr("Contents of the guide"))
        self.contents.setMaximumWidth(280)
        self.contents.setWordWrap(True)
        self.contents.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.contents.itemActivated.connect(self._chosen)
        self.contents.currentItemChanged.connect(lambda item, _old: self._chosen(item))
        self.browser = QTextBrowser()
        self.browser.setAccessibleName(self.tr("User guide"))
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._link)
        split = QSplitter()
        split.addWidget(self.contents)
        split.addWidget(self.browser)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        self.where = QLabel()
        self.where.setObjectName("caption")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        row = QHBoxLayout()
        row.addWidget(self.where, 1)
        row.addWidget(buttons)
        layout.addLayout(row)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self).activated.connect(
            self.browser.setFocus)
        self.name = ""
        self.folder: Path | None = None
        self.load(GUIDE)
        screen = self.screen().availableGeometry()
        self.resize(min(1000, screen.width() - 80), min(720, screen.height() - 80))

    def load(self, name: str) -> None:
        text, folder = guide_text(name)
        self.name = name
        self.folder = folder
        if folder is not None:  # pictures are found beside the guide
            self.browser.document().setBaseUrl(QUrl.fromLocalFile(str(folder) + "/"))
            self.browser.setSearchPaths([str(folder)])
        self.browser.setMarkdown(text)
        self._fit_images()
        self.contents.clear()
        for heading in self.headings():
            self.contents.addItem(QListWidgetItem(heading))
        self.where.setText(name)

    def _fit_images(self) -> None:
        """Pictures no wider than the view (Markdown gives them their own width)."""
        room = max(200, self.browser.viewport().width() - 24)
        document = self.browser.document()
        cursor = QTextCursor(document)
        block = document.firstBlock()
        while block.isValid():
            for part in block:  # type: ignore[attr-defined]  # PySide iterates fragments
                fragment = part.fragment()
                form = fragment.charFormat()
                if form.isImageFormat():
                    image = form.toImageFormat()
                    natural = QImageReader(str(self.folder / image.name())).size() \
                        if self.folder is not None else None
                    width = natural.width() if natural is not None else 0
                    if natural is not None and width > 0:
                        image.setWidth(min(width, room))
                        image.setHeight(natural.height() * min(width, room) / width)
                        cursor.setPosition(fragment.position())
                        cursor.setPosition(fragment.position() + fragment.length(),
                                           QTextCursor.MoveMode.KeepAnchor)
                        cursor.setCharFormat(image)
            block = block.next()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        top = self.current_section()
        self._fit_images()
        if top:
            self.show_section(top)

    def headings(self) -> list[str]:
        """The guide's sections (its level-2 headings), in order."""
        found = []
        block = self.browser.document().firstBlock()
        while block.isValid():
            if block.blockFormat().headingLevel() == 2:
                found.append(block.text())
            block = block.next()
        return found

    def show_section(self, title: str) -> bool:
        """Scroll to the first level-2 heading that is ``title`` or starts with it (then a
        colon); True if there is one."""
        if self.name != GUIDE:
            self.load(GUIDE)
        document = self.browser.document()
        block = document.firstBlock()
        while block.isValid():
            text = block.text()
            if block.blockFormat().headingLevel() == 2 and (
                    text == title or text.startswith(f"{title}:")):
                layout = document.documentLayout()
                self.browser.verticalScrollBar().setValue(
                    int(layout.blockBoundingRect(block).top()))
                found = self.contents.findItems(text, Qt.MatchFlag.MatchExactly)
                if found:
                    with QSignalBlocker(self.contents):
                        self.contents.setCurrentItem(found[0])
                return True
            block = block.next()
        return False

    def current_section(self) -> str:
        """The heading of the section at the top of the view."""
        document = self.browser.document()
        top = self.browser.verticalScrollBar().value()
        current = ""
        block = document.firstBlock()
        while block.isValid():
            if block.blockFormat().headingLevel() == 2:
                if document.documentLayout().blockBoundingRect(block).top() > top + 2:
                    break
                current = block.text()
            block = block.next()
        return current

    def _chosen(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.show_section(item.text())

    def _link(self, url: QUrl) -> None:
        if url.isRelative() and url.path().endswith(".md"):
            self.load(Path(url.path()).name)  # another guide in docs
            return
        if url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)


def markdown_document(text: str) -> QTextDocument:
    """``text`` as Qt reads Markdown (tests use it to check the guide)."""
    document = QTextDocument()
    document.setMarkdown(text)
    return document
