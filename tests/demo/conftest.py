"""The seeded 苗庄小区 demo, loaded once for the whole package and shared by its tests.

Seeding costs about 17 s on SQLite and more on PostgreSQL, so the package seeds once, inside a
transaction that is rolled back when its last test ends; each test runs in a savepoint within
it, so what a test writes (a second seed run, say) is gone before the next. pytest runs a
package's modules one after the other, so no test outside this package ever sees the demo."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from linli.estates.models import Community
from linli.orgs.models import User


@pytest.fixture(scope="package")
def first_run(django_db_setup, django_db_blocker, tmp_path_factory):
    """Output of `seed_demo --if-empty` on the empty test database."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("demo-media")):
        with transaction.atomic():
            out = StringIO()
            call_command("seed_demo", "--if-empty", stdout=out)
            yield out.getvalue()
            transaction.set_rollback(True)


@pytest.fixture
def demo(first_run, db):
    return Community.objects.get(code="miaozhuang")


@pytest.fixture
def signed_in(demo):
    """signed_in(username) → a page client signed in as that demo login."""
    def client_for(username: str) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(User.objects.get(username=username))
        return client
    return client_for
