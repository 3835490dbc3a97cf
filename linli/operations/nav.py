"""The operations entries of the shell's menu (collected by linli.web.context)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from linli.core.pages import NavItem


def _team_items(actor, community) -> list[NavItem]:
    """Staff, rosters, patrols, environment, the manager's day. A guard's and a cleaner's own
    pages come first for them; the manager's day first for a manager."""
    cid = community.pk
    if not (actor.is_admin or (cid in actor.staff_community_ids and actor.can("operations.view", cid))):
        return []
    items = []
    if actor.can("operations.patrol", cid) and not actor.is_admin:
        items.append(NavItem(_("我的巡逻"), reverse("operations:patrol_mine"), ("patrol_mine", "patrol_round")))
    if actor.can("operations.environment", cid) and not actor.is_admin:
        items.append(NavItem(_("今日任务"), reverse("operations:env_mine"), ("env_mine", "env_task_complete")))
    manage = actor.can("operations.manage", cid)
    day = [NavItem(_("今日工作"), reverse("operations:people_day", args=[cid]), ("people_day",))]
    items = day + items if manage else items
    items += [
        NavItem(_("排班表"), reverse("operations:roster", args=[cid]), ("roster",)),
        NavItem(_("员工与编制"), reverse("operations:org", args=[cid]),
                ("org", "staff_list", "staff_new", "staff_edit", "position_new", "position_edit", "team_new",
                 "team_edit", "shift_new", "shift_edit")),
        NavItem(_("巡逻管理"), reverse("operations:patrol_admin", args=[cid]),
                ("patrol_admin", "route_new", "route_edit", "checkpoint_new", "checkpoint_edit", "plan_new",
                 "plan_edit")),
        NavItem(_("保洁绿化"), reverse("operations:env_admin", args=[cid]),
                ("env_admin", "template_new", "template_edit", "inspection_new")),
        NavItem(_("绿化与路灯"), reverse("operations:greening", args=[cid]), ("greening",)),
    ]
    if manage:
        items.append(NavItem(_("员工考核"), reverse("operations:appraisal_list", args=[cid]),
                             ("appraisal_list", "appraisal_detail")))
    if not manage:
        items.append(day[0])
    return items


def _place_items(actor, community) -> list[NavItem]:
    """Vehicle access, visitors, facilities, projects, notices. The guard's visitor register
    comes first; the committee and regulators see the projects (they supervise their funding)."""
    cid = community.pk
    items = []
    if actor.is_admin or (cid in actor.staff_community_ids and actor.can("operations.view", cid)):
        items += [
            NavItem(_("访客与出入"), reverse("operations:visitor_register", args=[cid]),
                    ("visitor_register", "access_passes", "access_pass_detail", "access_gate_events",
                     "access_vehicles", "access_gates")),
            NavItem(_("设施设备"), reverse("operations:asset_list", args=[cid]), ("asset_list", "asset_detail")),
            NavItem(_("工程项目"), reverse("operations:project_list", args=[cid]), ("project_list", "project_detail")),
            NavItem(_("公告"), reverse("operations:notice_list", args=[cid]),
                    ("notice_list", "notice_new", "notice_edit", "notice_detail")),
        ]
    elif cid in actor.registry_community_ids():
        items.append(NavItem(_("工程项目"), reverse("operations:project_list", args=[cid]),
                             ("project_list", "project_detail")))
    return items


def personal_items(actor) -> list[NavItem]:
    """Owners and residents: the notice board of their units, with the unread count."""
    from .selectors.notices import bulletin_unread_count

    if not actor.own_unit_ids:
        return []
    unread = bulletin_unread_count(actor=actor)
    label = _("公告栏（%(n)s）") % {"n": unread} if unread else _("公告栏")
    return [NavItem(label, reverse("operations:bulletin"), ("bulletin", "bulletin_detail"))]


def community_items(actor, community) -> list[NavItem]:
    return [*_team_items(actor, community), *_place_items(actor, community)]
