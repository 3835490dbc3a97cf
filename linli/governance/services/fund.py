"""The maintenance fund (专项维修资金): a ledger per unit, and the uses of the fund.

A unit's first deposit is the standard per m² times its built area; owners top it up (续筹);
interest is allocated pro rata to the balances; a use is paid by the units of its scope in
proportion to their built area (住宅专项维修资金管理办法 art. 23). Shares are exact to the fen:
each is rounded down and the fen left over go to the largest remainders, so they always add
up to the amount. No balance ever goes below zero — a use the balances cannot cover is refused,
naming the units short — and a balance that falls below 30% of its first deposit brings a
top-up notice.

A use is decided in one of three ways (DESIGN §6): an Art. 278 `fund_use` motion of the scope's
owners (`assembly`); a publicity period in which the scope's owners may object, approved unless
the objectors exceed a third of the owners or of the area (`negative_vote`, 篇三 §三(四)); or, for
the listed emergencies, approval by the committee — the residents' committee where there is
none — and publication afterwards (`emergency`).

The company may draft a plan; the committee (the residents' committee where there is none)
reviews and publishes it, and only publication starts the owners' part: the publicity and its
objections, or the assembly's vote. The owners of the scope are told when a plan is published and
again when it is decided."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.audit import audit_record
from linli.core.errors import Conflict, PermissionDenied, ValidationFailed
from linli.core.money import money, split_pro_rata
from linli.core.services import record_create
from linli.core.tenancy import Actor
from linli.estates.models import Community, Owner, Unit
from linli.orgs.models import Role

from .. import tally
from ..models import Assembly, FundAccount, FundEntry, FundInterest, FundObjection, FundUsage, Matter, TopUpNotice
from ..roll import roll_entry_for, roll_snapshot
from .assemblies import assembly_create, motion_count, motion_create, next_assembly, notify_owners, voting_ended
from .committees import has_committee
from .common import acting_channel, append_audited, window_check

TOP_UP_SHARE = Fraction(3, 10)
# The largest amount or balance a ledger line takes: the API's 14 digits (the fen column holds more).
LARGEST = Decimal("999999999999.99")
# 篇三 §三(四) asks for a publicity period that owners can actually answer; DESIGN §6 sets it at
# seven days at least, and a deployment may lengthen it (LINLI_FUND_PUBLICITY_MIN_DAYS), never shorten it.
PUBLICITY_MIN_DAYS = 7


def publicity_min_days() -> int:
    return max(PUBLICITY_MIN_DAYS, settings.LINLI_FUND_PUBLICITY_MIN_DAYS)


def _shares(amount: Decimal, weights: dict[int, Decimal]) -> dict[int, Decimal]:
    """`amount` split pro rata to `weights`, exact to the fen (DESIGN §3); the fund refuses in
    its own words when there is nothing to share it among."""
    if sum(weights.values(), Decimal(0)) <= 0:
        raise ValidationFailed(_("没有可分摊的房屋。"), code="nothing_to_allocate")
    return split_pro_rata(amount, weights)


def _accounts(community_id: int, unit_ids) -> dict[int, FundAccount]:
    """The units' accounts, opened if missing, locked in a fixed order."""
    unit_ids = sorted(set(unit_ids))
    have = set(FundAccount.objects.filter(unit_id__in=unit_ids).values_list("unit_id", flat=True))
    FundAccount.objects.bulk_create([FundAccount(community_id=community_id, unit_id=u) for u in unit_ids
                                     if u not in have], batch_size=1000, ignore_conflicts=True)
    accounts = FundAccount.objects.select_for_update().filter(unit_id__in=unit_ids).order_by("id")
    return {a.unit_id: a for a in accounts}


def _below_notice_line(account: FundAccount) -> bool:
    return account.first_deposit > 0 and Fraction(account.balance) < TOP_UP_SHARE * Fraction(account.first_deposit)


