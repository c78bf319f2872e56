"""Writing tables to .xlsx and .csv: exports of any list and blank import templates.

Every file carries the protective marking (:data:`MARKING`) in its first row and, in a
workbook, in the printed page's header and footer; a title row names what was exported,
with its filter and the date; then the headings and the rows. A workbook has real dates
(dd/mm/yyyy) and money (£1,234.50), the heading row frozen with an autofilter, and
columns as wide as their contents. A template has no rows but drop-down lists for coded
columns (their values on a hidden sheet, as Excel refuses lists longer than 255
characters written in the rule itself) and date checks on date columns.

Formula injection: a workbook's text is written as inline text cells, which Excel and
LibreOffice never run as a formula, and text that looks like one (beginning ``=``, ``+``,
``-``, ``@``, tab or carriage return) also gets Excel's "quote prefix" so that editing the
cell keeps it text. In a CSV file such text is prefixed with an apostrophe, as OWASP
advises (the importer takes it off again). Numbers stay numbers.

The workbook is written here as a stream of XML (SpreadsheetML), not through a library
that builds a cell object per value: 100,000 rows take seconds and little memory. Files
are written under a temporary name and renamed when complete
(:func:`~placement_desk.io.table_export.write_atomically`).
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Literal

from ...progress import NULL_STATE, TaskState
from ..safety import MAX_TEXT, clean_text
from ..table_export import write_atomically
from .reading import FORMULA_START, column_letter

MARKING = "OFFICIAL-SENSITIVE"
"""The Government Security Classification marking of everything about children."""

ColumnKind = Literal["text", "date", "datetime", "money", "percent", "number", "int", "bool"]

TEMPLATE_ROWS = 5000
"""How many rows of a template carry its drop-downs and date checks."""


@dataclass(frozen=True)
class Column:
    """A column to write: its heading, what its values are, and (for a template) the
    values a drop-down offers. Money is given in pence, percentages in basis points."""

    heading: str
    kind: ColumnKind = "text"
    choices: tuple[str, ...] = ()
    required: bool = False


@dataclass
class Table:
    """A sheet to write."""

    name: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[object]] = ()
    title: str = ""
    total: int = 0
    """How many rows (for progress), when known."""
    template: bool = False
    """A blank template: drop-downs and date checks on the first :data:`TEMPLATE_ROWS`."""
    marking: str = MARKING
    extra: list[str] = field(default_factory=list)
    """Lines of notes under the title (a template's instructions)."""


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_START)


def _clean(value: str) -> str:
    value = clean_text(value)
    if len(value) > MAX_TEXT:
        value = value[:MAX_TEXT - 1] + "\u2026"
    return value


def write_table(path: str | Path, table: Table, state: TaskState = NULL_STATE) -> Path:
    """One table to .xlsx or .csv (by the name's ending), written whole or not at all."""
    return write_tables(path, [table], state)


def write_tables(path: str | Path, tables: Sequence[Table],
                 state: TaskState = NULL_STATE) -> Path:
    """Tables as the sheets of one .xlsx (a .csv takes the first), written whole or not
    at all."""

    def write(tmp: Path) -> None:
        if tmp.suffix.lower() == ".csv":
            _write_csv(tmp, tables[0], state)
        else:
            _write_xlsx(tmp, tables, state)

    return write_atomically(path, write)


# -- CSV -------------------------------------------------------------------------------------

def csv_text(value: object, kind: ColumnKind) -> object:
    """A value as a CSV cell: dates dd/mm/yyyy, money £1,234.50, text kept from running
    as a formula; numbers as numbers."""
    if value is None or value == "":
        return ""
    if kind == "money" and isinstance(value, int | float) and not isinstance(value, bool):
        return f"-£{-value / 100:,.2f}" if value < 0 else f"£{value / 100:,.2f}"
    if kind == "percent" and isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value / 100:g}%"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int | float):
        return value
    text = _clean(str(value))
    return "'" + text if is_formula_like(text) else text


