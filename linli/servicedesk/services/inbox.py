"""The inbox: the messages the desk (and every other app) sends to a user, read by them only."""

from django.utils import timezone

from linli.core.errors import NotFound
from linli.core.models import InboxMessage
from linli.core.tenancy import Actor


def inbox_mark_read(*, actor: Actor, message) -> None:
    if not actor.is_authenticated or message.user_id != actor.user.pk:
        raise NotFound()
    if message.read_at is None:
        message.read_at = timezone.now()
        message.save(update_fields=["read_at"])


def inbox_mark_all_read(*, actor: Actor) -> int:
    return InboxMessage.objects.filter(user=actor.user, read_at__isnull=True).update(read_at=timezone.now())

