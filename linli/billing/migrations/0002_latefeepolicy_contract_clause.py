"""A late-fee policy cites the service-contract clause that provides the late fee (Civil Code
Art. 944). Policies set before had none: they keep their row, with an empty clause, and charge
nothing until someone cites the clause (linli/billing/allocation.py)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("billing", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="latefeepolicy",
            name="contract_clause",
            field=models.CharField(default="", help_text="物业服务合同中约定违约金的条款，如“第十二条第二款”",
                                   max_length=200, verbose_name="合同依据"),
            preserve_default=False,
        ),
    ]
