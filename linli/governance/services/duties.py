"""The committee's duties of 篇四 §二 that need a flow of their own: the annual property-service
budget and final accounts (§二.4), the owners' concerns raised with the committee first (§二, last
paragraph), and the scrutineers and tellers who sign the count of an election or an assembly
(篇四 §一.7(2))."""

import hashlib
import json
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.audit import audit_record
from linli.core.errors import Conflict, PermissionDenied, ValidationFailed
from linli.core.money import money
from linli.core.notify import notify_users
from linli.core.services import record_create, record_update
from linli.core.tenancy import Actor
from linli.estates.models import Community, Owner, Unit
from linli.servicedesk.models import Kind as RequestKind
from linli.servicedesk.services import request_create

from ..models import Assembly, CountOfficer, Election, OwnerConcern, ServiceBudget, ServiceBudgetLine
from .assemblies import notify_owners, votes_digest, voting_ended
from .common import notify_committee, require_run

LINES_MAX = 100
HAND_OFF_OPINION_MAX = 400  # with the concern's 1,500 characters, within a request's 2,000
# What a committee may hand to the company: the kinds of request the company works on.
HAND_OFF_KINDS = (RequestKind.REPAIR, RequestKind.COMPLAINT, RequestKind.HELP)


# Budget and final accounts (预算、决算, 篇四 §二.4) ----------------------------------------------

def _budget_lines(lines) -> list[ServiceBudgetLine]:
    lines = list(lines or [])
    if not lines:
        raise ValidationFailed(fields={"lines": [_("请至少填写一个项目。")]})
    if len(lines) > LINES_MAX:
        raise ValidationFailed(fields={"lines": [_("项目不能超过 %(n)s 个。") % {"n": LINES_MAX}]})
    rows = []
    for position, line in enumerate(lines, start=1):
        item = str(line.get("item", "")).strip()
        amount = money(line.get("amount", ""))
        if not item or amount < 0:
            raise ValidationFailed(fields={"lines": [_("第 %(n)s 项：请填写项目名称和不小于 0 的金额。") % {"n": position}]})
        rows.append(ServiceBudgetLine(position=position, item=item[:80], amount=amount,
                                      note=str(line.get("note", "")).strip()[:200]))
    return rows


def _set_lines(budget: ServiceBudget, rows: list[ServiceBudgetLine]) -> None:
    budget.lines.all().delete()
    for row in rows:
        row.budget = budget
    ServiceBudgetLine.objects.bulk_create(rows)
    budget.total = sum((r.amount for r in rows), Decimal("0.00"))
    budget.save(update_fields=["total", "updated_at"])


def _line_data(rows) -> list[dict]:
    return [{"item": r.item, "amount": r.amount, "note": r.note} for r in rows]


def service_budget_create(*, actor: Actor, community: Community, year: int, kind: str, lines, title: str = "",
                          note: str = "") -> ServiceBudget:
    """The company drafts the year's budget, or after the year its final accounts (篇四 §二.4)."""
    actor.require("governance.budget_draft", community)
    if kind not in ServiceBudget.Kind.values:
        raise ValidationFailed(fields={"kind": [_("未知的类别。")]})
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise ValidationFailed(fields={"year": [_("年度无效。")]})
    rows = _budget_lines(lines)
    title = title.strip() or _("%(year)s年度物业服务费%(kind)s") % {"year": year, "kind": ServiceBudget.Kind(kind).label}
    with transaction.atomic():
        budget = record_create(actor=actor, action="service_budget.create",
                               instance=ServiceBudget(community=community, year=year, kind=kind, title=title,
                                                      note=note, drafted_by=actor.user),
                               data={"year": year, "kind": kind, "lines": _line_data(rows)})
        _set_lines(budget, rows)
    return budget


def _locked_budget(budget: ServiceBudget) -> ServiceBudget:
    return ServiceBudget.objects.select_for_update(of=("self",)).select_related("community").get(pk=budget.pk)


