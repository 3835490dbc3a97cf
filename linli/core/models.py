from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .sentences import render


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyError(Exception):
    pass


class AuditEvent(models.Model):
    """One link of the append-only, hash-chained audit log (DESIGN §8).

    The actor and target are stored by value, not as foreign keys, so that deleting or
    renaming a user never rewrites a link of the chain."""

    at = models.DateTimeField(_("时间"), db_index=True)
    actor_id = models.BigIntegerField(_("操作人ID"), null=True, blank=True)
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=80, db_index=True)
    target_type = models.CharField(_("对象类型"), max_length=80)
    target_id = models.CharField(_("对象ID"), max_length=64, blank=True)
    community_id = models.BigIntegerField(_("小区ID"), null=True, blank=True, db_index=True)
    data = models.JSONField(_("内容"), default=dict)
    # The event's number in its chain (1, 2, …): one chain per community, one for the platform
    # (community_id NULL). NULL for the events of the closed legacy chain (migration core 0004).
    seq = models.BigIntegerField(_("链内序号"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计日志")
        constraints = [
            models.UniqueConstraint(fields=["community_id", "seq"], name="core_audit_one_seq_per_chain"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events are append-only")


class AuditHead(models.Model):
    """One row per chain ("community:<id>", "platform", and "legacy" for the global chain of
    before core 0004) holding the hash of its newest event. Appending locks the row of its own
    chain only, so two concurrent writers can never both chain onto the same predecessor, and
    writers in different communities never wait for each other."""

    chain = models.CharField(max_length=40, unique=True)
    last_hash = models.CharField(max_length=64)
    last_event_id = models.BigIntegerField(null=True)
    last_seq = models.BigIntegerField(default=0)


class OutboxMessage(models.Model):
    """A message handed to the notification provider (SMS/WeChat). The sandbox provider
    stops here; a real provider also records what it sent and the gateway's answer."""

    created_at = models.DateTimeField(auto_now_add=True)
    channel = models.CharField(max_length=20)
    recipient = models.CharField(max_length=120)
    body = models.TextField()
    provider = models.CharField(max_length=80)
    provider_ref = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("待发消息")
        verbose_name_plural = _("消息发件箱")


class InboxMessage(models.Model):
    """A message in a user's in-app inbox (消息), the channel every owner and staff member has."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_messages")
    created_at = models.DateTimeField(auto_now_add=True)
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    # Set: the title and body are written from this key and these parameters in the reader's
    # language (linli.core.sentences); `title`/`body` keep the Chinese text. Blank: older rows,
    # shown as stored.
    message_key = models.CharField(_("消息类型"), max_length=80, blank=True)
    params = models.JSONField(_("消息参数"), default=dict, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        indexes = [models.Index(fields=["user", "read_at"], name="inbox_user_unread")]

    def __str__(self):
        return self.title

    def _shown(self) -> tuple[str, str]:
        return render(self.message_key, self.params) if self.message_key else (self.title, self.body)

    @property
    def shown_title(self) -> str:
        return self._shown()[0]

    @property
    def shown_body(self) -> str:
        return self._shown()[1]
