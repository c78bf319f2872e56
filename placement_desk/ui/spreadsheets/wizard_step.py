"""What the import wizard's steps share: its state, its calls, and the tables they show.

Each step is a mixin of :class:`~.import_wizard.ImportWizard`, written against
:class:`WizardStep`: the choices made so far and the answers had (declared here, set by
the wizard), and the methods one step calls on the wizard or on another step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QLineEdit,
    QStackedWidget,
    QTableWidget,
)

from ...services.spreadsheets.importing import ImportResult, Prepared
from ...services.spreadsheets.values import read_text
from ..common.fields import Combo
from ..context import AppContext

if TYPE_CHECKING:
    _Dialog = QDialog  # the wizard these steps are part of
else:
    _Dialog = object  # a mixin: the wizard itself is the one Qt class


def cell(value: Any) -> str:
    text = read_text(value) or ""
    return text if len(text) <= 60 else text[:59] + "…"


def table(headings: list[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headings))
    table.setAccessibleName(name)
    table.setHorizontalHeaderLabels(headings)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.setTabKeyNavigation(False)
    table.setWordWrap(False)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class WizardStep(_Dialog):
    """The base of each of the import wizard's steps."""

    ctx: AppContext
    book: Any
    prepared: Prepared | None
    checked: ImportResult | None
    committed: ImportResult | None
    task: Any
    columns: dict[int, str]
    values: dict[str, dict[str, str]]
    stack: QStackedWidget
    file_edit: QLineEdit  # the file step's, read by the others
    profile_combo: Combo

    if TYPE_CHECKING:  # the wizard's own, and the ones a step calls on another step
        def say(self, text: str, error: bool = False) -> None: ...
        def go(self, step: int) -> None: ...
        def _update_buttons(self) -> None: ...
        def _start(self, title: str, work: Any, done: Any) -> None: ...
        def _task_done(self) -> None: ...
        def _failed(self, exc: BaseException, _detail: str) -> None: ...
        def _kind_chosen(self) -> None: ...
        def _prepare(self, header_row: int | None, keep_columns: bool = False) -> None: ...
        def _fill_mapping(self) -> None: ...
