from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from linli.servicedesk.models import OPEN_STATUSES, Status

register = template.Library()


def _left(delta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return _("%(n)s 分钟") % {"n": minutes}
    if minutes < 48 * 60:
        return _("%(n)s 小时") % {"n": minutes // 60}
    return _("%(n)s 天") % {"n": minutes // 1440}


@register.simple_tag
def sla_badge(request):
    """Where the request stands against its resolve deadline, as a coloured badge."""
    now = timezone.now()
    if request.status not in OPEN_STATUSES:
        on_time = request.resolved_at and request.resolve_by and request.resolved_at <= request.resolve_by
        return format_html('<span class="badge {}">{}</span>', "ok" if on_time else "late",
                           _("按时办结") if on_time else _("超时办结"))
    if request.status == Status.ON_HOLD and request.hold_started_at and request.hold_started_at <= request.resolve_by:
        return format_html('<span class="badge">{}</span>', _("暂停计时"))
    if request.resolve_by is None:
        return ""
    left = request.resolve_by - now
    if left.total_seconds() < 0:
        return format_html('<span class="badge late">{}</span>', _("超时 %(t)s") % {"t": _left(-left)})
    css = "warn" if left.total_seconds() < 4 * 3600 else "ok"
    return format_html('<span class="badge {}">{}</span>', css, _("剩 %(t)s") % {"t": _left(left)})


@register.filter
def stars(rating) -> str:
    if not rating:
        return ""
    return "★" * rating + "☆" * (5 - rating)


@register.filter
def percent(rate) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"