def _write_csv(path: Path, table: Table, state: TaskState) -> None:
    kinds = [c.kind for c in table.columns]
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        if table.marking:
            writer.writerow([table.marking])
        if table.title:
            writer.writerow([csv_text(table.title, "text")])
        for line in table.extra:
            writer.writerow([csv_text(line, "text")])
        writer.writerow([csv_text(c.heading, "text") for c in table.columns])
        for i, row in enumerate(table.rows, 1):
            writer.writerow([csv_text(v, k) for v, k in zip(row, kinds, strict=False)])
            if i % 2000 == 0:
                state.check_cancelled()
                state.progress("Writing rows", i, table.total)


# -- XLSX ------------------------------------------------------------------------------------

_EPOCH = dt.date(1899, 12, 30)
_EPOCH_DT = dt.datetime(1899, 12, 30)
_DEFAULT, _DATE, _MONEY, _HEAD, _MARK, _TITLE, _QUOTED, _DATETIME, _PERCENT, _NOTE = range(10)
_STYLE = {"date": _DATE, "money": _MONEY, "datetime": _DATETIME, "percent": _PERCENT}

_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="4"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
    '<numFmt numFmtId="165" formatCode="&quot;£&quot;#,##0.00"/>'
    '<numFmt numFmtId="166" formatCode="dd/mm/yyyy hh:mm"/>'
    '<numFmt numFmtId="167" formatCode="0.00%"/></numFmts>'
    '<fonts count="4"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="13"/><name val="Calibri"/><family val="2"/></font>'
    '<font><i/><sz val="10"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFF3F2F1"/><bgColor indexed="64"/>'
    '</patternFill></fill></fills>'
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '<border><left/><right/><top/><bottom style="thin"><color rgb="FF0B0C0C"/></bottom>'
    '<diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    '</cellStyleXfs>'
    '<cellXfs count="10">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" '
    'applyFill="1" applyBorder="1" applyAlignment="1"><alignment wrapText="1" '
    'vertical="top"/></xf>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" '
    'quotePrefix="1"/>'
    '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="167" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="3" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    '</cellStyles></styleSheet>')

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_RNS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;",
                          '"': "&quot;"})


def _esc(text: str) -> str:
    return text.translate(_ESCAPES)


def _text_cell(ref: str, value: str, style: int = _DEFAULT) -> str:
    value = _clean(value)
    if is_formula_like(value) and style == _DEFAULT:
        style = _QUOTED
    s = f' s="{style}"' if style else ""
    space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{_esc(value)}</t></is></c>'


def _cell(ref: str, value: object, kind: ColumnKind) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _text_cell(ref, "Yes" if value else "No")
    if isinstance(value, dt.datetime):
        serial = (value - _EPOCH_DT).total_seconds() / 86400
        return f'<c r="{ref}" s="{_DATETIME}"><v>{serial!r}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="{_DATE}"><v>{(value - _EPOCH).days}</v></c>'
    if isinstance(value, int | float):
        if kind == "money":
            return f'<c r="{ref}" s="{_MONEY}"><v>{value / 100!r}</v></c>'
        if kind == "percent":
            return f'<c r="{ref}" s="{_PERCENT}"><v>{value / 10000!r}</v></c>'
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    return _text_cell(ref, str(value))


def _width(column: Column, sample: list[Sequence[object]], index: int) -> float:
    longest = max((len(w) for w in column.heading.split()), default=4) + 2
    for row in sample:
        value = row[index] if index < len(row) else None
        if value is None:
            continue
        if isinstance(value, dt.datetime):
            size = 16
        elif isinstance(value, dt.date):
            size = 10
        elif column.kind == "money" and isinstance(value, int | float):
            size = len(f"£{value / 100:,.2f}")
        else:
            size = len(str(value))
        longest = max(longest, size)
    return float(min(max(longest + 2, 8), 60))


@dataclass
class _SheetPart:
    xml_name: str
    name: str
    hidden: bool
    filter_ref: str = ""


