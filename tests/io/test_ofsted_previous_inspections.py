"""The previous full inspection a file gives beside the latest, and event numbers as
published (a spreadsheet's rounded '1.02E+07' is no event number)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from placement_desk.io.ofsted_files import read_ofsted_file

HEADER = ("URN,Provision type,Registration status,Latest full inspection event type,"
          "Latest full inspection date,Latest full inspection event number,"
          "Overall experiences and progress of children and young people,"
          "Previous full inspection event type,Previous full inspection event date,"
          "Previous full inspection publication date,Previous full inspection event number,"
          "Previous overall experiences and progress of children and young people\n")


def test_previous_inspections_and_event_numbers_are_read(tmp_path: Path) -> None:
    path = tmp_path / "provider_level_at_31_march_2024.csv"
    path.write_text(
        HEADER
        + "2649739,Children's home,Active,Full inspection,29/08/2023,10272660,"
          "Requires improvement to be good,Full inspection,22/03/2023,15/05/2023,10238608,"
          "Inadequate\n"
        + "SC379199,Children's home,Active,Full inspection,07/06/2022,1.02E+07,Good,,,,,\n",
        encoding="utf-8")
    data = read_ofsted_file(path)
    assert data.warnings == []
    first, second = (s.latest_inspection for s in data.settings)
    assert first is not None and second is not None
    assert first.event_number == "10272660"
    previous = first.previous
    assert previous is not None
    assert (previous.event_type, previous.inspection_date, previous.publication_date,
            previous.event_number, previous.overall_judgement) == (
        "Full inspection", dt.date(2023, 3, 22), dt.date(2023, 5, 15), "10238608",
        "Inadequate")
    assert second.event_number is None, "1.02E+07 is a rounded number, not the event's"
    assert second.previous is None
