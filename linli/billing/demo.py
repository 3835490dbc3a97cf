"""Demo billing (loaded by `manage.py seed_demo`, see linli/core/demo.py).

苗庄小区's fee standards of 篇一 §三 — management fee 0.25 元/m²·月 in 北区 and 0.40 in 南区 (rules on
the two districts, so 南区's three groups inherit theirs), garbage fee 3 元/人·月 (低保 2 元), parking
60 元/月 or 500 元/年 — and no late fee: the seed sets none, and without a service-contract clause
providing one there is none to charge (Civil Code Art. 944). Then January to November 2026
as it happened: each month's billing run (the real, set-based one), the owners' payments — most
on time, some by the quarter with a little prepaid, some late, a few not at all — the rent of the
leased premises into the common income, and the committee-approved water-pump power subsidy
(篇一 §五.6.2). 翠园小区 gets a standard and one month, so the other company has bills to keep apart.

The payments are written in bulk (a service call each would take most of a minute); they are split
over the bills by the same rule the payment service uses. The demo's billing is loaded once: if
the community has bills already, only missing fee standards are added."""

import datetime as dt
from decimal import ROUND_CEILING, Decimal

from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from linli.core.dates import Period
from linli.core.demo import DemoContext
from linli.core.money import money
from linli.core.tenancy import SystemActor
from linli.estates.models import Premises, Unit, Zone

from .allocation import allocate
from .models import (
    Account,
    Allocation,
    Bill,
    CommonLedgerEntry,
    CommonSpending,
    FeeRule,
    Lease,
    LeaseBill,
    Payment,
    ReceiptCounter,
)
from .services import bill_run_create, receipt_number

Kind = FeeRule.Kind
D = Decimal
FIRST, LAST = Period(2026, 1), Period(2026, 11)

# (name, kind, zone, rate, low-income rate, annual rate)
MIAOZHUANG_RULES = [
    ("物业费", Kind.AREA, "北区", "0.25", None, None),
    ("物业费", Kind.AREA, "南区", "0.40", None, None),
    ("垃圾转运处理费", Kind.PER_PERSON, None, "3.00", "2.00", None),
    ("车位使用费", Kind.PARKING, None, "60.00", None, "500.00"),
]
# (premises code, tenant, phone, monthly rent, start, end)
LEASES = [
    ("JY-02", "临沂苗庄便民超市", "13905390201", "5600.00", dt.date(2025, 7, 1), dt.date(2027, 6, 30)),
    ("JY-03", "蒙山社区卫生服务站", "05398216120", "2800.00", dt.date(2024, 1, 1), dt.date(2026, 12, 31)),
    ("JY-05", "苗庄快递驿站", "13705396605", "1500.00", dt.date(2026, 3, 16), dt.date(2028, 3, 15)),
    ("JY-06", "老孙家早餐店", "13853991206", "1200.00", dt.date(2025, 9, 1), dt.date(2026, 8, 31)),
    ("JY-07", "金苗理发店", "15165397707", "1100.00", dt.date(2025, 1, 1), dt.date(2027, 12, 31)),
]
# (date, title, amount, status, note)
SPENDINGS = [
    (dt.date(2026, 6, 30), "二次供水加压泵电费补贴（1–6月）", "9600.00", CommonSpending.Status.APPROVED,
     "同意。供水用电费用不足部分由经营房收入补贴（篇一 §五.6.2）。"),
    (dt.date(2026, 9, 30), "中心游园健身器材维修", "3860.00", CommonSpending.Status.APPROVED, "同意，完工后公示票据。"),
    (dt.date(2026, 11, 20), "二次供水加压泵电费补贴（7–12月）", "9800.00", CommonSpending.Status.PROPOSED, ""),
]

# How a household pays, with its share of households.
HABITS = [("monthly", 74), ("quarterly", 12), ("late", 8), ("stopped", 6)]
QUARTER_MONTHS = {3, 6, 9}
ROUND_UP = "round-up"


