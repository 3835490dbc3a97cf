"""What every operations model shares: the tenant key, the zone and the lines of work."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


def community_fk(related_name: str):
    return models.ForeignKey("estates.Community", verbose_name=_("小区"), on_delete=models.PROTECT,
                             related_name=related_name)


def zone_fk(related_name: str = "+", **kwargs):
    return models.ForeignKey("estates.Zone", verbose_name=_("分区"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name=related_name, **kwargs)


class WorkKind(models.TextChoices):
    """The company's lines of work on site (篇一 §四)."""

    MANAGEMENT = "management", _("管理")
    FINANCE = "finance", _("财务")
    ADMIN = "admin", _("综合管理")
    SECURITY = "security", _("保安")
    MAINTENANCE = "maintenance", _("维修")
    GREENING = "greening", _("绿化")
    CLEANING = "cleaning", _("保洁")
    GARAGE = "garage", _("车库管理")