def _write_xlsx(path: Path, tables: Sequence[Table], state: TaskState) -> None:
    parts: list[_SheetPart] = []
    lists: list[tuple[str, tuple[str, ...]]] = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        for n, table in enumerate(tables, 1):
            name = _sheet_name(table.name, [p.name for p in parts])
            part = _SheetPart(f"sheet{n}.xml", name, False)
            with book.open(f"xl/worksheets/{part.xml_name}", "w", force_zip64=True) as out:
                part.filter_ref = _write_sheet(out, table, state, lists)
            parts.append(part)
        if lists:
            part = _SheetPart(f"sheet{len(parts) + 1}.xml", "Lists", True)
            width = max(len(values) for _h, values in lists)
            columns = [Column(h) for h, _v in lists]
            rows = [[values[i] if i < len(values) else None for _h, values in lists]
                    for i in range(width)]
            with book.open(f"xl/worksheets/{part.xml_name}", "w", force_zip64=True) as out:
                _write_sheet(out, Table("Lists", columns, rows, marking=""), state, [])
            parts.append(part)
        _write_package(book, parts)


def _sheet_name(name: str, taken: list[str]) -> str:
    clean = "".join(ch for ch in clean_text(name) if ch not in '[]:*?/\\')[:31] or "Sheet"
    base, n = clean, 2
    while clean.casefold() in (t.casefold() for t in taken):
        clean = f"{base[:28]} {n}"
        n += 1
    return clean


def _write_sheet(out: IO[bytes], table: Table, state: TaskState,
                 lists: list[tuple[str, tuple[str, ...]]]) -> str:
    """The sheet's XML; returns its autofilter range."""
    columns = list(table.columns)
    letters = [column_letter(i) for i in range(max(len(columns), 1))]
    rows = iter(table.rows)
    sample = list(itertools.islice(rows, 200))
    top = [line for line in (table.marking, table.title, *table.extra) if line]
    head_row = len(top) + 1
    frozen = (f'<pane ySplit="{head_row}" topLeftCell="A{head_row + 1}" activePane="bottomLeft"'
              ' state="frozen"/><selection pane="bottomLeft" activeCell="A'
              f'{head_row + 1}" sqref="A{head_row + 1}"/>')
    cols = "".join(
        f'<col min="{i + 1}" max="{i + 1}" width="{_width(c, sample, i)}" customWidth="1"'
        + (f' style="{_STYLE[c.kind]}"' if table.template and c.kind in _STYLE else "") + "/>"
        for i, c in enumerate(columns))
    out.write((f"{_XML}<worksheet {_NS} {_RNS}><sheetViews><sheetView workbookViewId=\"0\">"
               f"{frozen}</sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/>"
               + (f"<cols>{cols}</cols>" if cols else "") + "<sheetData>").encode())
    styles = [_MARK, _TITLE] if table.marking else [_TITLE]
    for r, line in enumerate(top, 1):
        style = styles[r - 1] if r - 1 < len(styles) else _NOTE
        out.write(f'<row r="{r}">{_text_cell(f"A{r}", line, style)}</row>'.encode())
    out.write((f'<row r="{head_row}">' + "".join(
        _text_cell(f"{letters[i]}{head_row}", c.heading, _HEAD) for i, c in enumerate(columns))
               + "</row>").encode())
    kinds = [c.kind for c in columns]
    r = head_row
    chunk: list[str] = []
    for r, row in enumerate(itertools.chain(sample, rows), head_row + 1):
        chunk.append(f'<row r="{r}">' + "".join(
            _cell(f"{letters[i]}{r}", value, kinds[i])
            for i, value in enumerate(row[:len(kinds)]) if value is not None and value != "")
            + "</row>")
        if len(chunk) == 1000:
            out.write("".join(chunk).encode())
            chunk.clear()
            done = r - head_row
            state.check_cancelled()
            state.progress("Writing rows", done, table.total or done)
    out.write("".join(chunk).encode())
    last = max(r, head_row + 1)
    filter_ref = f"A{head_row}:{letters[len(columns) - 1]}{last}" if columns else ""
    tail = ["</sheetData>"]
    if filter_ref and table.marking:
        tail.append(f'<autoFilter ref="{filter_ref}"/>')
    if table.template:
        tail.append(_validations(columns, letters, head_row, lists))
    tail.append('<pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" '
                'footer="0.3"/><pageSetup orientation="landscape" paperSize="9"/>')
    if table.marking:
        mark = _esc(table.marking)
        tail.append(f'<headerFooter><oddHeader>&amp;C&amp;"-,Bold"{mark}</oddHeader>'
                    f"<oddFooter>&amp;L{mark}&amp;RPage &amp;P of &amp;N</oddFooter>"
                    "</headerFooter>")
    tail.append("</worksheet>")
    out.write("".join(tail).encode())
    return filter_ref if table.marking else ""