def _post(*, actor, community_id: int, postings, kind: str, memo: str = "", usage: FundUsage | None = None,
          first_deposit: bool = False, at=None) -> list[FundEntry]:
    """Write ledger lines, each (account, amount), moving the balances; refuse any below zero.
    `at` dates lines carried over from an earlier ledger (the fund centre's books); default now."""
    now = timezone.now()
    short = [a for a, amount in postings if a.balance + amount < 0]
    if short:
        units = Unit.objects.filter(pk__in=[a.unit_id for a in short]).select_related("building")
        raise ValidationFailed(
            _("以下房屋的维修资金余额不足，须先续筹：%(units)s") % {"units": "、".join(str(u) for u in units)},
            code="insufficient_balance", fields={"units": [str(u) for u in units]},
        )
    if any(abs(amount) > LARGEST or account.balance + amount > LARGEST for account, amount in postings):
        raise ValidationFailed(_("金额过大。"), code="amount_too_large")
    entries = []
    for account, amount in postings:
        account.balance += amount
        if first_deposit:
            account.first_deposit = amount
        entries.append(FundEntry(community_id=community_id, unit_id=account.unit_id, kind=kind, amount=amount,
                                 balance=account.balance, usage=usage, memo=memo, at=at or now,
                                 entered_by=actor.user))
    append_audited(actor=actor, instances=entries, action="fund.entry", community_id=community_id,
                   target=usage, data={"kind": kind, "memo": memo})
    # Each account takes the balance of its newest line: one set-based statement however many
    # accounts (the rows are locked, so no other line can come between).
    accounts = FundAccount.objects.filter(pk__in=[a.pk for a, _amount in postings])
    newest = FundEntry.objects.filter(unit_id=OuterRef("unit_id")).order_by("-id")
    accounts.update(balance=Subquery(newest.values("balance")[:1]), updated_at=now)
    if first_deposit:
        accounts.update(first_deposit=Subquery(newest.filter(kind=FundEntry.Kind.FIRST_DEPOSIT).values("amount")[:1]))
    _notices_update(community_id, [a for a, _amount in postings])
    return entries


def _notices_update(community_id: int, accounts: list[FundAccount]) -> None:
    """Open a top-up notice for each account now below 30% of its first deposit (one at a time),
    and settle the open notice of each account that is back above the line."""
    low = [a for a in accounts if _below_notice_line(a)]
    recovered = [a.pk for a in accounts if not _below_notice_line(a)]
    TopUpNotice.objects.filter(account_id__in=recovered, settled_at__isnull=True).update(settled_at=timezone.now())
    noticed = set(TopUpNotice.objects.filter(account__in=low, settled_at__isnull=True).values_list("account_id", flat=True))
    new = [TopUpNotice(account=a, balance=a.balance) for a in low if a.pk not in noticed]
    TopUpNotice.objects.bulk_create(new, batch_size=1000)
    if new:
        notify_owners(community_id, title=_("维修资金续筹通知"),
                      body=_("您房屋的专项维修资金余额已不足首期交存额的 30%，请及时续筹。"), url="/governance/me/fund/",
                      unit_ids=[a.unit_id for a in low if a.pk not in noticed])


def _in_community(community: Community, units) -> list[Unit]:
    units = list(units)
    if any(u.community_id != community.pk for u in units):
        raise ValidationFailed(fields={"units": [_("必须属于同一个小区。")]})
    return units


# Ledger -----------------------------------------------------------------------------------

def fund_first_deposit(*, actor: Actor, community: Community, units, rate, memo: str = "",
                       at=None) -> list[FundEntry]:
    """First deposits of many units at once: rate (元/m²) × built area, each to the fen."""
    actor.require("governance.fund", community)
    rate = Decimal(rate)
    if rate <= 0:
        raise ValidationFailed(fields={"rate": [_("交存标准必须大于 0。")]})
    units = _in_community(community, units)
    with transaction.atomic():
        accounts = _accounts(community.pk, [u.pk for u in units])
        done = [u for u in units if accounts[u.pk].first_deposit > 0]
        if done:
            raise ValidationFailed(_("以下房屋已首期交存：%(units)s") % {"units": "、".join(str(u) for u in done[:20])},
                                   code="already_deposited")
        postings = [(accounts[u.pk], money(rate * u.area)) for u in units]
        return _post(actor=actor, community_id=community.pk, postings=postings, kind=FundEntry.Kind.FIRST_DEPOSIT,
                     memo=memo or _("首期交存：%(rate)s 元/m² × 建筑面积") % {"rate": rate}, first_deposit=True,
                     at=at)


