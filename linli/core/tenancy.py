"""Who the actor is and what they may see (DESIGN §4).

An `Actor` wraps a user with the scope its memberships and owner records give it. Selectors
filter every query by `actor.community_ids()` (or a narrower scope) so that an object outside
the scope is simply not found: a 404, never a 403 that confirms it exists."""

from functools import cached_property

from django.apps import apps

from .errors import PermissionDenied


class Actor:
    def __init__(self, user):
        self.user = user

    def __repr__(self):
        return f"Actor({self.user!r})"

    @property
    def is_authenticated(self) -> bool:
        return bool(self.user and self.user.is_authenticated)

    @property
    def is_admin(self) -> bool:
        return self.is_authenticated and self.user.is_superuser

    @cached_property
    def memberships(self) -> list:
        if not self.is_authenticated:
            return []
        Membership = apps.get_model("orgs", "Membership")
        return list(Membership.objects.filter(user=self.user, active=True).select_related("organization"))

    def roles(self) -> set[str]:
        return {m.role for m in self.memberships}

    @cached_property
    def company_roles(self) -> dict[int, set[str]]:
        """Company id → the staff roles held there."""
        from linli.orgs.models import STAFF_ROLES

        result: dict[int, set[str]] = {}
        for m in self.memberships:
            if m.role in STAFF_ROLES:
                result.setdefault(m.organization_id, set()).add(m.role)
        return result

    @cached_property
    def jurisdiction_ids(self) -> set[int]:
        """Every jurisdiction organization at or below those where the actor is a regulator."""
        from linli.orgs.models import Role

        Organization = apps.get_model("orgs", "Organization")
        roots = {m.organization_id for m in self.memberships if m.role == Role.REGULATOR}
        return Organization.objects.descendant_ids(roots)

    @cached_property
    def committee_community_ids(self) -> set[int]:
        from linli.orgs.models import Role

        return {m.community_id for m in self.memberships if m.role == Role.COMMITTEE_MEMBER and m.community_id}

    @cached_property
    def owner_ids(self) -> set[int]:
        if not self.is_authenticated:
            return set()
        Owner = apps.get_model("estates", "Owner")
        return set(Owner.objects.filter(user=self.user).values_list("id", flat=True))

    @cached_property
    def owned_unit_ids(self) -> set[int]:
        """Units the actor holds title to."""
        if not self.is_authenticated:
            return set()
        Ownership = apps.get_model("estates", "Ownership")
        return set(Ownership.objects.filter(owner__user=self.user).values_list("unit_id", flat=True))

    @cached_property
    def own_unit_ids(self) -> set[int]:
        """Units the actor holds as owner, or lives in as a registered resident."""
        if not self.is_authenticated:
            return set()
        Resident = apps.get_model("estates", "Resident")
        lived = set(
            Resident.objects.filter(user=self.user, move_out__isnull=True).values_list("unit_id", flat=True)
        )
        return self.owned_unit_ids | lived

    @cached_property
    def staff_community_ids(self) -> set[int]:
        Community = apps.get_model("estates", "Community")
        if not self.company_roles:
            return set()
        return set(Community.objects.filter(company_id__in=self.company_roles).values_list("id", flat=True))

    @cached_property
    def regulated_community_ids(self) -> set[int]:
        Community = apps.get_model("estates", "Community")
        if not self.jurisdiction_ids:
            return set()
        return set(
            Community.objects.filter(residents_committee_id__in=self.jurisdiction_ids).values_list("id", flat=True)
        )

    @cached_property
    def resident_community_ids(self) -> set[int]:
        Unit = apps.get_model("estates", "Unit")
        return set(Unit.objects.filter(id__in=self.own_unit_ids).values_list("community_id", flat=True))

    def community_ids(self) -> set[int]:
        """Communities the actor may see at all, through any role."""
        return (
            self.staff_community_ids
            | self.regulated_community_ids
            | self.committee_community_ids
            | self.resident_community_ids
        )

    def registry_community_ids(self) -> set[int]:
        """Communities whose whole registry (every unit and owner) the actor may read."""
        return self.staff_community_ids | self.regulated_community_ids | self.committee_community_ids

    @cached_property
    def _company_of_community(self) -> dict[int, int | None]:
        Community = apps.get_model("estates", "Community")
        return dict(Community.objects.filter(id__in=self.community_ids()).values_list("id", "company_id"))

    def roles_in(self, community) -> set[str]:
        """The roles the actor holds in one community: company roles, regulator, committee, owner."""
        community_id = getattr(community, "pk", community)
        roles = set(self.company_roles.get(self._company_of_community.get(community_id), set()))
        if community_id in self.regulated_community_ids:
            roles.add("regulator")
        if community_id in self.committee_community_ids:
            roles.add("committee_member")
        if community_id in self.resident_community_ids:
            roles.add("owner")
        return roles

    def require(self, capability: str, community=None) -> None:
        if not self.can(capability, community):
            raise PermissionDenied()

    def can(self, capability: str, community=None) -> bool:
        if self.is_admin:
            return True
        allowed = CAPABILITIES[capability]
        held = self.roles_in(community) if community is not None else self.roles()
        return bool(held & allowed)


# What each role may do, by capability. Reading is governed by scope (above); this table
# governs writes and access to personal data.
CAPABILITIES: dict[str, set[str]] = {
    "estates.manage": {"manager"},
    "estates.import": {"manager"},
    "estates.export": {"manager", "finance"},
    "estates.residents": {"manager", "dispatcher"},
    "estates.review_binding": {"manager", "dispatcher"},
    "orgs.manage_staff": {"manager"},
    "personal.phone": {"manager", "finance", "cashier", "dispatcher", "technician", "guard"},
    "personal.id_number": {"manager"},
}


class SystemActor(Actor):
    """Whoever runs manage.py or a scheduled job on the server already holds the database:
    they act as the platform, and the audit log records them as "system"."""

    is_admin = True

    def __init__(self):
        super().__init__(None)


def register_capabilities(mapping: dict[str, set[str]]) -> None:
    """Apps add their capabilities from AppConfig.ready(); a name may be declared only once."""
    clash = set(mapping) & set(CAPABILITIES)
    if clash:
        raise ValueError(f"capabilities declared twice: {sorted(clash)}")
    CAPABILITIES.update(mapping)


def actor_for(user) -> Actor:
    """One Actor per user per request: scope queries run once, not once per object."""
    cached = getattr(user, "_linli_actor", None)
    if cached is None:
        cached = Actor(user)
        if user is not None:
            try:
                user._linli_actor = cached
            except AttributeError:
                pass
    return cached
