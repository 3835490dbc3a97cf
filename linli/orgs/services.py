"""Writes of organizations, users and memberships. Each audits itself."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from linli.core.audit import audit_record
from linli.core.errors import PermissionDenied, ValidationFailed
from linli.core.services import record_create, record_update
from linli.core.tenancy import Actor

from .models import (
    ROLE_ORGANIZATION_KINDS,
    STAFF_ROLES,
    Membership,
    Organization,
    Role,
    User,
)


def _check_parent(kind: str, parent: Organization | None) -> None:
    allowed = Organization.JURISDICTION_PARENT.get(kind)
    if allowed is None:  # company or school: optional, under any jurisdiction
        if parent is not None and not parent.is_jurisdiction:
            raise ValidationFailed(fields={"parent": [_("企业和学校只能隶属于行政辖区。")]})
        return
    if not allowed and parent is not None:
        raise ValidationFailed(fields={"parent": [_("市级机构没有上级。")]})
    if allowed and (parent is None or parent.kind not in allowed):
        # Translators: the separator between items of a short list.
        names = _("、").join(str(Organization.Kind(k).label) for k in allowed)
        raise ValidationFailed(fields={"parent": [_("上级必须是：%(kinds)s。") % {"kinds": names}]})


def organization_create(*, actor: Actor, name: str, kind: str, parent: Organization | None = None, **extra) -> Organization:
    if not actor.is_admin:
        raise PermissionDenied()
    _check_parent(kind, parent)
    return record_create(actor=actor, instance=Organization(name=name, kind=kind, parent=parent, **extra),
                         action="organization.create")


def organization_update(*, actor: Actor, organization: Organization, changes: dict) -> Organization:
    managed = actor.is_admin or any(
        m.organization_id == organization.pk and m.role in {Role.MANAGER, Role.SCHOOL_ADMIN, Role.REGULATOR}
        for m in actor.memberships
    )
    if not managed:
        raise PermissionDenied()
    if not actor.is_admin and {"kind", "parent"} & set(changes):
        raise PermissionDenied(_("只有平台管理员可以调整机构类型和隶属关系。"))
    _check_parent(changes.get("kind", organization.kind), changes.get("parent", organization.parent))
    return record_update(actor=actor, instance=organization, changes=changes, action="organization.update")


def _manages_staff_of(actor: Actor, organization_id: int) -> bool:
    return actor.is_admin or Role.MANAGER in actor.company_roles.get(organization_id, set())


def validate_new_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed(exc.messages[0], fields={"password": exc.messages}) from exc


def user_create(*, actor: Actor, username: str, password: str, display_name: str = "", phone: str = "",
                email: str = "") -> User:
    if not (actor.is_admin or any(Role.MANAGER in roles for roles in actor.company_roles.values())):
        raise PermissionDenied()
    user = User(username=username, display_name=display_name, phone=phone, email=email, created_by=actor.user)
    validate_new_password(password, user)
    user.set_password(password)
    return record_create(actor=actor, instance=user, action="user.create",
                         data={"username": username, "display_name": display_name})


def user_update(*, actor: Actor, user: User, changes: dict) -> User:
    if not (actor.is_admin or actor.user.pk == user.pk):
        raise PermissionDenied()
    if actor.user is not None and actor.user.pk == user.pk and changes.get("username", user.username) != user.username:
        # A name is how others recognise a person: taking "admin" or a colleague's look-alike
        # is impersonation. A user who needs a new name asks a platform admin.
        raise PermissionDenied(_("不能修改自己的用户名；如需更改，请联系平台管理员。"), code="self_rename",
                               fields={"username": [_("不能修改自己的用户名。")]})
    password = changes.pop("password", None)
    with transaction.atomic():
        if password:
            user_password_change(actor=actor, user=user, password=password)
        return record_update(actor=actor, instance=user, changes=changes, action="user.update")


def user_password_change(*, actor: Actor, user: User, password: str | None) -> User:
    """A new password (None: password sign-in switched off). It signs the user out everywhere
    else (DESIGN §5 v1.1): their API tokens are deleted, and every session opened with the old
    password ends, because Django keeps a digest of the password in each session and refuses a
    session whose digest no longer matches. The caller keeps their own session with
    update_session_auth_hash."""
    if not (actor.is_admin or (actor.user is not None and actor.user.pk == user.pk)):
        raise PermissionDenied()
    if password is not None:
        validate_new_password(password, user)
    with transaction.atomic():
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save(update_fields=["password"])
        revoked, _per_model = Token.objects.filter(user=user).delete()
        audit_record(actor=actor, action="user.password_change", target=user, data={"tokens_deleted": revoked})
    return user


def token_delete(*, actor: Actor, user: User) -> None:
    """Sign out of the API (POST /api/v1/auth/logout/): the user's token no longer works."""
    if actor.user is None or actor.user.pk != user.pk:
        raise PermissionDenied()
    with transaction.atomic():
        deleted, _per_model = Token.objects.filter(user=user).delete()
        audit_record(actor=actor, action="user.logout", target=user, data={"tokens_deleted": deleted})


def membership_create(*, actor: Actor, user: User, organization: Organization, role: str, community=None,
                      position: str = "", active: bool = True) -> Membership:
    if organization.kind not in ROLE_ORGANIZATION_KINDS[role]:
        raise ValidationFailed(
            _("角色“%(role)s”不能属于%(kind)s。") % {"role": Role(role).label, "kind": organization.get_kind_display()},
            fields={"role": [_("角色与机构类型不符。")]},
        )
    if role == Role.COMMITTEE_MEMBER:
        if community is None or community.residents_committee_id != organization.pk:
            raise ValidationFailed(fields={"community": [_("业委会委员须指定本社区居委会辖下的小区。")]})
    elif community is not None:
        raise ValidationFailed(fields={"community": [_("只有业委会委员需要指定小区。")]})
    allowed = actor.is_admin or (role in STAFF_ROLES and _manages_staff_of(actor, organization.pk))
    if not allowed:
        raise PermissionDenied()
    return record_create(
        actor=actor,
        instance=Membership(user=user, organization=organization, role=role, community=community,
                            position=position, active=active),
        action="membership.create",
        community_id=getattr(community, "pk", None),
    )


def membership_update(*, actor: Actor, membership: Membership, changes: dict) -> Membership:
    if not _manages_staff_of(actor, membership.organization_id):
        raise PermissionDenied()
    changes = {k: v for k, v in changes.items() if k in {"position", "active"}}
    return record_update(actor=actor, instance=membership, changes=changes, action="membership.update")
