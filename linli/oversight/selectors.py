"""Reads of the oversight app, scoped to the actor (DESIGN §4): a regulator reads what lies in its
jurisdiction, a company reads its own records, and nobody else reads anything but the public page."""

import datetime as dt

from django.db.models import Case, Count, F, Max, OuterRef, Q, QuerySet, Subquery, Sum, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.errors import NotFound
from linli.core.money import money, percent
from linli.core.tenancy import Actor
from linli.estates.models import Community, Unit
from linli.orgs.models import Organization, Role
from linli.orgs.selectors import organization_ancestor_ids, organization_descendant_ids

from . import evaluation
from .models import (
    AnnualAssessment,
    Certificate,
    CreditRecord,
    EvaluationResult,
    Honour,
    Inspection,
    QuarterlyRanking,
    Rectification,
    RenovationProject,
    RenovationTarget,
    Rubric,
    ServiceContract,
    TrainingSession,
)

Kind = Organization.Kind
# Who does what (篇五): the sub-district's group inspects; the district assesses, ranks and publishes.
INSPECTING_TIERS = {Kind.CITY, Kind.DISTRICT, Kind.SUBDISTRICT}
ASSESSING_TIERS = {Kind.CITY, Kind.DISTRICT}
RANKING_TIERS = {Kind.CITY, Kind.DISTRICT, Kind.SUBDISTRICT}
CONTRACT_DEADLINE_DAYS = 60
FORMATION_LABELS = {"formed": _("已成立"), "electing": _("选举中"), "preparing": _("筹备中"), "none": _("未组建")}


# Tiers -----------------------------------------------------------------------------------------

def regulator_organizations(actor: Actor) -> list[Organization]:
    """The jurisdictions where the actor is a regulator, highest tier first."""
    order = [Kind.CITY, Kind.DISTRICT, Kind.SUBDISTRICT, Kind.RESIDENTS_COMMITTEE]
    orgs = [m.organization for m in actor.memberships if m.role == Role.REGULATOR]
    return sorted(orgs, key=lambda o: (order.index(o.kind) if o.kind in order else 9, o.pk))


def covered_ids(actor: Actor, tiers) -> set[int]:
    """Jurisdictions at or below those where the actor is a regulator of one of `tiers`."""
    return organization_descendant_ids({o.pk for o in regulator_organizations(actor) if o.kind in tiers})


def covers(actor: Actor, organization_id: int | None, tiers) -> bool:
    return actor.is_admin or (organization_id is not None and organization_id in covered_ids(actor, tiers))


def communities_under(jurisdiction_id: int) -> QuerySet[Community]:
    """The communities at or below a jurisdiction, as a query: filtering by it makes a subquery,
    where a list of a district's thousand ids would be a thousand parameters in every query."""
    return Community.objects.filter(residents_committee_id__in=organization_descendant_ids({jurisdiction_id}))


def community_ids_under(jurisdiction_id: int) -> set[int]:
    return set(communities_under(jurisdiction_id).values_list("id", flat=True))


def ancestor_of_kind(organization_id: int | None, kind: str) -> Organization | None:
    if organization_id is None:
        return None
    return Organization.objects.filter(id__in=organization_ancestor_ids({organization_id}), kind=kind).first()


def subdistrict_of(community: Community) -> Organization | None:
    return ancestor_of_kind(community.residents_committee_id, Kind.SUBDISTRICT)


def district_of(community: Community) -> Organization | None:
    return ancestor_of_kind(community.residents_committee_id, Kind.DISTRICT)


def jurisdiction_list(*, actor: Actor) -> QuerySet[Organization]:
    qs = Organization.objects.filter(kind__in=[Kind.CITY, Kind.DISTRICT, Kind.SUBDISTRICT, Kind.RESIDENTS_COMMITTEE])
    return qs if actor.is_admin else qs.filter(id__in=actor.jurisdiction_ids)


def jurisdiction_get(*, actor: Actor, jurisdiction_id) -> Organization:
    found = jurisdiction_list(actor=actor).filter(pk=jurisdiction_id).first()
    if found is None:
        raise NotFound()
    return found


def own_company_ids(actor: Actor) -> set[int]:
    return set(actor.company_roles)


# Scoped lists ------------------------------------------------------------------------------------

def company_list(*, actor: Actor) -> QuerySet[Organization]:
    """Companies serving a community in the actor's jurisdiction, and the actor's own company."""
    qs = Organization.objects.filter(kind=Kind.COMPANY)
    if actor.is_admin:
        return qs
    return qs.filter(Q(served_communities__id__in=actor.regulated_community_ids)
                     | Q(id__in=own_company_ids(actor))).distinct()


