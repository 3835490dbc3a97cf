"""Spreadsheets of the governance app, written by linli.core.exports (formula-safe text, money as
numbers formatted 0.00)."""

from decimal import Decimal

from django.utils.translation import gettext as _

from linli.core.exports import xlsx


def fund_ledger_xlsx(accounts) -> bytes:
    """The maintenance fund's ledgers, one row a unit, and a total row the sheet's reader can check
    against the page's totals."""
    totals = {"area": Decimal(0), "first": Decimal(0), "balance": Decimal(0)}

    def rows():
        count = 0
        for account in accounts.iterator(chunk_size=500):
            count += 1
            unit = account.unit
            totals["area"] += unit.area or 0
            totals["first"] += account.first_deposit
            totals["balance"] += account.balance
            yield [str(unit), "、".join(o.name for o in unit.owners.all()), unit.area,
                   account.first_deposit, account.balance]
        yield [_("合计（%(n)s 户）") % {"n": count}, "", totals["area"], totals["first"], totals["balance"]]

    header = [_("房屋"), _("业主"), _("建筑面积(m²)"), _("首期交存(元)"), _("余额(元)")]
    return xlsx([(_("维修资金分户账"), header, rows())])