def service_budget_revise(*, actor: Actor, budget: ServiceBudget, lines, title: str = "",
                          note: str | None = None) -> ServiceBudget:
    """The company reworks a draft, or one the committee returned."""
    actor.require("governance.budget_draft", budget.community_id)
    rows = _budget_lines(lines)
    with transaction.atomic():
        budget = _locked_budget(budget)
        if budget.status not in (ServiceBudget.Status.DRAFT, ServiceBudget.Status.RETURNED):
            raise ValidationFailed(_("已提交或已批准的预算、决算不能修改。"), code="not_editable")
        budget.title = title.strip() or budget.title
        budget.note = budget.note if note is None else note
        budget.status = ServiceBudget.Status.DRAFT
        budget.save(update_fields=["title", "note", "status", "updated_at"])
        _set_lines(budget, rows)
        audit_record(actor=actor, action="service_budget.revise", target=budget, community_id=budget.community_id,
                     data={"lines": _line_data(rows), "total": budget.total})
    return budget


def service_budget_submit(*, actor: Actor, budget: ServiceBudget) -> ServiceBudget:
    actor.require("governance.budget_draft", budget.community_id)
    with transaction.atomic():
        budget = _locked_budget(budget)
        if budget.status != ServiceBudget.Status.DRAFT:
            raise ValidationFailed(_("只有编制中的预算、决算可以提交。"), code="not_draft")
        budget = record_update(actor=actor, instance=budget, action="service_budget.submit",
                               changes={"status": ServiceBudget.Status.SUBMITTED})
        notify_committee(budget.community_id, title=_("待审核：%(title)s") % {"title": budget.title},
                         body=_("物业服务企业已提交，合计 %(total)s 元。") % {"total": budget.total},
                         url=f"/governance/service-budgets/{budget.pk}/")
    return budget


def service_budget_review(*, actor: Actor, budget: ServiceBudget, approve: bool, note: str = "") -> ServiceBudget:
    """The committee approves a submitted budget or final accounts, or returns it with its reasons."""
    actor.require("governance.committee_duties", budget.community_id)
    note = note.strip()
    if not approve and not note:
        raise ValidationFailed(fields={"note": [_("退回须写明意见。")]})
    with transaction.atomic():
        budget = _locked_budget(budget)
        if budget.status != ServiceBudget.Status.SUBMITTED:
            raise ValidationFailed(_("只有已提交的预算、决算可以审核。"), code="not_submitted")
        changes = {"status": ServiceBudget.Status.APPROVED if approve else ServiceBudget.Status.RETURNED,
                   "reviewed_by": actor.user, "review_note": note[:200]}
        if approve:
            changes["approved_at"] = timezone.now()
        budget = record_update(actor=actor, instance=budget, changes=changes,
                               action="service_budget.approve" if approve else "service_budget.return")
        if budget.drafted_by_id:
            drafter = budget.drafted_by
            message = {"title": (_("已批准：%(title)s") if approve else _("已退回：%(title)s")) % {"title": budget.title},
                       "body": note or _("业主委员会已批准。"), "url": f"/governance/service-budgets/{budget.pk}/"}
            transaction.on_commit(lambda: notify_users([drafter], **message))
    return budget


def service_budget_disclose(*, actor: Actor, budget: ServiceBudget) -> ServiceBudget:
    """The committee discloses an approved budget or final accounts to every owner."""
    actor.require("governance.committee_duties", budget.community_id)
    with transaction.atomic():
        budget = _locked_budget(budget)
        if budget.status != ServiceBudget.Status.APPROVED:
            raise ValidationFailed(_("批准后才能向业主公开。"), code="not_approved")
        budget = record_update(actor=actor, instance=budget, action="service_budget.disclose",
                               changes={"status": ServiceBudget.Status.DISCLOSED, "disclosed_at": timezone.now()})
        notify_owners(budget.community_id, title=_("公开：%(title)s") % {"title": budget.title},
                      body=_("业主委员会已批准并公开，合计 %(total)s 元，请登录查看明细。") % {"total": budget.total},
                      url=f"/governance/service-budgets/{budget.pk}/")
    return budget


