"""Importing a team's spreadsheet: the plan (file, sheet, header row, mapping), the check
of every row, and the commit as one undoable batch.

:func:`prepare` opens the file (refusing what is unsafe or not a table), chooses the sheet
and its header row and works out the mapping (a saved profile, or a guess by heading and
content). :func:`run_import` reads every row, turns each cell into its field's value and
saves the row through the kind's writer, which applies the services' own rules, inside one
transaction. A preview (``commit=False``) does all of it and rolls back, so that it finds
exactly what a commit would; a commit with any error, a cancel or a failure rolls back
too, leaving the database as it was. Problems say where (sheet, row, column) and what is
wrong, never the values. A commit is recorded as a batch; :func:`undo_last_batch` takes
the last one back from the audit trail.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
import itertools
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Date, DateTime, Table, Uuid, func, select, update
from sqlalchemy.orm import Session

from ...audit import bulk_updated, chain_rows
from ...db import Database, note_written
from ...errors import FileFormatError, UserError, ValidationError
from ...io.spreadsheets.reading import (
    Book,
    DataRow,
    Header,
    column_letter,
    data_rows,
    find_header,
    first_rows,
    header_at,
    open_book,
    with_merges,
)
from ...io.tabular import SheetSource, heading_key
from ...models import AuditEvent, Base, ImportBatch, utcnow
from ...models.enums import AuditAction
from ...progress import NULL_STATE, TaskState
from ..common.backups import import_backup
from ..common.settings_store import IMPORT_MAX_MB, read_setting
from .kinds import Kind, field_for, kind_named
from .mapping import (
    columns_from_profile,
    guess_columns,
    load_profile,
    missing_required,
    score_headings,
)
from .values import CellError, Field, converter

Level = Literal["error", "warning"]
SAMPLE_ROWS = 30


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem with the file: where (sheet, row as a spreadsheet shows it, column) and
    what, in words, without the cell's value."""

    level: Level
    sheet: str
    row: int
    column: str
    message: str

    def text(self) -> str:
        where = f"sheet {self.sheet}, row {self.row}" + (f", column {self.column}"
                                                         if self.column else "")
        return f"{self.level.capitalize()}: {where}: {self.message}"


@dataclass
class ImportPlan:
    """What to import and how; left as None, the sheet, header row and mapping are found."""

    path: Path
    kind: str
    sheet: str | None = None
    header_row: int | None = None
    """The header's row as a spreadsheet shows it (1-based)."""
    columns: dict[int, str] | None = None
    """Column index (0 for A) → field name."""
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    """Field name → {heading key of a text → stored code}."""
    profile: str | None = None


@dataclass
class Prepared:
    """A plan worked out against its file: everything the wizard shows before a preview."""

    plan: ImportPlan
    kind: Kind
    book: Book
    sheet: SheetSource
    header: Header
    columns: dict[int, str]
    values: dict[str, dict[str, str]]
    sample: list[list[Any]]

    @property
    def headings(self) -> list[str]:
        return self.header.headings


@dataclass
class ImportResult:
    """What an import found and, if committed, did."""

    kind: str
    file: str
    sheet: str
    header_row: int
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    committed: bool = False
    batch_id: uuid.UUID | None = None
    error_rows: dict[int, list[str]] = field(default_factory=dict)
    """Row number → its problems' messages (for the copy with an error column)."""

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.level == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if p.level == "warning")

    def as_dict(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
                if f.name not in ("problems", "error_rows", "batch_id")}
        data.update(errors=self.errors, warnings=self.warnings,
                    batch_id=str(self.batch_id) if self.batch_id else None,
                    problems=[dataclasses.asdict(p) for p in self.problems])
        return data


def max_file_bytes(db: Database) -> int:
    return int(read_setting(db, IMPORT_MAX_MB) or 50) * 1024 * 1024


def open_file(db: Database, path: Path) -> Book:
    """Open a spreadsheet to import (refusing what is unsafe, empty or over the size limit
    set), with its sheets."""
    return open_book(Path(path), max_file_bytes(db))


def best_sheet(book: Book, kind_name: str) -> str:
    """The sheet whose headings name most of the kind's fields (the first on a tie)."""
    score = score_headings(kind_named(kind_name))
    best, best_score = book.sheets[0].name, 0
    for sheet in book.sheets:
        header = find_header(with_merges(sheet), score)
        value = score(header.headings) if header else 0
        if value > best_score:
            best, best_score = sheet.name, value
    return best


