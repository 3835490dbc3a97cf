"""Demo service desk (loaded by `manage.py seed_demo`, see linli/core/demo.py).

苗庄小区's SLA policies (a business-hours calendar for inquiries and suggestions), its crews,
and four weeks of requests as a working service centre has them: most closed and rated, some
waiting for the owner's confirmation, some open, on hold, overdue, reopened, a repeat complaint
about the same stair light, and hotline requests from the sub-district with urging and return
visits, so the pages, the daily review and the charts have something to show.

Requests are written in bulk with their history (the services would stamp everything "now").
They are created once: a community that already has requests keeps them as they are."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from linli.core.demo import DemoContext
from linli.core.models import InboxMessage
from linli.core.sentences import render_stored, word
from linli.estates.models import Unit
from linli.orgs.models import Membership, Role

from . import sla
from .models import (
    BusinessCalendar,
    Category,
    Channel,
    Kind,
    Priority,
    RequestEvent,
    ServiceRequest,
    SlaPolicy,
    Status,
    Team,
    TeamMember,
)
from .services import categories_ensure
from .services.common import fmt_time

DAYS = 28
PER_DAY = (5, 9)

# (kind, priority, accept minutes, resolve hours, business hours only)
POLICIES = [
    (Kind.REPAIR, Priority.URGENT, 15, 4, False), (Kind.REPAIR, Priority.HIGH, 30, 8, False),
    (Kind.REPAIR, Priority.NORMAL, 30, 24, False), (Kind.REPAIR, Priority.LOW, 60, 72, False),
    (Kind.COMPLAINT, Priority.URGENT, 15, 8, False), (Kind.COMPLAINT, Priority.HIGH, 30, 24, False),
    (Kind.COMPLAINT, Priority.NORMAL, 60, 48, False),
    (Kind.HELP, Priority.URGENT, 10, 2, False), (Kind.HELP, Priority.NORMAL, 30, 12, False),
    (Kind.INQUIRY, Priority.NORMAL, 120, 24, True), (Kind.SUGGESTION, Priority.NORMAL, 240, 72, True),
    (Kind.PRAISE, Priority.NORMAL, 240, 72, True),
]

# (team, role of its members, how many, categories)
TEAMS = [
    ("维修班", Role.TECHNICIAN, 4, ["水电", "门窗", "电梯", "公共设施"]),
    ("保洁班", Role.CLEANER, 4, ["环境卫生"]),
    ("绿化班", Role.GARDENER, 4, ["绿化"]),
    ("秩序维护班", Role.GUARD, 4, ["安全", "噪音", "停车"]),
]

# (kind, category, title, description, at home) — a public place gets a building's stairwell.
MATTERS = [
    (Kind.REPAIR, "水电", "厨房水管漏水", "厨房水槽下面的水管接头一直滴水，地面都湿了。", True),
    (Kind.REPAIR, "水电", "卫生间下水道堵塞", "卫生间地漏下水很慢，有异味。", True),
    (Kind.REPAIR, "水电", "入户电闸跳闸", "家里电闸跳了合不上，冰箱里还有东西。", True),
    (Kind.REPAIR, "水电", "水龙头关不严", "厨房水龙头关不严一直滴水。", True),
    (Kind.REPAIR, "门窗", "单元门闭门器损坏", "单元门关不上，闭门器漏油。", False),
    (Kind.REPAIR, "门窗", "楼道窗户玻璃破损", "楼道三楼窗户玻璃碎了，有安全隐患。", False),
    (Kind.REPAIR, "公共设施", "楼道声控灯不亮", "楼道声控灯不亮，晚上上下楼看不见。", False),
    (Kind.REPAIR, "公共设施", "健身器材松动", "中心游园的健身器材螺丝松动。", False),
    (Kind.COMPLAINT, "环境卫生", "垃圾清运不及时", "楼旁垃圾桶满了没人清运，有异味。", False),
    (Kind.COMPLAINT, "噪音", "楼上装修噪音", "楼上装修中午也在施工，影响老人休息。", True),
    (Kind.COMPLAINT, "停车", "消防通道被占用", "消防通道晚上停满私家车。", False),
    (Kind.COMPLAINT, "绿化", "楼前绿地被开垦种菜", "楼前绿地被人开垦种菜，还施粪肥。", False),
    (Kind.HELP, "安全", "老人忘带钥匙", "家中老人忘带钥匙进不了门，请帮忙联系开锁。", True),
    (Kind.INQUIRY, "收费", "物业费标准咨询", "想了解今年物业费的收费标准和缴费方式。", True),
    (Kind.SUGGESTION, "公共设施", "建议增设电动车充电桩", "希望在车库增设电动车充电桩，方便充电。", False),
    (Kind.PRAISE, "环境卫生", "表扬保洁员", "保洁员每天把楼道打扫得很干净，特此表扬。", False),
]
NOTES = ["已联系业主，约定上门时间。", "已到现场查看，需要更换配件。", "配件已到，安排明天上门。", "正在处理中。"]
RESOLUTIONS = ["已修复，业主现场确认。", "已更换损坏部件，恢复正常。", "已清理完毕。", "已答复业主。", "已协调处理。"]


def _calendar(ctx: DemoContext, community) -> BusinessCalendar:
    calendar = BusinessCalendar.objects.filter(community=community, name="客服中心工作时间").first()
    if calendar is None:
        calendar = BusinessCalendar.objects.create(community=community, name="客服中心工作时间", weekdays="123456",
                                                   opens_at=dt.time(8, 0), closes_at=dt.time(17, 30))
        ctx.count("business_calendars")
    return calendar


def _policies(ctx: DemoContext, community, calendar) -> None:
    have = set(SlaPolicy.objects.filter(community=community).values_list("kind", "priority"))
    new = [SlaPolicy(community=community, kind=kind, priority=priority, accept_minutes=accept, resolve_hours=resolve,
                     calendar=calendar if office else None)
           for kind, priority, accept, resolve, office in POLICIES if (kind, priority) not in have]
    SlaPolicy.objects.bulk_create(new)
    ctx.count("sla_policies", len(new))


def _teams(ctx: DemoContext, community) -> dict[str, Team]:
    categories = {c.name: c for c in Category.objects.filter(community=community)}
    teams = {}
    for name, role, size, category_names in TEAMS:
        team = Team.objects.filter(community=community, name=name).first()
        if team is None:
            team = Team.objects.create(community=community, name=name)
            team.categories.set([categories[c] for c in category_names])
            # The demo login of the role first, then their colleagues.
            users = [m.user for m in Membership.objects.filter(organization_id=community.company_id, role=role)
                     .select_related("user").order_by("user__date_joined", "user_id")]
            users.sort(key=lambda u: not u.username.isalpha())
            TeamMember.objects.bulk_create([TeamMember(team=team, user=u) for u in users[:size]])
            ctx.count("teams")
        teams[name] = team
    return teams


class _Writer:
    """Collects requests with their history, then writes them in two bulk inserts."""

    def __init__(self, community, categories, teams, policies):
        self.community, self.categories, self.policies = community, categories, policies
        self.team_of = {c.name: t for t in teams.values() for c in t.categories.all()}
        self.members = {t.pk: [m.user for m in t.memberships.select_related("user")] for t in teams.values()}
        self.rows: list[tuple[ServiceRequest, list[tuple]]] = []

    def add(self, *, kind, category, title, description, created, unit=None, location="", channel=Channel.OWNER,
            priority=Priority.NORMAL, requester=None, requester_name="", requester_phone="", hotline_office=None,
            repeat_of_index=None):
        category = self.categories[category]
        rule = self.policies.get((kind, priority)) or sla.Sla(*sla.DEFAULT_SLA[priority])
        respond_by, resolve_by = sla.deadlines(created_at=created, sla=rule)
        request = ServiceRequest(
            community=self.community, company_id=self.community.company_id, kind=kind, category=category, title=title,
            description=description, unit=unit, zone=unit.building.zone if unit else None,
            location=location or (str(unit) if unit else ""), channel=channel, priority=priority,
            requester=requester, requester_name=requester_name, requester_phone=requester_phone,
            hotline_office=hotline_office, team=self.team_of.get(category.name), respond_by=respond_by,
            resolve_by=resolve_by, created_at=created, escalated=repeat_of_index is not None)
        request.repeat_of_index = repeat_of_index
        events = [(RequestEvent.Kind.CREATE, request.get_channel_display(), True, requester, created)]
        self.rows.append((request, events))
        return request, events

    def worker(self, request, rng):
        members = self.members.get(request.team_id) or []
        return rng.choice(members) if members else None

    def save(self) -> int:
        requests = [r for r, _ in self.rows]
        ServiceRequest.objects.bulk_create(requests, batch_size=500)
        for request, _ in self.rows:
            if request.repeat_of_index is not None:
                request.repeat_of = requests[request.repeat_of_index]
        ServiceRequest.objects.bulk_update([r for r in requests if r.repeat_of_index is not None], ["repeat_of"])
        RequestEvent.objects.bulk_create([
            RequestEvent(request=request, community=self.community, kind=kind, text=text, public=public, actor=actor,
                         actor_name=str(actor) if actor else "系统", at=at)
            for request, events in self.rows for kind, text, public, actor, at in events], batch_size=1000)
        return len(requests)


def _work(writer: _Writer, request, events, rng, now, *, stage: str, dispatcher, late: bool = False) -> None:
    """Take a request through its life up to `stage`: new, assigned, in_progress, on_hold, resolved, closed."""
    created = request.created_at
    if stage == "new":
        return
    request.accepted_at = min(created + dt.timedelta(minutes=rng.randint(3, 40)), now)
    events.append((RequestEvent.Kind.ACCEPT, "物业已受理。", True, dispatcher, request.accepted_at))
    worker = writer.worker(request, rng)
    if worker is not None:
        request.assignee, request.status = worker, Status.ASSIGNED
        events.append((RequestEvent.Kind.ASSIGN, f"已派给 {worker} 处理。", True, dispatcher,
                       request.accepted_at + dt.timedelta(minutes=2)))
    else:
        request.status = Status.ACCEPTED
    if stage == "assigned":
        return
    if worker is not None:
        request.status = Status.IN_PROGRESS
        events.append((RequestEvent.Kind.START, "维修人员已开始处理。", True, worker,
                       min(request.accepted_at + dt.timedelta(minutes=30), now)))
    day = request.accepted_at + dt.timedelta(days=1)
    while stage in ("in_progress", "on_hold") and day < now:
        events.append((RequestEvent.Kind.NOTE, rng.choice(NOTES), True, worker or dispatcher, day))
        day += dt.timedelta(days=1)
    if stage == "on_hold":
        request.status, request.hold_started_at = Status.ON_HOLD, now - dt.timedelta(hours=rng.randint(2, 20))
        events.append((RequestEvent.Kind.HOLD, "等待配件到货，暂停计时。", True, worker or dispatcher,
                       request.hold_started_at))
    if stage not in ("resolved", "closed"):
        return
    allowed = request.resolve_by - request.accepted_at
    took = allowed * (rng.uniform(1.1, 1.6) if late else rng.uniform(0.15, 0.9))
    request.resolved_at = min(request.accepted_at + took, now - dt.timedelta(minutes=5))
    request.status = Status.RESOLVED
    events.append((RequestEvent.Kind.RESOLVE, rng.choice(RESOLUTIONS), True, worker or dispatcher, request.resolved_at))
    if stage == "closed":
        request.status = Status.CLOSED
        request.closed_at = min(request.resolved_at + dt.timedelta(hours=rng.randint(1, 48)), now)
        request.rating = rng.choices((5, 4, 3, 2), weights=(60, 28, 9, 3))[0] if not late else rng.choice((2, 3, 4))
        events.append((RequestEvent.Kind.CLOSE, f"确认办结，评价 {request.rating} 星。", True, None, request.closed_at))


def _public_place(rng, buildings) -> str:
    return f"{rng.choice(buildings).name}{rng.randint(1, 3)}单元楼道"


def _requests(ctx: DemoContext, community, teams) -> None:
    if ServiceRequest.objects.filter(community=community).exists():
        return
    rng = ctx.rng("servicedesk.requests")
    now = timezone.now().replace(second=0, microsecond=0)
    categories = {c.name: c for c in Category.objects.filter(community=community)}
    policies = {(p.kind, p.priority): sla.Sla(p.accept_minutes, p.resolve_hours, p.calendar)
                for p in SlaPolicy.objects.filter(community=community).select_related("calendar")}
    writer = _Writer(community, categories, teams, policies)
    units = list(Unit.objects.filter(community=community, usage=Unit.Usage.RESIDENTIAL)
                 .select_related("building__zone").order_by("id"))
    buildings = sorted({u.building for u in units}, key=lambda b: b.pk)
    owners: dict[int, tuple] = {}
    dispatcher = ctx.users.get("dispatcher")
    subdistrict = ctx.organizations.get("subdistrict")

    def owner_of(unit):
        if unit.pk not in owners:
            ownership = unit.ownerships.select_related("owner").filter(is_voter=True).first()
            owner = ownership.owner if ownership else None
            owners[unit.pk] = (owner.name, owner.phone, owner.user) if owner else ("", "", None)
        return owners[unit.pk]

    for days_ago in range(DAYS, -1, -1):
        for _ in range(rng.randint(*PER_DAY)):
            created = timezone.localtime(now - dt.timedelta(days=days_ago)).replace(hour=rng.randint(7, 20),
                                                                                    minute=rng.randint(0, 59))
            if created >= now:
                continue
            kind, category, title, description, at_home = rng.choice(MATTERS)
            unit = rng.choice(units) if at_home else None
            name, phone, user = owner_of(unit) if unit else ("", "", None)
            hotline = not at_home and rng.random() < 0.12
            request, events = writer.add(
                kind=kind, category=category, title=title, description=description, created=created, unit=unit,
                location="" if unit else _public_place(rng, buildings),
                channel=Channel.HOTLINE if hotline else rng.choice([Channel.OWNER, Channel.PHONE, Channel.PHONE,
                                                                    Channel.WALK_IN]),
                priority=rng.choices([Priority.NORMAL, Priority.HIGH, Priority.URGENT], weights=(80, 15, 5))[0]
                if kind in (Kind.REPAIR, Kind.HELP) else Priority.NORMAL,
                requester=user if unit else None, requester_name=name or rng.choice(["王先生", "李女士", "张阿姨"]),
                requester_phone=phone, hotline_office=subdistrict if hotline else None)
            age = now - created
            if age > dt.timedelta(days=10):
                stage = "closed"
            elif age > dt.timedelta(days=4):
                stage = rng.choices(["closed", "resolved", "in_progress"], weights=(88, 6, 6))[0]
            elif age > dt.timedelta(days=1):
                stage = rng.choices(["closed", "resolved", "in_progress", "on_hold", "assigned"],
                                    weights=(35, 30, 20, 7, 8))[0]
            else:
                stage = rng.choices(["new", "assigned", "in_progress", "resolved"], weights=(25, 30, 25, 20))[0]
            _work(writer, request, events, rng, now, stage=stage, dispatcher=dispatcher,
                  late=stage in ("resolved", "closed") and rng.random() < 0.12)
            if hotline:
                if request.status not in (Status.RESOLVED, Status.CLOSED) and rng.random() < 0.6:
                    request.urge_count = rng.randint(1, 2)
                    request.last_urged_at = min(created + dt.timedelta(hours=20), now)
                    events.append((RequestEvent.Kind.URGE, "第 1 次督办：请尽快办理并回复居民。", True,
                                   ctx.users.get("regulator"), request.last_urged_at))
                elif request.resolved_at and rng.random() < 0.8:
                    request.satisfaction = rng.choices(list(ServiceRequest.Satisfaction.values),
                                                       weights=(70, 22, 8))[0]
                    request.visited_at = min(request.resolved_at + dt.timedelta(hours=26), now)
                    events.append((RequestEvent.Kind.VISIT, ServiceRequest.Satisfaction(request.satisfaction).label,
                                   True, ctx.users.get("regulator"), request.visited_at))

    _demo_owner_stories(ctx, writer, rng, now, dispatcher)
    _hotline_story(ctx, writer, rng, now, dispatcher)
    ctx.count("service_requests", writer.save())
    _inbox(ctx, community)


def _keyed(user, url: str, key: str, params: dict) -> InboxMessage:
    """A message as notify_users writes it: read in the reader's language."""
    title, body = render_stored(key, params)
    return InboxMessage(user=user, url=url, title=title, body=body, message_key=key, params=params)


