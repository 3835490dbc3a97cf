"""Writes of the oversight app. Each checks the tier that may do it (篇五: the sub-district's group
inspects, the district assesses and publishes), keeps references inside the actor's jurisdiction,
and audits itself in the same transaction."""

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.audit import audit_record
from linli.core.errors import Conflict, PermissionDenied, ValidationFailed
from linli.core.money import percent
from linli.core.services import full_clean_or_fail, model_snapshot, record_create, record_update
from linli.core.tenancy import Actor
from linli.core.uploads import JPEG, PNG, check_photo
from linli.estates.models import Community
from linli.orgs.models import Organization
from linli.orgs.selectors import organization_ancestor_ids, organization_descendant_ids

from . import evaluation, selectors
from .models import (
    AnnualAssessment,
    CreditRecord,
    EvaluationResult,
    Honour,
    HonourReview,
    Inspection,
    InspectionPhoto,
    InspectionScore,
    QuarterlyRanking,
    Rectification,
    RenovationProject,
    RenovationSubsidy,
    RenovationTarget,
    Rubric,
    RubricCategory,
    RubricItem,
    ServiceContract,
    TrainingSession,
)
from .selectors import ASSESSING_TIERS, INSPECTING_TIERS, RANKING_TIERS

Kind = Organization.Kind

# 篇五's six categories of the daily inspection, each with the units responsible for it; the items
# and points are the platform's default standard (a district may issue its own version).
DEFAULT_RUBRIC = [
    ("综合管理", "区经贸局", [
        ("物业服务合同签订及备案", 5), ("服务内容、标准及收费公示", 5), ("管理制度与档案资料", 5), ("从业人员持证上岗", 5)]),
    ("消防与设施设备安全", "区消防大队、质监分局、行政执法分局、城管局", [
        ("消防设施完好、消防通道畅通", 8), ("电梯等特种设备年检与维保", 6), ("供水供电等共用设施设备运行", 6)]),
    ("治安秩序维护", "区公安分局", [
        ("门岗值守与出入登记", 5), ("巡逻记录与监控运行", 5), ("车辆停放秩序", 5)]),
    ("环境卫生与绿化", "区城管局、社发局", [
        ("公共区域保洁", 6), ("垃圾分类与清运", 5), ("绿化养护", 4)]),
    ("房屋及公共部位管理", "区城管局", [
        ("制止违章搭建、私搭乱建", 5), ("房屋外观与公共部位维护", 5)]),
    ("服务结果评价", "街道办事处（管理处）、社区居委会、辖区公安派出所、业主委员会", [
        ("业主满意度", 8), ("投诉处理及时率", 6), ("重复投诉与督办情况", 6)]),
]

RECTIFICATION_DAYS = 30


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied()


def _today(day: dt.date | None) -> dt.date:
    return day or timezone.localdate()


def _credit(*, actor: Actor, company, jurisdiction, kind: str, title: str, detail: str = "",
            occurred_on: dt.date | None = None, public: bool = True) -> CreditRecord:
    """A credit-file entry; called inside the caller's transaction."""
    record = CreditRecord(company=company, jurisdiction=jurisdiction, kind=kind, title=title, detail=detail,
                          occurred_on=_today(occurred_on), public=public)
    record.save()
    audit_record(actor=actor, action="oversight.credit_record", target=record,
                 data={"company": company.pk, "kind": kind, "title": title})
    return record


# Rubric ------------------------------------------------------------------------------------------

def rubric_default_install(*, actor: Actor) -> Rubric:
    """The platform's default rubric (篇五), created once."""
    _require(actor.is_admin)
    existing = Rubric.objects.filter(jurisdiction__isnull=True).order_by("-version").first()
    if existing is not None:
        return existing
    with transaction.atomic():
        rubric = Rubric.objects.create(name="物业服务企业日常考核评分标准", version=1)
        for number, (name, units, items) in enumerate(DEFAULT_RUBRIC, start=1):
            category = RubricCategory.objects.create(rubric=rubric, number=number, name=name,
                                                     responsible_units=units)
            RubricItem.objects.bulk_create(
                RubricItem(category=category, number=i, text=text, max_points=Decimal(points))
                for i, (text, points) in enumerate(items, start=1))
        audit_record(actor=actor, action="oversight.rubric_install", target=rubric, data={"version": 1})
    return rubric