def inspectable_community_list(*, actor: Actor) -> QuerySet[Community]:
    qs = Community.objects.select_related("company")
    if actor.is_admin:
        return qs
    return qs.filter(residents_committee_id__in=covered_ids(actor, INSPECTING_TIERS))


def rubric_list(*, actor: Actor) -> QuerySet[Rubric]:
    """The platform's default rubric, and those of the jurisdictions above the actor's communities."""
    qs = Rubric.objects.prefetch_related("categories__items")
    if actor.is_admin:
        return qs
    below = actor.jurisdiction_ids | set(
        Community.objects.filter(id__in=actor.community_ids()).values_list("residents_committee_id", flat=True))
    return qs.filter(Q(jurisdiction__isnull=True) | Q(jurisdiction_id__in=organization_ancestor_ids(below - {None})))


def current_rubric(*, actor: Actor, jurisdiction_id: int | None = None) -> Rubric | None:
    """The newest active rubric of the nearest jurisdiction that issued one, else the default."""
    rubrics = rubric_list(actor=actor).filter(active=True)
    if jurisdiction_id is not None:
        chain = organization_ancestor_ids({jurisdiction_id})
        own = rubrics.filter(jurisdiction_id__in=chain).order_by("-version").first()
        if own is not None:
            return own
    return rubrics.filter(jurisdiction__isnull=True).order_by("-version").first()


def inspection_list(*, actor: Actor) -> QuerySet[Inspection]:
    qs = Inspection.objects.select_related("company", "community", "inspector", "rubric")
    if actor.is_admin:
        return qs
    return qs.filter(Q(community_id__in=actor.regulated_community_ids) | Q(company_id__in=own_company_ids(actor)))


def annual_assessment_list(*, actor: Actor) -> QuerySet[AnnualAssessment]:
    qs = AnnualAssessment.objects.select_related("company", "district")
    if actor.is_admin:
        return qs
    return qs.filter(Q(district_id__in=actor.jurisdiction_ids) | Q(company_id__in=own_company_ids(actor)))


def credit_record_list(*, actor: Actor) -> QuerySet[CreditRecord]:
    qs = CreditRecord.objects.select_related("company", "jurisdiction")
    if actor.is_admin:
        return qs
    return qs.filter(Q(jurisdiction_id__in=actor.jurisdiction_ids) | Q(company_id__in=own_company_ids(actor)))


def rectification_list(*, actor: Actor) -> QuerySet[Rectification]:
    qs = Rectification.objects.select_related("company", "jurisdiction", "result")
    if actor.is_admin:
        return qs
    return qs.filter(Q(jurisdiction_id__in=actor.jurisdiction_ids) | Q(company_id__in=own_company_ids(actor)))


def quarterly_ranking_list(*, actor: Actor) -> QuerySet[QuarterlyRanking]:
    qs = QuarterlyRanking.objects.select_related("subdistrict")
    return qs if actor.is_admin else qs.filter(subdistrict_id__in=organization_descendant_ids(
        actor.jurisdiction_ids) | organization_ancestor_ids(actor.jurisdiction_ids))


def result_list(*, actor: Actor) -> QuerySet[EvaluationResult]:
    qs = EvaluationResult.objects.select_related("company", "jurisdiction")
    if actor.is_admin:
        return qs
    return qs.filter(Q(jurisdiction_id__in=actor.jurisdiction_ids) | Q(company_id__in=own_company_ids(actor)))


# Evaluation -------------------------------------------------------------------------------------

def evaluation_compute(*, jurisdiction: Organization, year: int) -> list[dict]:
    """The year's results of every company in a jurisdiction, live from inspections and assessments.
    A quarter counts when the company was inspected in it; the annual assessment is that of the
    district (or districts, averaged, for a city) the jurisdiction lies in or contains."""
    communities = communities_under(jurisdiction.pk)
    inspections = Inspection.objects.filter(kind=Inspection.Kind.QUARTERLY, year=year, community__in=communities)
    scores = evaluation.quarter_scores(inspections.values_list("company_id", "quarter", "score"))
    districts = organization_descendant_ids({jurisdiction.pk}) | organization_ancestor_ids({jurisdiction.pk})
    annual: dict[int, list] = {}
    for company_id, score in AnnualAssessment.objects.filter(year=year, district_id__in=districts).values_list(
            "company_id", "score"):
        annual.setdefault(company_id, []).append(score)
    # The companies inspected there this year or serving a community there now: a district's
    # annual assessment of a company that works elsewhere in it does not enter this ranking.
    company_ids = {company for company, _quarter in scores} | set(
        communities.filter(company__isnull=False).order_by().values_list("company_id", flat=True).distinct())
    companies = Organization.objects.in_bulk(company_ids)
    rows = [{"company": companies[cid],
             "quarter_scores": [score for (company, _quarter), score in sorted(scores.items()) if company == cid],
             "annual": evaluation.mean(annual.get(cid, []))} for cid in company_ids]
    return evaluation.year_results(rows)


