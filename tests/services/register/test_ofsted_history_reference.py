"""The judgement history built from Ofsted's published files, 2015 to 2025, checked
against the same files read here with the csv module (and pandas for the sums).

One database is imported once for the module, in the order the files were published:
the yearly files 2015-2023, the in-year file 2023-24, 31 March 2024, 31 August 2024
and 31 March 2025. Importing them all again must change nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from placement_desk.lifecycle import Database, open_database
from placement_desk.models import AuditEvent, OfstedInspection, Setting
from placement_desk.models.enums import AuditAction, RegistrationStatus, SettingType
from placement_desk.services.register.area_figures import RegisterShares, register_shares
from placement_desk.services.register.ofsted_import import import_ofsted
from placement_desk.services.register.ofsted_import_state import ImportSummary
from tests.reference import OFSTED, need

pytestmark = pytest.mark.reference
TODAY = dt.date(2025, 6, 2)
D = dt.date
# (file, the date it describes, a full register?) in the order Ofsted published them.
FILES = [*((f"provider_level_at_31_march_{y}.csv", D(y, 3, 31), True) for y in range(2015, 2024)),
         ("provider_level_in_year_2023-24.csv", D(2024, 3, 31), False),
         ("provider_level_at_31_march_2024.csv", D(2024, 3, 31), True),
         ("provider_level_at_31_aug_2024.csv", D(2024, 8, 31), True),
         ("provider_level_at_31_march_2025.csv", D(2025, 3, 31), True)]

# The headings of each field across the years (lower case, spaces collapsed).
LATEST = {
    "type": ("inspection type", "event type", "latest full inspection event type",
             "inspection event type"),
    "date": ("inspection date", "latest full inspection date"),
    "number": ("inspection id", "event number", "latest full inspection event number",
               "inspection event number"),
    "overall": ("overall effectiveness",
                "overall experiences and progress of children and young people",
                "latest full inspection overall experiences and progress of children and "
                "young people"),
    "sa": ("supported accommodation outcome",),
}
PREVIOUS = {
    "type": ("previous full inspection event type", "previous event type"),
    "date": ("previous full inspection event date", "previous inspection date"),
    "number": ("previous full inspection event number", "previous event number"),
    "overall": ("previous overall experiences and progress of children and young people",),
    "sa": (),
}


@dataclass(frozen=True)
class Record:
    """One inspection as one file gives it."""

    urn: str
    kind: str  # full, monitoring, interim, assurance, other
    date: dt.date
    number: str | None
    judgement: str | None  # the published words, lower case
    file: int  # index in FILES


def _day(text: str) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    day, month, year = text.split("/")
    return dt.date(int(year), int(month), int(day))


def _kind(text: str) -> str:
    text = text.lower()
    for word in ("interim", "monitoring", "assurance", "focused"):
        if word in text:
            return word
    return "full" if "full" in text or not text.strip() else "other"


def _table(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
        rows = list(csv.reader(fh))
    start = next(i for i, r in enumerate(rows) if any(c.strip() == "URN" for c in r))
    heads = [" ".join(c.split()).lower() for c in rows[start]]
    return [dict(zip(heads, r, strict=False)) for r in rows[start + 1:]
            if len(r) > 1 and r[heads.index("urn")].strip()]


def _field(row: dict[str, str], names: tuple[str, ...]) -> str:
    """The cell under the first of ``names`` the file has; the in-year file's NULL is blank."""
    text = next((row[n] for n in names if n in row), "").strip()
    return "" if text == "NULL" else text


def _record(row: dict[str, str], names: dict[str, tuple[str, ...]], file: int) -> Record | None:
    day = _day(_field(row, names["date"]))
    if day is None:
        return None
    number = _field(row, names["number"])
    words = _field(row, names["overall"]) or _field(row, names["sa"])
    return Record(row["urn"].strip(), _kind(_field(row, names["type"])), day,
                  number if number.isdigit() else None,
                  " ".join(words.split()).lower() or None, file)


@dataclass
class Published:
    records: list[Record]
    listed: list[dict[str, str]]  # per file: URN → registration status


