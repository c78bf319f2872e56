"""The Placements list's 903 column, rule filter and the 903 checks tab share the rule codes."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from placement_desk.lifecycle import Database
from placement_desk.models import Child, PlacementEpisode
from placement_desk.models.enums import Sex
from placement_desk.ui.placements.episodes_view import EpisodesView

TODAY = dt.date(2026, 3, 1)


def _now(_title: str, fn: Any, *args: Any, on_success: Any = None, **_kw: Any) -> None:
    """Run a background task at once, on this thread."""
    result = fn(None, *args)
    if on_success is not None:
        on_success(result)


def test_the_list_filters_by_rule_and_the_tab_shows_the_codes(
        qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    with db.sessions.begin() as s:
        child = Child(case_ref="R-1", sex=Sex.FEMALE, date_of_birth=dt.date(2012, 1, 1),
                      ethnicity="WBRI")
        s.add(child)
        s.flush()
        clean = PlacementEpisode(child_id=child.id, start_date=dt.date(2025, 5, 1),
                                 end_date=dt.date(2025, 6, 1), placement_type="U4",
                                 reason_new_episode="S", legal_status="C2",
                                 category_of_need="N1", reason_ceased="X1", urn="1234567")
        # Continues the placement, but in a 2024-25 type and starting before the last ends.
        faulty = PlacementEpisode(child_id=child.id, start_date=dt.date(2025, 5, 20),
                                  placement_type="H5", reason_new_episode="P",
                                  legal_status="C2", category_of_need="N1", urn="1234567")
        s.add_all([clean, faulty])
        s.flush()
        ids: dict[str, uuid.UUID] = {"clean": clean.id, "faulty": faulty.id}
    view = EpisodesView(db, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
                        _now, TODAY)
    qtbot.addWidget(view)
    view.show()
    view.reload()
    assert view.checks_done
    items = [view.rule_combo.itemData(i) for i in range(view.rule_combo.count())]
    assert "146" in items and "501" in items
    view.rule_combo.setCurrentIndex(items.index("146"))
    assert [row.uuid for row in view.model.visible()] == [ids["faulty"]]
    assert "146" in view.model.index(0, 9).data(), "the 903 checks column names the rules"
    assert view.select_id(ids["faulty"].hex)
    text = view.checks.toPlainText()
    assert "146 error (PLACE)" in text and "501 error (DECOM, DEC)" in text
    view.clear_filters()
    assert view.rule_combo.currentIndex() == 0
    assert len(view.model.shown) == 2
