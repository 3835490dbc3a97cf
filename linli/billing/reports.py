"""Billing reports, aggregated by the database: collection rate by period and zone, arrears by
zone, building and unit with ageing, the cashier's daily settlement (日结) by method, and billed
against collected by month. The views write each to .xlsx (linli.core.exports).

Collection rate of a period = paid on that period's bills ÷ billed for that period (DESIGN §6);
`paid` includes credit used, so a prepaid bill counts as collected.

The aggregates read from the replica when there is one (linli/core/db_router.py); the cashier's
daily settlement does not: it is read right after the payments it lists."""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, F, Min, Q, Sum, Value, When
from django.utils.translation import gettext as _

from linli.core.dates import Period
from linli.core.db_router import replica_reads
from linli.core.money import MoneyField, percent
from linli.estates.models import Community, Zone
from linli.estates.selectors import zone_paths

from .models import Bill, Payment

ZERO = Decimal("0.00")


@dataclass
class Collection:
    billed: Decimal
    collected: Decimal

    @property
    def rate(self) -> Decimal | None:
        """Collected ÷ billed as a fraction with four places; None when nothing was billed."""
        if not self.billed:
            return None
        return (self.collected / self.billed).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)

    @property
    def percent(self) -> Decimal | None:
        """The rate as a percentage with two places (what the pages and sheets show)."""
        return None if not self.billed else percent(self.collected, self.billed)


def _totals(bills) -> Collection:
    sums = bills.aggregate(billed=Sum("amount"), collected=Sum("paid"))
    return Collection(sums["billed"] or ZERO, sums["collected"] or ZERO)


@replica_reads
def collection(*, community: Community, period: str) -> Collection:
    return _totals(Bill.objects.filter(community=community, period=period))


def zone_labels(community: Community) -> dict[int | None, str]:
    """Zone id → its path (南区 › 金苗园); None → 未分区."""
    return {None: _("未分区"), **zone_paths(Zone.objects.filter(community=community))}


@replica_reads
def collection_by_zone(*, community: Community, first: Period, last: Period) -> list[dict]:
    """Rows (period, zone, billed, collected, rate), newest period first, zones by name."""
    labels = zone_labels(community)
    rows = (Bill.objects.filter(community=community, period__gte=str(first), period__lte=str(last))
            .values("period", "unit__building__zone_id")
            .annotate(billed=Sum("amount"), collected=Sum("paid"), bills=Count("id")))
    result = []
    for row in rows:
        totals = Collection(row["billed"], row["collected"])
        result.append({"period": row["period"], "zone": labels.get(row["unit__building__zone_id"], ""),
                       "bills": row["bills"], "billed": totals.billed, "collected": totals.collected,
                       "rate": totals.percent})
    return sorted(result, key=lambda r: (-int(r["period"].replace("-", "")), r["zone"]))


@replica_reads
def monthly_totals(*, community: Community, last: Period, months: int = 12) -> list[dict]:
    """Billed and collected for each of the last `months` periods (the dashboard chart)."""
    first = last.shift(-(months - 1))
    sums = {row["period"]: row for row in Bill.objects.filter(
        community=community, period__gte=str(first), period__lte=str(last))
        .values("period").annotate(billed=Sum("amount"), collected=Sum("paid"))}
    result = []
    for i in range(months):
        period = str(first.shift(i))
        row = sums.get(period, {})
        result.append({"period": period, "billed": row.get("billed") or ZERO,
                       "collected": row.get("collected") or ZERO})
    return result


# Arrears with ageing ---------------------------------------------------------------------------

AGEING = [("m1", 1), ("m3", 3), ("m6", 6), ("m12", 12), ("over12", None)]
GROUPS = {
    "zone": ("unit__building__zone_id",),
    "building": ("unit__building_id", "unit__building__name", "unit__building__zone_id"),
    "unit": ("unit_id", "unit__building__name", "unit__number", "unit__building__zone_id"),
}


@replica_reads
def arrears(*, community: Community, on: dt.date, group: str = "building") -> list[dict]:
    """What is owed on `on`, by zone, building or unit, split by the age of the bills: up to 1,
    3, 6 and 12 months old, and older (a bill of this month is 0 months old)."""
    current = Period.of(on)
    outstanding = F("amount") - F("paid")
    buckets, newer = {}, None
    for key, months in AGEING:
        older_than = current.shift(-months) if months is not None else None
        condition = Q()
        if older_than is not None:
            condition &= Q(period__gte=str(older_than))
        if newer is not None:
            condition &= Q(period__lt=str(newer))
        buckets[key] = Sum(Case(When(condition, then=outstanding), default=Value(0),
                                output_field=MoneyField()))
        newer = older_than
    labels = zone_labels(community)
    rows = (Bill.objects.filter(community=community, status=Bill.Status.OPEN, period__lte=str(current))
            .values(*GROUPS[group])
            .annotate(total=Sum(outstanding, output_field=MoneyField()), bills=Count("id"),
                      units=Count("unit_id", distinct=True), oldest=Min("period"), **buckets))
    result = []
    for row in rows:
        item = {"zone": labels.get(row["unit__building__zone_id"], ""), "building": row.get("unit__building__name", ""),
                "unit": row.get("unit__number", ""), "unit_id": row.get("unit_id"), "bills": row["bills"],
                "units": row["units"], "oldest": row["oldest"], "total": row["total"] or ZERO}
        item.update({key: row[key] or ZERO for key, _months in AGEING})
        result.append(item)
    return sorted(result, key=lambda r: (-r["total"], r["zone"], r["building"], r["unit"]))


# Daily settlement --------------------------------------------------------------------------

def daily_settlement(*, community: Community, day: dt.date, cashier_id: int | None = None) -> dict:
    """The day's money by method: payments (count, amount, of which late fees and credit) and
    reversals entered that day, and the net to hand over."""
    payments = Payment.objects.filter(community=community, received_at__date=day)
    if cashier_id:
        payments = payments.filter(received_by_id=cashier_id)
    rows = {row["method"]: row for row in payments.values("method").annotate(
        count=Count("id", filter=Q(kind=Payment.Kind.PAYMENT)),
        received=Sum("amount", filter=Q(kind=Payment.Kind.PAYMENT)),
        late_fee=Sum("late_fee"), credit=Sum("credit"),
        reversals=Count("id", filter=Q(kind=Payment.Kind.REVERSAL)),
        reversed=Sum("amount", filter=Q(kind=Payment.Kind.REVERSAL)),
        net=Sum("amount"))}
    methods = []
    for method, label in Payment.Method.choices:
        row = rows.get(method, {})
        methods.append({"method": method, "label": str(label), "count": row.get("count", 0),
                        "received": row.get("received") or ZERO, "late_fee": row.get("late_fee") or ZERO,
                        "credit": row.get("credit") or ZERO, "reversals": row.get("reversals", 0),
                        "reversed": row.get("reversed") or ZERO, "net": row.get("net") or ZERO})
    total = {key: sum((m[key] for m in methods), ZERO if key not in ("count", "reversals") else 0)
             for key in ("count", "received", "late_fee", "credit", "reversals", "reversed", "net")}
    return {"day": day, "methods": methods, "total": total,
            "payments": payments.select_related("unit", "unit__building", "received_by").order_by("received_at", "id")}
