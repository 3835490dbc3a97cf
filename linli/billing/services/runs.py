"""The billing run (DESIGN §6, §7): one community, one period, computed by the database.

The fee rules are resolved per zone in Python (a community has a handful of zones), then a few
INSERT … SELECT statements let the database compute every line of every unit in integers: areas
in 1/100 m², rates in 1/10000 yuan, amounts in fen, half-up rounding by integer division of
non-negative numbers. SQLite and PostgreSQL therefore produce the same fen.

Everything happens in one transaction, so a killed run leaves nothing behind; a unit that already
has a bill for the period is skipped, so running again finishes an interrupted run and otherwise
changes nothing."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.audit import audit_record
from linli.core.dates import Period, parse_period
from linli.core.errors import ValidationFailed
from linli.core.money import money
from linli.core.tenancy import Actor
from linli.estates.models import Building, Community, ParkingSpace, Unit, Zone

from ..models import (
    Account,
    Allocation,
    Bill,
    BillingRun,
    BillLine,
    FeeRule,
    Lease,
    LeaseBill,
    MeterReading,
)

Kind = FeeRule.Kind

# What the run reports as it goes: (step, label). The command prints them, the job publishes them.
STEPS = [
    ("rules", gettext_lazy("确定适用的收费标准")),
    ("bills", gettext_lazy("计算并写入账单及明细")),
    ("credit", gettext_lazy("预存款抵扣")),
    ("leases", gettext_lazy("生成经营用房租金账单")),
    ("done", gettext_lazy("完成")),
]


@dataclass(frozen=True)
class ResolvedRule:
    zone_key: int  # the unit's building's zone id, or 0 for a building without a zone
    rule: FeeRule


def applicable_rules(community: Community, period: Period) -> list[ResolvedRule]:
    """For each zone of the community (and for buildings without one) and each kind, the rule its
    units pay: the zone's own, else the nearest ancestor's, else the community-wide one. Of the rules
    of one zone and kind, the one with the latest start not after the period is in force."""
    in_force: dict[tuple, FeeRule] = {}
    started = FeeRule.objects.filter(community=community).filter(
        Q(effective_from__isnull=True) | Q(effective_from__lte=str(period)))
    for rule in sorted(started, key=lambda r: (r.effective_from or "", r.pk)):
        in_force[(rule.zone_id, rule.kind)] = rule
    in_force = {slot: rule for slot, rule in in_force.items()
                if not rule.effective_to or rule.effective_to >= str(period)}
    parents = dict(Zone.objects.filter(community=community).values_list("id", "parent_id"))
    resolved = []
    for zone_key in [0, *parents]:
        for kind in Kind.values:
            zone_id, rule = zone_key or None, None
            while rule is None:
                rule = in_force.get((zone_id, kind))
                if zone_id is None:
                    break
                zone_id = parents.get(zone_id)
            if rule is not None:
                resolved.append(ResolvedRule(zone_key, rule))
    return resolved


# SQL ------------------------------------------------------------------------------------------

def _dialect() -> dict[str, str]:
    """The two date functions the run needs, per database. SQLite keeps dates as 'YYYY-MM-DD'."""
    if connection.vendor == "postgresql":
        return {"day": "CAST(EXTRACT(DAY FROM {}) AS INTEGER)", "month": "CAST(EXTRACT(MONTH FROM {}) AS INTEGER)"}
    return {"day": "CAST(substr({}, 9, 2) AS INTEGER)", "month": "CAST(substr({}, 6, 2) AS INTEGER)"}


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _fen(amount: Decimal | None) -> int | None:
    return None if amount is None else int(amount * 100)


def _rate(rate: Decimal | None) -> int | None:
    return None if rate is None else int(rate * 10000)


def _lines_sql(community: Community, period: Period, rules: list[ResolvedRule], *, unbilled_only: bool):
    """CTEs `rules`, `units` and `lines` (unit_id, kind, rule_id, space_id, description, quantity,
    rate, amount): every charge of every billable unit, quantities ×100, rates ×10000, fen."""
    sql = _dialect()
    day, month = sql["day"], sql["month"]
    dim, start, end, label = period.days, period.start, period.end, str(period)
    values, params = [], []
    for item in rules:
        rule = item.rule
        annual = rule.annual_rate if rule.annual_rate is not None else rule.rate * 12
        values.append("(CAST(%s AS BIGINT), CAST(%s AS VARCHAR(12)), CAST(%s AS BIGINT), CAST(%s AS VARCHAR(60)), "
                      "CAST(%s AS BIGINT), CAST(%s AS BIGINT), CAST(%s AS BIGINT))")
        params += [item.zone_key, rule.kind, rule.pk, rule.name, _rate(rule.rate), _rate(rule.low_income_rate),
                   _fen(money(annual))]
    unit, building, space, reading, bill = (_table(m) for m in (Unit, Building, ParkingSpace, MeterReading, Bill))
    unbilled = (f"AND NOT EXISTS (SELECT 1 FROM {bill} x WHERE x.unit_id = u.id AND x.period = %s)"
                if unbilled_only else "")
    # "物业费（18/30天）": a prorated line says how many days of the month it charges. Bill lines are
    # records, written in the source language whatever the language of whoever runs the billing.
    prorated = ("CASE WHEN {days} < %s THEN r.name || CAST(%s AS TEXT) || CAST({days} AS TEXT) || '/' "
                "|| CAST(%s AS TEXT) || CAST(%s AS TEXT) ELSE r.name END")
    open_, close = "（", "天）"
    # Half-up rounding of n / d for n ≥ 0 in integers: (2n + d) / (2d).
    text = f"""
    WITH rules (zone_key, kind, rule_id, name, rate, low_rate, annual) AS (VALUES {", ".join(values)}),
    units AS (
        SELECT u.id AS unit_id, COALESCE(b.zone_id, 0) AS zone_key, u.occupants, u.low_income,
               CAST(ROUND(u.area * 100) AS BIGINT) AS area_c,
               CASE WHEN u.billing_start IS NULL OR u.billing_start <= %s THEN %s
                    ELSE %s + 1 - {day.format("u.billing_start")} END AS days
        FROM {unit} u JOIN {building} b ON b.id = u.building_id
        WHERE u.community_id = %s AND (u.billing_start IS NULL OR u.billing_start <= %s) {unbilled}
    ),
    charges AS (
        SELECT un.unit_id, r.kind, r.rule_id, CAST(NULL AS BIGINT) AS space_id,
               {prorated.format(days="un.days")} AS description,
               un.area_c AS quantity, r.rate, (2 * un.area_c * r.rate * un.days + 10000 * %s) / (20000 * %s) AS amount
        FROM units un JOIN rules r ON r.zone_key = un.zone_key AND r.kind = 'area'
        UNION ALL
        SELECT un.unit_id, r.kind, r.rule_id, NULL, {prorated.format(days="un.days")}, un.occupants * 100,
               CASE WHEN un.low_income AND r.low_rate IS NOT NULL THEN r.low_rate ELSE r.rate END,
               (2 * un.occupants * (CASE WHEN un.low_income AND r.low_rate IS NOT NULL THEN r.low_rate ELSE r.rate END)
                  * un.days + 100 * %s) / (200 * %s)
        FROM units un JOIN rules r ON r.zone_key = un.zone_key AND r.kind = 'per_person'
        WHERE un.occupants > 0
        UNION ALL
        SELECT un.unit_id, r.kind, r.rule_id, NULL, {prorated.format(days="un.days")}, 100, r.rate,
               (2 * r.rate * un.days + 100 * %s) / (200 * %s)
        FROM units un JOIN rules r ON r.zone_key = un.zone_key AND r.kind = 'fixed'
        UNION ALL
        SELECT p.unit_id, p.kind, p.rule_id, p.space_id, p.name || ' ' || p.code || (CASE WHEN p.days < %s THEN
               CAST(%s AS TEXT) || CAST(p.days AS TEXT) || '/' || CAST(%s AS TEXT) || CAST(%s AS TEXT) ELSE '' END), 100,
               p.rate, (2 * p.rate * p.days + 100 * %s) / (200 * %s)
        FROM (
            SELECT un.unit_id, r.kind, r.rule_id, r.name, r.rate, s.id AS space_id, s.code,
                   CASE WHEN s.plan_start IS NULL OR s.plan_start <= %s THEN un.days
                        WHEN %s + 1 - {day.format("s.plan_start")} < un.days THEN %s + 1 - {day.format("s.plan_start")}
                        ELSE un.days END AS days
            FROM units un JOIN rules r ON r.zone_key = un.zone_key AND r.kind = 'parking'
            JOIN {space} s ON s.unit_id = un.unit_id AND s.plan = 'monthly'
            WHERE s.plan_start IS NULL OR s.plan_start <= %s
        ) p
        UNION ALL
        SELECT un.unit_id, r.kind, r.rule_id, s.id, r.name || ' ' || s.code || CAST(%s AS TEXT), 100, r.annual * 100,
               r.annual
        FROM units un JOIN rules r ON r.zone_key = un.zone_key AND r.kind = 'parking'
        JOIN {space} s ON s.unit_id = un.unit_id AND s.plan = 'annual'
        WHERE s.plan_start <= %s AND {month.format("s.plan_start")} = %s
        UNION ALL
        SELECT m.unit_id, m.kind, m.rule_id, NULL, m.name, m.reading - m.previous, m.rate,
               (2 * (m.reading - m.previous) * m.rate + 10000) / 20000
        FROM (
            SELECT un.unit_id, r.kind, r.rule_id, r.name, r.rate, cur.reading,
                   (SELECT prev.reading FROM {reading} prev WHERE prev.unit_id = un.unit_id AND prev.period < %s
                    ORDER BY prev.period DESC LIMIT 1) AS previous
            FROM units un JOIN rules r ON r.zone_key = un.zone_key AND r.kind = 'metered'
            JOIN {reading} cur ON cur.unit_id = un.unit_id AND cur.period = %s
        ) m
        WHERE m.previous IS NOT NULL AND m.reading >= m.previous
    ),
    lines AS (SELECT * FROM charges WHERE amount > 0)
    """
    prorated_params = [dim, open_, dim, close]
    params += [start, dim, dim, community.pk, end]
    if unbilled_only:
        params.append(label)
    params += prorated_params + [dim, dim]  # area
    params += prorated_params + [dim, dim]  # per person
    params += prorated_params + [dim, dim]  # fixed
    params += prorated_params + [dim, dim, start, dim, dim, end]  # monthly parking
    params += ["（年费）", end, period.month]  # annual parking
    params += [label, label]  # metered
    return text, params


def _insert_bills_and_lines(community: Community, period: Period, rules, run: BillingRun, now) -> int:
    """Insert the bills of every unbilled unit and their lines; returns the number of bills. The
    bills of this execution are those of the run stamped `now`."""
    bill, line = _table(Bill), _table(BillLine)
    stamp = connection.ops.adapt_datetimefield_value(now)
    bill_columns = ("(community_id, unit_id, period, amount, paid, status, run_id, late_fee_waive_reason, "
                    "created_at, updated_at)")
    new_bills = "SELECT %s, unit_id, %s, SUM(amount), 0, 'open', %s, '', %s, %s FROM lines GROUP BY unit_id"
    bill_params = [community.pk, str(period), run.pk, stamp, stamp]
    line_columns = "(bill_id, kind, rule_id, parking_space_id, description, quantity, rate, amount)"
    line_values = "l.kind, l.rule_id, l.space_id, l.description, l.quantity, l.rate, l.amount"
    ctes, params = _lines_sql(community, period, rules, unbilled_only=True)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement, one snapshot: the lines summed into each bill are the lines inserted,
            # even if a unit is edited meanwhile, and `lines` is computed once for both.
            cursor.execute(
                f"{ctes}, new_bills AS (INSERT INTO {bill} {bill_columns} {new_bills} RETURNING id, unit_id) "
                f"INSERT INTO {line} {line_columns} SELECT nb.id, {line_values} "
                f"FROM lines l JOIN new_bills nb ON nb.unit_id = l.unit_id",
                params + bill_params)
            return Bill.objects.filter(run=run, created_at=now).count()
        # SQLite has one writer: nothing can change between these two statements.
        cursor.execute(f"INSERT INTO {bill} {bill_columns} {ctes} {new_bills}", params + bill_params)
        created = cursor.rowcount
        ctes, params = _lines_sql(community, period, rules, unbilled_only=False)
        cursor.execute(
            f"INSERT INTO {line} {line_columns} {ctes} SELECT b.id, {line_values} FROM lines l "
            f"JOIN {bill} b ON b.unit_id = l.unit_id AND b.period = %s AND b.run_id = %s AND b.created_at = %s",
            params + [str(period), run.pk, stamp])
    return created


def _apply_credit(community: Community, period: Period, run: BillingRun, now) -> Decimal:
    """Settle the new bills from the units' credit (DESIGN §6): one credit allocation per bill,
    at most the bill's amount. Returns the credit used."""
    accounts = Account.objects.filter(community=community, credit__gt=0)
    if not accounts.exists():
        return Decimal("0")
    list(accounts.select_for_update().order_by("id").values_list("id"))  # payments wait for the run
    bill, allocation, account = _table(Bill), _table(Allocation), _table(Account)
    new = "b.community_id = %s AND b.period = %s AND b.created_at = %s AND b.run_id = %s"
    new_params = [community.pk, str(period), connection.ops.adapt_datetimefield_value(now), run.pk]
    credit_of_bill = (f"SELECT al.amount FROM {allocation} al WHERE al.bill_id = {bill}.id "
                      f"AND al.source = 'credit'")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {allocation} (bill_id, payment_id, source, amount, late_fee, created_at) "
            f"SELECT b.id, NULL, 'credit', CASE WHEN a.credit < b.amount THEN a.credit ELSE b.amount END, 0, %s "
            f"FROM {bill} b JOIN {account} a ON a.unit_id = b.unit_id WHERE {new} AND a.credit > 0",
            [connection.ops.adapt_datetimefield_value(now), *new_params])
        if not cursor.rowcount:
            return Decimal("0")
        settled = (f"SELECT b.id FROM {bill} b JOIN {allocation} al ON al.bill_id = b.id "
                   f"WHERE {new} AND al.source = 'credit'")
        cursor.execute(
            f"UPDATE {bill} SET paid = ({credit_of_bill}), "
            f"status = CASE WHEN ({credit_of_bill}) >= amount THEN 'paid' ELSE 'open' END "
            f"WHERE id IN ({settled})", new_params)
        used_by_unit = (f"SELECT al.amount FROM {allocation} al JOIN {bill} b ON b.id = al.bill_id "
                        f"WHERE b.unit_id = {account}.unit_id AND {new} AND al.source = 'credit'")
        cursor.execute(
            f"UPDATE {account} SET credit = credit - ({used_by_unit}) "
            f"WHERE community_id = %s AND unit_id IN (SELECT b.unit_id FROM {bill} b "
            f"JOIN {allocation} al ON al.bill_id = b.id WHERE {new} AND al.source = 'credit')",
            new_params + [community.pk] + new_params)
    return Allocation.objects.filter(bill__run=run, bill__created_at=now, source=Allocation.Source.CREDIT).aggregate(
        used=Sum("amount"))["used"] or Decimal("0")


