"""The service desk's settings per community: categories, business calendars, SLA policies and
teams. Only managers configure (servicedesk.configure); the manager and the dispatcher set up
the teams (servicedesk.teams)."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from linli.core.audit import audit_record
from linli.core.errors import Conflict, ValidationFailed
from linli.core.services import record_create, record_update, same_community
from linli.core.tenancy import Actor
from linli.estates.models import Community

from ..models import BusinessCalendar, Category, Kind, SlaPolicy, Team, TeamMember
from .common import check_worker

DEFAULT_CATEGORIES = [
    ("水电", [Kind.REPAIR, Kind.HELP, Kind.COMPLAINT, Kind.INQUIRY]),
    ("门窗", [Kind.REPAIR, Kind.COMPLAINT]),
    ("电梯", [Kind.REPAIR, Kind.COMPLAINT, Kind.HELP]),
    ("公共设施", [Kind.REPAIR, Kind.COMPLAINT, Kind.SUGGESTION]),
    ("环境卫生", [Kind.COMPLAINT, Kind.SUGGESTION, Kind.PRAISE]),
    ("绿化", [Kind.REPAIR, Kind.COMPLAINT, Kind.SUGGESTION]),
    ("安全", [Kind.COMPLAINT, Kind.HELP, Kind.SUGGESTION]),
    ("噪音", [Kind.COMPLAINT]),
    ("停车", [Kind.COMPLAINT, Kind.HELP, Kind.INQUIRY]),
    ("收费", [Kind.INQUIRY, Kind.COMPLAINT]),
]


def categories_ensure(*, community: Community) -> int:
    """Give a community the default categories it lacks (a new community, or one from before this
    app): its Open311 service list is never empty. Returns how many were added."""
    have = set(Category.objects.filter(community=community).values_list("name", flat=True))
    missing = [Category(community=community, name=name, kinds=[str(k) for k in kinds], position=i)
               for i, (name, kinds) in enumerate(DEFAULT_CATEGORIES) if name not in have]
    Category.objects.bulk_create(missing)
    return len(missing)


def _check_kinds(kinds) -> list[str]:
    kinds = list(kinds or [])
    bad = [k for k in kinds if k not in Kind.values]
    if bad:
        raise ValidationFailed(fields={"kinds": [_("未知的类型：%(kinds)s。") % {"kinds": "、".join(map(str, bad))}]})
    return kinds


def category_create(*, actor: Actor, community: Community, name: str, kinds=(), **fields) -> Category:
    actor.require("servicedesk.configure", community)
    return record_create(actor=actor, instance=Category(community=community, name=name.strip(),
                                                        kinds=_check_kinds(kinds), **fields),
                         action="service_category.create")


def category_update(*, actor: Actor, category: Category, changes: dict) -> Category:
    actor.require("servicedesk.configure", category.community_id)
    changes.pop("community", None)
    if "kinds" in changes:
        changes["kinds"] = _check_kinds(changes["kinds"])
    return record_update(actor=actor, instance=category, changes=changes, action="service_category.update")


def _check_dates(values, field) -> list[str]:
    result = []
    for value in values or []:
        try:
            result.append(dt.date.fromisoformat(str(value)).isoformat())
        except ValueError:
            raise ValidationFailed(fields={field: [_("日期格式应为 YYYY-MM-DD。")]}) from None
    return result


CALENDAR_FIELDS = ("weekdays", "opens_at", "closes_at", "holidays", "workdays")


def _check_calendar(values: dict) -> dict:
    """The calendar's fields checked, with the dates in one form (YYYY-MM-DD)."""
    if not values["weekdays"] or set(values["weekdays"]) - set("1234567"):
        raise ValidationFailed(fields={"weekdays": [_("工作日请用 1–7 的数字表示，如 12345。")]})
    if values["closes_at"] <= values["opens_at"]:
        raise ValidationFailed(fields={"closes_at": [_("下班时间必须晚于上班时间。")]})
    return {**values, "holidays": _check_dates(values["holidays"], "holidays"),
            "workdays": _check_dates(values["workdays"], "workdays")}


