"""Training that can be counted, and certificates tied to the people who hold them (篇三 §三(三)一).

The seed asks three things of the regulator: that every professional of a company is trained once
"8月底前全部轮训一遍" — a per-company figure with the names still missing; that 物业管理师 is tied
to "企业资质、项目经理上岗" — a 物业管理师 certificate belongs to a community's project manager;
and that "新设立物业企业，从业人员经培训取得上岗证书后方可申请办理资质" — the application checks
the certificates before it is accepted. Reads are scoped to the actor like every selector: a
regulator reads the companies serving its jurisdiction, a company manager reads its own."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.errors import Conflict, PermissionDenied, ValidationFailed
from linli.core.money import percent
from linli.core.services import record_create, record_update
from linli.core.tenancy import Actor
from linli.estates.models import Community
from linli.operations.models import StaffMember
from linli.orgs.models import Organization, Role

from . import selectors
from .models import Certificate, QualificationApplication, TrainingAttendance, TrainingSession
from .selectors import ASSESSING_TIERS

# 篇三 §三(三)一: "8月底前全部轮训一遍" — the round runs from 1 January to 31 August of the year.
ROUND_END_MONTH, ROUND_END_DAY = 8, 31
# The establishment of 篇一 §四 heads a community with its 经理; the seed's 项目经理 is that post.
PROJECT_MANAGER_POSTS = ("项目经理", "经理")
# Those who decide a qualification application: the district's (or city's) property authority.
DECIDING_TIERS = ASSESSING_TIERS


def round_window(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, ROUND_END_MONTH, ROUND_END_DAY)


# Reads -------------------------------------------------------------------------------------------

def company_staff(company_id: int) -> QuerySet[StaffMember]:
    """The active staff records of a company: those of the communities it serves."""
    return (StaffMember.objects.filter(community__company_id=company_id, active=True)
            .select_related("community", "position", "team").order_by("community_id", "position__order", "name"))


def managed_company_ids(actor: Actor) -> set[int]:
    return {pk for pk, roles in actor.company_roles.items() if Role.MANAGER in roles}


def coverage_companies(*, actor: Actor, jurisdiction: Organization | None = None) -> QuerySet[Organization]:
    """A regulator's companies of a jurisdiction; without one, the companies the actor manages."""
    if jurisdiction is None:
        return Organization.objects.filter(id__in=managed_company_ids(actor)).order_by("name")
    return (selectors.company_list(actor=actor).filter(
        served_communities__in=selectors.communities_under(jurisdiction.pk)).distinct().order_by("name"))


def coverage(company: Organization, year: int) -> dict:
    """trained / total staff of a company in the year's round, and who is still untrained."""
    start, end = round_window(year)
    attended = TrainingAttendance.objects.filter(staff=OuterRef("pk"), attended=True,
                                                 session__held_on__gte=start, session__held_on__lte=end)
    staff = list(company_staff(company.pk).annotate(trained=Exists(attended)))
    trained = sum(1 for s in staff if s.trained)
    return {"company": company, "year": year, "deadline": end, "total": len(staff), "trained": trained,
            "rate": percent(trained, len(staff)), "untrained": [s for s in staff if not s.trained],
            "legacy": TrainingAttendance.objects.filter(company=company, staff__isnull=True,
                                                        session__held_on__gte=start,
                                                        session__held_on__lte=end).count()}


def coverage_rows(companies, year: int) -> list[dict]:
    return [coverage(company, year) for company in companies]


def staff_choices(*, actor: Actor) -> QuerySet[StaffMember]:
    """Staff records a regulator may enrol or certify: those of the communities it regulates."""
    qs = StaffMember.objects.filter(active=True, community__company__isnull=False).select_related(
        "community", "position")
    return qs if actor.is_admin else qs.filter(community_id__in=actor.regulated_community_ids)


