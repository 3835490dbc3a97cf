"""Tenant B's operations objects for tests/test_tenancy.py: no role of tenant A may see them."""

from tests.operations.world_access import access_objects
from tests.operations.world_duties import duty_objects
from tests.operations.world_people import people_objects


def other_tenant_objects(b) -> dict:
    return {**people_objects(b), **access_objects(b), **duty_objects(b)}
