"""The shared filter bar: debounced search, choices, dates, Clear, the count, remembered values."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from placement_desk.ui.common.filter_bar import FilterBar


def _bar(qtbot: QtBot, ini: Path) -> FilterBar:
    bar = FilterBar(QSettings(str(ini), QSettings.Format.IniFormat), "things",
                    "Search things", "{shown} of {total} things")
    bar.add_combo("colour", "Any colour", [("red", "Red"), ("blue", "Blue")])
    bar.add_combo("owner", "Any owner", row=1)
    bar.add_check("late", "Only late ones")
    bar.add_dates("From", "To", row=1)
    bar.finish()
    qtbot.addWidget(bar)
    return bar


@pytest.fixture
def ini(tmp_path: Path) -> Path:
    return tmp_path / "ui.ini"


def test_typing_is_reported_once_it_pauses_and_a_choice_at_once(qtbot: QtBot,
                                                                 ini: Path) -> None:
    bar = _bar(qtbot, ini)
    seen: list[dict[str, object]] = []
    bar.changed.connect(lambda: seen.append(bar.values()))
    qtbot.keyClicks(bar.search, "oak hou")
    assert seen == [], "nothing while typing"
    qtbot.waitUntil(lambda: len(seen) == 1)
    assert seen[0]["text"] == "oak hou"
    bar.combos["colour"].setCurrentIndex(2)
    assert len(seen) == 2 and seen[1]["colour"] == "blue"
    assert seen[1] == {"text": "oak hou", "colour": "blue", "owner": "", "late": False,
                       "date_from": None, "date_to": None}


def test_clear_shows_everything_and_says_so_once(qtbot: QtBot, ini: Path) -> None:
    bar = _bar(qtbot, ini)
    bar.show_count(5604, 5604)
    assert bar.count.text() == "5,604 of 5,604 things"
    assert not bar.clear_button.isEnabled(), "nothing to clear"
    bar.set_value("late", True)
    bar.set_value("date_from", dt.date(2026, 3, 7))
    bar.set_value("colour", "red")
    bar.show_count(312, 5604)
    assert bar.count.text() == "312 of 5,604 things"
    assert bar.clear_button.isEnabled()
    events: list[str] = []
    bar.cleared.connect(lambda: events.append("cleared"))
    bar.changed.connect(lambda: events.append("changed"))
    qtbot.mouseClick(bar.clear_button, Qt.MouseButton.LeftButton)
    assert events == ["cleared", "changed"]
    assert bar.is_clear()
    assert bar.values() == {"text": "", "colour": "", "owner": "", "late": False,
                            "date_from": None, "date_to": None}


def test_values_are_remembered_for_the_next_session_under_one_prefix(qtbot: QtBot,
                                                                     ini: Path) -> None:
    bar = _bar(qtbot, ini)
    bar.set_choices("owner", [("asha", "Asha Patel"), ("ben", "Ben Okoro")])
    qtbot.keyClicks(bar.search, "oak")
    bar.set_value("colour", "blue")
    bar.set_value("owner", "ben")
    bar.set_value("late", True)
    bar.set_value("date_to", dt.date(2026, 3, 31))
    stored = QSettings(str(ini), QSettings.Format.IniFormat)
    assert stored.value("ui/filters/things/colour") == "blue"
    assert stored.value("ui/filters/things/text") == "oak"
    assert stored.value("ui/filters/things/date_to") == "2026-03-31"

    again = _bar(qtbot, ini)
    # The owner's choices arrive with the list's first load: until then it is kept.
    assert again.value("owner") == "ben"
    again.set_choices("owner", [("asha", "Asha Patel"), ("ben", "Ben Okoro")])
    assert again.combos["owner"].currentText() == "Ben Okoro"
    assert again.values() == {"text": "oak", "colour": "blue", "owner": "ben", "late": True,
                              "date_from": None, "date_to": dt.date(2026, 3, 31)}


def test_a_chosen_value_no_longer_offered_stays_chosen_with_a_label(qtbot: QtBot,
                                                                    ini: Path) -> None:
    bar = _bar(qtbot, ini)
    bar.set_choices("owner", [("asha", "Asha Patel"), ("ben", "Ben Okoro")])
    bar.set_value("owner", "ben")
    bar.set_choices("owner", [("asha", "Asha Patel")], missing="{value} (none now)")
    assert bar.combos["owner"].currentText() == "ben (none now)"
    assert bar.value("owner") == "ben"
    bar.set_choices("owner", [("asha", "Asha Patel")])
    assert bar.value("owner") == "", "with no label for it, the choice falls back to all"


def test_a_default_applies_until_the_user_chooses_and_clear_still_shows_all(
        qtbot: QtBot, ini: Path) -> None:
    settings = QSettings(str(ini), QSettings.Format.IniFormat)
    bar = FilterBar(settings, "schedule", None, "{shown} of {total}")
    bar.add_combo("due", "Any time", [("overdue", "Overdue"), ("30", "In 30 days")],
                  default="overdue")
    bar.finish()
    qtbot.addWidget(bar)
    assert bar.value("due") == "overdue"
    assert bar.search.isHidden() and bar.text() == ""
    bar.clear()
    assert bar.value("due") == ""
    again = FilterBar(settings, "schedule", None, "{shown} of {total}")
    again.add_combo("due", "Any time", [("overdue", "Overdue")], default="overdue")
    again.finish()
    qtbot.addWidget(again)
    assert again.value("due") == "", "the user's own choice (all) is remembered"
