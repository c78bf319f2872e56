"""A KPI tile: the figure, what it is made of, and its change since the period before.

A tile takes the keyboard focus (Tab), and Enter, Space or a click opens the records
behind it (:attr:`KpiTile.activated`). Colour is used only where it means something:
a change for the better or the worse (always with its words), and a count that must
be none (children in unregistered provision).
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout

from ...services.kpis.common import Change, Figure
from ..common.colours import colour

MUST_BE_NONE = frozenset({"unregistered"})
"""Figures whose every non-zero value needs action."""


class KpiTile(QFrame):
    activated = Signal(str)
    """The tile's figure key: open the records behind it."""

    def __init__(self, key: str, title: str) -> None:
        super().__init__()
        self.key = key
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.title = QLabel(title)
        self.title.setWordWrap(True)
        small = QFont(self.title.font())
        small.setPointSizeF(small.pointSizeF() * 0.9)
        self.title.setFont(small)
        self.value = QLabel("–")
        big = QFont(self.value.font())
        big.setPointSizeF(big.pointSizeF() * 1.8)
        big.setBold(True)
        self.value.setFont(big)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setFont(small)
        self.change = QLabel()
        self.change.setFont(small)
        self.change.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.value)
        layout.addWidget(self.detail)
        layout.addWidget(self.change)
        layout.addStretch(1)
        self.figure: Figure | None = None

    def show_figure(self, figure: Figure, change: Change | None, since: str) -> None:
        """``since`` names the period before: "since the 12 months before"."""
        self.figure = figure
        self.value.setText(figure.short_text())
        parts = []
        if figure.unit == "share":
            parts.append(self.tr("{n} of {d}").format(n=f"{int(figure.numerator):,}",
                                                      d=f"{figure.denominator or 0:,}"))
        if figure.unclassified:
            parts.append(f"{figure.unclassified:,} {figure.unclassified_label}")
        if figure.comparisons:
            area, text = figure.comparisons[0]
            parts.append(f"{area} {text.split(' ')[0]}")
        self.detail.setText(" · ".join(parts))
        if figure.key in MUST_BE_NONE and figure.numerator:
            self.value.setStyleSheet(f"color: {colour('red').name()}")
        else:
            self.value.setStyleSheet("")
        if change is None:
            self.change.setText("")
            self.change.setStyleSheet("")
        else:
            arrow = {"up": "▲ ", "down": "▼ ", "same": ""}[change.direction]
            verdict = {True: self.tr(" (better)"), False: self.tr(" (worse)"), None: ""}[
                change.good]
            self.change.setText(f"{arrow}{change.text()} {since}{verdict}")
            tone = {True: "green", False: "red"}.get(change.good)  # type: ignore[arg-type]
            self.change.setStyleSheet(f"color: {colour(tone).name()}" if tone else "")
        comparisons = "".join(f"<br>{area}: {text}" for area, text in figure.comparisons)
        self.setToolTip(f"<b>{figure.title}</b>: {figure.text()}{comparisons}"
                        f"<p>{figure.definition}</p><p>{self.tr('Enter or click: the records')}"
                        "</p>")
        self.setAccessibleName(f"{figure.title}: {figure.text()}. {self.detail.text()}. "
                               f"{self.change.text()}")

    def clear(self) -> None:
        self.figure = None
        self.value.setText("–")
        self.detail.setText("")
        self.change.setText("")

    # -- opening ---------------------------------------------------------------------------

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
                event.position().toPoint()):
            self.activated.emit(self.key)
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.activated.emit(self.key)
            return
        super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.hasFocus():  # a focus ring the Fusion style does not draw for frames
            painter = QPainter(self)
            pen = QPen(self.palette().color(QPalette.ColorRole.Highlight), 3)
            painter.setPen(pen)
            painter.drawRect(QRect(1, 1, self.width() - 3, self.height() - 3))
            painter.end()