def attendance_list(*, actor: Actor) -> QuerySet[TrainingAttendance]:
    """Attendance at the sessions of the actor's jurisdiction, and of the staff of its companies."""
    qs = TrainingAttendance.objects.select_related("session", "staff", "company")
    if actor.is_admin:
        return qs
    return qs.filter(Q(session__organizer_id__in=actor.jurisdiction_ids)
                     | Q(company_id__in=managed_company_ids(actor)))


def is_project_manager(staff: StaffMember) -> bool:
    return staff.position.name in PROJECT_MANAGER_POSTS


def _valid(day: dt.date) -> Q:
    """Valid on `day`: issued on or before it and expiring on or after it."""
    return Q(issued_on__lte=day, expires_on__gte=day)


def qualification_check(company: Organization, day: dt.date) -> dict:
    """What the application needs (篇三 §三(三)一) and what is missing on `day`: every staff record
    holds a valid certificate (上岗证 or 物业管理师), and every community the company serves has a
    project manager holding a valid 物业管理师 certificate — at least one in all, since the seed ties
    物业管理师 to the qualification without naming a number."""
    staff = list(company_staff(company.pk))
    valid = Certificate.objects.filter(_valid(day), staff__in=[s.pk for s in staff])
    certified = set(valid.values_list("staff_id", flat=True))
    managers = set(valid.filter(kind=Certificate.Kind.MANAGER).values_list("staff_id", flat=True))
    communities = list(Community.objects.filter(company=company).order_by("name"))
    led = {s.community_id for s in staff if s.pk in managers and is_project_manager(s)}
    required = max(1, len(communities))
    held = sum(1 for s in staff if s.pk in managers and is_project_manager(s))
    uncertified = [s for s in staff if s.pk not in certified]
    unled = [c for c in communities if c.pk not in led]
    return {"staff": len(staff), "uncertified": uncertified, "communities_without_manager": unled,
            "manager_certificates": held, "required": required,
            "ok": bool(staff) and not uncertified and not unled and held >= required}


def qualification_list(*, actor: Actor) -> QuerySet[QualificationApplication]:
    qs = QualificationApplication.objects.select_related("company", "jurisdiction", "decided_by")
    if actor.is_admin:
        return qs
    return qs.filter(Q(jurisdiction_id__in=actor.jurisdiction_ids) | Q(company_id__in=managed_company_ids(actor)))


def application_jurisdictions(company: Organization) -> QuerySet[Organization]:
    """Where a company applies: the district or city above its communities or its registration."""
    below = set(Community.objects.filter(company=company).values_list("residents_committee_id", flat=True))
    below |= {company.parent_id}
    return Organization.objects.filter(id__in=selectors.organization_ancestor_ids(below - {None}),
                                       kind__in=DECIDING_TIERS).order_by("kind", "name")


# Writes ------------------------------------------------------------------------------------------

def _regulates(actor: Actor, staff: StaffMember) -> bool:
    return actor.is_admin or staff.community_id in actor.regulated_community_ids


def attendance_record(*, actor: Actor, session: TrainingSession, staff: StaffMember,
                      attended: bool = True) -> TrainingAttendance:
    """Enrol a staff record in a session of the actor's jurisdiction; once per session."""
    if not (actor.is_admin or session.organizer_id in actor.jurisdiction_ids) or not _regulates(actor, staff):
        raise PermissionDenied()
    if TrainingAttendance.objects.filter(session=session, staff=staff).exists():
        raise Conflict(_("%(name)s 已登记在该培训中。") % {"name": staff.name}, code="duplicate")
    company = staff.community.company
    row = TrainingAttendance(session=session, staff=staff, name=staff.name, company=company, attended=attended)
    return record_create(actor=actor, instance=row, action="oversight.training_attendance",
                         data={"session": session.pk, "staff": staff.pk, "attended": attended})


