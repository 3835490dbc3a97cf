"""Access cards are no longer stopped for unpaid fees (Civil Code Art. 944; DESIGN §6 "Fair
collection"): the automatic rule, and its per-community setting `AccessPolicy`, are gone.

Cards the rule had stopped (`disabled_reason` "arrears") work again, audited as one event per
community. A card is now stopped only by a person, whose stated reason is kept as text; cards
stopped by hand before reasons were recorded say so."""

from django.db import migrations, models

FORMER_MANUAL = "人工停用（当时未记录原因）"


def restart_cards_stopped_for_arrears(apps, schema_editor):
    AccessCard = apps.get_model("operations", "AccessCard")
    AccessCard.objects.filter(disabled_reason="manual").update(disabled_reason=FORMER_MANUAL)
    stopped = AccessCard.objects.filter(status="disabled", disabled_reason="arrears")
    by_community: dict[int, list[int]] = {}
    for card_id, community_id in stopped.values_list("id", "community_id"):
        by_community.setdefault(community_id, []).append(card_id)
    if not by_community:
        return
    # The audit chain as it is when this runs, and only when there is something to restart: the
    # change must be on record like any other write.
    from linli.core.audit import audit_record

    stopped.update(status="active", disabled_reason="", disabled_at=None)
    for community_id, card_ids in sorted(by_community.items()):
        audit_record(actor=None, action="access_card.arrears_rule_removed", target_type="estates.community",
                     target_id=community_id, community_id=community_id,
                     data={"enabled": sorted(card_ids), "basis": "民法典第九百四十四条：物业服务人不得采取停止供电、"
                                                                   "供水、供热、供燃气等方式催交物业费"})


class Migration(migrations.Migration):

    # After the chain is keyed (core 0003): an event appended before it would be re-linked as if
    # it were a plain link, and the re-keying would stop on it.
    dependencies = [
        ("core", "0003_keyed_audit_chain"),
        ("operations", "0002_access_policy_order"),
    ]

    operations = [
        migrations.AlterField(
            model_name="accesscard",
            name="disabled_reason",
            field=models.CharField(blank=True, max_length=200, verbose_name="停用原因"),
        ),
        migrations.RunPython(restart_cards_stopped_for_arrears, migrations.RunPython.noop),
        migrations.DeleteModel(name="AccessPolicy"),
    ]
