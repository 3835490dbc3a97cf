from django.core.management.base import BaseCommand

from linli.core.audit import LEGACY_CHAIN, chain_events, chain_order
from linli.core.models import AuditEvent, AuditHead


def _chain(value: str) -> str:
    return f"community:{int(value)}" if value.isdigit() else value


class Command(BaseCommand):
    help = ("Print the head of each audit chain (one per community, one for the platform, and the legacy "
            "chain of before core 0004): the newest event's number, time and keyed hash, to be kept outside "
            "this server: printed, or sent to the regulator. "
            "`audit_verify --anchor ID:HASH` later proves the chain still passes through it.")

    def add_arguments(self, parser):
        parser.add_argument("--chain", action="append", default=[], type=_chain, metavar="NAME",
                            help="only this chain (repeatable): a community's id, platform or legacy")

    def handle(self, *args, **options):
        heads = AuditHead.objects.exclude(last_event_id=None)
        if options["chain"]:
            heads = heads.filter(chain__in=options["chain"])
        heads = sorted(heads, key=lambda head: chain_order(head.chain))
        events = AuditEvent.objects.in_bulk([head.last_event_id for head in heads])
        printed = 0
        for head in heads:
            event = events.get(head.last_event_id)
            if event is None:
                continue
            count = (f"{chain_events(LEGACY_CHAIN)[0].count()} events" if head.chain == LEGACY_CHAIN
                     else f"seq {head.last_seq}")
            self.stdout.write(f"audit head of chain {head.chain}: event #{event.pk} at {event.at.isoformat()} "
                              f"({count})\nanchor: {event.pk}:{head.last_hash}")
            printed += 1
        if not printed:
            self.stdout.write("audit chain empty")
