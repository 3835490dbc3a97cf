"""Inbox messages keep a key and parameters and are put into words in the reader's language
(linli.core.sentences); older rows keep their stored text."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0004_audit_chain_per_community")]

    operations = [
        migrations.AddField(
            model_name="inboxmessage", name="message_key",
            field=models.CharField(blank=True, max_length=80, verbose_name="消息类型")),
        migrations.AddField(
            model_name="inboxmessage", name="params",
            field=models.JSONField(blank=True, default=dict, verbose_name="消息参数")),
    ]
