"""Run the WeChat Pay and Alipay simulators on loopback for `make run` (DEBUG only): they take
orders, show a payer's page with 确认支付, notify Linli and answer queries, refunds and statements.

    .venv/bin/python manage.py payment_simulators [--company ID] [--notify-base http://127.0.0.1:8000]

Fresh keys are made at each start and written to LINLI_VAR_DIR/payment-simulators/; the company's
MerchantAccounts (the demo company by default) are created or updated, enabled, to point at the
simulators. `--env` prints the LINLI_* environment lines instead (single-company deployment)."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from linli.core.audit import audit_record
from linli.core.tenancy import SystemActor
from linli.orgs.models import Organization

from ...models import MerchantAccount
from ...simulators.alipay import AlipaySimulator
from ...simulators.wechatpay import WeChatPaySimulator


class Command(BaseCommand):
    help = "在本机启动微信支付与支付宝的模拟网关（仅 DEBUG），并为物业公司配置指向它们的商户号。"

    def add_arguments(self, parser):
        parser.add_argument("--company", type=int, help="物业服务企业 ID（默认：第一家物业公司）")
        parser.add_argument("--env", action="store_true", help="只打印 LINLI_* 环境变量，不改商户号")
        parser.add_argument("--once", action="store_true", help="配置后立即退出（测试用）")

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("模拟网关只能在 DEBUG 下运行。")
        wechat, alipay = WeChatPaySimulator().start(), AlipaySimulator().start()
        directory = Path(settings.VAR_DIR) / "payment-simulators"
        directory.mkdir(parents=True, exist_ok=True)
        wechat_config, alipay_config = wechat.merchant_config(directory), alipay.merchant_config(directory)
        if options["env"]:
            for name, value in {**{f"WECHATPAY_{k.upper()}": v for k, v in vars(wechat_config).items()},
                                **{f"ALIPAY_{k.upper()}": v for k, v in vars(alipay_config).items()}}.items():
                self.stdout.write(f"LINLI_{name}={value}")
        else:
            company = self._company(options["company"])
            self._configure(company, wechat, alipay)
            self.stdout.write(f"已为「{company}」配置并启用指向模拟网关的微信支付、支付宝商户号。")
        self.stdout.write(f"微信支付模拟网关：{wechat.base_url}\n支付宝模拟网关：{alipay.base_url}/gateway.do")
        try:
            while not options["once"]:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            wechat.stop()
            alipay.stop()

    def _company(self, company_id):
        companies = Organization.objects.filter(kind=Organization.Kind.COMPANY).order_by("id")
        company = companies.filter(pk=company_id).first() if company_id else companies.first()
        if company is None:
            raise CommandError("找不到物业服务企业；请先运行 `manage.py demo` 或用 --company 指定。")
        return company

    @transaction.atomic
    def _configure(self, company, wechat, alipay):
        accounts = {
            "wechatpay": dict(mchid=wechat.mchid, appid=wechat.appid, apiv3_key=wechat.apiv3_key,
                              private_key=wechat.merchant.private_pem, cert_serial=wechat.cert_serial,
                              public_key=wechat.platform.public_pem, public_key_id=wechat.public_key_id,
                              seller_id="", api_base=wechat.base_url),
            "alipay": dict(mchid="", appid=alipay.appid, apiv3_key="", private_key=alipay.app.private_pem,
                           cert_serial="", public_key=alipay.alipay.public_pem, public_key_id="",
                           seller_id=alipay.seller_id, api_base=f"{alipay.base_url}/gateway.do"),
        }
        for provider, fields in accounts.items():
            account, created = MerchantAccount.objects.update_or_create(
                company=company, provider=provider, defaults={**fields, "enabled": True})
            audit_record(actor=SystemActor(), action="merchant_account.simulator", target=account,
                         data={"provider": provider, "created": created, "api_base": account.api_base})