def _at(day: dt.date, rng) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, rng.randint(8, 16), rng.randint(0, 59)))


def _rules(ctx: DemoContext, community, spec) -> None:
    zones = {z.name: z for z in Zone.objects.filter(community=community, parent__isnull=True)}
    for name, kind, zone_name, rate, low, annual in spec:
        zone = zones.get(zone_name) if zone_name else None
        if FeeRule.objects.filter(community=community, kind=kind, zone=zone, effective_from=str(FIRST)).exists():
            continue
        FeeRule.objects.create(community=community, name=name, kind=kind, zone=zone, rate=D(rate),
                               low_income_rate=D(low) if low else None, annual_rate=D(annual) if annual else None,
                               effective_from=str(FIRST))
        ctx.count("fee_rules")


class _Cashier:
    """Takes the demo's payments in bulk: splits each over the unit's open bills like the payment
    service does (with no late-fee policy, as the seed has none), numbers the receipts, and writes
    everything at the end of each month."""

    def __init__(self, community, staff):
        self.community, self.staff = community, staff
        self.seq = 0
        self.credit: dict[int, Decimal] = {}

    def open_bills(self, unit_ids) -> dict[int, list]:
        bills: dict[int, list] = {}
        for bill in Bill.objects.filter(unit_id__in=unit_ids, status=Bill.Status.OPEN).order_by("period", "id"):
            bills.setdefault(bill.unit_id, []).append(bill)
        return bills

    def take(self, payments: list[tuple[int, Decimal | str | None, dt.datetime, str]]) -> int:
        """payments: (unit id, amount, when, method); the amount None means what the unit owes, and
        ROUND_UP what it owes rounded up to ten yuan (the change is left as credit)."""
        bills = self.open_bills({unit_id for unit_id, *_ in payments})
        rows, shares_of, touched = [], [], {}
        for unit_id, amount, when, method in sorted(payments, key=lambda p: p[2]):  # receipts number by time
            open_bills = [b for b in bills.get(unit_id, []) if b.status == Bill.Status.OPEN]
            if amount is None or amount == ROUND_UP:
                shares, _left = allocate(D("100000000"), open_bills, None, when.date())
                owed = sum((s.amount + s.late_fee for s in shares), D("0"))
                amount = owed if amount is None else (owed / 10).to_integral_value(rounding=ROUND_CEILING) * 10
            if amount <= 0:
                continue
            shares, credit = allocate(amount, open_bills, None, when.date())
            for share in shares:
                share.bill.paid += share.amount
                share.bill.status = Bill.Status.PAID if share.bill.paid >= share.bill.amount else Bill.Status.OPEN
                touched[share.bill.pk] = share.bill
            if credit:
                self.credit[unit_id] = self.credit.get(unit_id, D("0")) + credit
            self.seq += 1
            rows.append(Payment(
                community=self.community, unit_id=unit_id, company_id=self.community.company_id, amount=amount,
                method=method, credit=credit, late_fee=sum((s.late_fee for s in shares), D("0")), received_at=when,
                received_by=None if method == Payment.Method.ONLINE else self.staff[self.seq % len(self.staff)],
                idempotency_key=f"demo-{self.seq}", receipt_year=when.year, receipt_seq=self.seq,
                receipt_no=receipt_number(when.year, self.seq)))
            shares_of.append(shares)
        Payment.objects.bulk_create(rows, batch_size=1000)
        Allocation.objects.bulk_create(
            [Allocation(bill=s.bill, payment=payment, amount=s.amount, late_fee=s.late_fee,
                        created_at=payment.received_at) for payment, shares in zip(rows, shares_of) for s in shares],
            batch_size=2000)
        _update(Bill, ["paid", "status"], [(b.paid, b.status, b.pk) for b in touched.values()])
        self.save_credit()
        return len(rows)

    def save_credit(self) -> None:
        """Credit goes into the accounts before the next run, which spends it."""
        existing = {a.unit_id: a for a in Account.objects.filter(unit_id__in=self.credit)}
        Account.objects.bulk_create([Account(community=self.community, unit_id=unit_id, credit=credit)
                                     for unit_id, credit in self.credit.items() if unit_id not in existing])
        _update(Account, ["credit"], [(existing[u].credit + c, existing[u].pk) for u, c in self.credit.items()
                                      if u in existing])
        self.credit = {}