def _lease_bills(community: Community, period: Period) -> list[LeaseBill]:
    """Rent of the leases running in the period, prorated by the days the lease covers. A community
    has a few leases, so they are billed one by one."""
    billed = set(LeaseBill.objects.filter(community=community, period=str(period)).values_list("lease_id", flat=True))
    bills = []
    for lease in Lease.objects.filter(community=community, start__lte=period.end, end__gte=period.start):
        if lease.pk in billed:
            continue
        first, last = max(lease.start, period.start), min(lease.end, period.end)
        days = (last - first).days + 1
        bills.append(LeaseBill(community=community, lease=lease, period=str(period),
                               amount=money(lease.monthly_rent * days / period.days)))
    return LeaseBill.objects.bulk_create(bills)


# Which periods may be billed (DESIGN §6 "Fair collection") ---------------------------------------

def period_bounds(community: Community, today: dt.date | None = None) -> tuple[Period | None, Period]:
    """(first, last): the periods a run of the community may bill. `last` is the month after the
    current one: a bill may go out ahead of its month, never a year of them (a run for 2099-01
    billed every unit and spent their prepayments). `first` is the community's first billing month,
    that of the earliest `billing_start` of its units; a unit without one bills from any month, so
    while any unit lacks it (or there are no units) `first` is None: any past month."""
    last = Period.of(today or timezone.localdate()).shift(1)
    units = Unit.objects.filter(community=community)
    if units.filter(billing_start__isnull=True).exists():
        return None, last
    earliest = units.aggregate(first=Min("billing_start"))["first"]
    return (Period.of(earliest) if earliest else None), last