def certificate_register(*, actor: Actor, staff: StaffMember, kind: str, number: str, issued_on: dt.date,
                         expires_on: dt.date) -> Certificate:
    """A certificate of a staff record, registered by the regulator that trained and examined the
    holder (never by the holder's own company). A 物业管理师 certificate is a project manager's."""
    if not _regulates(actor, staff) or staff.community.company_id in actor.company_roles:
        raise PermissionDenied()
    if expires_on <= issued_on:
        raise ValidationFailed(fields={"expires_on": [_("有效期须晚于发证日期。")]})
    if kind == Certificate.Kind.MANAGER and not is_project_manager(staff):
        raise ValidationFailed(fields={"staff": [_("物业管理师证书须登记在小区项目经理名下。")]})
    certificate = Certificate(company=staff.community.company, staff=staff, holder=staff.name, kind=kind,
                              number=number.strip(), issued_on=issued_on, expires_on=expires_on)
    return record_create(actor=actor, instance=certificate, action="oversight.certificate")


def _missing_text(check: dict) -> str:
    if not check["staff"]:
        return _("请先登记从业人员（员工档案）。")
    parts = []
    if check["uncertified"]:
        parts.append(_("以下从业人员尚未取得有效上岗证书：%(names)s。") % {
            "names": "、".join(s.name for s in check["uncertified"])})
    if check["communities_without_manager"]:
        parts.append(_("以下小区的项目经理尚无有效的物业管理师证书：%(names)s。") % {
            "names": "、".join(c.name for c in check["communities_without_manager"])})
    if not parts:
        parts.append(_("有效的物业管理师证书不足 %(n)s 本。") % {"n": check["required"]})
    return " ".join(parts)


def qualification_apply(*, actor: Actor, company: Organization, jurisdiction: Organization,
                        applied_on: dt.date | None = None) -> QualificationApplication:
    """The company's manager applies; refused, with the names, until the certificates are in order."""
    if not (actor.is_admin or company.pk in managed_company_ids(actor)):
        raise PermissionDenied()
    if not application_jurisdictions(company).filter(pk=jurisdiction.pk).exists():
        raise ValidationFailed(fields={"jurisdiction": [_("受理单位须为本企业所在的区或市物业主管部门。")]})
    if QualificationApplication.objects.filter(company=company, status=QualificationApplication.Status.PENDING
                                               ).exists():
        raise Conflict(_("已有待审核的资质申请。"), code="pending")
    day = applied_on or timezone.localdate()
    check = qualification_check(company, day)
    if not check["ok"]:
        raise ValidationFailed(_missing_text(check), code="certificates_missing")
    application = QualificationApplication(company=company, jurisdiction=jurisdiction, applied_on=day,
                                           staff_count=check["staff"],
                                           manager_certificates=check["manager_certificates"])
    return record_create(actor=actor, instance=application, action="oversight.qualification_apply")


def qualification_decide(*, actor: Actor, application: QualificationApplication, approve: bool,
                         notes: str = "") -> QualificationApplication:
    """The receiving authority approves or refuses; approval re-checks the certificates on the day,
    since one may have expired since the application."""
    if not selectors.covers(actor, application.jurisdiction_id, DECIDING_TIERS):
        raise PermissionDenied()
    if application.status != QualificationApplication.Status.PENDING:
        raise Conflict(_("该申请已审核。"), code="decided")
    today = timezone.localdate()
    if approve:
        check = qualification_check(application.company, today)
        if not check["ok"]:
            raise ValidationFailed(_missing_text(check), code="certificates_missing")
    elif not notes.strip():
        raise ValidationFailed(fields={"notes": [_("不予核准须写明理由。")]})
    status = QualificationApplication.Status.APPROVED if approve else QualificationApplication.Status.REJECTED
    return record_update(actor=actor, instance=application, action="oversight.qualification_decide",
                         changes={"status": status, "decided_on": today, "decision_notes": notes.strip(),
                                  "decided_by": actor.user})