def default_jurisdiction(actor: Actor) -> Organization | None:
    orgs = regulator_organizations(actor)
    if orgs:
        return orgs[0]
    rc_ids = set(Community.objects.filter(id__in=actor.staff_community_ids).values_list("residents_committee_id",
                                                                                       flat=True)) - {None}
    return Organization.objects.filter(id__in=organization_ancestor_ids(rc_ids), kind=Kind.DISTRICT).first()


def year_rows(*, jurisdiction: Organization, year: int) -> tuple[bool, list[dict]]:
    """(published, rows): the frozen rows once published, else the live computation."""
    stored = list(EvaluationResult.objects.filter(jurisdiction=jurisdiction, year=year).select_related("company"))
    if stored:
        fields = ("quarterly_avg", "annual", "total", "rank", "status")
        return True, [{"company": r.company, **{f: getattr(r, f) for f in fields}} for r in stored]
    return False, evaluation_compute(jurisdiction=jurisdiction, year=year)


def evaluation_results(*, actor: Actor, year: int, jurisdiction_id=None) -> tuple[Organization, bool, list[dict]]:
    """A regulator reads the results of its jurisdiction; a company reads its own row only, and only
    in a jurisdiction where it serves a community."""
    if jurisdiction_id in (None, ""):
        jurisdiction = default_jurisdiction(actor)
    else:
        jurisdiction = Organization.objects.filter(pk=jurisdiction_id).first()
    if jurisdiction is None:
        raise NotFound()
    if actor.is_admin or jurisdiction.pk in actor.jurisdiction_ids:
        return jurisdiction, *year_rows(jurisdiction=jurisdiction, year=year)
    own = own_company_ids(actor)
    serving = Community.objects.filter(company_id__in=own, residents_committee_id__in=organization_descendant_ids(
        {jurisdiction.pk}))
    if not own or not serving.exists():
        raise NotFound()
    published, rows = year_rows(jurisdiction=jurisdiction, year=year)
    return jurisdiction, published, [row for row in rows if row["company"].pk in own]


def quarter_ranking_compute(*, subdistrict: Organization, quarter: str) -> list[dict]:
    evaluation.parse_quarter(quarter)
    inspections = Inspection.objects.filter(kind=Inspection.Kind.QUARTERLY, quarter=quarter,
                                            community_id__in=community_ids_under(subdistrict.pk))
    scores = evaluation.quarter_scores(inspections.values_list("company_id", "quarter", "score"))
    companies = Organization.objects.in_bulk([company for company, _ in scores])
    rounded = {company: money(score) for (company, _quarter), score in scores.items()}
    ranks = dict(zip(rounded, evaluation.shared_ranks(list(rounded.values()))))
    rows = [{"company": companies[c].pk, "name": companies[c].name, "score": str(s), "rank": ranks[c]}
            for c, s in rounded.items()]
    return sorted(rows, key=lambda r: (r["rank"], r["name"]))


def ranking_calendar(*, jurisdiction: Organization, year: int, today: dt.date | None = None) -> list[dict]:
    """The quarterly rankings of `year` that the sub-districts at or under the jurisdiction owe by
    now — Q1–Q3 only (篇五; Q4 is in the annual review) — for each sub-district with communities to
    rank: {"subdistrict", "quarter", "due_on", "submitted_on" (None if missing), "overdue" (missing
    after its due date), "late" (submitted after it)}, sub-district by sub-district, quarter order."""
    today = today or timezone.localdate()
    due = [(f"{year}Q{q}", evaluation.ranking_due(f"{year}Q{q}")) for q in evaluation.RANKED_QUARTERS]
    due = [(quarter, day) for quarter, day in due if day <= today]
    if not due:
        return []
    below = organization_descendant_ids({jurisdiction.pk})
    served = set(Community.objects.filter(residents_committee_id__in=below).order_by()
                 .values_list("residents_committee_id", flat=True).distinct())
    subdistricts = list(Organization.objects.filter(id__in=organization_ancestor_ids(served) & below,
                                                    kind=Kind.SUBDISTRICT).order_by("name", "id"))
    submitted = {(r.subdistrict_id, r.quarter): r.submitted_on for r in QuarterlyRanking.objects.filter(
        subdistrict__in=subdistricts, quarter__in=[quarter for quarter, _day in due])}
    rows = []
    for subdistrict in subdistricts:
        for quarter, due_on in due:
            on = submitted.get((subdistrict.pk, quarter))
            rows.append({"subdistrict": subdistrict, "quarter": quarter, "due_on": due_on, "submitted_on": on,
                         "overdue": on is None and evaluation.ranking_overdue(quarter, today),
                         "late": on is not None and on > due_on})
    return rows