# Inspections -------------------------------------------------------------------------------------

def _item_points(rubric: Rubric, items: list[dict]) -> list[tuple[RubricItem, Decimal]]:
    by_id = {item.pk: item for c in rubric.categories.all() for item in c.items.all()}
    seen, scored, errors = set(), [], []
    for entry in items:
        item = entry["item"]
        item = by_id.get(getattr(item, "pk", item))
        points = Decimal(entry["points"])
        if item is None or item.pk in seen:
            errors.append(_("考评项目不属于所选标准或重复。"))
        elif points < 0 or points > item.max_points:
            errors.append(_("“%(item)s”得分应在 0 至 %(max)s 之间。") % {"item": item.text, "max": item.max_points})
        else:
            seen.add(item.pk)
            scored.append((item, points))
    missing = [item.text for pk, item in by_id.items() if pk not in seen]
    if missing and not errors:
        errors.append(_("还有未评分的项目：%(items)s。") % {"items": "、".join(missing)})
    if errors:
        raise ValidationFailed(errors[0], fields={"items": errors})
    return scored


def inspection_create(*, actor: Actor, company: Organization, community: Community, quarter: str,
                      score: Decimal | None = None, items: list[dict] | None = None, rubric: Rubric | None = None,
                      inspected_on: dt.date | None = None, notes: str = "", photos=(),
                      kind: str = Inspection.Kind.QUARTERLY, rectification: Rectification | None = None) -> Inspection:
    """Record an inspection of one of a company's communities. With item scores the score is their
    sum; a given score must then agree with it. Nobody inspects their own company."""
    if company.pk in actor.company_roles:
        raise PermissionDenied(_("企业不能考评本企业。"), code="self_inspection")
    _require(selectors.covers(actor, community.residents_committee_id, INSPECTING_TIERS))
    if company.kind != Kind.COMPANY or community.company_id != company.pk:
        raise ValidationFailed(_("该小区不由此企业服务。"), fields={"company": [_("该小区不由此企业服务。")]})
    year, _quarter = evaluation.parse_quarter(quarter)
    scored = []
    if items:
        rubric = rubric or selectors.current_rubric(actor=actor, jurisdiction_id=community.residents_committee_id)
        if rubric is None:
            raise ValidationFailed(fields={"rubric": [_("请选择考评标准。")]})
        scored = _item_points(rubric, items)
        total = sum((points for _item, points in scored), Decimal(0))
        if score is not None and Decimal(score) != total:
            raise ValidationFailed(_("得分应等于各项得分之和 %(total)s。") % {"total": total},
                                   fields={"score": [_("与各项得分之和不符。")]})
        score = total
    if score is None:
        raise ValidationFailed(fields={"score": [_("请填写得分或逐项评分。")]})
    checked = [(photo, check_photo(photo, kinds=(JPEG, PNG))) for photo in photos]
    inspection = Inspection(
        company=company, community=community, quarter=quarter, year=year, kind=kind, rubric=rubric, score=score,
        subdistrict=selectors.subdistrict_of(community), inspected_on=_today(inspected_on), notes=notes,
        inspector=actor.user if actor.is_authenticated else None, rectification=rectification)
    full_clean_or_fail(inspection)
    with transaction.atomic():
        inspection.save()
        InspectionScore.objects.bulk_create(InspectionScore(inspection=inspection, item=item, points=points)
                                            for item, points in scored)
        for photo, content_type in checked:
            InspectionPhoto.objects.create(inspection=inspection, image=photo, content_type=content_type)
        audit_record(actor=actor, action="oversight.inspection", target=inspection, community_id=community.pk,
                     data={**model_snapshot(inspection), "items": {item.pk: points for item, points in scored}})
    return inspection


# Annual assessment, quarterly ranking, year results ------------------------------------------------