def fund_top_up(*, actor: Actor, unit: Unit, amount, memo: str = "") -> FundEntry:
    actor.require("governance.fund", unit.community_id)
    amount = money(amount)
    if amount <= 0:
        raise ValidationFailed(fields={"amount": [_("金额必须大于 0。")]})
    with transaction.atomic():
        accounts = _accounts(unit.community_id, [unit.pk])
        return _post(actor=actor, community_id=unit.community_id, postings=[(accounts[unit.pk], amount)],
                     kind=FundEntry.Kind.TOP_UP, memo=memo or _("续筹"))[0]


def fund_interest_record(*, actor: Actor, community: Community, amount, memo: str = "", at=None) -> FundInterest:
    """Interest credited to the community's fund, to be shared pro rata to the balances. The
    company's finance staff post it at once; a committee member's entry waits for a second member
    to confirm it, so that no single member moves the owners' money (and any amount) alone."""
    amount = money(amount)
    if amount <= 0:
        raise ValidationFailed(fields={"amount": [_("金额必须大于 0。")]})
    if amount > LARGEST:
        raise ValidationFailed(_("金额过大。"), code="amount_too_large", fields={"amount": [_("金额过大。")]})
    finance = actor.can("governance.fund_interest", community)
    if not finance:
        actor.require("governance.fund", community)
    with transaction.atomic():
        interest = record_create(actor=actor, action="fund_interest.record",
                                 instance=FundInterest(community=community, amount=amount, memo=memo,
                                                       proposed_by=actor.user),
                                 data={"amount": amount, "memo": memo, "finance": finance})
        if finance:
            _interest_post(actor, interest, at=at)
    return interest


def fund_interest_confirm(*, actor: Actor, interest: FundInterest) -> FundInterest:
    """A second committee member confirms a member's interest entry, which then reaches the ledgers."""
    actor.require("governance.fund", interest.community_id)
    with transaction.atomic():
        interest = FundInterest.objects.select_for_update().get(pk=interest.pk)
        if interest.status != FundInterest.Status.PENDING:
            raise ValidationFailed(_("该笔利息已入账。"), code="already_posted")
        if actor.user is not None and interest.proposed_by_id == actor.user.pk:
            raise PermissionDenied(_("须由另一位委员确认。"), code="second_member_required")
        _interest_post(actor, interest)
    return interest


def _interest_post(actor, interest: FundInterest, at=None) -> list[FundEntry]:
    accounts = {a.unit_id: a for a in FundAccount.objects.select_for_update()
                .filter(community_id=interest.community_id, balance__gt=0).order_by("id")}
    shares = _shares(interest.amount, {u: a.balance for u, a in accounts.items()})
    postings = [(accounts[u], share) for u, share in sorted(shares.items()) if share]
    entries = _post(actor=actor, community_id=interest.community_id, postings=postings, kind=FundEntry.Kind.INTEREST,
                    memo=interest.memo or _("利息分配"), at=at)
    interest.status = FundInterest.Status.POSTED
    interest.confirmed_by = actor.user
    interest.posted_at = timezone.now()
    interest.save(update_fields=["status", "confirmed_by", "posted_at", "updated_at"])
    audit_record(actor=actor, action="fund_interest.post", target=interest, community_id=interest.community_id,
                 data={"amount": interest.amount, "entries": len(entries)})
    return entries


# Uses of the fund -------------------------------------------------------------------------

def fund_authority(actor: Actor, community: Community) -> str:
    """Who decides about the fund for the owners here — publishes a plan, approves an emergency,
    decides after the publicity or the vote: the committee, or where there is no committee the
    residents' committee of the community (篇三 §三(四); DESIGN §6)."""
    if actor.is_admin:
        return "platform"
    if has_committee(community.pk):
        if community.pk in actor.committee_community_ids:
            return "committee"
        raise PermissionDenied(_("维修资金的使用由业主委员会审核、发布和批准。"))
    if any(m.role == Role.REGULATOR and m.organization_id == community.residents_committee_id
           for m in actor.memberships):
        return "residents_committee"
    raise PermissionDenied(_("没有业主委员会的小区，维修资金的使用由社区居委会审核、发布和批准。"))


def may_decide_fund(actor: Actor, community: Community) -> bool:
    try:
        return bool(fund_authority(actor, community))
    except PermissionDenied:
        return False


def _scope_ids(usage: FundUsage) -> list[int]:
    return list(usage.units.order_by("id").values_list("id", flat=True))


