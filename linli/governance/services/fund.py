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
none — and publication afterwards (`emergency`)."""

import math
from decimal import Decimal
from fractions import Fraction

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.audit import audit_record
from linli.core.errors import Conflict, PermissionDenied, ValidationFailed
from linli.core.money import money
from linli.core.services import record_create
from linli.core.tenancy import Actor
from linli.estates.models import Community, Owner, Unit
from linli.orgs.models import Role

from .. import tally
from ..models import Assembly, FundAccount, FundEntry, FundObjection, FundUsage, Matter, TopUpNotice
from ..roll import roll_entry_for, roll_snapshot
from .assemblies import assembly_create, motion_count, motion_create, next_assembly, notify_owners, voting_ended
from .committees import has_committee
from .common import acting_channel, append_audited, window_check

TOP_UP_SHARE = Fraction(3, 10)
FEN = Decimal("0.01")
LARGEST = Decimal("999999999999.99")  # what a ledger's 14-digit amount and balance columns hold


def allocate(amount: Decimal, weights: dict[int, Decimal]) -> dict[int, Decimal]:
    """Split `amount` in proportion to `weights`, to the fen, adding up to exactly `amount`
    (largest remainders; equal remainders go to the lower key)."""
    fen = int(money(amount) / FEN)
    total = sum(weights.values(), Decimal(0))
    if fen < 0 or total <= 0:
        raise ValidationFailed(_("没有可分摊的房屋。"), code="nothing_to_allocate")
    exact = {key: Fraction(fen) * Fraction(weight) / Fraction(total) for key, weight in weights.items()}
    shares = {key: math.floor(value) for key, value in exact.items()}
    left = fen - sum(shares.values())
    for key in sorted(weights, key=lambda k: (shares[k] - exact[k], k))[:left]:
        shares[key] += 1
    return {key: Decimal(share) * FEN for key, share in shares.items()}


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


def fund_interest_allocate(*, actor: Actor, community: Community, amount, memo: str = "",
                           at=None) -> list[FundEntry]:
    """Interest credited to the community's fund, shared pro rata to the balances."""
    actor.require("governance.fund", community)
    amount = money(amount)
    if amount <= 0:
        raise ValidationFailed(fields={"amount": [_("金额必须大于 0。")]})
    with transaction.atomic():
        accounts = {a.unit_id: a for a in FundAccount.objects.select_for_update()
                    .filter(community=community, balance__gt=0).order_by("id")}
        shares = allocate(amount, {u: a.balance for u, a in accounts.items()})
        postings = [(accounts[u], share) for u, share in sorted(shares.items()) if share]
        return _post(actor=actor, community_id=community.pk, postings=postings, kind=FundEntry.Kind.INTEREST,
                     memo=memo or _("利息分配"), at=at)


# Uses of the fund -------------------------------------------------------------------------

def emergency_approver(actor: Actor, community: Community) -> str:
    """Who may approve an emergency use here: the committee, or where there is no committee the
    residents' committee of the community."""
    if actor.is_admin:
        return "platform"
    if has_committee(community.pk):
        if community.pk in actor.committee_community_ids:
            return "committee"
        raise PermissionDenied(_("应急使用由业主委员会批准。"))
    if any(m.role == Role.REGULATOR and m.organization_id == community.residents_committee_id
           for m in actor.memberships):
        return "residents_committee"
    raise PermissionDenied(_("没有业主委员会的小区，应急使用由社区居委会批准。"))


