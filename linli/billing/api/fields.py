"""Fields and small serializers the billing API modules share. Amounts travel as strings with
two decimals; rates with two to four."""

from decimal import Decimal

from rest_framework import serializers

from linli.core.dates import parse_period
from linli.core.errors import ValidationFailed

from ..formats import format_rate


def money_field(**kwargs):
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


class RateField(serializers.DecimalField):
    """A rate: up to four places in, at least two out ("0.40", "0.125")."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=12, decimal_places=4, min_value=Decimal("0"), max_value=Decimal("100000"),
                         **kwargs)

    def to_representation(self, value):
        return format_rate(value)


class PeriodSerializerField(serializers.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "YYYY-MM")
        super().__init__(max_length=7, **kwargs)

    def to_internal_value(self, data):
        try:
            return str(parse_period(super().to_internal_value(data)))
        except ValidationFailed as exc:
            raise serializers.ValidationError(exc.fields["period"]) from None


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)
