"""Demo of the tiers' own duties (篇三 一(一), 一(二), 三、(二)), called from oversight/demo.py.

兰山区 sets its 2026 property-management targets for 兰山街道 and its two residents' committees
and the campaign's end-of-August targets; 临沂市 reviews the district's campaign. 涑河社区 is the
one late office: it back-signed its contract on 12 September, and has one of the two people the
seed asks of a residents' committee — the one staffing gap. Idempotent like every loader."""

import datetime as dt
from decimal import Decimal

from linli.core.demo import DemoContext, demo_user
from linli.orgs.models import Membership, Role

from . import duty_selectors, duty_services, services
from .duty_models import DutyItem, StaffingRecord

YEAR = 2026
# (office key, kind, topic, title, target count, deadline (None: 31 August), done count (for the
#  back-signing: the contracts it registers), completed on, review: (status, score, day) or None)
ITEMS = [
    ("district", "campaign", "system", "建立区、街办、居委会三级物业管理监管体制，专项整治8月底接受市局考核",
     None, None, None, dt.date(2026, 8, 31), ("passed", Decimal(92), dt.date(2026, 9, 3))),
    ("subdistrict", "assessment", "staffing", "明确物业管理分管领导，落实专职工作人员",
     1, dt.date(2026, 3, 31), 1, dt.date(2026, 3, 20), ("passed", Decimal(95), dt.date(2026, 4, 10))),
    ("residents_committee", "assessment", "staffing", "配备2名以上人员专门负责物业管理工作",
     2, dt.date(2026, 6, 30), 2, dt.date(2026, 5, 15), None),
    ("residents_committee", "campaign", "backsign", "蒙山社区未签订物业服务合同的小区8月底前补签到位",
     None, None, None, dt.date(2026, 8, 28), ("passed", Decimal(90), dt.date(2026, 9, 5))),
    ("subdistrict", "campaign", "training", "辖区物业从业人员8月底前全部轮训一遍",
     60, None, 60, dt.date(2026, 8, 30), ("passed", Decimal(88), dt.date(2026, 9, 5))),
    ("residents_committee", "campaign", "committee", "指导符合条件的小区组建业主委员会",
     1, None, 1, dt.date(2026, 8, 20), None),
    ("residents_committee_2", "campaign", "backsign", "涑河社区未签订物业服务合同的小区8月底前补签到位",
     None, None, None, dt.date(2026, 9, 12), None),
]
# (username, display name, organization key, position): with the demo's own regulators, 兰山街道
# has a lead and a full-time officer, 蒙山社区 two people and 涑河社区 one.
PEOPLE = [
    ("ls-fgld", "赵国栋", "subdistrict", "物业管理分管领导"),
    ("ms-wyzg-2", "孙丽娜", "residents_committee", "社区物业专干"),
    ("sh-wyzg-1", "钱志强", "residents_committee_2", "社区物业专干"),
]


def load(ctx: DemoContext, actor) -> None:
    orgs = ctx.organizations
    if not all(k in orgs for k in ("district", "subdistrict", "residents_committee", "residents_committee_2")):
        return
    for username, name, key, position in PEOPLE:
        user = demo_user(ctx, username, name)
        if not Membership.objects.filter(user=user, organization=orgs[key], role=Role.REGULATOR).exists():
            Membership.objects.create(user=user, organization=orgs[key], role=Role.REGULATOR, position=position)
    if not StaffingRecord.objects.filter(organization=orgs["district"]).exists():
        duty_services.staffing_record_set(actor=actor, organization=orgs["district"], office_name="兰山区物业管理办公室")
    if not StaffingRecord.objects.filter(organization=orgs["subdistrict"]).exists():
        duty_services.staffing_record_set(actor=actor, organization=orgs["subdistrict"], lead=ctx.users["ls-fgld"])
    for key, kind, topic, title, target, deadline, done, completed_on, review in ITEMS:
        office = orgs[key]
        if DutyItem.objects.filter(office=office, year=YEAR, title=title).exists():
            continue
        item = duty_services.duty_item_create(actor=actor, office=office, year=YEAR, title=title, kind=kind,
                                              topic=topic, target_count=target, deadline=deadline)
        if topic == "backsign":
            done = _backsign(actor, office, completed_on)
        duty_services.duty_item_report(actor=actor, duty_item=item, done_count=done, completed_on=completed_on,
                                       result="已完成" if completed_on <= item.deadline else "逾期完成",
                                       today=completed_on)
        if review:
            status, score, day = review
            duty_services.duty_item_review(actor=actor, duty_item=item, status=status, score=score, reviewed_on=day)
        ctx.count("duty items")


def _backsign(actor, office, day: dt.date) -> int:
    """The contracts the office's back-signing put on the register, so the target and the
    register agree: post-committee where a committee sits, else the preliminary one."""
    from linli.governance.models import Committee

    signed = 0
    for community in duty_selectors.backsign_open(office):
        if community.company_id is None:
            continue
        sits = Committee.objects.filter(community=community, ended_on__isnull=True).exists()
        services.service_contract_record(actor=actor, community=community, company=community.company,
                                         phase="post" if sits else "preliminary", signed_on=day, start=day,
                                         notes="专项整治补签")
        signed += 1
    return signed
