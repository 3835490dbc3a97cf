"""The audit log becomes one hash chain per community, plus one for the platform's own events
(community_id NULL), each with its own head row, so that writers in different communities lock
different rows (DESIGN §7 `bench/write_scaling.py`, §8).

The events recorded before are not re-linked: they stay as they are, a closed chain named
"legacy" (seq NULL, in id order, from the genesis hash to the old head row, which becomes the
head of "legacy"), and `audit_verify` proves it like every other chain. We chose this over
re-linking every event per community because it rewrites nothing: each existing link keeps its
hash, so the anchors printed by `audit_head` before this release (ID:HASH, kept by the regulator)
still prove with `audit_verify --anchor`, and the migration costs no time on a large log. New
events go to the chain of their community from seq 1. `audit_rekey` moves the legacy chain with
the others.

Going back is refused once an event has been appended to a per-community chain: the schema of
0003 knows one global chain only, and those events would break it."""

from django.db import migrations, models


def forward(apps, schema_editor):
    pass  # nothing to move: see above (the old head row becomes "legacy" by the field's default)


def backward(apps, schema_editor):
    if apps.get_model("core", "AuditEvent").objects.filter(seq__isnull=False).exists():
        raise RuntimeError("events were appended to the per-community audit chains: the single global "
                           "chain of core 0003 cannot hold them; restore a backup instead")


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0003_keyed_audit_chain"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(blank=True, null=True, verbose_name="链内序号"),
        ),
        migrations.AddField(
            model_name="audithead",
            name="chain",
            field=models.CharField(default="legacy", max_length=40, unique=True),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="audithead",
            name="last_seq",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(fields=("community_id", "seq"), name="core_audit_one_seq_per_chain"),
        ),
        migrations.RunPython(forward, backward),
    ]
