"""Demo owners' self-government (loaded by `manage.py seed_demo`, see linli/core/demo.py).

苗庄小区 as it stands in November 2026: the preparation group that readied the first assembly
(its work done), a committee of nine elected in 2024 and filed with the sub-district, the first
assembly meeting of 2026 with its results published, the second one open for voting, every
unit's maintenance-fund ledger with its first deposit, last year's interest and a paid repair,
and an elevator replacement in 金苗园1号楼 in its negative-vote publicity — the building where
the demo owner lives, so that owner can object.

Votes and ledger lines are written in bulk, each batch audited as one event (the services would
write one event per row and stamp everything "now"); the rest goes through the services. Each
part is looked up by its natural key and made only if missing."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from linli.core.demo import DemoContext
from linli.core.tenancy import SystemActor
from linli.estates.models import Owner, Unit

from . import services
from .models import (
    Assembly,
    Committee,
    CommitteeFiling,
    CommitteeMember,
    FundAccount,
    FundEntry,
    FundUsage,
    Matter,
    Motion,
    PrepGroup,
    Roll,
    Vote,
)
from .services.committees import term_end
from .services.common import append_audited

TZ = dt.timezone(dt.timedelta(hours=8))
FIRST_DEPOSIT_RATE = Decimal("80.00")  # 元/m² of built area, the city's standard for a multi-storey block
TERM_START = dt.date(2024, 6, 18)
FIRST = "2026年第一次业主大会会议"
SECOND = "2026年第二次业主大会会议"
ELEVATOR = "金苗园1号楼电梯更换"
ROOF = "北区3号楼屋面防水维修"
OFFICES = ["chair", "vice_chair", "vice_chair"] + ["member"] * 6

# (title, matter, share of the roll voting, of them yes / no / abstain in thousandths)
FIRST_MOTIONS = [
    ("续聘金辰物业服务有限公司为小区物业服务企业（2027—2029年）", Matter.HIRE_COMPANY, 760, (805, 140, 55)),
    ("利用南区共有场地建设电动汽车充电桩并收取场地使用费", Matter.COMMON_USE, 760, (702, 230, 68)),
]
SECOND_MOTIONS = [
    ("修订管理规约：电动自行车集中停放和充电的规定", Matter.COMPACT),
    ("业主大会议事规则：书面征求意见的期限改为十五日", Matter.RULES),
]


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)


def _prep_group(ctx, community) -> None:
    if PrepGroup.objects.filter(community=community).exists():
        return
    group = services.prep_group_create(actor=SystemActor(), community=community, formed_on=dt.date(2024, 3, 1))
    for name, role, affiliation in (("王建国", "leader", "兰山街道办事处代表"), ("赵丽", "member", "蒙山社区居委会代表")):
        services.prep_group_member_add(actor=SystemActor(), group=group, name=name, role=role,
                                       affiliation=affiliation)
    group.tasks.update(done_on=dt.date(2024, 5, 20))
    group.dissolved_on = TERM_START
    group.save(update_fields=["dissolved_on", "updated_at"])
    ctx.count("prep_groups")


def _committee(ctx, community) -> Committee:
    committee = Committee.objects.filter(community=community, term_start=TERM_START).first()
    if committee is None:
        committee = _seat_committee(ctx, community)
    if not committee.filings.exists():
        # Filed in 2024 and confirmed by the sub-district then, with the nine members as they sit.
        CommitteeFiling.objects.create(
            committee=committee, reason=CommitteeFiling.Reason.FORMATION, reference=committee.filing_reference,
            filed_on=committee.filed_on, filed_with=committee.filed_with, status=CommitteeFiling.Status.CONFIRMED,
            answered_at=_at(dt.date(2024, 7, 9)),
            members=[{"owner": m.owner_id, "name": m.owner.name, "office": m.office}
                     for m in committee.members.select_related("owner").order_by("id")])
    return committee


def _seat_committee(ctx, community) -> Committee:
    rng = ctx.rng("governance.committee")
    people = list(Owner.objects.filter(community=community, kind=Owner.Kind.PERSON, user__isnull=True)
                  .exclude(ownerships__is_voter=False).order_by("id").values_list("id", flat=True))
    committee = Committee.objects.create(
        community=community, term_start=TERM_START, term_end=term_end(TERM_START),
        filed_on=dt.date(2024, 7, 2), filing_reference="兰山街备〔2024〕7号",
        filed_with=community.residents_committee.parent if community.residents_committee else None,
    )
    CommitteeMember.objects.bulk_create([CommitteeMember(committee=committee, owner_id=owner_id, office=office)
                                         for owner_id, office in zip(sorted(rng.sample(people, 9)), OFFICES)])
    ctx.count("committees")
    return committee


def _votes(ctx, motion: Motion, share: int, split: tuple[int, int, int]) -> None:
    """Bulk votes from `share`‰ of the roll over the September voting period, yes/no/abstain in
    the given thousandths."""
    rng = ctx.rng(f"governance.votes.{motion.title}")
    entries = list(motion.assembly.roll.entries.order_by("id").values_list("id", "owner_id"))
    voting = rng.sample(entries, len(entries) * share // 1000)
    votes = []
    for entry_id, owner_id in voting:
        draw = rng.randrange(1000)
        choice = "yes" if draw < split[0] else "no" if draw < split[0] + split[1] else "abstain"
        cast_at = _at(dt.date(2026, 9, 1) + dt.timedelta(days=rng.randrange(29)), rng.randrange(8, 21))
        votes.append(Vote(motion=motion, entry_id=entry_id, owner_id=owner_id, choice=choice,
                          channel=rng.choice([Vote.Channel.ONLINE, Vote.Channel.PAPER]), cast_at=cast_at))
    append_audited(actor=SystemActor(), instances=votes, action="vote.cast", community_id=motion.assembly.community_id,
                   target=motion)
    ctx.count("votes", len(votes))


def _first_assembly(ctx, community) -> None:
    if Assembly.objects.filter(community=community, title=FIRST).exists():
        return
    system = SystemActor()
    assembly = services.assembly_create(
        actor=system, community=community, title=FIRST, form=Assembly.Form.WRITTEN, place="南区物业服务中心",
        notice="本次会议以书面征求意见形式召开，请业主在表决期内投票；逾期未投票的，不计入参与表决。")
    for position, (title, matter, share, split) in enumerate(FIRST_MOTIONS, start=1):
        motion = services.motion_create(actor=system, assembly=assembly, title=title, matter=matter, position=position)
        _votes(ctx, motion, share, split)
    services.assembly_close(actor=system, assembly=assembly)
    services.assembly_publish(actor=system, assembly=assembly)
    # The meeting was held in September: its dates, not the seeding time's.
    Roll.objects.filter(pk=assembly.roll_id).update(taken_at=_at(dt.date(2026, 9, 1)))
    Assembly.objects.filter(pk=assembly.pk).update(
        opens_at=_at(dt.date(2026, 9, 1)), closes_at=_at(dt.date(2026, 9, 30), 18), opened_at=_at(dt.date(2026, 9, 1)),
        closed_at=_at(dt.date(2026, 9, 30), 18), published_at=_at(dt.date(2026, 10, 8)))
    ctx.count("assemblies")


def _second_assembly(ctx, community) -> None:
    if Assembly.objects.filter(community=community, title=SECOND).exists():
        return
    system = SystemActor()
    assembly = services.assembly_create(
        actor=system, community=community, title=SECOND, form=Assembly.Form.WRITTEN,
        closes_at=timezone.now() + dt.timedelta(days=30), place="南区物业服务中心",
        notice="议题为修订管理规约中电动自行车停放和充电的规定，以及调整书面征求意见的期限。请在截止前通过“邻里”或纸质表决票表决。")
    for position, (title, matter) in enumerate(SECOND_MOTIONS, start=1):
        services.motion_create(actor=system, assembly=assembly, title=title, matter=matter, position=position)
    owner2 = Owner.objects.filter(community=community, user=ctx.users.get("owner2")).first()
    if owner2 is not None:
        services.vote_cast(actor=system, motion=assembly.motions.get(position=1), owner=owner2, choice="yes")
    ctx.count("assemblies")


def _fund(ctx, community) -> None:
    system = SystemActor()
    missing = Unit.objects.filter(community=community, fund_account__isnull=True)
    if missing.exists():
        entries = services.fund_first_deposit(actor=system, community=community, units=missing,
                                              rate=FIRST_DEPOSIT_RATE, memo="首期交存（80 元/m²）",
                                              at=_at(dt.date(2003, 6, 30)))
        ctx.count("fund_entries", len(entries))
    if not FundEntry.objects.filter(community=community, kind=FundEntry.Kind.INTEREST).exists():
        services.fund_interest_record(actor=system, community=community, amount=Decimal("186420.37"),
                                      memo="2025年度利息", at=_at(dt.date(2026, 1, 15)))
        ctx.count("fund_entries", FundEntry.objects.filter(community=community, kind=FundEntry.Kind.INTEREST).count())
    if not FundUsage.objects.filter(community=community, title=ROOF).exists():
        roof = Unit.objects.filter(community=community, building__name="北区3号楼")
        usage = services.fund_usage_create(actor=system, community=community, title=ROOF, amount=Decimal("48600.00"),
                                           units=roof, mode=FundUsage.Mode.EMERGENCY, category=FundUsage.Category.LEAK,
                                           contractor="临沂市兰山区建安防水工程有限公司",
                                           description="顶层住户反映屋面渗漏，经检测防水层老化开裂，按应急程序维修。")
        services.fund_usage_decide(actor=system, usage=usage)
        ctx.count("fund_entries", len(services.fund_usage_pay(actor=system, usage=usage)))
    if not FundUsage.objects.filter(community=community, title=ELEVATOR).exists():
        scope = Unit.objects.filter(community=community, building__name="金苗园1号楼")
        services.fund_usage_create(
            actor=system, community=community, title=ELEVATOR, amount=Decimal("386000.00"), units=scope,
            mode=FundUsage.Mode.NEGATIVE_VOTE, publicity_ends=timezone.now() + dt.timedelta(days=14),
            contractor="山东通力电梯工程有限公司",
            description="1号楼两部电梯已运行二十余年，故障频繁，拟整体更换。费用按建筑面积由本楼业主分摊。")
        ctx.count("fund_usages")


def load(ctx: DemoContext) -> None:
    community = ctx.communities.get("miaozhuang")
    if community is None:
        return
    _prep_group(ctx, community)
    _committee(ctx, community)
    _first_assembly(ctx, community)
    _second_assembly(ctx, community)
    _fund(ctx, community)
    accounts = FundAccount.objects.filter(community=community).count()
    ctx.log(f"{community.name}：业主委员会 9 人，业主大会会议 2 次，维修资金分户账 {accounts} 户")
