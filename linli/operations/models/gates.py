"""Vehicle access to the closed groups (持卡出入, 篇一 §五.1.1): vehicles, cards, barrier gates,
temporary passes, what the gates reported, and the visitor register."""

import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.models import TimeStamped

from .common import USER, community_fk, zone_fk


def new_pass_code() -> str:
    return secrets.token_hex(3).upper()


class Vehicle(TimeStamped):
    community = community_fk("vehicles")
    plate = models.CharField(_("车牌号"), max_length=12)
    owner = models.ForeignKey("estates.Owner", verbose_name=_("业主"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="vehicles")
    unit = models.ForeignKey("estates.Unit", verbose_name=_("房屋"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="vehicles")
    description = models.CharField(_("品牌颜色"), max_length=60, blank=True)

    class Meta:
        ordering = ["community_id", "plate"]
        verbose_name = _("车辆")
        verbose_name_plural = _("车辆")
        constraints = [models.UniqueConstraint(fields=["community", "plate"], name="vehicle_unique_plate")]

    def __str__(self):
        return self.plate


class AccessCard(TimeStamped):
    """A vehicle's card for the barrier gates. Only a person stops it, for a reason the owner is
    told: never a rule on unpaid fees (Civil Code Art. 944 — fees are not collected by cutting a
    service; DESIGN §6 "Fair collection")."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("有效")
        DISABLED = "disabled", _("停用")
        LOST = "lost", _("挂失")

    community = community_fk("access_cards")
    number = models.CharField(_("卡号"), max_length=32)
    vehicle = models.ForeignKey(Vehicle, verbose_name=_("车辆"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="cards")
    parking_space = models.ForeignKey("estates.ParkingSpace", verbose_name=_("车位"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="access_cards")
    zones = models.ManyToManyField("estates.Zone", verbose_name=_("可通行分区"), blank=True, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    disabled_reason = models.CharField(_("停用原因"), max_length=200, blank=True)
    disabled_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)

    class Meta:
        ordering = ["community_id", "number"]
        verbose_name = _("门禁卡")
        verbose_name_plural = _("门禁卡")
        constraints = [models.UniqueConstraint(fields=["community", "number"], name="card_unique_number")]

    def __str__(self):
        return self.number


class Gate(TimeStamped):
    """A barrier gate (挡车器). Its controller authenticates with its own key; only the hash is kept."""

    community = community_fk("gates")
    zone = zone_fk("gates")
    name = models.CharField(_("名称"), max_length=60)
    key_prefix = models.CharField(_("密钥前缀"), max_length=8, blank=True)
    key_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    last_seen_at = models.DateTimeField(_("最近通信"), null=True, blank=True)

    class Meta:
        ordering = ["community_id", "name", "id"]
        verbose_name = _("道闸")
        verbose_name_plural = _("道闸")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="gate_unique_name")]

    def __str__(self):
        return self.name


class TemporaryPass(TimeStamped):
    """A visitor vehicle let in for a while (临时通行证)."""

    community = community_fk("temporary_passes")
    plate = models.CharField(_("车牌号"), max_length=12)
    code = models.CharField(_("通行码"), max_length=12, default=new_pass_code)
    visitor = models.ForeignKey("Visitor", verbose_name=_("访客"), null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="passes")
    valid_from = models.DateTimeField(_("生效时间"))
    valid_until = models.DateTimeField(_("失效时间"))
    issued_by = models.ForeignKey(USER, verbose_name=_("签发人"), null=True, on_delete=models.SET_NULL,
                                  related_name="+")
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        ordering = ["community_id", "-valid_from", "id"]
        verbose_name = _("临时通行证")
        verbose_name_plural = _("临时通行证")
        constraints = [models.UniqueConstraint(fields=["community", "code"], name="pass_unique_code")]

    def clean(self):
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            raise ValidationError({"valid_until": _("失效时间必须晚于生效时间。")})


class GateEvent(models.Model):
    """A vehicle at a gate as the controller reported it, and what the platform answered."""

    class Direction(models.TextChoices):
        IN = "in", _("入场")
        OUT = "out", _("出场")

    community = community_fk("+")
    gate = models.ForeignKey(Gate, verbose_name=_("道闸"), on_delete=models.PROTECT, related_name="events")
    event_id = models.CharField(_("设备事件号"), max_length=64)
    direction = models.CharField(_("方向"), max_length=3, choices=Direction.choices)
    at = models.DateTimeField(_("时间"))
    card = models.ForeignKey(AccessCard, verbose_name=_("门禁卡"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="events")
    plate = models.CharField(_("车牌号"), max_length=12, blank=True)
    temporary_pass = models.ForeignKey(TemporaryPass, verbose_name=_("临时通行证"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="events")
    allowed = models.BooleanField(_("放行"))
    reason = models.CharField(_("说明"), max_length=60, blank=True)

    class Meta:
        ordering = ["community_id", "-at", "-id"]
        verbose_name = _("出入记录")
        verbose_name_plural = _("出入记录")
        # A controller retries until it hears back; the same event is recorded once.
        constraints = [models.UniqueConstraint(fields=["gate", "event_id"], name="gate_event_once")]
        indexes = [models.Index(fields=["community", "at"], name="gate_event_community_at")]


class Visitor(TimeStamped):
    """The visitor register kept at the gates of the closed groups."""

    community = community_fk("visitors")
    name = models.CharField(_("姓名"), max_length=60)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    plate = models.CharField(_("车牌号"), max_length=12, blank=True)
    unit = models.ForeignKey("estates.Unit", verbose_name=_("拜访房屋"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("事由"), max_length=120, blank=True)
    arrived_at = models.DateTimeField(_("到访时间"))
    left_at = models.DateTimeField(_("离开时间"), null=True, blank=True)
    registered_by = models.ForeignKey(USER, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL,
                                      related_name="+")

    class Meta:
        ordering = ["community_id", "-arrived_at", "-id"]
        verbose_name = _("访客")
        verbose_name_plural = _("访客登记")
        indexes = [models.Index(fields=["community", "arrived_at"], name="visitor_community_at")]

    def __str__(self):
        return self.name
