"""`manage.py payment_simulators` (DEBUG only) points a company's merchant accounts at the simulators."""

import io

import pytest
from django.core.management import CommandError, call_command

from linli.billing.models import MerchantAccount
from linli.billing.providers import provider_names

pytestmark = pytest.mark.django_db


def test_the_command_configures_the_company_and_only_with_debug(tenant, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("payment_simulators", "--once")
    settings.DEBUG = True
    out = io.StringIO()
    call_command("payment_simulators", "--once", "--company", str(tenant.company.pk), stdout=out)
    assert {a.provider for a in MerchantAccount.objects.filter(company=tenant.company, enabled=True)} == {
        "wechatpay", "alipay"}
    assert {"wechatpay", "alipay"} <= set(provider_names(tenant.company))
    assert (tmp_path / "payment-simulators" / "wechatpay_merchant_key.pem").exists()