@pytest.fixture(scope="module")
def published() -> Published:
    records: list[Record] = []
    listed: list[dict[str, str]] = []
    for index, (name, _as_at, _full) in enumerate(FILES):
        rows = _table(need(OFSTED / name))
        listed.append({r["urn"].strip(): _field(r, ("registration status", "reg status"))
                       for r in rows})
        for row in rows:
            for names in (LATEST, PREVIOUS):
                if (found := _record(row, names, index)) is not None:
                    records.append(found)
    return Published(records, listed)


@dataclass
class Imported:
    db: Database
    first: ImportSummary
    again: ImportSummary
    before_again: tuple[Any, ...]
    after_again: tuple[Any, ...]


def _state(db: Database) -> tuple[Any, ...]:
    with db.engine.connect() as conn:
        return tuple(conn.exec_driver_sql(sql).fetchall() for sql in (
            "SELECT urn, name, setting_type, registration_status, closed_date, "
            "latest_judgement, latest_inspection_date, local_authority FROM setting "
            "ORDER BY urn",
            "SELECT setting_id, event_type, inspection_date, event_number, "
            "overall_judgement, source, version FROM ofsted_inspection "
            "ORDER BY setting_id, inspection_date, event_type",
            "SELECT count(*) FROM audit_event"))


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Imported]:
    paths = [need(OFSTED / name) for name, _as_at, _full in FILES]
    db = open_database(tmp_path_factory.mktemp("history") / "history.db", backup=False)
    try:
        first = import_ofsted(db, paths, today=TODAY)
        before = _state(db)
        again = import_ofsted(db, paths, today=TODAY)
        yield Imported(db, first, again, before, _state(db))
    finally:
        db.close()


# -- one inspection per event --------------------------------------------------------------


