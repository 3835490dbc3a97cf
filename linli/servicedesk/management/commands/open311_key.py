"""`manage.py open311_key create NAME` prints a new Open311 API key (its last word);
`list` shows the keys, `revoke NAME` disables one."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from linli.core.errors import LinliError
from linli.core.tenancy import SystemActor
from linli.servicedesk import services
from linli.servicedesk.models import Open311Key


class Command(BaseCommand):
    help = _("管理 Open311 接口密钥：create NAME 新建（只显示一次），list 列出，revoke NAME 停用。")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "list", "revoke"])
        parser.add_argument("name", nargs="?")

    def handle(self, *args, action: str, name: str | None = None, **options):
        if action == "list":
            for key in Open311Key.objects.all():
                state = _("有效") if key.active else _("已停用")
                used = key.last_used_at.isoformat(timespec="seconds") if key.last_used_at else "—"
                self.stdout.write(f"{key.name}\t{state}\t{used}")
            return
        if not name:
            raise CommandError(_("请给出密钥名称。"))
        try:
            if action == "revoke":
                services.open311_key_revoke(actor=SystemActor(), name=name)
                self.stdout.write(_("已停用 %(name)s。") % {"name": name})
                return
            _key, raw = services.open311_key_create(actor=SystemActor(), name=name)
        except LinliError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(_("Open311 密钥 %(name)s 已创建，只显示这一次，请妥善保存：") % {"name": name})
        self.stdout.write(raw)
