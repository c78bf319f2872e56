"""The About dialog and the list of keyboard shortcuts."""

from __future__ import annotations

import platform

import PySide6
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from .. import APP_NAME, __version__
from ..db import Database
from .pages import PageSpec


class AboutDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About {app}").format(app=APP_NAME))
        text = QLabel(self.tr(
            "<h2>{app} {version}</h2>"
            "<p>Commissioning children's placements: providers, Ofsted ratings, "
            "placements, agreements, quality assurance and contract reviews.</p>"
            "<p><b>Database:</b> {db}<br><b>Schema revision:</b> {rev}</p>"
            "<p>Qt {qt}, PySide6 {pyside}, Python {py}</p>"
            "<p>Contains public sector information from Ofsted licensed under the Open "
            "Government Licence v3.0.</p>").format(
                app=APP_NAME, version=__version__, db=db.display_name,
                rev=db.revision or "–", qt=qVersion(), pyside=PySide6.__version__,
                py=platform.python_version()))
        text.setWordWrap(True)
        text.setObjectName("aboutText")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(buttons)
        self.text = text


class ShortcutsDialog(QDialog):
    def __init__(self, specs: list[PageSpec], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        rows = "".join(f"<tr><td>Ctrl+{s.position}</td><td>{s.title}</td></tr>" for s in specs)
        rows += ("<tr><td>F5</td><td>Refresh the page</td></tr>"
                 "<tr><td>F1</td><td>Help for the page in view</td></tr>"
                 "<tr><td>Ctrl+,</td><td>Settings</td></tr>"
                 "<tr><td>Ctrl+Q</td><td>Quit</td></tr>")
        label = QLabel(f"<table cellpadding='4'>{rows}</table>")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(buttons)
