"""The API's list filters (django-filter), with ids and whole numbers read by linli.core.params:
`?building=99999999999999999999999` or `?unit=²` is a 400 in the error shape, never a 500.

DEFAULT_FILTER_BACKENDS names FilterBackend, so `filterset_fields` get these filters; a viewset
with its own `filterset_class` derives it from FilterSet and declares ids with IdFilter."""

import django_filters
from django.db import models
from django_filters import fields, rest_framework

from . import params


class NumberFilter(django_filters.NumberFilter):
    field_class = params.IntegerField


class IdFilter(django_filters.NumberFilter):
    field_class = params.IdField


class ModelChoiceField(params.IdChoiceMixin, fields.ModelChoiceField):
    pass


class ModelMultipleChoiceField(params.IdChoicesMixin, fields.ModelMultipleChoiceField):
    pass


class ModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = ModelChoiceField


class ModelMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = ModelMultipleChoiceField


def _replaced(defaults: dict) -> dict:
    """django-filter's defaults for each kind of model field, with our filters for numbers and references."""
    ours = {django_filters.ModelChoiceFilter: ModelChoiceFilter,
            django_filters.ModelMultipleChoiceFilter: ModelMultipleChoiceFilter}
    result = {}
    for field, spec in defaults.items():
        spec = dict(spec)
        if spec["filter_class"] in ours:
            spec["filter_class"] = ours[spec["filter_class"]]
        elif issubclass(field, models.AutoField):
            spec["filter_class"] = IdFilter
        elif issubclass(field, models.IntegerField):
            spec["filter_class"] = NumberFilter
        result[field] = spec
    # Ids of BigAutoField (DEFAULT_AUTO_FIELD) and SmallAutoField, which do not derive from AutoField.
    for field in (models.BigAutoField, models.SmallAutoField):
        result[field] = {"filter_class": IdFilter}
    return result


class FilterSet(rest_framework.FilterSet):
    FILTER_DEFAULTS = _replaced(rest_framework.FilterSet.FILTER_DEFAULTS)


class FilterBackend(rest_framework.DjangoFilterBackend):
    filterset_base = FilterSet