def fund_usage_create(*, actor: Actor, community: Community, title: str, amount, units, mode: str,
                      publicity_ends=None, category: str = "", contractor: str = "", description: str = "",
                      assembly: Assembly | None = None) -> FundUsage:
    """Propose a use. `negative_vote` opens its publicity at once, with the scope's roll frozen;
    `assembly` puts a `fund_use` motion of the scope's owners on the given assembly, or the next
    one, or a new written consultation; `emergency` awaits approval."""
    if mode == FundUsage.Mode.EMERGENCY:
        emergency_approver(actor, community)
        if category not in FundUsage.Category.values:
            raise ValidationFailed(fields={"category": [_("应急使用须属于所列的紧急情形。")]})
    else:
        actor.require("governance.fund", community)
    units = _in_community(community, units)
    if not units:
        raise ValidationFailed(fields={"units": [_("请选择分摊费用的房屋。")]})
    if publicity_ends is not None and publicity_ends <= timezone.now():
        raise ValidationFailed(fields={"publicity_ends": [_("公示截止时间必须晚于现在。")]})
    if assembly is not None and (mode != FundUsage.Mode.ASSEMBLY or assembly.community_id != community.pk):
        raise ValidationFailed(fields={"assembly": [_("只有业主大会表决方式需要指定本小区的业主大会。")]})
    unit_ids = sorted(u.pk for u in units)
    status = {FundUsage.Mode.ASSEMBLY: FundUsage.Status.VOTING, FundUsage.Mode.NEGATIVE_VOTE: FundUsage.Status.PUBLICITY,
              FundUsage.Mode.EMERGENCY: FundUsage.Status.PENDING}[mode]
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
        if mode == FundUsage.Mode.NEGATIVE_VOTE:
            usage.roll = roll_snapshot(community_id=community.pk, unit_ids=unit_ids)
            usage.save(update_fields=["roll", "updated_at"])
            notify_owners(community.pk, title=_("维修资金使用公示：%(title)s") % {"title": title},
                          body=_("如有异议，请在公示期内登录提出。"), url=f"/governance/fund-usages/{usage.pk}/",
                          unit_ids=unit_ids)
        elif mode == FundUsage.Mode.ASSEMBLY:
            assembly = assembly or next_assembly(community.pk) or assembly_create(
                actor=actor, community=community, form=Assembly.Form.WRITTEN,
                title=_("维修资金使用表决：%(title)s") % {"title": title})
            usage.motion = motion_create(actor=actor, assembly=assembly, matter=Matter.FUND_USE,
                                         title=_("使用维修资金：%(title)s（%(amount)s 元）") % {
                                             "title": title, "amount": usage.amount},
                                         description=description, scope_units=unit_ids)
            usage.save(update_fields=["motion", "updated_at"])
    return usage


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


def fund_usage_decide(*, actor: Actor, usage: FundUsage) -> dict:
    """Decide a use by its mode's rule. Deciding again returns the decision already made."""
    with transaction.atomic():
        usage = FundUsage.objects.select_for_update(of=("self",)).select_related("community", "roll").get(pk=usage.pk)
        approver = ""
        if usage.mode == FundUsage.Mode.EMERGENCY:
            approver = emergency_approver(actor, usage.community)
        else:
            actor.require("governance.fund", usage.community_id)
        if usage.decision is not None:
            return usage.decision
        now = timezone.now()
        if usage.mode == FundUsage.Mode.NEGATIVE_VOTE:
            if usage.publicity_ends is not None and now < usage.publicity_ends:
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
            usage.roll = roll_snapshot(community_id=usage.community_id,
                                       unit_ids=list(usage.units.values_list("id", flat=True)))
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
            notify_owners(usage.community_id, title=_("维修资金应急使用公告：%(title)s") % {"title": usage.title},
                          body=_("已按应急程序批准使用维修资金 %(amount)s 元。") % {"amount": usage.amount},
                          url=f"/governance/fund-usages/{usage.pk}/",
                          unit_ids=list(usage.units.values_list("id", flat=True)))
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
        shares = allocate(amount, areas)
        entries = _post(actor=actor, community_id=usage.community_id, kind=FundEntry.Kind.WITHDRAWAL, usage=usage,
                        postings=[(accounts[u], -share) for u, share in sorted(shares.items()) if share],
                        memo=_("维修资金使用：%(title)s") % {"title": usage.title})
        usage.status = FundUsage.Status.PAID
        usage.paid_at = timezone.now()
        usage.save(update_fields=["status", "paid_at", "updated_at"])
    return entries