def _tell_scope(usage: FundUsage, *, title: str, body: str) -> None:
    notify_owners(usage.community_id, title=title, body=body, url=f"/governance/fund-usages/{usage.pk}/",
                  unit_ids=_scope_ids(usage))


def fund_usage_create(*, actor: Actor, community: Community, title: str, amount, units, mode: str,
                      publicity_ends=None, category: str = "", contractor: str = "", description: str = "",
                      assembly: Assembly | None = None) -> FundUsage:
    """Propose a use. The company's manager drafts it (`draft`, with the publicity end it
    proposes); the committee's own plan — the residents' committee's where there is none — is
    published at once (see fund_usage_publish). An emergency awaits approval (`pending`)."""
    publisher = may_decide_fund(actor, community)
    if not publisher and not actor.can("governance.fund_draft", community):
        raise PermissionDenied()
    if mode not in FundUsage.Mode.values:
        raise ValidationFailed(fields={"mode": [_("未知的使用方式。")]})
    if mode == FundUsage.Mode.EMERGENCY and category not in FundUsage.Category.values:
        raise ValidationFailed(fields={"category": [_("应急使用须属于所列的紧急情形。")]})
    units = _in_community(community, units)
    if not units:
        raise ValidationFailed(fields={"units": [_("请选择分摊费用的房屋。")]})
    if publicity_ends is not None and publicity_ends <= timezone.now():
        raise ValidationFailed(fields={"publicity_ends": [_("公示截止时间必须晚于现在。")]})
    if assembly is not None and (mode != FundUsage.Mode.ASSEMBLY or assembly.community_id != community.pk):
        raise ValidationFailed(fields={"assembly": [_("只有业主大会表决方式需要指定本小区的业主大会。")]})
    if assembly is not None and not publisher:
        raise ValidationFailed(fields={"assembly": [_("表决的业主大会由业主委员会发布时确定。")]})
    unit_ids = sorted(u.pk for u in units)
    status = FundUsage.Status.PENDING if mode == FundUsage.Mode.EMERGENCY else FundUsage.Status.DRAFT
    usage = FundUsage(community=community, title=title, amount=money(amount), mode=mode, contractor=contractor,
                      description=description, status=status, created_by=actor.user,
                      category=category if mode == FundUsage.Mode.EMERGENCY else "",
                      publicity_ends=publicity_ends if mode == FundUsage.Mode.NEGATIVE_VOTE else None)
    with transaction.atomic():
        record_create(actor=actor, action="fund_usage.create", instance=usage,
                      data={"title": title, "amount": usage.amount, "mode": mode, "units": unit_ids,
                            "contractor": contractor, "category": usage.category,
                            "publicity_ends": usage.publicity_ends})
        usage.units.set(unit_ids)
        if publisher and status == FundUsage.Status.DRAFT:
            _publish(actor, usage, publicity_ends=usage.publicity_ends, assembly=assembly)
    return usage


def fund_usage_publish(*, actor: Actor, usage: FundUsage, publicity_ends=None,
                       assembly: Assembly | None = None) -> FundUsage:
    """The committee (the residents' committee where there is none) publishes a drafted plan:
    a negative vote's publicity starts, or the assembly's motion is placed. `publicity_ends`
    empty keeps the end the drafter proposed."""
    with transaction.atomic():
        usage = FundUsage.objects.select_for_update(of=("self",)).select_related("community").get(pk=usage.pk)
        fund_authority(actor, usage.community)
        if usage.status != FundUsage.Status.DRAFT:
            raise ValidationFailed(_("只有草稿可以发布。"), code="not_draft")
        if assembly is not None and (usage.mode != FundUsage.Mode.ASSEMBLY
                                     or assembly.community_id != usage.community_id):
            raise ValidationFailed(fields={"assembly": [_("只有业主大会表决方式需要指定本小区的业主大会。")]})
        _publish(actor, usage, publicity_ends=publicity_ends or usage.publicity_ends, assembly=assembly)
    return usage