# Owners' concerns, raised with the committee first (篇四 §二) ---------------------------------

def owner_concern_raise(*, actor: Actor, owner: Owner, subject: str, text: str,
                        unit: Unit | None = None) -> OwnerConcern:
    """An owner raises a concern about the property service with the committee, in their own name."""
    if owner.pk not in actor.owner_ids:
        raise PermissionDenied(_("只能以本人名义向业主委员会反映。"))
    subject, text = subject.strip(), text.strip()
    if not subject or not text:
        raise ValidationFailed(fields={**({"subject": [_("请填写事项。")]} if not subject else {}),
                                       **({"text": [_("请填写意见。")]} if not text else {})})
    units = Unit.objects.filter(ownerships__owner=owner).order_by("id")
    if unit is not None and not units.filter(pk=unit.pk).exists():
        raise ValidationFailed(fields={"unit": [_("只能选择本人的房屋。")]})
    concern = record_create(actor=actor, action="owner_concern.raise",
                            instance=OwnerConcern(community_id=owner.community_id, owner=owner,
                                                  unit=unit or units.first(), subject=subject[:100], text=text,
                                                  raised_by=actor.user))
    notify_committee(owner.community_id, title=_("业主意见：%(subject)s") % {"subject": concern.subject},
                     body=concern.text[:200], url=f"/governance/owner-concerns/{concern.pk}/")
    return concern


def _answerable(actor: Actor, concern: OwnerConcern) -> OwnerConcern:
    actor.require("governance.committee_duties", concern.community_id)
    concern = OwnerConcern.objects.select_for_update(of=("self",)).select_related("community", "unit", "raised_by") \
        .get(pk=concern.pk)
    if concern.status != OwnerConcern.Status.OPEN:
        raise ValidationFailed(_("该意见已答复。"), code="already_answered")
    return concern


def _tell_owner(concern: OwnerConcern, body: str) -> None:
    if concern.raised_by_id:
        user = concern.raised_by
        transaction.on_commit(lambda: notify_users(
            [user], title=_("业主委员会答复：%(subject)s") % {"subject": concern.subject}, body=body,
            url=f"/governance/owner-concerns/{concern.pk}/"))


def owner_concern_answer(*, actor: Actor, concern: OwnerConcern, answer: str) -> OwnerConcern:
    """The committee answers the owner itself."""
    answer = answer.strip()
    if not answer:
        raise ValidationFailed(fields={"answer": [_("请填写答复。")]})
    with transaction.atomic():
        concern = _answerable(actor, concern)
        concern = record_update(actor=actor, instance=concern, action="owner_concern.answer",
                                changes={"status": OwnerConcern.Status.ANSWERED, "answer": answer,
                                         "answered_by": actor.user, "answered_at": timezone.now()})
        _tell_owner(concern, answer)
    return concern


def owner_concern_hand_off(*, actor: Actor, concern: OwnerConcern, kind: str = RequestKind.COMPLAINT,
                           answer: str = "") -> OwnerConcern:
    """Where the company must act, the committee hands the concern to it as a service request —
    the owner's own request, which they follow and rate as any other — and says so in its answer."""
    if kind not in HAND_OFF_KINDS:
        raise ValidationFailed(fields={"kind": [_("只能转为报修、投诉或求助工单。")]})
    answer = answer.strip() or _("业主委员会已转物业服务企业办理，请在工单中跟进。")
    if len(answer) > HAND_OFF_OPINION_MAX:
        raise ValidationFailed(fields={"answer": [_("转办意见不超过 %(n)s 字。") % {"n": HAND_OFF_OPINION_MAX}]})
    with transaction.atomic():
        concern = _answerable(actor, concern)
        if concern.raised_by is None:
            raise ValidationFailed(_("提出意见的业主没有登录账号，不能转为工单。"), code="no_login")
        request = request_create(
            actor=Actor(concern.raised_by), community=concern.community, kind=kind, title=concern.subject,
            description=_("%(text)s\n\n业主委员会意见：%(answer)s") % {"text": concern.text, "answer": answer},
            unit=concern.unit, location="" if concern.unit else concern.community.name,
            audit_data={"owner_concern": concern.pk, "handed_off_by": getattr(actor.user, "pk", None)})
        concern = record_update(actor=actor, instance=concern, action="owner_concern.hand_off",
                                changes={"status": OwnerConcern.Status.HANDED_OFF, "answer": answer,
                                         "answered_by": actor.user, "answered_at": timezone.now(),
                                         "service_request": request})
        _tell_owner(concern, answer)
    return concern


