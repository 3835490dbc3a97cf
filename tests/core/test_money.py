from decimal import Decimal

import pytest

from linli.core.errors import ValidationFailed
from linli.core.money import money


@pytest.mark.parametrize("value, expected", [("0.125", "0.13"), ("0.135", "0.14"), ("-0.125", "-0.13"),
                                             (Decimal("22.344"), "22.34"), (3, "3.00")])
def test_money_rounds_half_up_to_the_fen(value, expected):
    assert money(value) == Decimal(expected)


def test_money_refuses_float():
    with pytest.raises(TypeError):
        money(0.1)


def test_money_rejects_garbage_with_a_validation_error():
    with pytest.raises(ValidationFailed):
        money("abc")
