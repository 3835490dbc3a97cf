"""python manage.py import_meter_readings --community CODE --period YYYY-MM FILE [--user USERNAME]

For a file of readings too large to read inside a web request (LINLI_INLINE_IMPORT_MB): the same
import, in this process instead of a web worker, up to the general spreadsheet limit."""

from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from linli.billing.imports import meter_reading_import
from linli.core.commands import command_actor, community_by_code
from linli.core.errors import LinliError
from linli.estates.registry import ImportRejected


class Command(BaseCommand):
    help = "从 Excel（.xlsx）导入一个小区某月的抄表读数；任何一行有错误时不导入任何数据。"

    def add_arguments(self, parser):
        parser.add_argument("--community", required=True, help="小区编码（code）")
        parser.add_argument("--period", required=True, help="抄表月份，如 2026-03")
        parser.add_argument("--user", help="以该用户的身份导入（需有收费设置权限）；省略时以系统身份导入")
        parser.add_argument("file", help=".xlsx 文件")

    def handle(self, *args, community, period, user, file, **options):
        actor = command_actor(user)
        target = community_by_code(community)
        try:
            with Path(file).open("rb") as handle:
                count = meter_reading_import(actor=actor, community=target, period=period,
                                             file=File(handle, name=Path(file).name), in_background=True)
        except ImportRejected as exc:
            for error in exc.errors:
                row = _("第 %(row)s 行") % {"row": error["row"]} if error["row"] else _("文件")
                self.stderr.write(" · ".join(part for part in (row, error["column"], error["message"]) if part))
            raise CommandError(str(exc.message)) from exc
        except (LinliError, OSError) as exc:
            raise CommandError(str(getattr(exc, "message", exc))) from exc
        self.stdout.write(_("已导入 %(count)s 条读数。") % {"count": count})