def calendar_create(*, actor: Actor, community: Community, name: str, opens_at, closes_at, weekdays: str = "12345",
                    holidays=(), workdays=()) -> BusinessCalendar:
    actor.require("servicedesk.configure", community)
    values = _check_calendar({"weekdays": weekdays, "opens_at": opens_at, "closes_at": closes_at,
                              "holidays": holidays, "workdays": workdays})
    return record_create(actor=actor, instance=BusinessCalendar(community=community, name=name, **values),
                         action="business_calendar.create")


def calendar_update(*, actor: Actor, business_calendar: BusinessCalendar, changes: dict) -> BusinessCalendar:
    actor.require("servicedesk.configure", business_calendar.community_id)
    changes.pop("community", None)
    merged = {name: changes.get(name, getattr(business_calendar, name)) for name in CALENDAR_FIELDS}
    checked = _check_calendar(merged)
    changes.update({name: checked[name] for name in CALENDAR_FIELDS if name in changes})
    return record_update(actor=actor, instance=business_calendar, changes=changes, action="business_calendar.update")


def sla_policy_create(*, actor: Actor, community: Community, kind: str, priority: str, accept_minutes: int,
                      resolve_hours: int, calendar: BusinessCalendar | None = None) -> SlaPolicy:
    actor.require("servicedesk.configure", community)
    same_community(community.pk, calendar=calendar)
    if SlaPolicy.objects.filter(community=community, kind=kind, priority=priority).exists():
        raise Conflict(_("该小区已有这一类型和优先级的时限标准，请修改它。"), code="duplicate")
    return record_create(actor=actor, action="sla_policy.create", instance=SlaPolicy(
        community=community, kind=kind, priority=priority, accept_minutes=accept_minutes,
        resolve_hours=resolve_hours, calendar=calendar))


def sla_policy_update(*, actor: Actor, sla_policy: SlaPolicy, changes: dict) -> SlaPolicy:
    """A changed policy applies to requests filed from now on: a promise made is kept as made."""
    actor.require("servicedesk.configure", sla_policy.community_id)
    changes.pop("community", None)
    same_community(sla_policy.community_id, calendar=changes.get("calendar"))
    return record_update(actor=actor, instance=sla_policy, changes=changes, action="sla_policy.update")


def _team_members(team: Team, members) -> None:
    for user in members:
        check_worker(team.community_id, user)
    keep = {u.pk for u in members}
    TeamMember.objects.filter(team=team).exclude(user_id__in=keep).delete()
    have = set(TeamMember.objects.filter(team=team).values_list("user_id", flat=True))
    TeamMember.objects.bulk_create([TeamMember(team=team, user_id=pk) for pk in keep - have])


def team_create(*, actor: Actor, community: Community, name: str, members=(), categories=()) -> Team:
    actor.require("servicedesk.teams", community)
    for category in categories:
        same_community(community.pk, categories=category)
    with transaction.atomic():
        team = record_create(actor=actor, instance=Team(community=community, name=name.strip()),
                             action="team.create", data={"name": name, "members": [u.pk for u in members]})
        _team_members(team, list(members))
        team.categories.set(categories)
    return team


def team_update(*, actor: Actor, team: Team, changes: dict) -> Team:
    actor.require("servicedesk.teams", team.community_id)
    changes.pop("community", None)
    members, categories = changes.pop("members", None), changes.pop("categories", None)
    for category in categories or []:
        same_community(team.community_id, categories=category)
    with transaction.atomic():
        team = record_update(actor=actor, instance=team, changes=changes, action="team.update")
        if members is not None:
            _team_members(team, list(members))
        if categories is not None:
            team.categories.set(categories)
        if members is not None or categories is not None:
            audit_record(actor=actor, action="team.members", target=team, community_id=team.community_id,
                         data={"members": [u.pk for u in members or []], "categories": [c.pk for c in categories or []]})
    return team

