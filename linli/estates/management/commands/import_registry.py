"""python manage.py import_registry --community CODE FILE [--user USERNAME]"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from linli.core.commands import command_actor, community_by_code
from linli.core.errors import LinliError
from linli.estates.models import ImportJob
from linli.estates.registry import ImportRejected, registry_import


class ProgressBar:
    """A tqdm bar over the rows being checked, then a line while they are saved."""

    def __init__(self, stream):
        self.stream = stream
        self.bar = None

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        if phase == ImportJob.Status.VALIDATING:
            if self.bar is None:
                self.bar = tqdm(total=total, unit=_("行"), desc=_("校验"), file=self.stream, dynamic_ncols=True)
            self.bar.total = max(total or 0, done) or None
            self.bar.update(done - self.bar.n)
        elif phase == ImportJob.Status.SAVING:
            self.close()
            self.stream.write(_("写入数据库…") + "\n")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class Command(BaseCommand):
    help = "从 Excel（.xlsx）导入一个小区的楼栋、房屋和业主；任何一行有错误时不导入任何数据。"

    def add_arguments(self, parser):
        parser.add_argument("--community", required=True, help="小区编码（code）")
        parser.add_argument("--user", help="以该用户的身份导入（需有导入权限）；省略时以系统身份导入")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")
        parser.add_argument("file", help=".xlsx 文件")

    def handle(self, *args, community, user, file, no_progress, **options):
        actor = command_actor(user)
        target = community_by_code(community)
        # The bar redraws its line in place: it needs the raw stream, not Django's line-ending wrapper.
        progress = None if no_progress else ProgressBar(sys.stderr)
        try:
            summary = registry_import(actor=actor, community=target, path_or_file=file, progress=progress,
                                      file_name=file)
        except ImportRejected as exc:
            for error in exc.errors:
                row = _("第 %(row)s 行") % {"row": error["row"]} if error["row"] else _("文件")
                self.stderr.write(" · ".join(part for part in (row, error["column"], error["message"]) if part))
            if exc.count > len(exc.errors):
                self.stderr.write(_("……另有 %(n)s 处错误未列出。") % {"n": exc.count - len(exc.errors)})
            raise CommandError(str(exc.message)) from exc
        except (LinliError, OSError) as exc:
            raise CommandError(str(getattr(exc, "message", exc))) from exc
        finally:
            if progress is not None:
                progress.close()
        self.stdout.write(" ".join(f"{key}={value}" for key, value in summary.items()))