def period_check(community: Community, period: Period, today: dt.date | None = None) -> None:
    """Refuse a period outside period_bounds, saying which bound it crosses."""
    first, last = period_bounds(community, today)
    if period.months_since(last) > 0:
        message = _("账期 %(period)s 太晚：最多只能提前一个月，为 %(last)s 生成账单。") % {
            "period": period, "last": last}
    elif first is not None and period.months_since(first) < 0:
        message = _("账期 %(period)s 早于本小区的首个计费月 %(first)s（房屋最早的计费起始日），不能生成账单。") % {
            "period": period, "first": first}
    else:
        return
    raise ValidationFailed(message, code="period_out_of_range", fields={"period": [message]})


def _rules_in_force(community: Community, period: Period) -> list[ResolvedRule]:
    rules = applicable_rules(community, period)
    if not rules:
        raise ValidationFailed(_("%(period)s 没有生效的收费标准，请先设置收费标准。") % {"period": period},
                               code="no_fee_rules", fields={"period": [_("该账期没有生效的收费标准。")]})
    return rules


@dataclass(frozen=True)
class RunPreview:
    period: Period
    bills: int
    total: Decimal
    credit: Decimal
    lease_bills: int


def bill_run_preview(*, actor: Actor, community: Community, period) -> RunPreview:
    """What a run would create now — bills, their total, the prepayment it would spend, rent bills —
    computed by the same SQL as the run, writing nothing: the page shows it before the run is
    confirmed (DESIGN §8)."""
    actor.require("billing.run", community)
    period = parse_period(period)
    period_check(community, period)
    ctes, params = _lines_sql(community, period, _rules_in_force(community, period), unbilled_only=True)
    with connection.cursor() as cursor:
        cursor.execute(
            f"{ctes}, new_bills AS (SELECT unit_id, SUM(amount) AS amount FROM lines GROUP BY unit_id) "
            f"SELECT COUNT(*), COALESCE(SUM(nb.amount), 0), COALESCE(SUM(CASE WHEN a.credit IS NULL "
            f"OR a.credit <= 0 THEN 0 WHEN a.credit < nb.amount THEN a.credit ELSE nb.amount END), 0) "
            f"FROM new_bills nb LEFT JOIN {_table(Account)} a ON a.unit_id = nb.unit_id", params)
        bills, total, credit = cursor.fetchone()
    billed = LeaseBill.objects.filter(community=community, period=str(period)).values("lease_id")
    leases = Lease.objects.filter(community=community, start__lte=period.end, end__gte=period.start).exclude(
        id__in=billed).count()
    return RunPreview(period=period, bills=int(bills), total=Decimal(int(total)).scaleb(-2),
                      credit=Decimal(int(credit)).scaleb(-2), lease_bills=leases)


