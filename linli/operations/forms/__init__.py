"""Forms of the operations pages, one module per topic. They only parse input; the services
check and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

TIME_WIDGET = forms.TimeInput(format="%H:%M", attrs={"type": "time"})
WEEKDAYS = [(1, _("周一")), (2, _("周二")), (3, _("周三")), (4, _("周四")), (5, _("周五")), (6, _("周六")),
            (7, _("周日"))]


def choices(rows, blank=_("—")):
    """Options of a select from rows (their `label` when a page has set one), after a blank one."""
    return [("", blank), *[(str(r.pk), getattr(r, "label", None) or str(r)) for r in rows]]