def _publish(actor, usage: FundUsage, *, publicity_ends, assembly: Assembly | None) -> None:
    """Start the owners' part of a plan (caller holds the row). A negative vote needs a publicity
    of at least the minimum (篇三 §三(四); DESIGN §6): the scope's roll is frozen now, objections
    are taken until `publicity_ends`, and the decision comes after it."""
    now = timezone.now()
    unit_ids = _scope_ids(usage)
    if usage.mode == FundUsage.Mode.NEGATIVE_VOTE:
        days = publicity_min_days()
        if publicity_ends is None or publicity_ends - now < dt.timedelta(days=days):
            raise ValidationFailed(
                _("否定表决须公示至少 %(days)s 日：公示截止时间须不早于发布后 %(days)s 日。") % {"days": days},
                code="publicity_too_short",
                fields={"publicity_ends": [_("公示期不少于 %(days)s 日。") % {"days": days}]})
        usage.publicity_ends = publicity_ends
        usage.roll = roll_snapshot(community_id=usage.community_id, unit_ids=unit_ids)
        usage.status = FundUsage.Status.PUBLICITY
        notice = _("维修资金使用公示：%(title)s") % {"title": usage.title}
        body = _("公示至 %(end)s，如有异议，请在公示期内登录提出；不提出异议视为同意。") % {
            "end": timezone.localtime(publicity_ends).strftime("%Y-%m-%d %H:%M")}
    else:
        assembly = assembly or next_assembly(usage.community_id) or assembly_create(
            actor=actor, community=usage.community, form=Assembly.Form.WRITTEN,
            title=_("维修资金使用表决：%(title)s") % {"title": usage.title})
        usage.motion = motion_create(actor=actor, assembly=assembly, matter=Matter.FUND_USE,
                                     title=_("使用维修资金：%(title)s（%(amount)s 元）") % {
                                         "title": usage.title, "amount": usage.amount},
                                     description=usage.description, scope_units=unit_ids)
        usage.status = FundUsage.Status.VOTING
        notice = _("维修资金使用提交业主大会表决：%(title)s") % {"title": usage.title}
        body = _("请在“%(assembly)s”表决期内投票。") % {"assembly": assembly.title}
    usage.published_at = now
    usage.save(update_fields=["publicity_ends", "roll", "motion", "status", "published_at", "updated_at"])
    audit_record(actor=actor, action="fund_usage.publish", target=usage, community_id=usage.community_id,
                 data={"publicity_ends": usage.publicity_ends, "motion": usage.motion_id,
                       "roll": usage.roll_id})
    _tell_scope(usage, title=notice, body=body)


def fund_objection_record(*, actor: Actor, usage: FundUsage, owner: Owner) -> FundObjection:
    """An owner of the scope objects during the publicity — on the portal, or on paper entered
    by the committee."""
    channel = acting_channel(actor, owner, usage.community_id)
    try:
        with transaction.atomic():
            usage = FundUsage.objects.select_for_update(of=("self",)).select_related("roll").get(pk=usage.pk)
            if usage.mode != FundUsage.Mode.NEGATIVE_VOTE or usage.status != FundUsage.Status.PUBLICITY:
                raise ValidationFailed(_("该项目不在公示期，不能提出异议。"), code="closed")
            now = timezone.now()
            window_check(ends=usage.publicity_ends, now=now)
            entry = roll_entry_for(usage.roll, owner)
            if entry is None:
                raise ValidationFailed(_("该业主的房屋不在本项目的分摊范围内。"), code="not_on_roll",
                                       fields={"owner": [_("不在分摊范围内。")]})
            if FundObjection.objects.filter(usage=usage, entry=entry).exists():
                raise Conflict(_("该业主已提出异议。"), code="already_objected")
            objection = FundObjection(usage=usage, entry=entry, owner=owner, at=now, entered_by=actor.user)
            append_audited(actor=actor, instances=[objection], action="fund_usage.object",
                           community_id=usage.community_id, data={"channel": channel})
    except IntegrityError as exc:
        raise Conflict(_("该业主已提出异议。"), code="already_objected") from exc
    return objection


def negative_vote_count(usage: FundUsage) -> dict:
    return tally.negative_vote_decision(
        scope_owners=usage.roll.total_owners, scope_area=usage.roll.total_area,
        objections=usage.objections.values_list("entry__area", flat=True),
    )


# The state each mode's decision comes from: a draft is decided by nobody.
DECIDABLE = {FundUsage.Mode.NEGATIVE_VOTE: FundUsage.Status.PUBLICITY, FundUsage.Mode.ASSEMBLY: FundUsage.Status.VOTING,
             FundUsage.Mode.EMERGENCY: FundUsage.Status.PENDING}