def _update(model, fields: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    meta = model._meta
    quote = connection.ops.quote_name
    columns = [meta.get_field(f) for f in fields]
    sql = "UPDATE {} SET {} WHERE id = %s".format(quote(meta.db_table), ", ".join(f"{quote(c.column)} = %s"
                                                                                   for c in columns))
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[c.get_db_prep_save(v, connection) for c, v in zip(columns, row[:-1])] + [row[-1]]
                                 for row in rows])


def _habits(ctx: DemoContext, unit_ids: list[int], demo_homes: dict[str, list[int]]) -> dict[int, tuple[str, Period]]:
    rng = ctx.rng("billing.habits")
    names = [name for name, _share in HABITS]
    weights = [share for _name, share in HABITS]
    habits = {}
    for unit_id in unit_ids:
        habit = rng.choices(names, weights)[0]
        habits[unit_id] = (habit, FIRST.shift(rng.randint(0, 8)))  # when a "stopped" household stopped
    for unit_id in demo_homes.get("owner", []):
        habits[unit_id] = ("stopped", Period(2026, 10))  # two months open: the portal's arrears notice
    for unit_id in demo_homes.get("owner2", []):
        habits[unit_id] = ("prepaid", FIRST)
    return habits


def _month_payments(rng, period: Period, habits, owed_units: set[int], last_day: dt.date):
    """The month's payments up to `last_day`: (unit id, amount or None for all it owes, when, method)."""
    payments = []
    methods = [Payment.Method.CASH, Payment.Method.ONLINE, Payment.Method.BANK_TRANSFER, Payment.Method.POS]
    for unit_id, (habit, stopped) in habits.items():
        if unit_id not in owed_units:
            continue
        method = rng.choices(methods, (45, 30, 10, 15))[0]
        day = period.start + dt.timedelta(days=rng.randint(4, min(24, last_day.day - 1)))
        if habit == "monthly" or (habit == "stopped" and period.months_since(stopped) < 0):
            payments.append((unit_id, None, _at(day, rng), method))
        elif habit == "quarterly" and period.month in QUARTER_MONTHS:
            payments.append((unit_id, ROUND_UP, _at(day, rng), method))
        elif habit == "late" and rng.random() < 0.45:
            payments.append((unit_id, None, _at(last_day - dt.timedelta(days=rng.randint(0, 3)), rng), method))
        elif habit == "prepaid" and period.month in {1, 10}:
            payments.append((unit_id, D("600.00"), _at(day, rng), Payment.Method.ONLINE))
    return payments


def _leases(ctx: DemoContext, community) -> None:
    premises = {p.code: p for p in Premises.objects.filter(community=community)}
    for code, tenant, phone, rent, start, end in LEASES:
        if code in premises and not Lease.objects.filter(premises=premises[code], start=start).exists():
            Lease.objects.create(community=community, premises=premises[code], tenant=tenant, tenant_phone=phone,
                                 monthly_rent=D(rent), start=start, end=end)
            ctx.count("leases")