def annual_assessment_create(*, actor: Actor, company: Organization, year: int, score: Decimal,
                             district: Organization | None = None, assessed_on: dt.date | None = None,
                             notes: str = "") -> AnnualAssessment:
    if company.pk in actor.company_roles:
        raise PermissionDenied(_("企业不能考评本企业。"), code="self_inspection")
    if district is None:
        districts = {selectors.district_of(c) for c in Community.objects.filter(company=company)} - {None}
        own = [o for o in selectors.regulator_organizations(actor) if o.kind == Kind.DISTRICT]
        district = own[0] if own else (districts.pop() if len(districts) == 1 else None)
        if district is None:
            raise ValidationFailed(fields={"district": [_("请指定考核单位（区）。")]})
    if district.kind != Kind.DISTRICT:
        raise ValidationFailed(fields={"district": [_("考核单位须为区。")]})
    _require(selectors.covers(actor, district.pk, ASSESSING_TIERS))
    published = EvaluationResult.objects.filter(year=year, company=company, jurisdiction_id__in=(
        organization_ancestor_ids({district.pk}) | organization_descendant_ids({district.pk})))
    if published.exists():
        raise Conflict(_("该年度考评结果已公布，不能再录入年度考核。"), code="published")
    assessment = AnnualAssessment(company=company, district=district, year=year, score=score,
                                  assessed_on=_today(assessed_on), notes=notes)
    return record_create(actor=actor, instance=assessment, action="oversight.annual_assessment")


def quarterly_ranking_submit(*, actor: Actor, subdistrict: Organization, quarter: str,
                             today: dt.date | None = None) -> QuarterlyRanking:
    """The sub-district reports its quarter's ranking (Q1–Q3, due by the 10th of the month after)
    and it goes on the public page; each company's place enters its credit file."""
    _require(subdistrict.kind == Kind.SUBDISTRICT and selectors.covers(actor, subdistrict.pk, RANKING_TIERS))
    due_on = evaluation.ranking_due(quarter)
    if due_on is None:
        raise ValidationFailed(_("第四季度不单独排名：其检查计入年度考评（篇五）。"), code="no_quarterly_ranking",
                               fields={"quarter": [_("季度排名只报送第一至第三季度。")]})
    rows = selectors.quarter_ranking_compute(subdistrict=subdistrict, quarter=quarter)
    if not rows:
        raise ValidationFailed(_("本季度尚无检查记录。"), code="empty")
    ranking = QuarterlyRanking(subdistrict=subdistrict, quarter=quarter, rows=rows, due_on=due_on,
                               submitted_on=_today(today))
    try:
        with transaction.atomic():
            ranking.save()
            audit_record(actor=actor, action="oversight.quarterly_ranking", target=ranking,
                         data={"quarter": quarter, "rows": rows, "late": ranking.late})
            companies = Organization.objects.in_bulk([r["company"] for r in rows])
            for row in rows:
                _credit(actor=actor, company=companies[row["company"]], jurisdiction=subdistrict,
                        kind=CreditRecord.Kind.QUARTERLY, occurred_on=ranking.submitted_on,
                        title=_("%(quarter)s 日常考评第 %(rank)s 名") % {"quarter": quarter, "rank": row["rank"]},
                        detail=_("得分 %(score)s（%(org)s）") % {"score": row["score"], "org": subdistrict.name})
    except IntegrityError as exc:
        raise Conflict(_("本季度排名已报送。"), code="duplicate") from exc
    return ranking


def _hotline_summary(actor: Actor, company_id: int, year: int, jurisdiction: Organization) -> str:
    from linli.servicedesk.selectors import company_service_stats

    stats = company_service_stats(actor=actor, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31),
                                  company_ids=[company_id],
                                  community_ids=selectors.community_ids_under(jurisdiction.pk))
    if not stats:
        return ""
    row = stats[0]

    def pct(rate):
        return "—" if rate is None else f"{percent(rate, 1, places=1)}%"

    return _("受理 %(total)s 件，按时办结率 %(on_time)s，回访满意率 %(satisfied)s，重复投诉率 %(repeat)s，"
             "督办 %(urges)s 次") % {"total": row["total"], "on_time": pct(row["on_time_rate"]),
                                   "satisfied": pct(row["satisfaction_rate"]), "repeat": pct(row["repeat_rate"]),
                                   "urges": row["urges"]}


