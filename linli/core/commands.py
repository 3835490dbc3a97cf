"""Who a management command acts as (`--as USERNAME`, else the system), and which community it
names by its code."""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from .tenancy import Actor, SystemActor


def command_actor(username: str | None) -> Actor:
    if not username:
        return SystemActor()
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(_("没有用户名为 %(name)s 的用户。") % {"name": username})
    return Actor(user)


def community_by_code(code: str):
    community = apps.get_model("estates", "Community").objects.filter(code=code).first()
    if community is None:
        raise CommandError(_("没有编码为 %(code)s 的小区。") % {"code": code})
    return community
