"""Holds a page so that a screen too small for it scrolls it rather than cutting it off.

A plain ``QScrollArea`` with a resizable widget sizes the page by its height for its
width, which for pages with wrapped text is their comfortable height, not their
minimum: small laptop screens would then always show a vertical scroll bar. This
holder gives the page the viewport's size, and scrolls only when the viewport is
smaller than the page's minimum.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


class PageHolder(QScrollArea):
    def __init__(self, page: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(False)
        self.setWidget(page)

    def fit(self) -> None:
        page = self.widget()
        if page is None:
            return
        least = page.minimumSizeHint().expandedTo(page.minimumSize())
        room = self.maximumViewportSize()
        wide = max(room.width(), least.width())
        if wide > room.width():  # the horizontal bar takes some of the height
            room.setHeight(room.height() - self.horizontalScrollBar().sizeHint().height())
        page.resize(wide, max(room.height(), least.height()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.fit()
        return super().eventFilter(watched, event)
