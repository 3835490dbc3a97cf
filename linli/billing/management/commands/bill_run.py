"""python manage.py bill_run --community CODE --period YYYY-MM [--user USERNAME]"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from linli.billing.services import bill_run_create
from linli.core.commands import command_actor, community_by_code
from linli.core.errors import LinliError


class Command(BaseCommand):
    help = "为一个小区生成一个账期的账单（在一个事务中完成；可重复运行，已有账单的房屋不会重复计费）。"

    def add_arguments(self, parser):
        parser.add_argument("--community", required=True, help="小区编码（code）")
        parser.add_argument("--period", required=True, help="账期，YYYY-MM")
        parser.add_argument("--user", help="以该用户的身份计费（需有计费权限）；省略时以系统身份运行")

    def handle(self, *args, community, period, user, **options):
        actor = command_actor(user)
        target = community_by_code(community)

        def progress(step: int, steps: int, label: str) -> None:
            self.stderr.write(f"[{step}/{steps}] {label}")
            self.stderr.flush()

        try:
            run = bill_run_create(actor=actor, community=target, period=period, progress=progress)
        except LinliError as exc:
            detail = " ".join(str(m) for messages in exc.fields.values() for m in messages) or exc.message
            raise CommandError(_("计费未完成：%(message)s") % {"message": detail}) from exc
        self.stdout.write(f"id={run.pk} period={run.period} bills_created={run.bills_created} total={run.total} "
                          f"lease_bills_created={run.lease_bills_created}")