def fund_usage_decide(*, actor: Actor, usage: FundUsage) -> dict:
    """Decide a use by its mode's rule. Deciding again returns the decision already made."""
    with transaction.atomic():
        usage = FundUsage.objects.select_for_update(of=("self",)).select_related("community", "roll").get(pk=usage.pk)
        approver = fund_authority(actor, usage.community)
        if usage.decision is not None:
            return usage.decision
        if usage.status != DECIDABLE[usage.mode]:
            raise ValidationFailed(_("该项目尚未发布，不能作出决定。"), code="not_published")
        now = timezone.now()
        if usage.mode == FundUsage.Mode.NEGATIVE_VOTE:
            if now < usage.publicity_ends:
                raise ValidationFailed(_("公示期结束后才能作出决定。"), code="publicity_running")
            decision = negative_vote_count(usage)
        elif usage.mode == FundUsage.Mode.ASSEMBLY:
            motion = usage.motion
            if not voting_ended(motion.assembly):
                raise ValidationFailed(_("业主大会表决结束后才能作出决定。"), code="voting_running")
            result = motion.result or motion_count(motion, detailed=True)
            decision = {"approved": result["passed"], "scope_owners": result["total_owners"],
                        "scope_area": result["total_area"], "objecting_owners": result["no_owners"],
                        "objecting_area": result["no_area"]}
        else:
            usage.roll = roll_snapshot(community_id=usage.community_id, unit_ids=_scope_ids(usage))
            decision = {"approved": True, "scope_owners": usage.roll.total_owners,
                        "scope_area": tally.area_text(usage.roll.total_area), "objecting_owners": 0,
                        "objecting_area": tally.area_text(tally.ZERO)}
            usage.approved_by = approver
            usage.published_at = now
        usage.decision = decision
        usage.decided_at = now
        usage.status = FundUsage.Status.APPROVED if decision["approved"] else FundUsage.Status.REJECTED
        usage.save(update_fields=["roll", "decision", "decided_at", "status", "approved_by", "published_at",
                                  "updated_at"])
        audit_record(actor=actor, action="fund_usage.decide", target=usage, community_id=usage.community_id,
                     data={"decision": decision, "approved_by": approver})
        if usage.mode == FundUsage.Mode.EMERGENCY:
            # Emergencies are published after the approval (篇三 §三(四)).
            _tell_scope(usage, title=_("维修资金应急使用公告：%(title)s") % {"title": usage.title},
                        body=_("已按应急程序批准使用维修资金 %(amount)s 元。") % {"amount": usage.amount})
        else:
            verdict = _("同意使用") if decision["approved"] else _("不同意使用")
            _tell_scope(usage, title=_("维修资金使用决定：%(title)s") % {"title": usage.title},
                        body=_("%(verdict)s（异议或反对：%(owners)s 户，%(area)s m²）。") % {
                            "verdict": verdict, "owners": decision["objecting_owners"],
                            "area": decision["objecting_area"]})
    return decision


def fund_usage_pay(*, actor: Actor, usage: FundUsage, amount=None) -> list[FundEntry]:
    """Pay an approved use from the scope's ledgers, shared by built area. The final cost may be
    less than the approved budget, never more."""
    actor.require("governance.fund", usage.community_id)
    amount = usage.amount if amount is None else money(amount)
    if not 0 < amount <= usage.amount:
        raise ValidationFailed(fields={"amount": [_("列支金额须大于 0 且不超过批准的预算。")]})
    with transaction.atomic():
        usage = FundUsage.objects.select_for_update().get(pk=usage.pk)
        if usage.status != FundUsage.Status.APPROVED:
            raise ValidationFailed(_("只有已批准且尚未列支的项目可以列支。"), code="not_approved")
        areas = dict(usage.units.values_list("id", "area"))
        accounts = _accounts(usage.community_id, areas)
        shares = _shares(amount, areas)
        entries = _post(actor=actor, community_id=usage.community_id, kind=FundEntry.Kind.WITHDRAWAL, usage=usage,
                        postings=[(accounts[u], -share) for u, share in sorted(shares.items()) if share],
                        memo=_("维修资金使用：%(title)s") % {"title": usage.title})
        usage.status = FundUsage.Status.PAID
        usage.paid_at = timezone.now()
        usage.save(update_fields=["status", "paid_at", "updated_at"])
    return entries
