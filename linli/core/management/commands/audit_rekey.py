import os

from django.core.management.base import BaseCommand, CommandError

from linli.core.audit import ChainBroken, audit_rekey, chain_key, derived_key, keyed_link


class Command(BaseCommand):
    help = ("Move every audit chain (each community's, the platform's, the legacy one) to the key now "
            "configured (LINLI_AUDIT_KEY, or derived from LINLI_SECRET_KEY), after proving every link "
            "under the previous key. Run it right after changing either key; the previous one is read "
            "from an environment variable, never the command line.")

    def add_arguments(self, parser):
        old = parser.add_mutually_exclusive_group(required=True)
        old.add_argument("--old-key-env", metavar="NAME",
                         help="environment variable holding the previous LINLI_AUDIT_KEY")
        old.add_argument("--old-secret-key-env", metavar="NAME",
                         help="environment variable holding the previous LINLI_SECRET_KEY, when no "
                              "LINLI_AUDIT_KEY was set and the key was derived from it")

    def handle(self, *args, **options):
        name = options["old_key_env"] or options["old_secret_key_env"]
        value = os.environ.get(name, "")
        if not value:
            raise CommandError(f"the environment variable {name} is empty")
        old_key = value.encode() if options["old_key_env"] else derived_key(value)
        try:
            moved = audit_rekey(old=keyed_link(old_key), new=keyed_link(chain_key()))
        except ChainBroken as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"audit chains moved to the new key: {moved} events; "
                                             "print and keep the new heads (audit_head)"))
