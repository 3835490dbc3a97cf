"""The merchant account admin (issue 18): a stored key never goes back to the browser, an empty
field keeps it, and an account is off until someone enables it."""

import pytest
from django.urls import reverse

from linli.billing.models import MerchantAccount

pytestmark = pytest.mark.django_db

SECRET = "apiv3-secret-0123456789abcdefABCD"


@pytest.fixture
def account(tenant, key_pairs):
    return MerchantAccount.objects.create(
        company=tenant.company, provider="wechatpay", mchid="1900000001", appid="wx0000000000000001",
        apiv3_key=SECRET, private_key=key_pairs[0].private_pem, public_key=key_pairs[1].public_pem,
        cert_serial="ABC", public_key_id="PUB_KEY_ID_1")


def test_a_new_account_is_off():
    assert MerchantAccount._meta.get_field("enabled").default is False


def test_the_change_page_never_shows_a_stored_key_and_an_empty_field_keeps_it(admin_client, account):
    url = reverse("admin:billing_merchantaccount_change", args=[account.pk])
    page = admin_client.get(url).content.decode()
    assert SECRET not in page and "PRIVATE KEY" not in page and "PUBLIC KEY" not in page
    response = admin_client.post(url, {"company": account.company_id, "provider": "wechatpay", "enabled": "on",
                                       "mchid": "1900000002", "appid": account.appid, "apiv3_key": "",
                                       "private_key": "", "cert_serial": "ABC", "public_key": "",
                                       "public_key_id": "PUB_KEY_ID_1", "seller_id": "", "api_base": ""})
    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.mchid, account.enabled, account.apiv3_key) == ("1900000002", True, SECRET)
    assert "PRIVATE KEY" in account.private_key and "PUBLIC KEY" in account.public_key
