"""python manage.py export_registry --community CODE OUT.xlsx [--user USERNAME]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from linli.core.commands import command_actor, community_by_code
from linli.core.errors import LinliError
from linli.estates.registry import registry_export


class Command(BaseCommand):
    help = "把一个小区的房产档案（楼栋、房屋、业主、车位、经营用房）导出为 .xlsx。"

    def add_arguments(self, parser):
        parser.add_argument("--community", required=True, help="小区编码（code）")
        parser.add_argument("--user", help="以该用户的身份导出（个人信息按其权限打码）；省略时以系统身份导出")
        parser.add_argument("out", help="输出的 .xlsx 文件")

    def handle(self, *args, community, user, out, **options):
        actor = command_actor(user)
        try:
            data = registry_export(actor=actor, community=community_by_code(community))
        except LinliError as exc:
            raise CommandError(str(exc.message)) from exc
        Path(out).write_bytes(data)
        self.stdout.write(_("已导出到 %(path)s（%(size)s 字节）。") % {"path": out, "size": len(data)})