def evaluation_publish(*, actor: Actor, jurisdiction: Organization, year: int) -> list[EvaluationResult]:
    """Freeze and publish the year's results (audited), and file each company's result and hotline
    figures in its credit record. Every company needs both parts first; publication is final."""
    _require(jurisdiction.kind in ASSESSING_TIERS and selectors.covers(actor, jurisdiction.pk, ASSESSING_TIERS))
    rows = selectors.evaluation_compute(jurisdiction=jurisdiction, year=year)
    incomplete = [str(r["company"]) for r in rows if r["total"] is None]
    if not rows or incomplete:
        raise ValidationFailed(
            _("以下企业缺少日常考评或年度考核，暂不能公布：%(names)s。") % {"names": "、".join(incomplete)}
            if incomplete else _("本年度尚无考评数据。"), code="incomplete")
    now = timezone.now()
    results = []
    try:
        with transaction.atomic():
            for row in rows:
                result = EvaluationResult.objects.create(
                    jurisdiction=jurisdiction, year=year, company=row["company"], quarterly_avg=row["quarterly_avg"],
                    annual=row["annual"], total=row["total"], rank=row["rank"], status=row["status"], published_at=now)
                audit_record(actor=actor, action="oversight.evaluation_result", target=result,
                             data={**{k: row[k] for k in ("quarterly_avg", "annual", "total", "rank", "status")},
                                   "company": row["company"].pk, "year": year, "jurisdiction": jurisdiction.pk})
                _credit(actor=actor, company=row["company"], jurisdiction=jurisdiction,
                        kind=CreditRecord.Kind.EVALUATION, occurred_on=timezone.localdate(now),
                        title=_("%(year)s 年度综合考评：%(status)s（第 %(rank)s 名）") % {
                            "year": year, "status": result.get_status_display(), "rank": row["rank"]},
                        detail=_("日常考评 %(q)s，年度考核 %(a)s，综合得分 %(t)s") % {
                            "q": row["quarterly_avg"], "a": row["annual"], "t": row["total"]})
                hotline = _hotline_summary(actor, row["company"].pk, year, jurisdiction)
                if hotline:
                    _credit(actor=actor, company=row["company"], jurisdiction=jurisdiction,
                            kind=CreditRecord.Kind.HOTLINE, occurred_on=timezone.localdate(now),
                            title=_("%(year)s 年度热线投诉统计") % {"year": year}, detail=hotline)
                results.append(result)
    except IntegrityError as exc:
        raise Conflict(_("该年度考评结果已公布。"), code="duplicate") from exc
    return results


# The failed company ------------------------------------------------------------------------------

def _rectification_guard(actor: Actor, rectification: Rectification) -> None:
    _require(selectors.covers(actor, rectification.jurisdiction_id, ASSESSING_TIERS))


def rectification_issue(*, actor: Actor, result: EvaluationResult, deadline: dt.date | None = None,
                        requirements: str = "") -> Rectification:
    """Criticism and a deadline for a failed company (篇五: 通报批评并限期整改)."""
    _require(selectors.covers(actor, result.jurisdiction_id, ASSESSING_TIERS))
    if result.status != EvaluationResult.Status.FAILED:
        raise ValidationFailed(_("只有考评不及格的企业需要限期整改。"), code="not_failed")
    today = timezone.localdate()
    deadline = deadline or today + dt.timedelta(days=RECTIFICATION_DAYS)
    if deadline <= today:
        raise ValidationFailed(fields={"deadline": [_("整改期限须晚于今天。")]})
    rectification = Rectification(result=result, company=result.company, jurisdiction=result.jurisdiction,
                                  issued_on=today, deadline=deadline, requirements=requirements)
    with transaction.atomic():
        record_create(actor=actor, instance=rectification, action="oversight.rectification_issue")
        _credit(actor=actor, company=result.company, jurisdiction=result.jurisdiction,
                kind=CreditRecord.Kind.RECTIFICATION, title=_("%(year)s 年度考评不及格，通报批评并限期整改") % {
                    "year": result.year}, detail=_("整改期限 %(date)s") % {"date": deadline})
    return rectification


