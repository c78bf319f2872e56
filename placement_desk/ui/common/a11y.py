"""Forms that screen readers and keyboards can use: labels with buddies and Alt+letters.

:func:`label_forms` goes through the rows of every form layout in a dialog or panel: a
row's label gets the field as its buddy (so Alt+letter moves to the field and a screen
reader reads the label as the field's name) and, when it has none, an Alt+letter not
used elsewhere in the window. Dialogs built on :mod:`.form_base` have it done when first
shown; other dialogs call it once their rows exist.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QTabWidget,
    QWidget,
)

from .fields import CheckedField

_MNEMONIC = re.compile(r"(?<!&)&([^&\s])")


def plain_label(text: str) -> str:
    """A label's words for a screen reader: no ``&``, no "*" or colon at the end."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip(" *:")


def with_mnemonic(text: str, taken: set[str]) -> str:
    """``text`` with an Alt+letter: its own ``&`` if it has one, else the first letter of a
    word not in ``taken``, else any free letter; the letter is added to ``taken``."""
    own = _MNEMONIC.search(text)
    if own:
        taken.add(own.group(1).lower())
        return text
    words = [i for i, ch in enumerate(text) if ch.isalpha() and (i == 0 or text[i - 1] == " ")]
    others = [i for i, ch in enumerate(text) if ch.isalnum()]
    for i in (*words, *others):
        if text[i].lower() not in taken:
            taken.add(text[i].lower())
            return text[:i] + "&" + text[i:]
    return text


def first_focusable(widget: QWidget) -> QWidget | None:
    """The control that takes the focus for ``widget`` (itself, or the first of its parts)."""
    if isinstance(widget, CheckedField):
        return widget.edit
    if widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
        return widget
    for part in widget.findChildren(QWidget):
        if part.focusPolicy() & Qt.FocusPolicy.TabFocus and not isinstance(
                part.parentWidget(), QComboBox):
            return part
    return None


def taken_mnemonics(root: QWidget) -> set[str]:
    """The Alt+letters already used in ``root``: labels, buttons, group boxes, tabs."""
    texts = [w.text() for w in root.findChildren(QLabel)]
    texts += [w.text() for w in root.findChildren(QAbstractButton)]
    texts += [box.title() for box in root.findChildren(QGroupBox)]
    for tabs in root.findChildren(QTabWidget):
        texts += [tabs.tabText(i) for i in range(tabs.count())]
    return {m.group(1).lower() for text in texts for m in _MNEMONIC.finditer(text)}


def label_forms(root: QWidget) -> None:
    """Give every form row in ``root`` a buddy, an Alt+letter and a name for its field."""
    taken = taken_mnemonics(root)
    for form in root.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            label_item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field_item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            label = label_item.widget() if label_item is not None else None
            field = field_item.widget() if field_item is not None else None
            if not isinstance(label, QLabel) or field is None or isinstance(field, QLabel) \
                    or not label.text().strip() or label.textFormat() == Qt.TextFormat.RichText:
                continue
            target = first_focusable(field)
            if target is None:
                continue
            if label.buddy() is None:
                label.setBuddy(target)
            if not _MNEMONIC.search(label.text()):
                label.setText(with_mnemonic(label.text(), taken))
            if not target.accessibleName() and not field.accessibleName():
                (field if isinstance(field, CheckedField) else target).setAccessibleName(
                    plain_label(label.text()))