# Public page (no login): published results and public credit records only -------------------------

def public_results() -> QuerySet[EvaluationResult]:
    return EvaluationResult.objects.select_related("company", "jurisdiction").order_by("-year", "jurisdiction__name",
                                                                                          "rank", "company__name")


def public_rankings() -> QuerySet[QuarterlyRanking]:
    return QuarterlyRanking.objects.filter(published=True).select_related("subdistrict")


def public_credit_records() -> QuerySet[CreditRecord]:
    return CreditRecord.objects.filter(public=True).select_related("company", "jurisdiction")


def public_company(company_id: int) -> Organization:
    company = Organization.objects.filter(kind=Kind.COMPANY, pk=company_id).filter(
        Q(credit_records__public=True) | Q(id__in=EvaluationResult.objects.values("company_id"))).distinct().first()
    if company is None:
        raise NotFound()
    return company


# Committees and contracts ---------------------------------------------------------------------

def committee_eligible(community_units: dict) -> bool:
    """A committee may be formed once more than half of the units are delivered (《物业管理条例》
    and 篇三 §三(二)): what the developer still holds unsold does not count as delivered."""
    total, unsold = community_units.get("total", 0), community_units.get("unsold", 0)
    return total > 0 and (total - unsold) * 2 > total


def formation_rows(*, actor: Actor, jurisdiction: Organization, today: dt.date | None = None) -> list[dict]:
    """Per community: eligibility, committee status, and the 60-day contract deadline after the
    committee's election with its alert."""
    from linli.governance.models import Committee, Election, PrepGroup

    today = today or timezone.localdate()
    communities = list(Community.objects.filter(id__in=community_ids_under(jurisdiction.pk))
                       .select_related("company", "residents_committee"))
    ids = [c.pk for c in communities]
    units = {row["community_id"]: row for row in Unit.objects.filter(community_id__in=ids).order_by()
             .values("community_id").annotate(total=Count("id"), unsold=Count("id", filter=Q(status="unsold")))}
    committees = {c.community_id: c for c in Committee.objects.filter(community_id__in=ids, ended_on__isnull=True)
                  .select_related("election")}
    elections = set(Election.objects.filter(community_id__in=ids).filter(status__in=Election.RUNNING)
                    .values_list("community_id", flat=True))
    preparing = set(PrepGroup.objects.filter(community_id__in=ids, dissolved_on__isnull=True)
                    .values_list("community_id", flat=True))
    contracts: dict[int, list] = {}
    for contract in ServiceContract.objects.filter(community_id__in=ids).select_related("company"):
        contracts.setdefault(contract.community_id, []).append(contract)
    rows = []
    for community in communities:
        committee = committees.get(community.pk)
        eligible = committee_eligible(units.get(community.pk, {}))
        if committee is not None:
            status = "formed"
        elif community.pk in elections:
            status = "electing"
        elif community.pk in preparing:
            status = "preparing"
        else:
            status = "none"
        own = contracts.get(community.pk, [])
        post = next((c for c in own if c.phase == ServiceContract.Phase.POST), None)
        deadline = overdue = None
        if committee is not None:
            elected_on = (timezone.localdate(committee.election.tallied_at)
                          if committee.election_id and committee.election.tallied_at else committee.term_start)
            deadline = elected_on + dt.timedelta(days=CONTRACT_DEADLINE_DAYS)
            signed = post is not None and post.signed_on >= elected_on
            overdue = not signed and today > deadline
        rows.append({"community": community, "eligible": eligible, "status": status,
                     "status_label": FORMATION_LABELS[status], "committee": committee,
                     "contracts": own, "post_contract": post, "deadline": deadline, "overdue": bool(overdue)})
    return rows


