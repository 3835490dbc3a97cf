"""Money with thousands separators in Chinese as in English, and rates clamped to a chart's 0–100
axis (issue 17 §7)."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from linli.core.charts import axis_percent

MONEY = Template('{{ v|floatformat:"2g" }}')


def shown(value, language):
    with translation.override(language):
        return MONEY.render(Context({"v": value}))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(("value", "text"), [
    (Decimal("16398665.17"), "16,398,665.17"),
    (Decimal("1000.00"), "1,000.00"),
    (Decimal("999.99"), "999.99"),
    (Decimal("-1234567.8"), "-1,234,567.80"),
    (Decimal("0"), "0.00"),
    # Decimal to the fen: no float on the way (a float would print 0.30000000000000004 · 100).
    (Decimal("12345678901234.56"), "12,345,678,901,234.56"),
])
def test_money_groups_thousands_in_both_languages(language, value, text):
    assert shown(value, language) == text


def test_grouping_is_only_where_a_template_asks_for_it():
    with translation.override("zh-hans"):
        assert Template("{{ v }} {{ y }}").render(Context({"v": Decimal("16398665.17"), "y": 2026})) == \
            "16398665.17 2026"


@pytest.mark.parametrize(("value", "drawn"), [
    (Decimal("85.00"), "85.00"),
    ("100.0", "100.0"),
    (Decimal("100.01"), "100"),
    (Decimal("120"), "100"),
    ("-3", "0"),
    (0, "0"),
    (Decimal("0.5"), "0.5"),
    (99.5, "99.5"),
])
def test_a_rate_is_clamped_to_its_axis(value, drawn):
    assert axis_percent(value) == drawn


@pytest.mark.parametrize("value", [None, "", "—", "abc", "NaN", "Infinity"])
def test_a_missing_rate_is_a_gap_not_zero(value):
    assert axis_percent(value) is None