def _events(records: list[Record]) -> list[list[Record]]:
    """The records grouped into events: linked by URN and event number, or by URN, kind
    and date (a union-find over both keys)."""
    parent = list(range(len(records)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[tuple[Any, ...], int] = {}
    for i, r in enumerate(records):
        for key in ((r.urn, "n", r.number) if r.number else None, (r.urn, r.kind, r.date)):
            if key is None:
                continue
            if key in first:
                parent[root(i)] = root(first[key])
            else:
                first[key] = i
    groups: dict[int, list[Record]] = {}
    for i, r in enumerate(records):
        groups.setdefault(root(i), []).append(r)
    return list(groups.values())


@dataclass
class Stored:
    id: Any
    urn: str
    kind: str
    date: dt.date
    number: str | None
    judgement: str | None
    numbers: set[str]
    dates: set[dt.date]


def _stored(db: Database) -> list[Stored]:
    with db.sessions() as s:
        rows = s.execute(sa.select(OfstedInspection, Setting.urn).join(Setting)).all()
    found = []
    for ins, urn in rows:
        earlier = ins.earlier_keys or {}
        judged = ins.overall_judgement or ins.supported_accommodation_outcome
        found.append(Stored(
            ins.id, urn, ins.event_type.value, ins.inspection_date, ins.event_number,
            judged.label.lower() if judged else None,
            {n for n in (ins.event_number, *earlier.get("event_numbers", ())) if n},
            {ins.inspection_date, *map(dt.date.fromisoformat, earlier.get("dates", ()))}))
    return found


def _find(stored: list[Stored], r: Record) -> list[Stored]:
    if r.number:
        by_number = [s for s in stored if s.urn == r.urn and r.number in s.numbers]
        if by_number:
            return by_number
    return [s for s in stored if s.urn == r.urn and s.kind == r.kind and r.date in s.dates]


def test_every_published_inspection_is_stored_once(published: Published,
                                                   imported: Imported) -> None:
    events = _events(published.records)
    stored = _stored(imported.db)
    by_urn: dict[str, list[Stored]] = {}
    for s in stored:
        by_urn.setdefault(s.urn, []).append(s)
    holders: set[Any] = set()
    for event in events:
        found = {s.id for r in event for s in _find(by_urn.get(r.urn, []), r)}
        assert len(found) == 1, f"{event[0].urn} on {event[0].date}: {len(found)} inspections"
        holders |= found
    assert len(stored) == len(events) == len(holders)


def test_each_inspection_holds_the_latest_publications_words(published: Published,
                                                             imported: Imported) -> None:
    stored = {}
    for s in _stored(imported.db):
        stored.setdefault(s.urn, []).append(s)
    for event in _events(published.records):
        latest = max(event, key=lambda r: (FILES[r.file][1], r.file))
        judged = [r for r in event if r.judgement]
        words = max(judged, key=lambda r: (FILES[r.file][1], r.file)).judgement if judged \
            else None
        (held,) = _find(stored[latest.urn], latest)
        assert (held.date, held.judgement) == (latest.date, words), \
            f"{latest.urn} event {latest.number or latest.date}"


def test_previous_inspections_from_the_2024_files_are_present(published: Published,
                                                              imported: Imported) -> None:
    previous = [r for name in ("provider_level_at_31_march_2024.csv",
                               "provider_level_in_year_2023-24.csv")
                for row in _table(OFSTED / name)
                if (r := _record(row, PREVIOUS, 0)) is not None]
    assert len(previous) > 3000
    stored = _stored(imported.db)
    by_urn: dict[str, list[Stored]] = {}
    for s in stored:
        by_urn.setdefault(s.urn, []).append(s)
    for r in previous:
        assert len(_find(by_urn.get(r.urn, []), r)) == 1, f"{r.urn} on {r.date}"
    (inadequate,) = _find(by_urn["2649739"], Record("2649739", "full", D(2023, 3, 22),
                                                     "10238608", None, 0))
    assert (inadequate.date, inadequate.judgement) == (D(2023, 3, 22), "inadequate")


def test_a_later_correction_wins_and_is_audited_with_its_file(imported: Imported) -> None:
    stored = _stored(imported.db)
    (corrected,) = [s for s in stored if s.urn == "SC035805" and s.date == D(2019, 7, 2)]
    assert corrected.judgement == "good", "Requires improvement in 2020, Good in 2021"
    with imported.db.sessions() as s:
        changes = s.scalars(sa.select(AuditEvent).where(
            AuditEvent.entity_id == corrected.id,
            AuditEvent.action == AuditAction.UPDATE)).all()
    assert [(c.before or {}).get("overall_judgement") for c in changes] == [
        "requires_improvement"]
    assert changes[0].after is not None
    assert (changes[0].after["overall_judgement"], changes[0].after["source"]) == (
        "good", "provider_level_at_31_march_2021.csv")
    one = [s for s in stored if s.urn == "SC036607" and "10037546" in s.numbers]
    assert [(s.date, s.number) for s in one] == [(D(2018, 3, 5), "10037546")], \
        "9 March in the 2018 file, 5 March in 2019: one inspection, on the later date"


# -- the register -----------------------------------------------------------------------


def test_settings_absent_from_2025_are_no_longer_registered(published: Published,
                                                            imported: Imported) -> None:
    with imported.db.sessions() as s:
        held = {u: (st, d) for u, st, d in s.execute(
            sa.select(Setting.urn, Setting.registration_status, Setting.closed_date))}
    now = published.listed[-1]
    gone = 0
    for urn in set().union(*published.listed):
        status, closed = held[urn]
        if urn in now:
            assert status.label == now[urn], urn
            continue
        gone += 1
        last = max(i for i, listed in enumerate(published.listed) if urn in listed)
        said = published.listed[last][urn]
        if said in ("Resigned", "Cancelled", "Closed"):
            assert status.label == said, urn
            continue
        first_without = next(i for i in range(last + 1, len(FILES)) if FILES[i][2])
        assert (status, closed) == (RegistrationStatus.NO_LONGER_REGISTERED,
                                    FILES[first_without][1]), urn
    assert gone > 1600


def test_importing_all_the_files_again_changes_nothing(imported: Imported) -> None:
    again = imported.again
    assert (again.new, again.updated, again.closed, again.inspections_added,
            again.inspections_corrected, again.upgrades, again.downgrades, again.alerts) == (
        0, 0, 0, 0, 0, 0, 0, 0)
    assert imported.after_again == imported.before_again, "no row and no audit event changed"
    first = imported.first
    assert first.inspections_corrected > 300 and first.closed > 1600


# -- England, region and local authority figures ------------------------------------------

# Ofsted's provision types as this app groups them (written out here, not imported).
TYPES = {
    "children's home": SettingType.CHILDRENS_HOME,
    "residential special school (registered as a children's home)":
        SettingType.CHILDRENS_HOME,
    "secure children's home": SettingType.SECURE_CHILDRENS_HOME,
    "independent fostering agency": SettingType.IFA,
    "supported accommodation": SettingType.SUPPORTED_ACCOMMODATION,
    "residential family centre": SettingType.RESIDENTIAL_FAMILY_CENTRE,
    "residential special school": SettingType.RESIDENTIAL_SPECIAL_SCHOOL,
    "voluntary adoption agency": SettingType.ADOPTION_AGENCY,
    "residential holiday scheme for disabled children": SettingType.HOLIDAY_SCHEME,
}
GOOD_WORDS = {"good", "outstanding", "consistently strong service delivery"}


def _frame_2025(judgement_of: dict[str, str] | None = None) -> Any:
    """The 2025 file with pandas: one row per setting, its type and latest full
    inspection's words (``judgement_of`` gives them where the file's latest is not full)."""
    pd = pytest.importorskip("pandas")
    frame = pd.read_csv(need(OFSTED / "provider_level_at_31_march_2025.csv"), skiprows=3, dtype=str,
                        encoding="utf-8-sig")
    frame.columns = [" ".join(c.split()).lower() for c in frame.columns]
    frame = frame[frame["urn"].notna()].copy()
    full = frame["latest full inspection event type"].fillna("").str.lower() == \
        "full inspection"
    words = frame["overall experiences and progress of children and young people"].fillna(
        frame["supported accommodation outcome"]).str.lower()
    frame["words"] = words.where(full)
    if judgement_of:
        fill = frame["urn"].map(judgement_of)
        frame["words"] = frame["words"].where(full, fill)
    frame["type"] = frame["provision type"].str.lower().map(TYPES).fillna(
        SettingType.OTHER_REGULATED)
    frame["judged"] = frame["words"].notna()
    frame["good"] = frame["words"].isin(GOOD_WORDS)
    return frame


def _compare(shares: RegisterShares, frame: Any) -> int:
    """Check every area's share by type against the pandas sums; return how many."""
    checked = 0
    areas = (("government office region", shares.regions),
             ("local authority", shares.local_authorities))
    sums = frame.groupby("type")[["good", "judged"]].sum()
    for setting_type, row in sums.iterrows():
        share = shares.england.share(setting_type)
        assert (share.good_or_outstanding, share.judged) == (row.good, row.judged), \
            f"England {setting_type}"
        checked += 1
    for column, found in areas:
        for (area, setting_type), group in frame.groupby([column, "type"]):
            share = found[area].share(setting_type)
            assert (share.good_or_outstanding, share.judged, share.settings) == (
                group["good"].sum(), group["judged"].sum(), len(group)), \
                f"{area} {setting_type}"
            checked += 1
    return checked


def test_the_2025_file_alone_gives_ofsteds_figures(tmp_path: Path) -> None:
    frame = _frame_2025()
    db = open_database(tmp_path / "2025.db", backup=False)
    try:
        import_ofsted(db, [need(OFSTED / "provider_level_at_31_march_2025.csv")],
                      today=TODAY)
        shares = register_shares(db)
    finally:
        db.close()
    homes = shares.england.share(SettingType.CHILDRENS_HOME)
    assert f"{homes.percent:.1f}%" == "85.4%", "inspected children's homes in England"
    assert _compare(shares, frame) > 500


def test_the_history_gives_the_same_figures_with_each_latest_full_inspection(
        published: Published, imported: Imported) -> None:
    """After 2015-2025, only a 2025 row whose latest is not a full inspection differs: the
    setting keeps its latest full inspection from an earlier file."""
    latest_full: dict[str, tuple[dt.date, str]] = {}
    for event in _events(published.records):
        last = max(event, key=lambda r: (FILES[r.file][1], r.file))
        judged = [r for r in event if r.judgement]
        if last.kind == "full" and judged:
            words = max(judged, key=lambda r: (FILES[r.file][1], r.file)).judgement
            if last.urn not in latest_full or latest_full[last.urn][0] < last.date:
                latest_full[last.urn] = (last.date, str(words))
    frame = _frame_2025({urn: words for urn, (_day, words) in latest_full.items()})
    assert _compare(register_shares(imported.db), frame) > 500