def prepare(db: Database, plan: ImportPlan, book: Book | None = None) -> Prepared:
    """Open the file and work out its sheet, header row and mapping."""
    kind = kind_named(plan.kind)
    if not kind.importable:
        raise ValidationError("kind", f"{kind.label} can be exported but not imported.")
    book = book or open_book(Path(plan.path), max_file_bytes(db))
    sheet = book.sheet(plan.sheet)
    head = with_merges(sheet)
    profile = load_profile(db, kind.name, plan.profile) if plan.profile else None
    if plan.header_row is not None:
        if not 1 <= plan.header_row <= len(head):
            raise FileFormatError(f"Row {plan.header_row} is not among the sheet's first "
                                  f"{len(head)} rows.", file=book.name, sheet=sheet.name)
        header = header_at(head, plan.header_row - 1)
    elif profile is not None and profile.header_row and profile.header_row <= len(head):
        header = header_at(head, profile.header_row - 1)
    else:
        found = find_header(head, score_headings(kind))
        if found is None:
            found = _first_text_row(head)
        if found is None:
            raise FileFormatError("The sheet has no header row: no row near the top names "
                                  "its columns. Add a row of headings above the table.",
                                  file=book.name, sheet=sheet.name)
        header = found
    if not any(header.headings):
        raise FileFormatError(f"Row {header.row_number} has no headings. Choose the row that "
                              "names the columns.", file=book.name, sheet=sheet.name)
    sample = first_rows(sheet, header, SAMPLE_ROWS)
    if plan.columns is not None:
        columns = {i: n for i, n in plan.columns.items() if n}
    elif profile is not None:
        columns = columns_from_profile(profile, header.headings)
    else:
        columns = guess_columns(kind, header.headings, sample)
    values = {k: dict(v) for k, v in (profile.values if profile else {}).items()}
    for name, mapped in plan.values.items():
        values.setdefault(name, {}).update(mapped)
    return Prepared(plan, kind, book, sheet, header, columns, values, sample)


def _first_text_row(head: list[list[Any]]) -> Header | None:
    """With no heading known, the first row of text cells with at least two filled."""
    for i, row in enumerate(head):
        texts = [c for c in row if isinstance(c, str) and c.strip()]
        if len(texts) >= 2 and len(texts) == len([c for c in row if c not in (None, "")]):
            return header_at(head, i)
    return None


def check_plan(prepared: Prepared) -> None:
    """Refuse a sheet of the wrong kind, or a mapping without a required field."""
    kind, book, sheet = prepared.kind, prepared.book, prepared.sheet
    if not prepared.columns:
        raise FileFormatError(
            f"The sheet does not look like a list of {kind.label.lower()}: none of its "
            f"headings on row {prepared.header.row_number} names one of the fields. Choose "
            f"the sheet with the {kind.label.lower()}, or map its columns.",
            file=book.name, sheet=sheet.name)
    missing = missing_required(kind, prepared.columns)
    if missing:
        names = ", ".join(f.label for f in missing)
        raise FileFormatError(
            f"No column is mapped to {names}, which every {kind.label.lower()} row needs. "
            "Map a column to each, or choose the sheet that has them.",
            file=book.name, sheet=sheet.name)
    used: dict[str, int] = {}
    for index, name in sorted(prepared.columns.items()):
        if name in used:
            raise FileFormatError(
                f"Columns {column_letter(used[name])} and {column_letter(index)} are both "
                f"mapped to {kind.field(name).label}; map one of them only.",
                file=book.name, sheet=sheet.name)
        used[name] = index


_UNREADABLE = object()
"""A cell that could not be read (already reported)."""


