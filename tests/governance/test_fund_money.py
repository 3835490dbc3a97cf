"""The maintenance fund's money in integer fen (issue 15 item 2; DESIGN §3, §6): what SQLite kept as
REAL comes back to the fen, large or fractional, and the migration that moved it lost none."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Sum

from linli.core.tenancy import SystemActor
from linli.governance import services
from linli.governance.integrity import records_verify
from linli.governance.models import FundAccount, FundEntry, FundUsage, TopUpNotice
from tests import factories as f

D = Decimal
LARGE = D("12345678901.23")


def raw(table: str, column: str, pk: int):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_a_large_and_fractional_balance_is_stored_in_fen_and_read_back_exactly(town):
    unit = town.unit("100")
    services.fund_top_up(actor=town.committee, unit=unit, amount=LARGE)
    for _ in range(3):
        services.fund_top_up(actor=town.committee, unit=unit, amount=D("0.01"))
    account = FundAccount.objects.get(unit=unit)
    assert account.balance == D("12345678901.26")
    assert raw("governance_fundaccount", "balance", account.pk) == 1234567890126
    assert FundEntry.objects.filter(unit=unit).aggregate(total=Sum("amount"))["total"] == D("12345678901.26")
    # The copies in the audit chain still match the rows they were made from.
    assert records_verify() == []


def test_sums_beyond_what_a_float_holds_stay_exact_to_the_fen(town):
    # Twenty ledgers at the largest balance and one of a fen: 19,999,999,999,999.81 has 16 digits, one
    # more than a float keeps — as REAL, SQLite's sum came back as …999.80.
    units = [town.unit("1") for _ in range(21)]
    FundAccount.objects.bulk_create([FundAccount(community=town.community, unit=u, balance=D("999999999999.99"))
                                     for u in units[:20]] + [FundAccount(community=town.community, unit=units[20],
                                                                         balance=D("0.01"))])
    total = FundAccount.objects.filter(community=town.community).aggregate(total=Sum("balance"))["total"]
    assert total == D("19999999999999.81")


def test_a_hundred_fen_add_up_to_one_yuan(town):
    units = [town.unit("1") for _ in range(100)]
    services.fund_first_deposit(actor=SystemActor(), community=town.community, units=units, rate=D("0.01"))
    entries = FundEntry.objects.filter(community=town.community)
    assert entries.count() == 100 and entries.aggregate(total=Sum("amount"))["total"] == D("1.00")


@pytest.mark.django_db(transaction=True)
def test_the_migration_to_fen_keeps_every_balance_to_the_fen():
    community = f.CommunityFactory(code="migration-fen")
    building = f.BuildingFactory(community=community)
    units = [f.UnitFactory(building=building, number=f"{i:03d}") for i in range(3)]
    executor = MigrationExecutor(connection)
    before = [("governance", "0001_initial")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    amounts = [LARGE, D("0.01"), D("999999999999.99")]
    for unit, amount in zip(units, amounts):
        account = old.get_model("governance", "FundAccount").objects.create(
            community_id=community.pk, unit_id=unit.pk, first_deposit=amount, balance=amount)
        old.get_model("governance", "TopUpNotice").objects.create(account_id=account.pk, balance=amount)
        old.get_model("governance", "FundEntry").objects.create(
            community_id=community.pk, unit_id=unit.pk, kind="top_up", amount=amount, balance=amount,
            at="2026-01-01T00:00:00Z")
    old.get_model("governance", "FundUsage").objects.create(community_id=community.pk, title="x", amount=D("0.29"),
                                                            mode="emergency", status="pending")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    by_unit = {a.unit_id: a for a in FundAccount.objects.all()}
    assert [(by_unit[u.pk].first_deposit, by_unit[u.pk].balance) for u in units] == [(a, a) for a in amounts]
    assert sorted(FundEntry.objects.values_list("amount", flat=True)) == sorted(amounts)
    assert sorted(FundEntry.objects.values_list("balance", flat=True)) == sorted(amounts)
    assert sorted(TopUpNotice.objects.values_list("balance", flat=True)) == sorted(amounts)
    assert FundUsage.objects.get().amount == D("0.29")
    assert raw("governance_fundaccount", "balance", by_unit[units[0].pk].pk) == 1234567890123