# Scrutineers and tellers (监票人、计票人, 篇四 §一.7(2)) -------------------------------------------

def _vote_of(officer: CountOfficer):
    return officer.election if officer.election_id else officer.assembly


def count_officer_add(*, actor: Actor, role: str, name: str = "", owner: Owner | None = None,
                      election: Election | None = None, assembly: Assembly | None = None) -> CountOfficer:
    """Record a scrutineer or teller of one election or assembly, chosen by those who run it.
    A candidate does not watch or count their own election."""
    if (election is None) == (assembly is None):
        raise ValidationFailed(_("请指明选举或业主大会。"), code="invalid")
    vote = election or assembly
    require_run(actor, vote.community_id)
    if role not in CountOfficer.Role.values:
        raise ValidationFailed(fields={"role": [_("未知的职责。")]})
    if owner is not None and owner.community_id != vote.community_id:
        raise ValidationFailed(fields={"owner": [_("必须属于同一个小区。")]})
    name = name.strip() or getattr(owner, "name", "")
    if not name:
        raise ValidationFailed(fields={"name": [_("请填写姓名。")]})
    if election is not None and owner is not None and election.candidates.filter(owner=owner).exists():
        raise ValidationFailed(_("候选人不能担任本次选举的监票人或计票人。"), code="candidate",
                               fields={"owner": [_("是本次选举的候选人。")]})
    signed = (election.status == Election.Status.TALLIED) if election is not None else \
        assembly.count_officers.filter(signed_at__isnull=False).exists()
    if signed:
        raise ValidationFailed(_("计票结果已签字，不能再增加监票、计票人。"), code="count_signed")
    return record_create(actor=actor, action="count_officer.add", community_id=vote.community_id,
                         instance=CountOfficer(election=election, assembly=assembly, role=role, name=name[:60],
                                               owner=owner))


def count_digest(*, election: Election | None = None, assembly: Assembly | None = None) -> str:
    """What the officers sign: the digest of the ballots of the count (an election's tally), or of
    every motion's votes (an assembly once voting has ended); "" while there is no count to sign."""
    if election is not None:
        return (election.result or {}).get("ballots_digest", "") if election.status == Election.Status.TALLIED else ""
    if assembly.opened_at is None or not voting_ended(assembly):
        return ""
    digests = [[m.pk, votes_digest(m)] for m in assembly.motions.order_by("position", "id")]
    return hashlib.sha256(json.dumps(digests).encode()).hexdigest()


def count_sign(*, actor: Actor, officer: CountOfficer) -> CountOfficer:
    """An officer signs the count: on the portal in person, or a teller enters the signature on
    the paper record (篇四 §一.7(2): 由监票人签字)."""
    vote = _vote_of(officer)
    in_person = officer.owner_id is not None and officer.owner_id in actor.owner_ids
    if not in_person:
        require_run(actor, vote.community_id)
    with transaction.atomic():
        officer = CountOfficer.objects.select_for_update().get(pk=officer.pk)
        if officer.signed_at is not None:
            raise Conflict(_("已签字。"), code="already_signed")
        digest = count_digest(election=officer.election, assembly=officer.assembly)
        if not digest:
            raise ValidationFailed(_("计票结束后才能签字。"), code="not_counted")
        officer = record_update(actor=actor, instance=officer, action="count_officer.sign",
                                community_id=vote.community_id,
                                changes={"signed_at": timezone.now(), "signed_digest": digest,
                                         "signed_entered_by": actor.user})
    return officer
