"""Random and malformed input for every reader and validator (property-based, hypothesis).

Each target takes what hypothesis makes (cells, rows, whole files, forms) and must
either return or raise a :class:`~placement_desk.errors.UserError`: any other exception
is a fault. The import targets also check that a refused file leaves the database
exactly as it was (no partial write). ``tests/test_property_inputs.py`` runs every target
with a few dozen examples in ``make test``; ``make bench`` runs many more and records how
many inputs were tried (``bench/results.json``).

A new reader or validator (the spreadsheet import, for one) adds a target to
:func:`targets`.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from placement_desk.errors import UserError

TRIED: Counter[str] = Counter()
"""Inputs tried, by target."""

# -- what goes in a cell ---------------------------------------------------------------------

_nasty_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "NULL", "=cmd|' /C calc'!A0", "31/02/2024", "2024-13-01",
                     "00/00/0000", "1e308", "-0", "NaN", "inf", "\x00", "\ufeff", "😀",
                     "SC123456", "K2", "X1", "E09000029", "SW1A 1AA", "£1,234.50",
                     "9" * 40, "a" * 300, "\r\n", '"', "'", ";", "\t"]),
)
_cell = st.one_of(
    _nasty_text, st.none(), st.booleans(),
    st.integers(min_value=-(2 ** 63), max_value=2 ** 63),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)),
)


def _tolerate(name: str, fn: Callable[..., Any], *args: Any,
              refusals: tuple[type[BaseException], ...] = (UserError,), **kwargs: Any) -> Any:
    """Call ``fn``; a refusal of the kind it documents (a UserError for everything a
    person or a file reaches; a ValueError from the cell parsers, whose callers turn it
    into a row's problem) is an answer; anything else fails the property."""
    TRIED[name] += 1
    try:
        return fn(*args, **kwargs)
    except refusals:
        return None


def _csv_text(headings: list[str], rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headings)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue()


def _rows_for(headings: list[str], max_rows: int = 8) -> st.SearchStrategy[list[list[Any]]]:
    return st.lists(st.lists(_cell, min_size=0, max_size=len(headings) + 2),
                    max_size=max_rows)


def _maybe_headings(real: list[str]) -> st.SearchStrategy[list[str]]:
    """The real headings, a shuffled or partial set, or random ones."""
    return st.one_of(
        st.just(real),
        st.permutations(real),
        st.lists(st.sampled_from(real), min_size=1, max_size=len(real)),
        st.lists(st.text(max_size=12), min_size=1, max_size=6),
    )


def _held(db: Any) -> str:
    """What the database holds: its file's bytes, or on a server every table's rows."""
    if db.path is not None:
        return _digest(db.path)
    from sqlalchemy import inspect

    digest = hashlib.sha256()
    with db.engine.connect() as con:
        for table in sorted(inspect(con).get_table_names()):
            rows = sorted(map(repr, con.exec_driver_sql(f'SELECT * FROM "{table}"')))
            digest.update(repr((table, rows)).encode())
    return digest.hexdigest()


def _digest(path: Path) -> str:
    import sqlite3

    con = sqlite3.connect(str(path))
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        rows = [con.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in tables]
    finally:
        con.close()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


# -- the targets ---------------------------------------------------------------------------------

def targets(work: Path, examples: int, db: Any) -> dict[str, Callable[[], None]]:
    """Every target as a function running ``examples`` inputs (``db``: an open database
    for the validators and imports that need one)."""
    from placement_desk.io import (
        ofsted_files,
        postcode_files,
        ssda903_files,
        ssda903_records,
        tabular,
    )
    from placement_desk.io.ssda903_rows import parse_episode_row, parse_header_row
    from placement_desk.services.common import entry
    from placement_desk.services.common.formatting import parse_date_short

    run = settings(max_examples=examples, deadline=None, database=None,
                   suppress_health_check=list(HealthCheck))
    found: dict[str, Callable[[], None]] = {}

    def target(fn: Callable[[], None]) -> Callable[[], None]:
        found[fn.__name__] = fn
        return fn

    @target
    @run
    @given(_cell)
    def cells(value: Any) -> None:
        _tolerate("cells", tabular.parse_int, value, refusals=(ValueError,))
        _tolerate("cells", tabular.parse_date, value, refusals=(ValueError,))

    @target
    @run
    @given(_nasty_text)
    def typed_entries(text: str) -> None:
        # The form fields' readers refuse with EntryError, shown beside the field.
        typed = (entry.EntryError, UserError)
        _tolerate("typed_entries", entry.read_date, text, refusals=typed)
        _tolerate("typed_entries", entry.read_money, text, refusals=typed)
        _tolerate("typed_entries", entry.read_number, text, refusals=typed)
        _tolerate("typed_entries", parse_date_short, text, refusals=(ValueError,))

    header_columns = {name: i for i, name in enumerate(
        ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"])}
    episode_names = list(ssda903_records.EPISODE_COLUMNS)
    episode_columns = {name: i for i, name in enumerate(episode_names)}

    @target
    @run
    @given(st.lists(_cell, max_size=20), st.integers(min_value=0, max_value=10 ** 7))
    def ssda903_rows(row: list[Any], number: int) -> None:
        _tolerate("ssda903_rows", parse_header_row, "header.csv", number, row,
                  header_columns)
        _tolerate("ssda903_rows", parse_episode_row, "episodes.csv", number,
                  row, episode_columns)

    @target
    @run
    @given(_maybe_headings(list(header_columns)), _rows_for(list(header_columns)),
           _maybe_headings(episode_names), _rows_for(episode_names))
    def ssda903_files_read(head: list[str], head_rows: list[list[Any]],
                           spells: list[str], spell_rows: list[list[Any]]) -> None:
        header = work / "fuzz-header.csv"
        episodes = work / "fuzz-episodes.csv"
        header.write_text(_csv_text(head, head_rows), encoding="utf-8")
        episodes.write_text(_csv_text(spells, spell_rows), encoding="utf-8")
        _tolerate("ssda903_files", ssda903_files.read_header_file, header)
        _tolerate("ssda903_files", ssda903_files.read_episodes_file, episodes)

    ofsted_names = ["URN", "Provider type", "Setting name", "Registration status",
                    "Overall experiences and progress of children and young people",
                    "Inspection date", "Local authority", "Places", "Provider subtype",
                    "Sector", "Registration date"]

    @target
    @run
    @given(_maybe_headings(ofsted_names), _rows_for(ofsted_names), st.booleans())
    def ofsted_file(head: list[str], rows: list[list[Any]], titled: bool) -> None:
        path = work / "Provider level data as at 31 March 2025.csv"
        text = _csv_text(head, rows)
        if titled:
            text = "Children's social care data in England 2025\n\n" + text
        path.write_text(text, encoding="utf-8")
        _tolerate("ofsted_file", ofsted_files.read_ofsted_file, path)

    postcode_names = ["pcds", "oseast1m", "osnrth1m", "lat", "long", "oslaua", "oscty"]

    @target
    @run
    @given(_maybe_headings(postcode_names), _rows_for(postcode_names))
    def postcode_file(head: list[str], rows: list[list[Any]]) -> None:
        path = work / "fuzz-postcodes.csv"
        path.write_text(_csv_text(head, rows), encoding="utf-8")

        def read_all() -> None:
            for _chunk in postcode_files.read_postcode_file(path):
                pass

        _tolerate("postcode_file", read_all)

    @target
    @run
    @given(st.binary(max_size=600), st.sampled_from([".csv", ".xlsx", ".ods", ".zip"]))
    def garbage_files(data: bytes, suffix: str) -> None:
        path = work / f"fuzz-garbage{suffix}"
        path.write_bytes(data)
        _tolerate("garbage_files", ssda903_files.read_header_file, path)
        _tolerate("garbage_files", ofsted_files.read_ofsted_file, path)

        def read_all() -> None:
            for _chunk in postcode_files.read_postcode_file(path):
                pass

        _tolerate("garbage_files", read_all)

    if db is not None:
        _database_targets(found, run, work, db)
    return found


def _database_targets(found: dict[str, Callable[[], None]], run: Any, work: Path,
                      db: Any) -> None:
    from placement_desk.models.enums import CommissioningRoute, SettingType, Sex
    from placement_desk.services.common.council_settings import (
        load_council_settings,
        validate_council_settings,
    )
    from placement_desk.services.placements.episodes import validate_child, validate_episode
    from placement_desk.services.placements.form_checks import ChildForm, EpisodeForm
    from placement_desk.services.placements.ssda903_import import import_ssda903
    from placement_desk.services.register.settings import SettingForm, validate_setting

    text = st.one_of(st.none(), _nasty_text)
    day = st.one_of(st.none(), st.dates(min_value=dt.date(1, 1, 1),
                                        max_value=dt.date(9999, 12, 31)))
    today = dt.date(2026, 3, 31)

    def target(fn: Callable[[], None]) -> Callable[[], None]:
        found[fn.__name__] = fn
        return fn

    @target
    @run
    @given(st.builds(ChildForm, case_ref=_nasty_text, date_of_birth=day,
                     sex=st.one_of(st.none(), st.sampled_from(list(Sex))), ethnicity=text,
                     legal_status=text, home_postcode=text,
                     needs_level=st.one_of(st.none(), st.integers()),
                     personal_adviser=text, notes=text))
    def child_forms(form: Any) -> None:
        _tolerate("child_forms", validate_child, db, form, None, today)

    @target
    @run
    @given(st.builds(EpisodeForm, child_id=st.one_of(st.none(), st.uuids()), start_date=day,
                     end_date=day, placement_type=_nasty_text, reason_new_episode=text,
                     legal_status=text, category_of_need=text, place_provider=text,
                     reason_ceased=text, home_postcode=text, placement_postcode=text,
                     urn=text, distance_miles=st.one_of(st.none(), st.floats()),
                     commissioning_route=st.one_of(st.none(),
                                                   st.sampled_from(list(CommissioningRoute))),
                     route_reason=text))
    def episode_forms(form: Any) -> None:
        _tolerate("episode_forms", validate_episode, db, form)

    @target
    @run
    @given(st.builds(SettingForm, name=_nasty_text,
                     setting_type=st.sampled_from(list(SettingType)), urn=text,
                     places=st.one_of(st.none(), st.integers()), registration_date=day,
                     closed_date=day, address1=text, postcode=text, notes=text))
    def setting_forms(form: Any) -> None:
        _tolerate("setting_forms", validate_setting, db, form, None)

    base = load_council_settings(db)

    @target
    @run
    @given(st.fixed_dictionaries({
        "council_name": _nasty_text, "local_authority_code": _nasty_text,
        "review_interval_months": st.integers(), "ending_soon_months": st.integers(),
        "extension_warning_days": st.integers()}))
    def council_settings(changes: dict[str, Any]) -> None:
        form = dataclasses.replace(base, **changes)
        _tolerate("council_settings", validate_council_settings, form)

    header_names = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
    from placement_desk.io.ssda903_records import EPISODE_COLUMNS

    @target
    @settings(max_examples=max(3, run.max_examples // 10), deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(_rows_for(header_names, 5), _rows_for(list(EPISODE_COLUMNS), 5))
    def ssda903_import(head_rows: list[list[Any]], spell_rows: list[list[Any]]) -> None:
        header = work / "import-header.csv"
        episodes = work / "import-episodes.csv"
        header.write_text(_csv_text(header_names, head_rows), encoding="utf-8")
        episodes.write_text(_csv_text(list(EPISODE_COLUMNS), spell_rows), encoding="utf-8")
        db.engine.dispose()
        before = _held(db)
        TRIED["ssda903_import"] += 1
        try:
            import_ssda903(db, header, episodes, today=today)
        except UserError:
            db.engine.dispose()
            assert _held(db) == before, "a refused import changed the database"


    from placement_desk.services.spreadsheets.importing import ImportPlan, prepare, run_import
    from placement_desk.services.spreadsheets.kinds import IMPORTABLE

    kinds = {k.name: [f.label for f in k.import_fields] for k in IMPORTABLE}

    @target
    @settings(max_examples=max(3, run.max_examples // 5), deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(sorted(kinds)), st.data())
    def sheet_import(kind: str, data: Any) -> None:
        headings = data.draw(_maybe_headings(kinds[kind]))
        rows = data.draw(_rows_for(headings, 5))
        path = work / f"sheet-{kind}.csv"
        path.write_text(_csv_text(headings, rows), encoding="utf-8")
        db.engine.dispose()
        before = _held(db)
        TRIED["sheet_import"] += 1
        try:
            result = run_import(db, prepare(db, ImportPlan(path, kind)), commit=True,
                                today=today)
        except UserError:
            db.engine.dispose()
            assert _held(db) == before, "a refused import changed the database"
            return
        if result.errors:
            db.engine.dispose()
            assert not result.committed and _held(db) == before, \
                "an import with errors changed the database"


def fuzz_all(examples: int, db: Any = None) -> Counter[str]:
    """Run every target; returns the inputs tried by target. Raises on the first fault."""
    TRIED.clear()
    with tempfile.TemporaryDirectory() as tmp:
        for fn in targets(Path(tmp), examples, db).values():
            fn()
    return Counter(TRIED)
