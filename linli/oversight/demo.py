"""Demo of the oversight app (loaded by `manage.py seed_demo`, see linli/core/demo.py).

The default rubric; three more companies with a community each under 兰山街道, so that the
ranking means something; inspections of 2025 (published, with credit records) and of 2026 Q1–Q3
(the 2026 year still open; Q1's ranking reported on time, Q2's late, Q3's not yet — the regulator's
dashboard flags the last two); training sessions (attendance and certificates by staff record
come after the operations demo, demo_training.py); the police's and fire brigade's categories
(篇五) and one score by the police; a contract
and an honour of 苗庄小区; and 篇三's renovation targets under 潍坊市 (奎文 2, 潍城 2, 坊子 /
寒亭 / 高新 1 each); the tiers' own duties of 篇三 (duty_demo). Idempotent: every step looks its rows up first."""

import datetime as dt
from decimal import Decimal

from linli.core.demo import DemoContext, credit_code
from linli.core.tenancy import Actor, SystemActor
from linli.estates.models import Community
from linli.orgs.models import Organization

from . import department_evaluation, duty_demo, services
from .department_models import DepartmentDuty, DepartmentScore
from .models import (
    AnnualAssessment,
    EvaluationResult,
    Honour,
    Inspection,
    QuarterlyRanking,
    RenovationProject,
    RenovationTarget,
    ServiceContract,
    TrainingSession,
)

Kind = Organization.Kind

# (company, legal representative, community code, community name, skill: mean share of each item's points)
COMPANIES = [
    ("company", None, "miaozhuang", None, Decimal("0.90")),
    ("company_2", None, "cuiyuan", None, Decimal("0.84")),
    ("lunan", "鲁南物业", "lunan-jiayuan", "鲁南佳苑", Decimal("0.78")),
    ("yihe", "颐和物业", "yihe-huating", "颐和华庭", Decimal("0.66")),
    ("antai", "安泰物业", "antai-xincun", "安泰新村", Decimal("0.52")),
]
RENOVATION = [("奎文区", 2), ("潍城区", 2), ("坊子区", 1), ("寒亭区", 1), ("高新区", 1)]
CURRENT_YEAR = 2026


def _org(ctx, name, kind, parent, **extra) -> Organization:
    org = Organization.objects.filter(name=name, kind=kind, parent=parent).first()
    if org is None:
        org = Organization.objects.create(name=name, kind=kind, parent=parent, **extra)
        ctx.count("organizations")
    return org


def _companies(ctx: DemoContext) -> list[tuple[Organization, Community, Decimal]]:
    orgs = ctx.organizations
    rows = []
    for key, name, code, community_name, skill in COMPANIES:
        if name:
            company = _org(ctx, name, Kind.COMPANY, orgs["district"], legal_representative=f"{name[:1]}经理",
                           credit_code=credit_code(ctx.rng(f"oversight.{key}")))
            community = Community.objects.filter(code=code).first() or Community.objects.create(
                code=code, name=community_name, company=company, residents_committee=orgs["residents_committee_2"])
            orgs[key] = company
        else:
            company, community = orgs[key], ctx.communities.get(code)
        if community is not None:
            rows.append((company, community, skill))
    return rows


def _inspect(ctx, actor, rubric, company, community, quarter: str, skill: Decimal, rng) -> None:
    if Inspection.objects.filter(company=company, community=community, quarter=quarter).exists():
        return
    items = []
    for category in rubric.categories.all():
        for item in category.items.all():
            share = min(Decimal(1), skill + Decimal(rng.randint(-8, 8)) / 100)
            items.append({"item": item, "points": (item.max_points * share).quantize(Decimal("0.5"))})
    year, q = int(quarter[:4]), int(quarter[-1])
    services.inspection_create(actor=actor, company=company, community=community, quarter=quarter, items=items,
                               rubric=rubric, inspected_on=dt.date(year, 3 * q, 15),
                               notes="季度日常检查：消防通道、保洁、门岗台账抽查。")
    ctx.count("inspections")


