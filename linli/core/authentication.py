"""The API's token authentication: DRF's, with the token and its user read in one raw query.

`Token.objects.select_related("user").get(key=…)` costs more to build than to run, on every
request of every API client (bench/api_load.py: a third of an owner's cached bill list). The
answers are DRF's: an unknown key or an inactive user is refused with DRF's messages, and
`request.auth` is the token."""

from django.contrib.auth import get_user_model
from django.db import connections, router
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

_SQL: dict[tuple[str, str], str] = {}


def _token_sql(connection, token_model) -> str:
    q = connection.ops.quote_name
    user_model = get_user_model()
    columns = ", ".join(f"u.{q(field.column)}" for field in user_model._meta.concrete_fields)
    user_column = token_model._meta.get_field("user").column
    return (f"SELECT {columns}, t.{q(token_model._meta.get_field('created').column)} AS token_created "
            f"FROM {q(user_model._meta.db_table)} u INNER JOIN {q(token_model._meta.db_table)} t "
            f"ON t.{q(user_column)} = u.{q(user_model._meta.pk.column)} "
            f"WHERE t.{q(token_model._meta.get_field('key').column)} = %s")


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        token_model = self.get_model()
        alias = router.db_for_read(token_model)
        connection = connections[alias]
        sql = _SQL.get((alias, connection.vendor))
        if sql is None:
            sql = _SQL[(alias, connection.vendor)] = _token_sql(connection, token_model)
        user = next(iter(get_user_model().objects.db_manager(alias).raw(sql, [key])), None)
        if user is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, token_model(key=key, user=user, created=user.token_created)
