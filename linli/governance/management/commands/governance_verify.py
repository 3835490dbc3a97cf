from django.core.management.base import BaseCommand, CommandError

from linli.governance.integrity import records_verify


class Command(BaseCommand):
    help = ("Compare every stored ballot, vote, sign-in, proxy, objection, petition signature and fund ledger "
            "entry with its copy in the audit chain; name each one that differs and exit non-zero.")

    def handle(self, *args, **options):
        mismatches = records_verify()
        if mismatches:
            raise CommandError("governance records differ from the audit log: " + "; ".join(map(str, mismatches[:20])))
        self.stdout.write(self.style.SUCCESS("governance records match the audit log"))
