from django.core.management.base import BaseCommand

from linli.core.models import AuditEvent, AuditHead


class Command(BaseCommand):
    help = ("Print the head of the audit chain (the newest event's number, time and keyed hash), to be "
            "kept outside this server: printed, or sent to the regulator. "
            "`audit_verify --anchor ID:HASH` later proves the chain still passes through it.")

    def handle(self, *args, **options):
        head = AuditHead.objects.filter(pk=1).first()
        event = AuditEvent.objects.filter(pk=head.last_event_id).first() if head else None
        if event is None:
            self.stdout.write("audit chain empty")
            return
        self.stdout.write(f"audit head: event #{event.pk} at {event.at.isoformat()} "
                          f"({AuditEvent.objects.count()} events)\n"
                          f"anchor: {event.pk}:{head.last_hash}")