def formation_figures(*, communities: QuerySet[Community], today: dt.date | None = None) -> dict:
    """formation_summary(formation_rows(...)) of `communities` (those under a jurisdiction) without
    a row per community — a few aggregate queries whatever their number — plus `post`, the
    communities with a post-committee contract: the dashboard of a district of a thousand."""
    from linli.governance.models import Committee

    today = today or timezone.localdate()
    communities = communities.order_by()
    sitting = Committee.objects.filter(ended_on__isnull=True)
    # Per community with units: the units, those unsold, and whether a committee sits (0/1); then
    # over those rows, the eligible ones (committee_eligible: total > 2 × unsold) and the formed.
    eligible = Q(total__gt=F("unsold") * 2)
    counts = (Unit.objects.filter(community__in=communities).order_by().values("community_id").annotate(
        total=Count("id"), unsold=Count("id", filter=Q(status=Unit.Status.UNSOLD)),
        sits=Max(Case(When(community_id__in=sitting.values("community_id"), then=1), default=0)),
    ).aggregate(eligible=Count("community_id", filter=eligible),
                formed=Count("community_id", filter=eligible & Q(sits=1))))
    # Overdue: a sitting committee elected more than 60 days ago whose newest post-committee
    # contract (if any) was signed before its election.
    post = ServiceContract.objects.filter(phase=ServiceContract.Phase.POST)
    overdue = sitting.filter(community__in=communities).annotate(
        elected_on=Coalesce(TruncDate("election__tallied_at", tzinfo=timezone.get_current_timezone()), "term_start"),
        post_signed=Subquery(post.filter(community=OuterRef("community")).order_by("-signed_on").values("signed_on")[:1]),
    ).filter(Q(post_signed__isnull=True) | Q(post_signed__lt=F("elected_on")),
             elected_on__lt=today - dt.timedelta(days=CONTRACT_DEADLINE_DAYS)).count()
    return {"eligible": counts["eligible"], "formed": counts["formed"], "overdue": overdue,
            "rate": percent(counts["formed"], counts["eligible"]) if counts["eligible"] else None,
            "post": post.filter(community__in=communities).order_by().values("community_id").distinct().count()}


def formation_summary(rows: list[dict]) -> dict:
    eligible = [r for r in rows if r["eligible"]]
    formed = [r for r in eligible if r["status"] == "formed"]
    rate = percent(len(formed), len(eligible)) if eligible else None
    return {"eligible": len(eligible), "formed": len(formed), "rate": rate,
            "overdue": sum(1 for r in rows if r["overdue"])}


# Training, certificates, honours, renovation ------------------------------------------------------

def training_list(*, actor: Actor) -> QuerySet[TrainingSession]:
    qs = TrainingSession.objects.select_related("organizer").annotate(
        enrolled=Count("attendance"), present=Count("attendance", filter=Q(attendance__attended=True)))
    return qs if actor.is_admin else qs.filter(organizer_id__in=actor.jurisdiction_ids)


def certificate_list(*, actor: Actor) -> QuerySet[Certificate]:
    qs = Certificate.objects.select_related("company")
    if actor.is_admin:
        return qs
    return qs.filter(Q(company__in=company_list(actor=actor)) | Q(company_id__in=own_company_ids(actor)))


def honour_list(*, actor: Actor) -> QuerySet[Honour]:
    qs = Honour.objects.select_related("community", "company").prefetch_related("reviews")
    return qs if actor.is_admin else qs.filter(community_id__in=actor.regulated_community_ids)


def renovation(*, actor: Actor, jurisdiction: Organization) -> dict:
    districts = organization_descendant_ids({jurisdiction.pk}) | organization_ancestor_ids({jurisdiction.pk})
    districts = set(Organization.objects.filter(id__in=districts, kind=Kind.DISTRICT).values_list("id", flat=True))
    if jurisdiction.kind != Kind.CITY:
        own = ancestor_of_kind(jurisdiction.pk, Kind.DISTRICT)
        districts = {own.pk} if own else set()
    projects = list(RenovationProject.objects.filter(district_id__in=districts).select_related("district", "company")
                    .annotate(subsidy_total=Sum("subsidies__amount")))
    targets = list(RenovationTarget.objects.filter(district_id__in=districts).select_related("district"))
    for target in targets:
        mine = [p for p in projects if p.district_id == target.district_id and p.year == target.year]
        target.completed = sum(1 for p in mine if p.completed_on)
        target.started = len(mine)
    return {"targets": targets, "projects": projects}