def load(ctx: DemoContext) -> None:
    if "district" not in ctx.organizations:
        return
    actor = SystemActor()
    rng = ctx.rng("oversight")
    rubric = services.rubric_default_install(actor=actor)
    companies = _companies(ctx)
    district, subdistrict = ctx.organizations["district"], ctx.organizations["subdistrict"]

    quarters = [f"2025Q{q}" for q in range(1, 5)] + [f"{CURRENT_YEAR}Q{q}" for q in range(1, 4)]
    for company, community, skill in companies:
        for quarter in quarters:
            _inspect(ctx, actor, rubric, company, community, quarter, skill, rng)
        if not AnnualAssessment.objects.filter(company=company, year=2025, district=district).exists():
            score = (Decimal(100) * skill + rng.randint(-3, 5)).quantize(Decimal("0.5"))
            services.annual_assessment_create(actor=actor, company=company, year=2025, score=min(score, Decimal(100)),
                                              district=district, assessed_on=dt.date(2025, 12, 20))
    if not EvaluationResult.objects.filter(jurisdiction=district, year=2025).exists():
        services.evaluation_publish(actor=actor, jurisdiction=district, year=2025)
    # 2026 Q2's ranking went in late and Q3's is not in (due 10 October), as happens: the dashboard
    # flags both. Q4 has no ranking of its own: it is part of the annual review (篇五).
    for quarter, day in (("2026Q1", dt.date(2026, 4, 8)), ("2026Q2", dt.date(2026, 7, 14))):
        if not QuarterlyRanking.objects.filter(subdistrict=subdistrict, quarter=quarter).exists():
            services.quarterly_ranking_submit(actor=actor, subdistrict=subdistrict, quarter=quarter, today=day)

    failed = EvaluationResult.objects.filter(jurisdiction=district, year=2025, status="failed").first()
    if failed is not None and not hasattr(failed, "rectification"):
        services.rectification_issue(actor=actor, result=failed, requirements="完善消防设施，规范门岗登记和保洁作业。")

    _qualification(ctx, actor)
    _departments(ctx)
    _miaozhuang(ctx, actor)
    _renovation(ctx, actor)
    duty_demo.load(ctx, actor)
    ctx.log(f"行业监管：{Inspection.objects.count()} 次检查，{EvaluationResult.objects.count()} 条考评结果")


def _qualification(ctx, actor) -> None:
    """The district's sessions of 2026; who attended is recorded by staff record, once the
    operations demo has made them (linli/oversight/demo_training.py)."""
    district = ctx.organizations["district"]
    if not TrainingSession.objects.filter(organizer=district).exists():
        for title, tier, trade, day in (("物业企业负责人专题培训", "leader", "", dt.date(2026, 5, 12)),
                                        ("秩序维护员岗位培训", "staff", "秩序维护", dt.date(2026, 6, 3)),
                                        ("业委会主任及委员培训", "committee", "", dt.date(2026, 7, 21))):
            services.training_session_create(actor=actor, organizer=district, title=title, tier=tier,
                                             trade=trade, held_on=day)


def _departments(ctx) -> None:
    """篇五: the police score 治安秩序维护 (3), the fire brigade 消防与设施设备安全 (2); the police
    have scored their category of 苗庄小区's third quarter."""
    duties = {"police": [3], "fire": [2]}
    for key, categories in duties.items():
        department = ctx.organizations.get(key)
        if department is not None and not DepartmentDuty.objects.filter(department=department).exists():
            department_evaluation.duty_set(actor=SystemActor(), department=department, categories=categories)
    police, community = ctx.users.get("police"), ctx.communities.get("miaozhuang")
    inspection = Inspection.objects.filter(community=community, quarter=f"{CURRENT_YEAR}Q3").first()
    if police is None or inspection is None or DepartmentScore.objects.filter(inspection=inspection).exists():
        return
    category = inspection.rubric.categories.get(number=3)
    department_evaluation.department_score(
        actor=Actor(police), inspection=inspection, category=3, scored_on=dt.date(CURRENT_YEAR, 9, 16),
        items=[{"item": item, "points": item.max_points - 1} for item in category.items.all()],
        notes="门岗登记完整，北区监控一处盲区待补装。")


def _miaozhuang(ctx, actor) -> None:
    community = ctx.communities.get("miaozhuang")
    if community is None:
        return
    if not ServiceContract.objects.filter(community=community).exists():
        services.service_contract_record(actor=actor, community=community, company=community.company,
                                         phase="preliminary", signed_on=dt.date(2002, 6, 1),
                                         start=dt.date(2002, 7, 1), notes="建设单位选聘的前期物业服务合同")
    if not Honour.objects.filter(community=community).exists():
        services.honour_create(actor=actor, community=community, level="municipal", year=2019,
                               title="市级物业管理优秀住宅小区")


def _renovation(ctx, actor) -> None:
    city = _org(ctx, "潍坊市", Kind.CITY, None)
    for name, target in RENOVATION:
        district = _org(ctx, name, Kind.DISTRICT, city)
        if not RenovationTarget.objects.filter(district=district, year=CURRENT_YEAR).exists():
            services.renovation_target_set(actor=actor, district=district, year=CURRENT_YEAR, target=target)
        for n in range(1, target + 1):
            project_name = f"{name[:2]}老旧小区{n}号片区"
            if RenovationProject.objects.filter(district=district, name=project_name).exists():
                continue
            project = services.renovation_project_create(
                actor=actor, district=district, year=CURRENT_YEAR, name=project_name,
                scope="楼体保温、雨污分流、增设停车位和健身设施", company=ctx.organizations.get("company"))
            done = n == 1 and name in ("奎文区", "坊子区")
            services.renovation_project_progress(actor=actor, project=project, progress=100 if done else 60,
                                                 completed_on=dt.date(2026, 9, 30) if done else None)
            if done:
                services.renovation_subsidy_grant(actor=actor, project=project, amount=Decimal("50000.00"),
                                                  granted_on=dt.date(2026, 10, 15))
