"""Who a management command acts as, and which community it names."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from linli.core.tenancy import Actor, SystemActor
from linli.estates.models import Community


def command_actor(username: str | None) -> Actor:
    if not username:
        return SystemActor()
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(_("没有用户名为 %(name)s 的用户。") % {"name": username})
    return Actor(user)


def community_by_code(code: str) -> Community:
    community = Community.objects.filter(code=code).first()
    if community is None:
        raise CommandError(_("没有编码为 %(code)s 的小区。") % {"code": code})
    return community
