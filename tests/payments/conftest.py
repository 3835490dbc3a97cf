"""The gateways' simulators on loopback, and a merchant's notification endpoint that answers them
through the adapter, as the notify URL of a deployment will."""

import json
from decimal import Decimal
from types import SimpleNamespace

import pytest

from linli.billing.gateways.alipay import AlipayProvider
from linli.billing.gateways.wechatpay import WeChatPayProvider
from linli.billing.providers import SignatureInvalid
from linli.billing.simulators import KeyPair, Simulator
from linli.billing.simulators.alipay import AlipaySimulator
from linli.billing.simulators.wechatpay import WeChatPaySimulator


class Merchant(Simulator):
    """Receives notifications: reads each with the adapter and answers as the provider expects."""

    def __init__(self, provider):
        super().__init__()
        self.provider = provider
        self.received = []  # Notification / RefundNotification, or the exception it raised

    def handle(self, request):
        try:
            notice = self.provider.read_notification(request.body, request.headers)
            answer = self.provider.notification_answer(True)
        except SignatureInvalid as exc:
            notice, answer = exc, self.provider.notification_answer(False, str(exc.code))
        with self.lock:
            self.received.append(notice)
        return answer.status, {"Content-Type": answer.content_type}, answer.body

    @property
    def notify_url(self):
        return f"{self.base_url}/api/v1/payment-notifications/{self.provider.name}/"


def order(out_trade_no="LL20260101A", amount="12.34"):
    return SimpleNamespace(out_trade_no=out_trade_no, amount=Decimal(amount))


@pytest.fixture(scope="session")
def key_pairs():
    """Four RSA 2048 pairs made once per run (making them is most of this suite's time)."""
    return [KeyPair() for _ in range(4)]


@pytest.fixture
def wechat_sim(key_pairs):
    sim = WeChatPaySimulator(keys=(key_pairs[0], key_pairs[1])).start()
    yield sim
    sim.stop()


@pytest.fixture
def wechat(wechat_sim, tmp_path):
    return WeChatPayProvider(wechat_sim.merchant_config(tmp_path))


@pytest.fixture
def wechat_merchant(wechat):
    merchant = Merchant(wechat).start()
    yield merchant
    merchant.stop()


@pytest.fixture
def alipay_sim(key_pairs):
    sim = AlipaySimulator(keys=(key_pairs[2], key_pairs[3])).start()
    yield sim
    sim.stop()


@pytest.fixture
def alipay(alipay_sim, tmp_path):
    return AlipayProvider(alipay_sim.merchant_config(tmp_path))


@pytest.fixture
def alipay_merchant(alipay):
    merchant = Merchant(alipay).start()
    yield merchant
    merchant.stop()


def answer_json(delivery):
    return json.loads(delivery.answer)