def _validations(columns: list[Column], letters: list[str], head_row: int,
                 lists: list[tuple[str, tuple[str, ...]]]) -> str:
    first, last = head_row + 1, head_row + TEMPLATE_ROWS
    rules = []
    for i, column in enumerate(columns):
        where = f"{letters[i]}{first}:{letters[i]}{last}"
        if column.choices:
            lists.append((column.heading, column.choices))
            at = column_letter(len(lists) - 1)
            source = f"Lists!${at}$2:${at}${len(column.choices) + 1}"
            rules.append(
                f'<dataValidation type="list" allowBlank="1" showErrorMessage="1" '
                f'errorTitle="{_esc(column.heading[:32])}" error="Choose a value from the '
                f'list." sqref="{where}"><formula1>{_esc(source)}</formula1></dataValidation>')
        elif column.kind == "date":
            rules.append(
                f'<dataValidation type="date" operator="between" allowBlank="1" '
                f'showErrorMessage="1" showInputMessage="1" promptTitle="Date" '
                f'prompt="A date, dd/mm/yyyy" errorTitle="Not a date" error="Enter a date '
                f'as dd/mm/yyyy." sqref="{where}"><formula1>1</formula1>'
                f"<formula2>2958465</formula2></dataValidation>")
    if not rules:
        return ""
    return f'<dataValidations count="{len(rules)}">{"".join(rules)}</dataValidations>'


def _write_package(book: zipfile.ZipFile, parts: list[_SheetPart]) -> None:
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/{p.xml_name}" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for p in parts)
    book.writestr("[Content_Types].xml", (
        f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"'
        f'/>{overrides}<Override PartName="/docProps/core.xml" ContentType="application/'
        'vnd.openxmlformats-package.core-properties+xml"/></Types>'))
    book.writestr("_rels/.rels", (
        f'{_XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
        'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        '</Relationships>'))
    book.writestr("docProps/core.xml", (
        f'{_XML}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/'
        f'XMLSchema-instance"><dc:creator>Placement Desk</dc:creator><cp:keywords>{MARKING}'
        f'</cp:keywords><cp:contentStatus>{MARKING}</cp:contentStatus>'
        '</cp:coreProperties>'))
    sheets = "".join(
        f'<sheet name="{_esc(p.name)}" sheetId="{i}"'
        + (' state="hidden"' if p.hidden else "") + f' r:id="rId{i}"/>'
        for i, p in enumerate(parts, 1))
    names = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
        f"'{_esc(p.name)}'!{_absolute(p.filter_ref)}</definedName>"
        for i, p in enumerate(parts) if p.filter_ref)
    book.writestr("xl/workbook.xml", (
        f'{_XML}<workbook {_NS} {_RNS}><bookViews><workbookView activeTab="0"/></bookViews>'
        f"<sheets>{sheets}</sheets>"
        + (f"<definedNames>{names}</definedNames>" if names else "") + "</workbook>"))
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/'
        f'2006/relationships/worksheet" Target="worksheets/{p.xml_name}"/>'
        for i, p in enumerate(parts, 1))
    book.writestr("xl/_rels/workbook.xml.rels", (
        f'{_XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'relationships">{rels}<Relationship Id="rId{len(parts) + 1}" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        "</Relationships>"))
    book.writestr("xl/styles.xml", _STYLES)


def _absolute(ref: str) -> str:
    first, last = ref.split(":")
    return ":".join("$" + "".join(ch for ch in part if ch.isalpha()) + "$"
                    + "".join(ch for ch in part if ch.isdigit()) for part in (first, last))


def rows_of(values: Iterable[Sequence[object]]) -> Iterator[Sequence[object]]:
    """Rows as given (a helper for callers passing generators)."""
    yield from values
