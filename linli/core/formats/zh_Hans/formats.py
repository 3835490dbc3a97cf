"""Simplified Chinese as the platform writes it. Django's zh_Hans has no thousands separator;
amounts on statements, receipts and reports group by thousands with a comma (16,398,665.17), as
Chinese financial documents and the English pages do. Grouping applies where a template asks
for it (`floatformat:"2g"`, intcomma): USE_THOUSAND_SEPARATOR stays off, so ids, years and
form inputs are never grouped."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403 — dates and inputs stay Django's

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
