"""Outgoing SMS / WeChat messages behind one interface. This network reaches no gateway, so
the only provider is the sandbox, which records each message in the outbox; a real gateway
is one subclass named in LINLI_NOTIFICATION_PROVIDER."""

from django.conf import settings
from django.utils.module_loading import import_string

from .models import OutboxMessage


class NotificationProvider:
    name = "base"

    def send(self, *, channel: str, recipient: str, body: str) -> OutboxMessage:
        raise NotImplementedError


class SandboxProvider(NotificationProvider):
    name = "sandbox"

    def send(self, *, channel: str, recipient: str, body: str) -> OutboxMessage:
        return OutboxMessage.objects.create(channel=channel, recipient=recipient, body=body, provider=self.name)


def notification_provider() -> NotificationProvider:
    return import_string(settings.LINLI_NOTIFICATION_PROVIDER)()
