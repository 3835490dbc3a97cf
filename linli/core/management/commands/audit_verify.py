from django.core.management.base import BaseCommand, CommandError

from linli.core.audit import RECORD_CHECKERS, audit_verify_chains
from linli.core.models import AuditEvent


def _anchor(value: str) -> tuple[int, str]:
    event_id, _sep, digest = value.partition(":")
    if not (event_id.isdigit() and len(digest) == 64):
        raise CommandError(f"an anchor is EVENT_ID:HASH as audit_head prints it, not {value!r}")
    return int(event_id), digest.lower()


class Command(BaseCommand):
    help = ("Prove each chain of the audit log (one per community, one for the platform, and the legacy "
            "chain of before core 0004) and every audited record against its copy in the chain; name the "
            "first broken link of each broken chain (chain, event id, seq) and exit non-zero if there is one.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor", action="append", default=[], type=_anchor, metavar="EVENT_ID:HASH",
            help="a head printed earlier by audit_head (repeatable): its chain must still pass through it, "
                 "which even a rewrite with the key cannot fake")

    def handle(self, *args, **options):
        reports = audit_verify_chains()
        if options["verbosity"] >= 2:
            for report in reports:
                state = "ok" if report.ok else f"BROKEN at {report.where()}: {report.reason}"
                self.stdout.write(f"chain {report.chain}: {report.checked} events verified, {state}")
        broken = [report for report in reports if not report.ok]
        if broken:
            first = broken[0]
            others = "".join(f"; also broken: {r.where()}: {r.reason}" for r in broken[1:])
            raise CommandError(
                f"audit chain {first.chain} broken at event #{first.broken_at}"
                f"{f' (seq {first.seq})' if first.seq is not None else ''}: {first.reason} "
                f"({first.checked} events before it in that chain verified){others}; "
                f"{len(reports) - len(broken)} other chain(s) verified"
            )
        for event_id, digest in options["anchor"]:
            if not AuditEvent.objects.filter(pk=event_id, hash=digest).exists():
                raise CommandError(f"audit chain does not pass through the anchor #{event_id}: "
                                   "it was rewritten after that head was printed")
        problems = [problem for checker in RECORD_CHECKERS for problem in checker()]
        if problems:
            raise CommandError(f"audited record does not match the chain: {problems[0]} "
                               f"({len(problems)} problem(s) in all)")
        total = sum(report.checked for report in reports)
        self.stdout.write(self.style.SUCCESS(f"audit chain ok: {total} events verified in {len(reports)} chain(s)"))