@contextlib.contextmanager
def _objects_kept() -> Iterator[None]:
    """While every row is checked and written: the collector of reference cycles paused.
    The rows' records, ids and texts are kept until the end, and the collector would
    otherwise walk all of them again and again as they pile up (a tenth of a 100,000-row
    import's time); what the import leaves is freed as usual when it resumes."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


class _RollBack(Exception):
    """Leave the transaction without committing (a preview, or a commit with errors)."""


def run_import(db: Database, prepared: Prepared, *, commit: bool,
               state: TaskState = NULL_STATE, today: dt.date | None = None) -> ImportResult:
    """Check every row and, when ``commit`` and nothing is wrong, save them all as one
    batch. Any error, a cancel or a failure leaves the database as it was."""
    check_plan(prepared)
    today = today or dt.date.today()
    kind, book, sheet = prepared.kind, prepared.book, prepared.sheet
    result = ImportResult(kind.name, book.name, sheet.name, prepared.header.row_number)
    read_only = {k for f in kind.fields if not f.importable for k in f.keys}
    for i, heading in enumerate(prepared.headings):
        if heading and i not in prepared.columns and heading_key(heading) not in read_only:
            result.problems.append(Problem(
                "warning", sheet.name, prepared.header.row_number, _where(prepared, i),
                "This column is not mapped to a field, so it is not imported."))
    # A preview reads in a transaction that is never committed (and for placements writes
    # nothing at all), so that others can keep working while the rows are checked. A commit
    # first copies the database, as every import does; the copy is removed again if
    # nothing is committed (errors, a cancel, a failure).
    unit = db.write() if commit else db.read()
    kept = import_backup(db) if commit else contextlib.nullcontext()
    try:
        with kept, unit as session:
            before = session.scalar(select(func.max(AuditEvent.id))) or 0
            with _objects_kept():
                _check_rows(session, prepared, result, state, today, commit)
            state.check_cancelled()
            if not commit or result.errors:
                raise _RollBack
            last = session.scalar(select(func.max(AuditEvent.id))) or 0
            batch = ImportBatch(id=uuid.uuid4(), kind=kind.name, file_name=book.name[:260],
                                file_sha256=book.sha256, sheet=sheet.name[:100],
                                user=db.user, at=utcnow(), rows=result.rows,
                                created=result.created, updated=result.updated,
                                unchanged=result.unchanged,
                                counts={"created": result.created, "updated": result.updated},
                                first_audit_id=before + 1 if last > before else None,
                                last_audit_id=last if last > before else None)
            session.add(batch)
            result.batch_id = batch.id
        result.committed = True
    except _RollBack:
        pass
    return result


def _where(prepared: Prepared, index: int) -> str:
    heading = prepared.headings[index] if index < len(prepared.headings) else ""
    return f"{column_letter(index)} ({heading[:40]})" if heading else column_letter(index)


_BLOCK = 500
"""Rows read, converted (a column at a time) and saved together; an import can be
cancelled between blocks."""


def _blocks(rows: Iterator[DataRow]) -> Iterator[list[DataRow]]:
    while block := list(itertools.islice(rows, _BLOCK)):
        yield block


def _read_block(block: list[DataRow], specs: list[tuple[int, Field, Callable[[Any], Any]]]
                ) -> tuple[list[list[Any]], dict[int, list[tuple[int, Field, CellError]]]]:
    """Each mapped column of a block of rows as its field's values, a column at a time,
    and the cells that could not be read (by the row's place in the block, in the order
    of the columns), each given as unreadable."""
    width = max((i for i, _spec, _read in specs), default=-1) + 1
    cells = [d.cells if len(d.cells) >= width else d.cells + [None] * (width - len(d.cells))
             for d in block]
    by_column = list(zip(*cells, strict=False))  # rows may run past the last column mapped
    columns: list[list[Any]] = []
    unreadable: dict[int, list[tuple[int, Field, CellError]]] = {}
    for index, spec, read in specs:
        try:
            columns.append(list(map(read, by_column[index])))
        except CellError:
            values = []
            for position, value in enumerate(by_column[index]):
                try:
                    values.append(read(value))
                except CellError as exc:
                    values.append(_UNREADABLE)
                    unreadable.setdefault(position, []).append((index, spec, exc))
            columns.append(values)
    return columns, unreadable


def _check_rows(session: Session, prepared: Prepared, result: ImportResult,
                state: TaskState, today: dt.date, commit: bool) -> None:
    kind, sheet = prepared.kind, prepared.sheet
    assert kind.writer is not None
    writer = kind.writer(session, today)
    writer.prepare()
    specs = [(i, kind.field(n), converter(kind.field(n), prepared.values.get(n)))
             for i, n in sorted(prepared.columns.items())]
    column_of = {spec.name: i for i, spec, _c in specs}
    required = [(column_of[f.name], f) for f in kind.import_fields if f.required]
    seen: dict[tuple[Any, ...], int] = {}
    total = max(sheet.total_rows - prepared.header.row_number, 1)
    step = "Checking rows"

    def problem(row: int, index: int | None, message: str) -> None:
        result.problems.append(Problem("error", sheet.name, row,
                                       _where(prepared, index) if index is not None else "",
                                       message))
        result.error_rows.setdefault(row, []).append(
            (f"{prepared.headings[index] or column_letter(index)}: " if index is not None
             else "") + message)

    names = [spec.name for _i, spec, _r in specs]
    required_at = [names.index(spec.name) for _i, spec in required]
    for block in _blocks(data_rows(prepared.book, sheet, prepared.header)):
        if result.rows:
            state.check_cancelled()
            state.progress(step, result.rows, total)
        columns, unreadable = _read_block(block, specs)
        by_name = dict(zip(names, columns, strict=True))
        keys = kind.keys_of(by_name, len(block))
        incomplete = {position for c in required_at for position, value
                      in enumerate(columns[c]) if value is None}
        result.rows += len(block)
        # Each row's problems found before saving it (None for a row to save), then the
        # rows to save saved together, then each row's problems or outcome, in order.
        found: list[list[tuple[int | None, str]] | None] = [None] * len(block)
        for position in unreadable:
            found[position] = [(index, f"The {spec.label.lower()} {exc}.")
                               for index, spec, exc in unreadable[position]]
        for position in sorted(incomplete):
            missing: list[tuple[int | None, str]] = [
                (index, f"Enter the {spec.label.lower()}: every row needs one.")
                for (index, spec), c in zip(required, required_at, strict=True)
                if columns[c][position] is None]
            found[position] = (found[position] or []) + missing
        saving = []
        for position, key in enumerate(keys):
            if found[position] is not None:
                continue
            if key is not None:
                if key in seen:
                    labels = ", ".join(kind.field(k).label.lower() for k in kind.key)
                    found[position] = [(column_of.get(kind.key[-1]),
                                        f"Row {seen[key]} has the same {labels}; keep one "
                                        "row for each.")]
                    continue
                seen[key] = block[position].number
            saving.append(position)
        outcomes = iter(writer.save_rows(by_name, saving) if saving else ())
        for data_row, problems in zip(block, found, strict=True):
            if problems is not None:
                for index, message in problems:
                    problem(data_row.number, index, message)
                continue
            outcome = next(outcomes)
            if isinstance(outcome, ValidationError):
                name = field_for(kind, outcome.field)
                problem(data_row.number, column_of.get(name) if name else None,
                        outcome.message)
            elif outcome == "created":
                result.created += 1
            elif outcome == "updated":
                result.updated += 1
            else:
                result.unchanged += 1
    if commit and not result.errors:
        state.progress("Saving", 0, 1)
        writer.finish()
    if result.rows == 0:
        raise FileFormatError(f"The sheet has no rows below its header (row "
                              f"{prepared.header.row_number}).", file=prepared.book.name,
                              sheet=sheet.name)


# -- batches and undo ----------------------------------------------------------------------------

@dataclass(frozen=True)
class BatchInfo:
    id: uuid.UUID
    kind: str
    file_name: str
    sheet: str | None
    user: str
    at: dt.datetime
    rows: int
    created: int
    updated: int
    undone: bool


def last_batch(db: Database) -> BatchInfo | None:
    """The most recent import batch, undone or not."""
    with db.read() as session:
        b = session.scalar(select(ImportBatch).order_by(ImportBatch.at.desc()).limit(1))
        if b is None:
            return None
        return BatchInfo(b.id, b.kind, b.file_name, b.sheet, b.user, b.at, b.rows, b.created,
                         b.updated, b.undone_at is not None)


@dataclass(frozen=True)
class UndoResult:
    batch: BatchInfo
    deleted: int
    restored: int


def _stored_value(column: Any, value: Any) -> Any:
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, DateTime) and isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    if isinstance(kind, Date) and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if isinstance(kind, Uuid) and isinstance(value, str):
        return uuid.UUID(value)
    return value


def undo_last_batch(db: Database) -> UndoResult:
    """Take back the last import: records it added are marked deleted (or removed, for the
    parts of a record that have no deleted mark), records it changed get their values
    from before it back, from the audit trail. Refused if the batch was undone already or
    if any of its records has changed since."""
    with db.write() as session:
        batch = session.scalar(select(ImportBatch).order_by(ImportBatch.at.desc()).limit(1))
        if batch is None:
            raise UserError("There is no import to undo.")
        if batch.undone_at is not None:
            raise UserError(f"The last import ({batch.file_name}) was undone already; only "
                            "the last import can be undone.")
        events: list[AuditEvent] = []
        if batch.first_audit_id is not None and batch.last_audit_id is not None:
            events = list(session.scalars(select(AuditEvent).where(
                AuditEvent.id.between(batch.first_audit_id, batch.last_audit_id),
                AuditEvent.user == batch.user).order_by(AuditEvent.id)))
        touched = {e.entity_id for e in events}
        if touched and batch.last_audit_id is not None:
            later = 0
            ids = list(touched)
            for start in range(0, len(ids), 900):
                later += session.scalar(select(func.count()).select_from(AuditEvent).where(
                    AuditEvent.id > batch.last_audit_id,
                    AuditEvent.entity_id.in_(ids[start:start + 900]))) or 0
            if later:
                raise UserError(f"The last import ({batch.file_name}) cannot be undone: "
                                f"{later:,} changes have been made since to records it "
                                "added or changed. Change them back by hand instead.")
        now = utcnow()
        deleted = restored = 0
        created: dict[str, list[uuid.UUID]] = {}
        changes: dict[str, list[tuple[uuid.UUID, dict[str, Any], dict[str, Any]]]] = {}
        removed: list[AuditEvent] = []
        for event in reversed(events):
            if event.action == AuditAction.CREATE:
                created.setdefault(event.entity, []).append(event.entity_id)
            elif event.action == AuditAction.UPDATE and event.before is not None:
                changes.setdefault(event.entity, []).append(
                    (event.entity_id, dict(event.after or {}), dict(event.before)))
            elif event.action == AuditAction.DELETE and event.before is not None:
                removed.append(event)  # a part removed outright (a contract's provider)
        agreements = _agreements_of(session, created, changes)
        audit: Table = AuditEvent.__table__  # type: ignore[assignment]
        for event in removed:
            table = Base.metadata.tables[event.entity]
            row = {k: _stored_value(table.c[k], v) for k, v in (event.before or {}).items()
                   if k in table.c}
            row.update(id=event.entity_id, created_at=now, updated_at=now, version=1)
            if session.scalar(select(func.count()).select_from(table).where(
                    table.c.id == event.entity_id)) == 0:
                session.execute(table.insert().values(**row))
                session.execute(audit.insert(), chain_rows(session, [
                    {"at": now, "user": db.user, "action": AuditAction.RESTORE,
                     "entity": event.entity, "entity_id": event.entity_id, "before": None,
                     "after": event.before}]))
                restored += 1
                note_written(session, event.entity)
        for entity, items in changes.items():
            table = Base.metadata.tables[entity]
            for rid, _after, old in items:
                stored = {k: _stored_value(table.c[k], v) for k, v in old.items()
                          if k in table.c}
                session.execute(update(table).where(table.c.id == rid).values(
                    **stored, updated_at=now, version=table.c.version + 1))
                restored += 1
            session.execute(audit.insert(), chain_rows(session, bulk_updated(
                entity, [(rid, a, b) for rid, a, b in items],
                user=db.user, at=now)))
            note_written(session, entity)
        for entity, ids in created.items():
            table = Base.metadata.tables[entity]
            for start in range(0, len(ids), 900):
                chunk = ids[start:start + 900]
                if "deleted_at" in table.c:
                    session.execute(update(table).where(table.c.id.in_(chunk))
                                    .values(deleted_at=now, updated_at=now,
                                            version=table.c.version + 1))
                else:
                    session.execute(table.delete().where(table.c.id.in_(chunk)))
                session.execute(audit.insert(), chain_rows(session, [
                    {"at": now, "user": db.user, "action": AuditAction.DELETE,
                     "entity": entity, "entity_id": rid, "before": None,
                     "after": {"deleted_at": now.isoformat(), "undone_import":
                               str(batch.id)}} for rid in chunk]))
            deleted += len(ids)
            note_written(session, entity)
        if agreements:
            from ..agreements.fee_ledger import refresh

            refresh(session.connection(), agreements)  # drafts count for nothing; in case
        batch.undone_at, batch.undone_by = now, db.user
        info = BatchInfo(batch.id, batch.kind, batch.file_name, batch.sheet, batch.user,
                         batch.at, batch.rows, batch.created, batch.updated, True)
    return UndoResult(info, deleted, restored)


def _agreements_of(session: Session, created: Mapping[str, list[uuid.UUID]],
                   changes: Mapping[str, list[tuple[uuid.UUID, Any, Any]]]) -> set[uuid.UUID]:
    """The agreements whose records an undo touches (their fee ledger is rewritten)."""
    from ...models import AgreementVersion

    found = set(created.get("agreement", [])) | {i for i, _a, _b in changes.get("agreement",
                                                                                  [])}
    versions = list(created.get("agreement_version", [])) + [
        i for i, _a, _b in changes.get("agreement_version", [])]
    for start in range(0, len(versions), 900):
        found.update(session.scalars(select(AgreementVersion.agreement_id).where(
            AgreementVersion.id.in_(versions[start:start + 900]))))
    return found
