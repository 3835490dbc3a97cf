"""Factories for the registry. Rows are made directly (not through services) so that a test
sets up exactly the world it needs; the behaviour under test always goes through services."""

from decimal import Decimal

import factory

from linli.estates.models import Building, Community, Owner, Ownership, ParkingSpace, Premises, Resident, Unit, Zone
from linli.orgs.models import Membership, Organization, User

DEFAULT_PASSWORD = "Linli-test-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    @factory.post_generation
    def password(user, create, extracted, **kwargs):
        user.set_password(extracted or DEFAULT_PASSWORD)
        if create:
            user.save(update_fields=["password"])


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"机构{n}")
    kind = Organization.Kind.COMPANY


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = "manager"


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    name = factory.Sequence(lambda n: f"小区{n}")
    code = factory.Sequence(lambda n: f"community-{n}")


class ZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Zone

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"分区{n}")


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    community = factory.SubFactory(CommunityFactory)
    zone = None
    name = factory.Sequence(lambda n: f"{n}号楼")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    building = factory.SubFactory(BuildingFactory)
    community = factory.SelfAttribute("building.community")
    number = factory.Sequence(lambda n: f"{100 + n}")
    area = Decimal("90.00")
    exclusive_area = factory.SelfAttribute("area")
    occupants = 2


class OwnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Owner

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"业主{n}")
    phone = factory.Sequence(lambda n: f"139{n:08d}")


class OwnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ownership

    owner = factory.SubFactory(OwnerFactory)
    unit = factory.SubFactory(UnitFactory)
    is_voter = True


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"住户{n}")


class ParkingSpaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParkingSpace

    community = factory.SubFactory(CommunityFactory)
    code = factory.Sequence(lambda n: f"P{n:03d}")


class PremisesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Premises

    community = factory.SubFactory(CommunityFactory)
    code = factory.Sequence(lambda n: f"S{n:02d}")
    name = factory.Sequence(lambda n: f"商铺{n}")
    area = Decimal("60.00")