def _inbox(ctx: DemoContext, community) -> None:
    """What the demo owner and manager would have been told by now."""
    messages = []
    owner, manager = ctx.users.get("owner"), ctx.users.get("manager")
    for request in ServiceRequest.objects.filter(community=community, requester=owner, requester__isnull=False):
        url = reverse("servicedesk:request_detail", args=[request.pk])
        messages.append(_keyed(owner, url, "servicedesk.filed", {
            "kind": word(Kind(request.kind).label), "title": request.title, "id": request.pk,
            "respond": fmt_time(request.respond_by), "resolve": fmt_time(request.resolve_by)}))
        if request.status == Status.RESOLVED:
            messages.append(_keyed(owner, url, "servicedesk.resolved",
                                   {"id": request.pk, "text": "", "days": 3}))
    if manager is not None:
        for request in ServiceRequest.objects.filter(community=community, repeat_of__isnull=False):
            messages.append(InboxMessage(user=manager, title=f"重复投诉 #{request.pk}", body=request.title,
                                         url=reverse("servicedesk:request_detail", args=[request.pk])))
    InboxMessage.objects.bulk_create(messages)


def _demo_owner_stories(ctx, writer: _Writer, rng, now, dispatcher) -> None:
    """The demo owner's own requests: one to confirm and rate, one in progress, and a stair light
    complained about twice (the second is the repeat, raised to urgent); plus a reopened repair."""
    owner = ctx.users.get("owner")
    if owner is None:
        return
    home = Unit.objects.filter(ownerships__owner__user=owner).select_related("building__zone").order_by("id").first()
    if home is None:
        return
    name, phone = str(owner), owner.phone
    stair = f"{home.building.name}2单元楼道"
    common = dict(unit=None, requester=owner, requester_name=name, requester_phone=phone, channel=Channel.OWNER)
    request, events = writer.add(kind=Kind.REPAIR, category="水电", title="卫生间水龙头漏水",
                                 description="卫生间洗手盆水龙头一直滴水。", created=now - dt.timedelta(hours=30),
                                 **{**common, "unit": home})
    _work(writer, request, events, rng, now, stage="resolved", dispatcher=dispatcher)
    request, events = writer.add(kind=Kind.REPAIR, category="门窗", title="阳台推拉窗关不严",
                                 description="阳台推拉窗滑轮坏了，关不严漏风。", created=now - dt.timedelta(hours=6),
                                 **{**common, "unit": home})
    _work(writer, request, events, rng, now, stage="in_progress", dispatcher=dispatcher)
    first, events = writer.add(kind=Kind.COMPLAINT, category="公共设施", title="楼道灯一直不亮",
                               description="2单元楼道的灯坏了一个星期了，晚上老人上下楼很危险。", location=stair,
                               created=now - dt.timedelta(days=9), **common)
    _work(writer, first, events, rng, now, stage="closed", dispatcher=dispatcher)
    first.rating = 2
    index = len(writer.rows) - 1
    second, events = writer.add(kind=Kind.COMPLAINT, category="公共设施", title="楼道灯又不亮了",
                                description="上次修好没几天，2单元楼道的灯又不亮了。", location=stair,
                                created=now - dt.timedelta(hours=3), priority=Priority.URGENT,
                                repeat_of_index=index, **common)
    events.append((RequestEvent.Kind.ESCALATE, "30 天内就同一事项再次投诉，已升级为紧急并报经理。", True, None,
                   second.created_at))
    _work(writer, second, events, rng, now, stage="assigned", dispatcher=dispatcher)
    reopened, events = writer.add(kind=Kind.REPAIR, category="水电", title="暖气片不热",
                                  description="卧室暖气片上半部分不热。", created=now - dt.timedelta(days=3),
                                  **{**common, "unit": home})
    _work(writer, reopened, events, rng, now, stage="resolved", dispatcher=dispatcher)
    reopened.status, reopened.resolved_at, reopened.reopen_count = Status.ASSIGNED, None, 1
    events.append((RequestEvent.Kind.REOPEN, "放完气还是不热。", True, owner, now - dt.timedelta(hours=5)))


