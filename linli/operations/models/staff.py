"""Staff and organisation (篇一 §四): positions with their planned headcount, teams by line
of work and zone, staff records, shifts and the duty roster."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.models import TimeStamped

from .common import USER, WorkKind, community_fk, zone_fk


class Position(TimeStamped):
    """A post of the community's establishment (经理, 保安队长 …) and how many it should have."""

    community = community_fk("positions")
    name = models.CharField(_("岗位"), max_length=60)
    kind = models.CharField(_("条线"), max_length=12, choices=WorkKind.choices)
    planned_headcount = models.PositiveSmallIntegerField(_("编制人数"), default=1)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["community_id", "order", "id"]
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="position_unique_name")]

    def __str__(self):
        return self.name


class StaffTeam(TimeStamped):
    """A team by line of work and zone: the security team of 金苗园, cleaning group 1 of 北区 …"""

    community = community_fk("staff_teams")
    zone = zone_fk("staff_teams")
    name = models.CharField(_("班组"), max_length=60)
    kind = models.CharField(_("条线"), max_length=12, choices=WorkKind.choices)
    planned_headcount = models.PositiveSmallIntegerField(_("编制人数"), default=0)
    leader = models.ForeignKey("StaffMember", verbose_name=_("负责人"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["community_id", "kind", "name", "id"]
        verbose_name = _("班组")
        verbose_name_plural = _("班组")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="staffteam_unique_name")]

    def __str__(self):
        return self.name


class StaffMember(TimeStamped):
    """A staff record. Not everyone on site has a login, so `user` is optional."""

    community = community_fk("staff_members")
    user = models.ForeignKey(USER, verbose_name=_("登录账号"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="staff_records")
    name = models.CharField(_("姓名"), max_length=60)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    position = models.ForeignKey(Position, verbose_name=_("岗位"), on_delete=models.PROTECT, related_name="members")
    team = models.ForeignKey(StaffTeam, verbose_name=_("班组"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="members")
    hired_on = models.DateField(_("入职日期"), null=True, blank=True)
    left_on = models.DateField(_("离职日期"), null=True, blank=True)
    active = models.BooleanField(_("在职"), default=True)

    class Meta:
        ordering = ["community_id", "position__order", "name", "id"]
        verbose_name = _("员工")
        verbose_name_plural = _("员工档案")
        indexes = [models.Index(fields=["community", "active"], name="staff_community_active")]

    def __str__(self):
        return self.name


class Shift(TimeStamped):
    """A shift pattern (早班 07:00–15:00, 夜班 22:00–06:00); a night shift ends the next day."""

    community = community_fk("shifts")
    name = models.CharField(_("班次"), max_length=30)
    start = models.TimeField(_("开始"))
    end = models.TimeField(_("结束"))

    class Meta:
        ordering = ["community_id", "start", "id"]
        verbose_name = _("班次")
        verbose_name_plural = _("班次")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="shift_unique_name")]

    def __str__(self):
        return self.name

    @property
    def overnight(self) -> bool:
        return self.end <= self.start


class RosterEntry(TimeStamped):
    """One person on one shift on one day (排班)."""

    community = community_fk("roster_entries")
    team = models.ForeignKey(StaffTeam, verbose_name=_("班组"), on_delete=models.PROTECT, related_name="roster")
    member = models.ForeignKey(StaffMember, verbose_name=_("员工"), on_delete=models.PROTECT, related_name="roster")
    date = models.DateField(_("日期"))
    shift = models.ForeignKey(Shift, verbose_name=_("班次"), on_delete=models.PROTECT, related_name="roster")
    note = models.CharField(_("备注"), max_length=120, blank=True)

    class Meta:
        ordering = ["community_id", "date", "shift__start", "team_id", "member_id"]
        verbose_name = _("排班")
        verbose_name_plural = _("排班")
        constraints = [models.UniqueConstraint(fields=["member", "date", "shift"], name="roster_once_per_shift")]
        indexes = [models.Index(fields=["community", "date"], name="roster_community_date")]
