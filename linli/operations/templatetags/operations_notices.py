"""The owners' notice board on their portal page: `{% load operations_notices %}{% owner_bulletin %}`."""

from django import template

from linli.core.tenancy import actor_for

from ..selectors.notices import bulletin

register = template.Library()
SHOWN = 5


@register.inclusion_tag("operations/notice_bulletin_box.html", takes_context=True)
def owner_bulletin(context):
    request = context.get("request")
    notices = bulletin(actor=actor_for(request.user)) if request is not None else []
    return {"notices": notices[:SHOWN], "unread": sum(1 for n in notices if n.unread)}
