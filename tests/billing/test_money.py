"""Amounts in Chinese capital numerals (大写金额) and the integer-fen money column."""

from decimal import Decimal

import pytest
from django.db import connection

from linli.billing.models import Bill
from linli.core.money import chinese_amount


@pytest.mark.parametrize("amount, words", [
    ("22.34", "贰拾贰元叁角肆分"),
    ("100.00", "壹佰元整"),
    ("1001.01", "壹仟零壹元零壹分"),
    ("10.00", "壹拾元整"),
    ("0.05", "伍分"),
    ("0.50", "伍角"),
    ("0.00", "零元整"),
    ("100000.00", "壹拾万元整"),
    ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
    ("1010.10", "壹仟零壹拾元壹角"),
    ("105000.00", "壹拾万伍仟元整"),
    ("100500.00", "壹拾万零伍佰元整"),
    ("10000100.00", "壹仟万零壹佰元整"),
    ("100001000.00", "壹亿零壹仟元整"),
    ("100010000.00", "壹亿零壹万元整"),
    ("-12.30", "负壹拾贰元叁角"),
])
def test_amounts_in_capital_numerals(amount, words):
    assert chinese_amount(Decimal(amount)) == words


def test_money_is_stored_in_whole_fen_and_read_back_exactly(world):
    """22.555 yuan cannot be a bill; 22.55 written and read is 22.55 on every database."""
    bill = Bill.objects.create(community=world.community, unit=world.units["u1"], period="2026-01",
                               amount=Decimal("22.55"))
    bill.refresh_from_db()
    assert bill.amount == Decimal("22.55") and str(bill.amount) == "22.55"
    assert Bill.objects.filter(amount=Decimal("22.55")).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT amount FROM billing_bill WHERE id = %s", [bill.pk])
        assert cursor.fetchone()[0] == 2255
