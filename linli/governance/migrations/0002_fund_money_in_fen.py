"""The maintenance fund's amounts move from DecimalField to MoneyField (integer fen), like every
other amount (DESIGN §3, §6 "Maintenance fund"). SQLite kept the DecimalField columns as REAL, a
binary float: sums of many 0.01 drifted, and a balance of 12345678901.23 was one rounding away
from another fen.

Each column is copied into a new integer column in one set-based statement, ROUND(yuan × 100):
on PostgreSQL numeric arithmetic is exact; on SQLite the float is within far less than half a fen
of the decimal it stood for (14 significant digits at most), so rounding it recovers that fen
exactly. Then the old column goes and the new one takes its name. Reversed, the fen go back into
decimal columns."""

from decimal import Decimal

import django.core.validators
from django.db import migrations, models

import linli.core.money

# table: the money columns it holds
COLUMNS = {
    "governance_fundaccount": ("first_deposit", "balance"),
    "governance_fundentry": ("amount", "balance"),
    "governance_fundusage": ("amount",),
    "governance_topupnotice": ("balance",),
}
MODELS = {"governance_fundaccount": "fundaccount", "governance_fundentry": "fundentry",
          "governance_fundusage": "fundusage", "governance_topupnotice": "topupnotice"}


def _copy(schema_editor, target: str, value: str) -> None:
    """For every money column c: SET target(c) = value(c), one statement per table."""
    quote = schema_editor.quote_name
    for table, columns in COLUMNS.items():
        sets = ", ".join(f"{quote(target.format(c))} = {value.format(old=quote(c), fen=quote(c + '_fen'))}"
                         for c in columns)
        schema_editor.execute(f"UPDATE {quote(table)} SET {sets}")


def to_fen(apps, schema_editor):
    _copy(schema_editor, "{}_fen", "CAST(ROUND({old} * 100) AS BIGINT)")


def to_yuan(apps, schema_editor):
    _copy(schema_editor, "{}", "{fen} / 100.0")


def _operations():
    """Before the copy: the new integer columns, and the old ones made nullable (so that, reversed,
    they can come back on a table with rows before the copy fills them). After: the swap."""
    before, after = [], []
    for table, columns in COLUMNS.items():
        model = MODELS[table]
        for column in columns:
            before += [
                migrations.AlterField(model_name=model, name=column,
                                      field=models.DecimalField(max_digits=14, decimal_places=2, null=True)),
                migrations.AddField(model_name=model, name=f"{column}_fen",
                                    field=linli.core.money.MoneyField(null=True, places=2)),
            ]
            after += [migrations.RemoveField(model_name=model, name=column),
                      migrations.RenameField(model_name=model, old_name=f"{column}_fen", new_name=column)]
    return before, after


BEFORE, AFTER = _operations()


class Migration(migrations.Migration):

    dependencies = [
        ("governance", "0001_initial"),
    ]

    operations = [
        # The checks name the columns that are replaced; they come back on the new ones.
        migrations.RemoveConstraint(model_name="fundaccount", name="fund_account_not_negative"),
        migrations.RemoveConstraint(model_name="fundentry", name="fund_entry_not_negative"),
        *BEFORE,
        migrations.RunPython(to_fen, to_yuan),
        *AFTER,
        migrations.AlterField(model_name="fundaccount", name="first_deposit",
                              field=linli.core.money.MoneyField(default=Decimal("0.00"), places=2,
                                                                verbose_name="首期交存额")),
        migrations.AlterField(model_name="fundaccount", name="balance",
                              field=linli.core.money.MoneyField(default=Decimal("0.00"), places=2,
                                                                verbose_name="余额")),
        migrations.AlterField(model_name="fundentry", name="amount",
                              field=linli.core.money.MoneyField(places=2, verbose_name="金额")),
        migrations.AlterField(model_name="fundentry", name="balance",
                              field=linli.core.money.MoneyField(places=2, verbose_name="余额")),
        migrations.AlterField(model_name="fundusage", name="amount",
                              field=linli.core.money.MoneyField(
                                  places=2, validators=[django.core.validators.MinValueValidator(Decimal("0.01"))],
                                  verbose_name="预算金额")),
        migrations.AlterField(model_name="topupnotice", name="balance",
                              field=linli.core.money.MoneyField(places=2, verbose_name="余额")),
        migrations.AddConstraint(model_name="fundaccount",
                                 constraint=models.CheckConstraint(condition=models.Q(balance__gte=0),
                                                                   name="fund_account_not_negative")),
        migrations.AddConstraint(model_name="fundentry",
                                 constraint=models.CheckConstraint(condition=models.Q(balance__gte=0),
                                                                   name="fund_entry_not_negative")),
    ]