def rectification_reinspect(*, actor: Actor, rectification: Rectification, community: Community, score: Decimal,
                            notes: str = "", inspected_on: dt.date | None = None) -> Inspection:
    _rectification_guard(actor, rectification)
    if rectification.status != Rectification.Status.OPEN:
        raise Conflict(_("该整改已复查。"), code="reinspected")
    day = _today(inspected_on)
    with transaction.atomic():
        inspection = inspection_create(actor=actor, company=rectification.company, community=community,
                                       quarter=evaluation.quarter_of(day), score=score, notes=notes,
                                       inspected_on=day, kind=Inspection.Kind.REINSPECTION,
                                       rectification=rectification)
        passed = inspection.score >= rectification.pass_score
        status = Rectification.Status.PASSED if passed else Rectification.Status.FAILED
        record_update(actor=actor, instance=rectification, changes={"status": status},
                      action="oversight.rectification_reinspect")
        _credit(actor=actor, company=rectification.company, jurisdiction=rectification.jurisdiction,
                kind=CreditRecord.Kind.RECTIFICATION, occurred_on=day,
                title=_("整改复查合格") if passed else _("整改复查不合格"),
                detail=_("复查得分 %(score)s") % {"score": inspection.score})
    return inspection


def rectification_propose(*, actor: Actor, rectification: Rectification, proposal: str) -> Rectification:
    """After a failed re-inspection: ask the city bureau to downgrade or revoke the qualification."""
    _rectification_guard(actor, rectification)
    if rectification.status != Rectification.Status.FAILED:
        raise ValidationFailed(_("复查不合格后才能报请市局处理。"), code="not_failed")
    if proposal not in Rectification.Proposal.values:
        raise ValidationFailed(fields={"proposal": [_("请选择处理建议。")]})
    with transaction.atomic():
        record_update(actor=actor, instance=rectification, action="oversight.rectification_propose",
                      changes={"proposal": proposal, "proposal_on": timezone.localdate()})
        _credit(actor=actor, company=rectification.company, jurisdiction=rectification.jurisdiction,
                kind=CreditRecord.Kind.RECTIFICATION,
                title=_("整改不力，报请市房管局%(action)s") % {"action": rectification.get_proposal_display()})
    return rectification


def rectification_notify(*, actor: Actor, rectification: Rectification) -> Rectification:
    """Record that the written notice went to the company's legal representative."""
    _rectification_guard(actor, rectification)
    return record_update(actor=actor, instance=rectification, changes={"notice_on": timezone.localdate()},
                         action="oversight.rectification_notify")


# Committees and contracts --------------------------------------------------------------------------

def service_contract_record(*, actor: Actor, community: Community, company: Organization, phase: str,
                            signed_on: dt.date, start: dt.date, end: dt.date | None = None,
                            notes: str = "") -> ServiceContract:
    """A contract of a community; a post-phase one is tied to the current committee that signed it."""
    _require(actor.is_admin or community.pk in actor.regulated_community_ids)
    from linli.governance.models import Committee

    committee = None
    if phase == ServiceContract.Phase.POST:
        committee = Committee.objects.filter(community=community, ended_on__isnull=True).first()
    contract = ServiceContract(community=community, company=company, phase=phase, signed_on=signed_on, start=start,
                               end=end, notes=notes, committee=committee)
    if end is not None and end < start:
        raise ValidationFailed(fields={"end": [_("截止日期不能早于起始日期。")]})
    return record_create(actor=actor, instance=contract, action="oversight.service_contract")


# Training and certificates --------------------------------------------------------------------------

def training_session_create(*, actor: Actor, organizer: Organization, title: str, tier: str, held_on: dt.date,
                            trade: str = "", hours: int = 4) -> TrainingSession:
    _require(organizer.is_jurisdiction and (actor.is_admin or organizer.pk in actor.jurisdiction_ids))
    session = TrainingSession(organizer=organizer, title=title, tier=tier, trade=trade, held_on=held_on, hours=hours)
    return record_create(actor=actor, instance=session, action="oversight.training")


# Attendance, certificates and qualification applications: linli/oversight/training.py.


# Honours ----------------------------------------------------------------------------------------

