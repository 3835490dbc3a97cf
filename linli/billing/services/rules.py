"""Fee standards, the late-fee rule and meter readings: what a billing run bills from."""

import copy
from decimal import Decimal

from django.utils.translation import gettext as _

from linli.core.dates import parse_period
from linli.core.errors import Conflict, ValidationFailed
from linli.core.services import record_create, record_update, same_community
from linli.core.tenancy import Actor
from linli.estates.models import Community, Unit, Zone

from ..models import BillLine, FeeRule, LateFeePolicy, MeterReading

KIND_ONLY_FIELDS = {"low_income_rate": FeeRule.Kind.PER_PERSON, "annual_rate": FeeRule.Kind.PARKING}


def _check_rule(rule: FeeRule) -> None:
    errors = {}
    for field, kind in KIND_ONLY_FIELDS.items():
        if getattr(rule, field) is not None and rule.kind != kind:
            errors[field] = [_("仅“%(kind)s”类收费标准可以设置此项。") % {"kind": FeeRule.Kind(kind).label}]
    for field in ("effective_from", "effective_to"):
        value = getattr(rule, field)
        if value:
            setattr(rule, field, str(parse_period(value, field)))
    if rule.effective_from and rule.effective_to and rule.effective_to < rule.effective_from:
        errors["effective_to"] = [_("截止账期不能早于起始账期。")]
    if errors:
        raise ValidationFailed(fields=errors)


def fee_rule_create(*, actor: Actor, community: Community, name: str, kind: str, rate, zone: Zone | None = None,
                    low_income_rate=None, annual_rate=None, effective_from: str | None = None,
                    effective_to: str | None = None) -> FeeRule:
    """A fee standard. A new rate is a new rule of the same zone and kind from a later period,
    so the bills of earlier periods stay as they were."""
    actor.require("billing.configure", community)
    same_community(community.pk, zone=zone)
    rule = FeeRule(community=community, name=name.strip(), kind=kind, zone=zone, rate=rate,
                   low_income_rate=low_income_rate, annual_rate=annual_rate, effective_from=effective_from or None,
                   effective_to=effective_to or None, created_by=actor.user if actor.is_authenticated else None)
    _check_rule(rule)
    return record_create(actor=actor, instance=rule, action="fee_rule.create")


PRICING_FIELDS = {"kind", "zone", "rate", "low_income_rate", "annual_rate", "effective_from"}


def fee_rule_update(*, actor: Actor, fee_rule: FeeRule, changes: dict) -> FeeRule:
    """Rename a rule or end it (`effective_to`). Once a rule has billed, its price and scope are
    history: a new price is a new rule from a later period."""
    actor.require("billing.configure", fee_rule.community_id)
    changes.pop("community", None)
    for field in ("effective_from", "effective_to"):
        if field in changes:
            changes[field] = changes[field] or None
    same_community(fee_rule.community_id, zone=changes.get("zone"))
    repriced = {f for f in PRICING_FIELDS & set(changes) if changes[f] != getattr(fee_rule, f)}
    if repriced and BillLine.objects.filter(rule=fee_rule).exists():
        raise Conflict(_("该收费标准已用于账单，不能修改单价或适用范围；请新增一条从某个账期起生效的标准。"),
                       code="rule_in_use", fields={f: [_("已用于账单，不能修改。")] for f in sorted(repriced)})
    probe = copy.copy(fee_rule)
    for name, value in changes.items():
        setattr(probe, name, value)
    _check_rule(probe)
    changes.update({f: getattr(probe, f) for f in ("effective_from", "effective_to") if f in changes})
    return record_update(actor=actor, instance=fee_rule, changes=changes, action="fee_rule.update")


def _contract_clause(value) -> str:
    """The service-contract clause that provides the late fee: without one there is no late fee
    to set (Civil Code Art. 944; the seed sets none)."""
    clause = (value or "").strip()
    if not clause:
        raise ValidationFailed(_("只有物业服务合同约定了违约金，才能设置违约金规则；请填写约定违约金的合同条款。"),
                               code="no_contract_clause", fields={"contract_clause": [_("请填写合同中约定违约金的条款。")]})
    return clause


def late_fee_policy_set(*, actor: Actor, community: Community, daily_rate, contract_clause: str,
                        grace_days: int = 30, enabled: bool = True) -> LateFeePolicy:
    """The community's late-fee rule (违约金): created, or changed if it exists."""
    actor.require("billing.configure", community)
    clause = _contract_clause(contract_clause)
    policy = LateFeePolicy.objects.filter(community=community).first()
    if policy is None:
        return record_create(actor=actor, instance=LateFeePolicy(
            community=community, daily_rate=daily_rate, grace_days=grace_days, enabled=enabled,
            contract_clause=clause), action="late_fee_policy.create")
    return record_update(actor=actor, instance=policy, action="late_fee_policy.update", changes={
        "daily_rate": daily_rate, "grace_days": grace_days, "enabled": enabled, "contract_clause": clause})


def late_fee_policy_update(*, actor: Actor, late_fee_policy: LateFeePolicy, changes: dict) -> LateFeePolicy:
    actor.require("billing.configure", late_fee_policy.community_id)
    changes.pop("community", None)
    if "contract_clause" in changes:
        changes["contract_clause"] = _contract_clause(changes["contract_clause"])
    return record_update(actor=actor, instance=late_fee_policy, changes=changes, action="late_fee_policy.update")


def meter_reading_record(*, actor: Actor, unit: Unit, period: str, reading) -> MeterReading:
    """One reading typed in; files of readings go through imports.meter_reading_import."""
    actor.require("billing.configure", unit.community_id)
    period = str(parse_period(period))
    previous = MeterReading.objects.filter(unit=unit, period__lt=period).order_by("-period").first()
    if previous is not None and Decimal(reading) < previous.reading:
        raise ValidationFailed(fields={"reading": [_("读数不能小于上次读数 %(previous)s。") % {
            "previous": previous.reading}]})
    return record_create(actor=actor, instance=MeterReading(
        community_id=unit.community_id, unit=unit, period=period, reading=reading,
        recorded_by=actor.user if actor.is_authenticated else None), action="meter_reading.create")
