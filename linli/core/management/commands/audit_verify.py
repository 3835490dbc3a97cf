from django.core.management.base import BaseCommand, CommandError

from linli.core.audit import RECORD_CHECKERS, audit_verify_chain
from linli.core.models import AuditEvent


def _anchor(value: str) -> tuple[int, str]:
    event_id, _sep, digest = value.partition(":")
    if not (event_id.isdigit() and len(digest) == 64):
        raise CommandError(f"an anchor is EVENT_ID:HASH as audit_head prints it, not {value!r}")
    return int(event_id), digest.lower()


class Command(BaseCommand):
    help = ("Prove the audit log's keyed hash chain and every audited record against its copy in the chain; "
            "name the first broken link or altered record and exit non-zero if there is one.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor", action="append", default=[], type=_anchor, metavar="EVENT_ID:HASH",
            help="a head printed earlier by audit_head (repeatable): the chain must still pass through it, "
                 "which even a rewrite with the key cannot fake")

    def handle(self, *args, **options):
        report = audit_verify_chain()
        if not report.ok:
            raise CommandError(
                f"audit chain broken at event #{report.broken_at}: {report.reason} "
                f"({report.checked} events before it verified)"
            )
        for event_id, digest in options["anchor"]:
            if not AuditEvent.objects.filter(pk=event_id, hash=digest).exists():
                raise CommandError(f"audit chain does not pass through the anchor #{event_id}: "
                                   "it was rewritten after that head was printed")
        problems = [problem for checker in RECORD_CHECKERS for problem in checker()]
        if problems:
            raise CommandError(f"audited record does not match the chain: {problems[0]} "
                               f"({len(problems)} problem(s) in all)")
        self.stdout.write(self.style.SUCCESS(f"audit chain ok: {report.checked} events verified"))
