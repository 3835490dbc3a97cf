from django.core.management.base import BaseCommand, CommandError

from linli.core.audit import audit_verify_chain


class Command(BaseCommand):
    help = "Prove the audit log's hash chain; name the first broken link and exit non-zero if there is one."

    def handle(self, *args, **options):
        report = audit_verify_chain()
        if not report.ok:
            raise CommandError(
                f"audit chain broken at event #{report.broken_at}: {report.reason} "
                f"({report.checked} events before it verified)"
            )
        self.stdout.write(self.style.SUCCESS(f"audit chain ok: {report.checked} events verified"))