def bill_run_create(*, actor: Actor, community: Community, period, progress=None) -> BillingRun:
    """Bill one community for one period: the one service behind the API, the page's button, the
    `bill_run` command and the monthly job. `progress(step, steps, label)` is told each step."""
    actor.require("billing.run", community)
    period = parse_period(period)
    period_check(community, period)

    def report(key: str) -> None:
        if progress is not None:
            index = next(i for i, (k, _label) in enumerate(STEPS) if k == key)
            progress(index + 1, len(STEPS), str(STEPS[index][1]))

    report("rules")
    rules = _rules_in_force(community, period)
    now = timezone.now()
    with transaction.atomic():
        # Runs of one community queue up here (a no-op on SQLite, which has one writer anyway). NO KEY:
        # a payment inserting a row that refers to the community must not wait for the run while
        # holding the account lock the run needs next.
        Community.objects.select_for_update(no_key=True).filter(pk=community.pk).first()
        run, first_time = BillingRun.objects.get_or_create(
            community=community, period=str(period),
            defaults={"created_by": actor.user if actor.is_authenticated else None})
        report("bills")
        created = _insert_bills_and_lines(community, period, rules, run, now)
        report("credit")
        credit_used = _apply_credit(community, period, run, now) if created else Decimal("0")
        report("leases")
        lease_bills = _lease_bills(community, period)
        if created or lease_bills or first_time:
            added = Bill.objects.filter(run=run, created_at=now).aggregate(total=Sum("amount"))["total"] or Decimal("0")
            run.bills_created += created
            run.total += added
            run.lease_bills_created += len(lease_bills)
            run.save(update_fields=["bills_created", "total", "lease_bills_created", "updated_at"])
            audit_record(actor=actor, action="billing.run", target=run, community_id=community.pk, data={
                "period": str(period), "bills_created": created, "total": added, "credit_used": credit_used,
                "lease_bills_created": len(lease_bills), "rules": sorted({r.rule.pk for r in rules}),
            })
    report("done")
    return run
