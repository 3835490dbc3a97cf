"""Outgoing messages behind one interface. SMS / WeChat go through a provider: this network
reaches no gateway, so the only provider is the sandbox, which records each message in the
outbox (and the log); a real gateway is one subclass named in LINLI_NOTIFICATION_PROVIDER.
`notify_users` also puts the message in each user's in-app inbox and mails those with an
address through Django's email backend."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from .models import InboxMessage, OutboxMessage
from .sentences import render_stored

logger = logging.getLogger("linli.notify")


class NotificationProvider:
    name = "base"

    def send(self, *, channel: str, recipient: str, body: str) -> OutboxMessage:
        raise NotImplementedError


class SandboxProvider(NotificationProvider):
    name = "sandbox"

    def send(self, *, channel: str, recipient: str, body: str) -> OutboxMessage:
        logger.info("%s to %s: %s", channel, recipient, body)
        return OutboxMessage.objects.create(channel=channel, recipient=recipient, body=body, provider=self.name)


def notification_provider() -> NotificationProvider:
    return import_string(settings.LINLI_NOTIFICATION_PROVIDER)()


def notify_users(users, *, title: str = "", body: str = "", url: str = "", sms: bool = False,
                 key: str = "", params: dict | None = None) -> None:
    """Tell each user (once, however often they are listed): inbox always, email when they have
    an address, SMS to their phone when `sms`. Call it from transaction.on_commit: a message
    must never announce a change that was rolled back. With a `key` (linli.core.sentences) the
    inbox shows the message in each reader's language; e-mail and SMS go in Chinese."""
    params = params or {}
    if key:
        title, body = render_stored(key, params)
    seen = set()
    provider = notification_provider() if sms else None
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        InboxMessage.objects.create(user=user, title=title, body=body, url=url, message_key=key, params=params)
        if sms and user.phone:
            provider.send(channel="sms", recipient=user.phone, body=f"{title}：{body}")
        if user.email:
            try:
                send_mail(title, body, None, [user.email])
            except OSError:
                # A mail server that is down must not lose the inbox message or the SMS.
                logger.exception("mail to %s failed", user.email)


def notify_phone(phone: str, body: str) -> None:
    """An SMS to someone who may have no login (a caller of the hotline)."""
    if phone:
        notification_provider().send(channel="sms", recipient=phone, body=body)