def honour_create(*, actor: Actor, community: Community, level: str, year: int, title: str) -> Honour:
    _require(actor.is_admin or community.pk in actor.regulated_community_ids)
    if community.company_id is None:
        raise ValidationFailed(fields={"community": [_("该小区没有物业服务企业。")]})
    honour = Honour(community=community, company_id=community.company_id, level=level, year=year, title=title)
    return record_create(actor=actor, instance=honour, action="oversight.honour")


def honour_review(*, actor: Actor, honour: Honour, score: Decimal, passed: bool, notes: str = "",
                  reviewed_on: dt.date | None = None) -> HonourReview:
    """A review inspection: below standard the project must rectify; failing again, the honour is
    revoked (篇三 §三(三)二)."""
    _require(actor.is_admin or honour.community_id in actor.regulated_community_ids)
    if honour.status == Honour.Status.REVOKED:
        raise Conflict(_("该荣誉已撤销。"), code="revoked")
    day = _today(reviewed_on)
    review = HonourReview(honour=honour, reviewed_on=day, score=score, passed=passed, notes=notes)
    full_clean_or_fail(review)
    if passed:
        status = Honour.Status.ACTIVE
    elif honour.status == Honour.Status.RECTIFYING:
        status = Honour.Status.REVOKED
    else:
        status = Honour.Status.RECTIFYING
    with transaction.atomic():
        record_create(actor=actor, instance=review, action="oversight.honour_review",
                      community_id=honour.community_id)
        record_update(actor=actor, instance=honour, action="oversight.honour_status", community_id=honour.community_id,
                      changes={"status": status, "revoked_on": day if status == Honour.Status.REVOKED else None})
        if status != Honour.Status.ACTIVE:
            jurisdiction = selectors.district_of(honour.community) or honour.community.residents_committee
            _credit(actor=actor, company=honour.company, jurisdiction=jurisdiction, kind=CreditRecord.Kind.HONOUR,
                    occurred_on=day, title=(_("“%(title)s”复核不达标，撤销荣誉称号") if status == Honour.Status.REVOKED
                                            else _("“%(title)s”复核不达标，责令整改")) % {"title": honour.title})
    return review


# Old-community renovation -------------------------------------------------------------------------

def _district_guard(actor: Actor, district: Organization) -> None:
    _require(district.kind == Kind.DISTRICT and selectors.covers(actor, district.pk, ASSESSING_TIERS))


def renovation_target_set(*, actor: Actor, district: Organization, year: int, target: int) -> RenovationTarget:
    _district_guard(actor, district)
    existing = RenovationTarget.objects.filter(district=district, year=year).first()
    if existing is not None:
        return record_update(actor=actor, instance=existing, changes={"target": target},
                             action="oversight.renovation_target")
    return record_create(actor=actor, instance=RenovationTarget(district=district, year=year, target=target),
                         action="oversight.renovation_target")


def renovation_project_create(*, actor: Actor, district: Organization, year: int, name: str, scope: str = "",
                              community: Community | None = None,
                              company: Organization | None = None) -> RenovationProject:
    _district_guard(actor, district)
    project = RenovationProject(district=district, year=year, name=name, scope=scope, community=community,
                                company=company)
    return record_create(actor=actor, instance=project, action="oversight.renovation_project")


def renovation_project_progress(*, actor: Actor, project: RenovationProject, progress: int,
                                completed_on: dt.date | None = None) -> RenovationProject:
    _district_guard(actor, project.district)
    if progress == 100 and completed_on is None:
        completed_on = timezone.localdate()
    return record_update(actor=actor, instance=project, action="oversight.renovation_progress",
                         changes={"progress": progress, "completed_on": completed_on if progress == 100 else None})


def renovation_subsidy_grant(*, actor: Actor, project: RenovationProject, amount: Decimal,
                             granted_on: dt.date | None = None) -> RenovationSubsidy:
    """A subsidy to the company that took the renovated community over (篇三 §三(五))."""
    _district_guard(actor, project.district)
    if project.company_id is None:
        raise ValidationFailed(_("请先登记接管单位。"), fields={"company": [_("尚无接管单位。")]})
    subsidy = RenovationSubsidy(project=project, company_id=project.company_id, amount=amount,
                                granted_on=_today(granted_on))
    return record_create(actor=actor, instance=subsidy, action="oversight.renovation_subsidy")
