"""The after-school entries of the shell's menu (collected by linli.web.context): one group per
school the actor works at, and the guardian portal among the personal items."""

from django.urls import reverse
from django.utils.translation import gettext as _

from linli.core.pages import NavGroup, NavItem
from linli.orgs.models import Organization

from .selectors import school_scope


def home_url(actor) -> str | None:
    """School staff and guardians land in the after-school pages."""
    scope = school_scope(actor)
    return reverse("afterschool:home") if (scope.staff or scope.guardian) else None


def personal_items(actor) -> list[NavItem]:
    if not school_scope(actor).guardian:
        return []
    return [NavItem(_("课后服务"), reverse("afterschool:portal"), ("portal", "apply", "sign", "leave_new")),
            NavItem(_("意见征询"), reverse("afterschool:my_consultations"),
                    ("my_consultations", "consultation_answer"))]


def extra_groups(actor) -> list[NavGroup]:
    scope = school_scope(actor)
    groups = []
    for school in Organization.objects.filter(id__in=scope.staff).order_by("name", "id"):
        sid = school.pk
        items = []
        if sid in scope.admin:
            items.append(NavItem(_("课后服务概况"), reverse("afterschool:school_overview", args=[sid]),
                                 ("school_overview",)))
        items += [
            NavItem(_("今日课后服务"), reverse("afterschool:today", args=[sid]), ("today", "session")),
            NavItem(_("交接名单"), reverse("afterschool:handover", args=[sid]), ("handover",)),
            NavItem(_("申请审核"), reverse("afterschool:applications", args=[sid]), ("applications",)),
            NavItem(_("学生"), reverse("afterschool:students", args=[sid]), ("students",)),
            NavItem(_("请假"), reverse("afterschool:leave_list", args=[sid]), ("leave_list",)),
            NavItem(_("值班与工作小组"), reverse("afterschool:duty", args=[sid]), ("duty",)),
            NavItem(_("门卫登记"), reverse("afterschool:gate", args=[sid]), ("gate",)),
            NavItem(_("突发事件"), reverse("afterschool:incidents", args=[sid]), ("incidents", "incident")),
            NavItem(_("服务项目与协议"), reverse("afterschool:programs", args=[sid]), ("programs",)),
            NavItem(_("安全教育"), reverse("afterschool:safety_education", args=[sid]), ("safety_education",)),
            NavItem(_("教职工会议"), reverse("afterschool:meetings", args=[sid]), ("meetings",)),
        ]
        if sid in scope.admin:
            items.append(NavItem(_("家长意见征询"), reverse("afterschool:consultations", args=[sid]),
                                 ("consultations", "consultation")))
        if sid in scope.admin:
            items.append(NavItem(_("统计报表"), reverse("afterschool:reports", args=[sid]), ("reports",)))
        groups.append(NavGroup(school.name, items))
    return groups
