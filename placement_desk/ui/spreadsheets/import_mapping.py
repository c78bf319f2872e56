"""The import wizard's third step: each column mapped to a field, and coded texts to codes.

Each column's heading is shown beside sample values and the field it goes to; the texts
found in coded columns that need a code are listed with a choice of code. The mapping
can be saved under a name and chosen again next time on the first step.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...errors import UserError
from ...services.spreadsheets.mapping import columns_by_heading, save_profile, unknown_values
from ..common.fields import Combo
from .wizard_step import WizardStep, cell, table


class MappingStep(WizardStep):
    """Step 3 of the import wizard."""

    # -- page 3: the mapping -------------------------------------------------------------------

    def _mapping_page(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel(self.tr("Which field each column goes to (starred fields are "
                                        "needed on every row):")))
        self.mapping = table([self.tr("Column"), self.tr("Sample values"),
                              self.tr("Goes to")], self.tr("Column mapping"))
        layout.addWidget(self.mapping, 3)
        self.values_label = QLabel(self.tr("Values in coded columns that need a code:"))
        layout.addWidget(self.values_label)
        self.value_table = table([self.tr("Field"), self.tr("In the file"),
                                  self.tr("Means")], self.tr("Value mapping"))
        layout.addWidget(self.value_table, 2)
        row = QHBoxLayout()
        self.profile_name = QLineEdit()
        self.profile_name.setPlaceholderText(self.tr("Name, e.g. Monthly tracker"))
        self.profile_name.setAccessibleName(self.tr("Name of the mapping"))
        self.save_profile_button = QPushButton(self.tr("Save this mapping"))
        self.save_profile_button.clicked.connect(self.save_mapping)
        row.addWidget(QLabel(self.tr("Save it for next time as:")))
        row.addWidget(self.profile_name, 1)
        row.addWidget(self.save_profile_button)
        layout.addLayout(row)
        self.stack.addWidget(page)

    def _fill_mapping(self) -> None:
        prepared = self.prepared
        assert prepared is not None
        kind = prepared.kind
        self.field_combos: list[Combo] = []
        self.mapping.setRowCount(len(prepared.headings))
        for i, heading in enumerate(prepared.headings):
            from ...io.spreadsheets.reading import column_letter

            self.mapping.setItem(i, 0, QTableWidgetItem(
                f"{column_letter(i)}: {heading}" if heading else column_letter(i)))
            samples = [cell(r[i]) for r in prepared.sample if i < len(r) and cell(r[i])]
            self.mapping.setItem(i, 1, QTableWidgetItem(", ".join(samples[:4])))
            combo = Combo()
            combo.addItem(self.tr("Not imported"), "")
            for spec in kind.import_fields:
                combo.addItem(spec.label + (" *" if spec.required else ""), spec.name)
            combo.setCurrentIndex(max(0, combo.findData(self.columns.get(i, ""))))
            combo.setAccessibleName(self.tr("Field for column {c}").format(
                c=column_letter(i)))
            combo.currentIndexChanged.connect(lambda _n, i=i, c=combo: self._mapped(i, c))
            self.mapping.setCellWidget(i, 2, combo)
            self.field_combos.append(combo)
        self.mapping.resizeColumnToContents(0)
        self.mapping.setColumnWidth(1, max(300, self.mapping.columnWidth(1)))
        self.mapping.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.Stretch)
        self.mapping.horizontalHeader().setStretchLastSection(False)
        self.mapping.setColumnWidth(2, 260)
        self._fill_values()

    def _mapped(self, index: int, combo: Combo) -> None:
        name = str(combo.currentData() or "")
        if name:
            self.columns[index] = name
        else:
            self.columns.pop(index, None)
        self.checked = None
        self._fill_values()
        self._update_buttons()

    def _fill_values(self) -> None:
        prepared = self.prepared
        assert prepared is not None
        kind = prepared.kind
        unknown = unknown_values(kind, self.columns, prepared.sample, self.values)
        mapped = [(name, key) for name, texts in self.values.items() for key in texts]
        rows: list[tuple[str, str]] = [(name, text) for name, texts in unknown.items()
                                       for text in texts]
        from ...io.tabular import heading_key

        shown = {(n, heading_key(t)) for n, t in rows}
        rows += [(n, k) for n, k in mapped if (n, k) not in shown
                 and n in self.columns.values()]
        self.value_combos: list[tuple[str, str, Combo]] = []
        self.value_table.setRowCount(len(rows))
        for r, (name, text) in enumerate(rows):
            spec = kind.field(name)
            self.value_table.setItem(r, 0, QTableWidgetItem(spec.label))
            self.value_table.setItem(r, 1, QTableWidgetItem(text))
            combo = Combo()
            combo.addItem(self.tr("Choose…"), "")
            assert spec.codes is not None
            for member in spec.codes:
                label = member.label if member.label == member.value \
                    else f"{member.value} – {member.label}"
                combo.addItem(label, member.value)
            key = heading_key(text)
            combo.setCurrentIndex(max(0, combo.findData(self.values.get(name, {}).get(key,
                                                                                      ""))))
            combo.currentIndexChanged.connect(
                lambda _n, name=name, key=key, c=combo: self._value_mapped(name, key, c))
            self.value_table.setCellWidget(r, 2, combo)
            self.value_combos.append((name, text, combo))
        self.value_table.resizeColumnToContents(0)
        self.value_table.resizeColumnToContents(1)
        self.values_label.setVisible(bool(rows))
        self.value_table.setVisible(bool(rows))

    def _value_mapped(self, name: str, key: str, combo: Combo) -> None:
        value = str(combo.currentData() or "")
        if value:
            self.values.setdefault(name, {})[key] = value
        else:
            self.values.get(name, {}).pop(key, None)
        self.checked = None
        self._update_buttons()

    def set_column(self, index: int, field_name: str) -> None:
        """Map a column to a field as the user would with its combo."""
        combo = self.field_combos[index]
        combo.setCurrentIndex(combo.findData(field_name))

    def set_value(self, field_name: str, text: str, code: str) -> None:
        """Map a text of a coded column to a code as the user would."""
        for name, shown, combo in self.value_combos:
            if name == field_name and shown == text:
                combo.setCurrentIndex(combo.findData(code))
                return
        raise KeyError(text)

    def save_mapping(self) -> None:
        prepared = self.prepared
        if prepared is None:
            return
        try:
            save_profile(self.ctx.db, prepared.kind.name, self.profile_name.text(),
                         columns_by_heading(prepared.headings, self.columns), self.values,
                         prepared.header.row_number)
        except UserError as exc:
            self.say(str(exc), error=True)
            return
        name = " ".join(self.profile_name.text().split())
        with QSignalBlocker(self.profile_combo):
            if self.profile_combo.findData(name) < 0:
                self.profile_combo.addItem(name, name)
            self.profile_combo.setCurrentIndex(self.profile_combo.findData(name))
        self.say(self.tr("Saved the mapping as {name}.").format(name=name))
