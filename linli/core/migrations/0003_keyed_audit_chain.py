"""The audit chain becomes keyed (DESIGN §5 v1.1): a chain of plain SHA-256 links, as databases
made before this release hold, is proven link by link and re-linked with HMAC-SHA256 under the
key of this deployment (LINLI_AUDIT_KEY, or derived from LINLI_SECRET_KEY). Run it with the
production environment, as every migration. A chain that does not prove stops the migration
with the first broken link: re-keying must never make a forged row look genuine."""

from django.db import migrations


def _rekey(apps, old, new):
    from linli.core.audit import audit_rekey

    audit_rekey(old=old, new=new, event_model=apps.get_model("core", "AuditEvent"),
                head_model=apps.get_model("core", "AuditHead"))


def key_the_chain(apps, schema_editor):
    from linli.core.audit import chain_key, keyed_link, plain_link_hash

    _rekey(apps, plain_link_hash, keyed_link(chain_key()))


def unkey_the_chain(apps, schema_editor):
    from linli.core.audit import chain_key, keyed_link, plain_link_hash

    _rekey(apps, keyed_link(chain_key()), plain_link_hash)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0002_inboxmessage"),
    ]

    operations = [
        migrations.RunPython(key_the_chain, unkey_the_chain),
    ]