def _hotline_story(ctx, writer: _Writer, rng, now, dispatcher) -> None:
    """A hotline complaint the sub-district took two days ago, urged once and still not done."""
    regulator = ctx.users.get("regulator")
    request, events = writer.add(kind=Kind.COMPLAINT, category="环境卫生", title="小区垃圾堆放无人清运",
                                 description="12345 热线转办：北区 5 号楼西侧建筑垃圾堆放半个多月无人清运。",
                                 location="北区5号楼西侧", channel=Channel.HOTLINE, requester_name="赵先生",
                                 requester_phone="13905391234", hotline_office=ctx.organizations.get("subdistrict"),
                                 created=now - dt.timedelta(days=2, hours=3))
    request.created_by = regulator  # who took the call: the one regulator who sees the caller's number
    _work(writer, request, events, rng, now, stage="in_progress", dispatcher=dispatcher)
    request.urge_count, request.last_urged_at = 1, now - dt.timedelta(hours=20)
    events.append((RequestEvent.Kind.URGE, "第 1 次督办：居民再次来电，请今天内清运并回复。", True, regulator,
                   request.last_urged_at))


def load(ctx: DemoContext) -> None:
    for community in ctx.communities.values():
        ctx.count("service_categories", categories_ensure(community=community))
    community = ctx.communities.get("miaozhuang")
    if community is None:
        return
    calendar = _calendar(ctx, community)
    _policies(ctx, community, calendar)
    teams = _teams(ctx, community)
    _requests(ctx, community, teams)
    ctx.log(f"{community.name}：{ServiceRequest.objects.filter(community=community).count()} 张工单，"
            f"{len(teams)} 个班组")
