from django.core.management.base import BaseCommand, CommandError

from linli.core.audit import RECORD_CHECKERS, audit_verify_chain


class Command(BaseCommand):
    help = ("Prove the audit log's hash chain and every audited record against its copy in the chain; "
            "name the first broken link or altered record and exit non-zero if there is one.")

    def handle(self, *args, **options):
        report = audit_verify_chain()
        if not report.ok:
            raise CommandError(
                f"audit chain broken at event #{report.broken_at}: {report.reason} "
                f"({report.checked} events before it verified)"
            )
        problems = [problem for checker in RECORD_CHECKERS for problem in checker()]
        if problems:
            raise CommandError(f"audited record does not match the chain: {problems[0]} "
                               f"({len(problems)} problem(s) in all)")
        self.stdout.write(self.style.SUCCESS(f"audit chain ok: {report.checked} events verified"))
