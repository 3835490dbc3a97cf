"""`python manage.py seed_demo`: load the 苗庄小区 demo and print its logins (DESIGN §5).

Idempotent: a second run finds everything by its natural key and creates nothing. Each app
contributes through its `demo.load(ctx)` (see linli/core/demo.py); all of them run in one
transaction, so a failure leaves the database as it was."""

import time
import unicodedata

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from linli.core.audit import audit_record
from linli.core.demo import DemoContext, demo_loaders


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(_width(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    rule = "  ".join("-" * w for w in widths)
    lines = ["  ".join(_pad(str(cell), w) for cell, w in zip(row, widths)).rstrip() for row in [header, *rows]]
    return "\n".join([lines[0], rule, *lines[1:]])


class Command(BaseCommand):
    help = _("加载苗庄小区演示数据（可重复运行，不会重复创建），并打印演示账号。")

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true",
            help=_("数据库里已有任何小区时什么也不做（make run 使用）。"),
        )

    def handle(self, *args, if_empty: bool = False, **options):
        if if_empty and apps.get_model("estates", "Community").objects.exists():
            self.stdout.write(_("数据库中已有小区，跳过演示数据（需要时运行 manage.py seed_demo）。"))
            return
        started = time.monotonic()
        ctx = DemoContext(stdout=self.stdout)
        with transaction.atomic():
            for _name, load in demo_loaders():
                load(ctx)
            if ctx.created:
                audit_record(actor=None, action="demo.seed", target=ctx.community,
                             community_id=getattr(ctx.community, "pk", None), data={"created": dict(ctx.created)})
        seconds = time.monotonic() - started
        if ctx.created:
            made = "，".join(f"{what} {n}" for what, n in sorted(ctx.created.items()))
            self.stdout.write(self.style.SUCCESS(_("演示数据已加载（%(seconds).1f 秒）：%(made)s")
                                                 % {"seconds": seconds, "made": made}))
        else:
            self.stdout.write(self.style.SUCCESS(_("演示数据已存在，未做任何改动。")))
        header = [_("角色"), _("用户名"), _("密码"), _("可见范围")]
        self.stdout.write("\n" + _("演示账号：") + "\n" + format_table(header, [list(login) for login in ctx.logins]))