def _collect_rent(ctx: DemoContext, community, period: Period, finance) -> None:
    rng = ctx.rng(f"billing.rent.{period}")
    entries, paid = [], []
    for bill in LeaseBill.objects.filter(community=community, period=str(period)).select_related("lease__premises"):
        if period == LAST and rng.random() < 0.6:
            continue  # this month's rent is partly still to come
        bill.paid, bill.status = bill.amount, LeaseBill.Status.PAID
        paid.append(bill)
        entries.append(CommonLedgerEntry(
            community=community, kind=CommonLedgerEntry.Kind.LEASE_INCOME, amount=bill.amount,
            date=period.start + dt.timedelta(days=rng.randint(5, 14)), lease_bill=bill,
            method=Payment.Method.BANK_TRANSFER, recorded_by=finance,
            description=f"{bill.lease.premises.name} {bill.period} 租金（{bill.lease.tenant}）"))
    CommonLedgerEntry.objects.bulk_create(entries)
    _update(LeaseBill, ["paid", "status"], [(b.paid, b.status, b.pk) for b in paid])


def _spendings(ctx: DemoContext, community, period: Period) -> None:
    manager, committee = ctx.users.get("manager"), ctx.users.get("committee")
    for day, title, amount, status, note in SPENDINGS:
        if Period.of(day) != period:
            continue
        decided = _at(day, ctx.rng(f"billing.spending.{title}")) if status != CommonSpending.Status.PROPOSED else None
        spending = CommonSpending.objects.create(
            community=community, title=title, amount=D(amount), status=status, proposed_by=manager,
            decided_by=committee if decided else None, decided_at=decided, decision_note=note,
            description="由物业服务企业提出，经业主委员会审批后从公共收益中列支。")
        if status == CommonSpending.Status.APPROVED:
            CommonLedgerEntry.objects.create(community=community, kind=CommonLedgerEntry.Kind.SPENDING,
                                             amount=-spending.amount, date=day, spending=spending, description=title,
                                             recorded_by=committee)
        ctx.count("common_spendings")


def load(ctx: DemoContext) -> None:
    community = ctx.communities.get("miaozhuang")
    if community is None:
        return
    _rules(ctx, community, MIAOZHUANG_RULES)
    _leases(ctx, community)
    cuiyuan = ctx.communities.get("cuiyuan")
    if cuiyuan is not None:
        _rules(ctx, cuiyuan, [("物业费", Kind.AREA, None, "0.60", None, None)])
        if not Bill.objects.filter(community=cuiyuan).exists():
            bill_run_create(actor=SystemActor(), community=cuiyuan, period=str(LAST))
    if Bill.objects.filter(community=community).exists():
        return

    demo_homes = {login: list(Unit.objects.filter(community=community, ownerships__owner__user=ctx.users[login])
                              .values_list("id", flat=True)) for login in ("owner", "owner2") if login in ctx.users}
    habits = _habits(ctx, list(Unit.objects.filter(community=community).values_list("id", flat=True)), demo_homes)
    staff = [u for u in (ctx.users.get("cashier"), ctx.users.get("finance")) if u is not None]
    cashier = _Cashier(community, staff)
    rng = ctx.rng("billing.payments")
    bills = payments = 0
    for i in range(LAST.months_since(FIRST) + 1):
        period = FIRST.shift(i)
        run = bill_run_create(actor=SystemActor(), community=community, period=str(period))
        bills += run.bills_created
        owed = set(Bill.objects.filter(community=community, status=Bill.Status.OPEN).values_list("unit_id", flat=True))
        owed |= {unit_id for unit_id, (habit, _s) in habits.items() if habit == "prepaid"}
        # November is under way: its payments run to the 20th.
        last_day = dt.date(2026, 11, 20) if period == LAST else period.end
        payments += cashier.take(_month_payments(rng, period, habits, owed, last_day))
        _collect_rent(ctx, community, period, ctx.users.get("finance"))
        _spendings(ctx, community, period)
    ReceiptCounter.objects.update_or_create(company_id=community.company_id, year=LAST.year,
                                            defaults={"last": cashier.seq})
    ctx.count("bills", bills)
    ctx.count("payments", payments)
    collected = money(Bill.objects.filter(community=community).aggregate(total=Sum("paid"))["total"] or 0)
    ctx.log(f"{community.name}：{LAST.months_since(FIRST) + 1} 个月账单 {bills} 张，收款 {payments} 笔，实收 {collected} 元")
