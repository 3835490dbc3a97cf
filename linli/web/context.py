"""The shell's navigation, built per request from what the actor may do (DESIGN §4).

The current community is the one the user last opened: pages call
`linli.core.pages.remember_community`, and the header and the community links follow it until
another one is opened. Each app adds its own menu items through its `nav` module."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from linli.core.pages import COMMUNITY_SESSION_KEY, NavGroup, NavItem
from linli.core.tenancy import Actor, actor_for
from linli.estates import selectors
from linli.orgs.auth import offers_second_factor


def current_community(request, actor: Actor):
    """The remembered community if the actor still reads its registry, else their only one."""
    registry = selectors.registry_community_list(actor=actor)
    community_id = request.session.get(COMMUNITY_SESSION_KEY)
    if community_id is not None:
        community = registry.filter(pk=community_id).first()
        if community is not None:
            return community
    if actor.is_admin:
        return None
    ids = actor.registry_community_ids()
    return registry.get(pk=next(iter(ids))) if len(ids) == 1 else None


def app_nav_modules():
    """Apps add menu items through a `nav` module with `community_items(actor, community)`
    and/or `personal_items(actor)`, each returning NavItems, whole sections through
    `extra_groups(actor)` returning NavGroups, and a landing page for people whose work is
    only in that app through `home_url(actor)`, so the shell needs no edit."""
    for config in apps.get_app_configs():
        if config.name.startswith("linli.") and find_spec(f"{config.name}.nav"):
            yield import_module(f"{config.name}.nav")


# The pages each field role works in, the first being where it lands (issue 17: a technician's
# own queue was item 5 of an 18-item menu). They form a short primary menu; the rest of the
# menu stays one tap away under 更多. Keyed by URL name, so the apps' nav modules need no edit.
FIELD_MENUS = {
    "technician": ("work_queue", "service_requests", "inbox"),
    "guard": ("patrol_mine", "visitor_register", "work_queue", "inbox"),
    "cleaner": ("env_mine", "work_queue", "inbox"),
    "gardener": ("env_mine", "work_queue", "inbox"),
}


def field_roles(actor: Actor) -> list[str]:
    """The field roles the actor holds, when they hold no desk role too (a technician who is
    also the manager works from the desk menu)."""
    roles = actor.roles()
    if actor.is_admin or not roles or roles - set(FIELD_MENUS):
        return []
    return [role for role in FIELD_MENUS if role in roles]


def primary_items(actor: Actor, groups: list[NavGroup]) -> list[NavItem]:
    """A field worker's primary menu, picked from the full menu in the order of FIELD_MENUS."""
    items = [item for group in groups for item in group.items]
    primary = []
    for role in field_roles(actor):
        for name in FIELD_MENUS[role]:
            item = next((i for i in items if name in i.names), None)
            if item is not None and item not in primary:
                primary.append(item)
    return primary


def field_landing(request, actor: Actor) -> str | None:
    """Where a field worker lands: the first item of their primary menu, in the current
    community or else the first they work in."""
    if not field_roles(actor):
        return None
    community = (current_community(request, actor)
                 or selectors.registry_community_list(actor=actor).order_by("pk").first())
    primary = primary_items(actor, navigation_groups(actor, community))
    return primary[0].url if primary else None


def open_items(actor: Actor) -> list:
    """What is waiting for the person, from every app's `open_items`: those with something to
    do first, the rest (nothing waiting) after, each in the apps' order."""
    found = [item for module in app_nav_modules() if hasattr(module, "open_items") for item in module.open_items(actor)]
    return sorted(found, key=lambda item: not item.count)


def role_labels(actor: Actor) -> list[str]:
    labels = []
    if actor.is_admin:
        labels.append(_("平台管理员"))
    for membership in actor.memberships:
        label = membership.get_role_display()
        if label not in labels:
            labels.append(label)
    if actor.owner_ids:
        labels.append(pgettext("role", "业主"))
    elif actor.own_unit_ids:
        labels.append(pgettext("role", "住户"))
    return labels


def community_list_title(actor: Actor) -> str:
    """Regulators oversee the communities of their jurisdiction; everyone else just has several."""
    return _("辖区小区") if actor.regulated_community_ids and not actor.staff_community_ids else _("小区列表")


def personal_items(actor: Actor) -> list[NavItem]:
    """The 我的 menu: an owner's home with what is waiting first, then each app's own pages."""
    mine = []
    if actor.own_unit_ids or actor.owner_ids:
        mine.append(NavItem(_("我的待办"), reverse("web:my_home"), ("my_home",)))
    for module in app_nav_modules():
        if hasattr(module, "personal_items"):
            mine += module.personal_items(actor)
    return mine


def navigation_groups(actor: Actor, community) -> list[NavGroup]:
    groups = []
    registry_ids = actor.registry_community_ids()
    if actor.is_admin or len(registry_ids) > 1 or actor.regulated_community_ids:
        groups.append(NavGroup(_("总览"), [
            NavItem(community_list_title(actor), reverse("web:community_list"), ("community_list",)),
        ]))
    if community is not None:
        items = [NavItem(_("小区概况"), reverse("web:overview", args=[community.pk]), ("overview",))]
        for module in app_nav_modules():
            if hasattr(module, "community_items"):
                items += module.community_items(actor, community)
        groups.append(NavGroup(community.name, items))
    mine = personal_items(actor)
    if mine:
        groups.append(NavGroup(_("我的"), mine))
    for module in app_nav_modules():
        if hasattr(module, "extra_groups"):
            groups += module.extra_groups(actor)
    if actor.is_admin:
        groups.append(NavGroup(_("平台"), [NavItem(_("系统管理"), reverse("admin:index"), ())]))
    account = [NavItem(_("修改密码"), reverse("web:password_change"), ("password_change",))]
    if offers_second_factor(actor):
        account.append(NavItem(_("登录安全"), reverse("web:otp_setup"), ("otp_setup",)))
    groups.append(NavGroup(_("账号"), account))
    return groups


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    actor = actor_for(user)
    community = current_community(request, actor)
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match is not None else None
    if current == "otp_verify":
        return {}  # half signed in: nothing to navigate to until the code is entered
    groups = navigation_groups(actor, community)
    for group in groups:
        for item in group.items:
            item.active = current in item.names
    primary = primary_items(actor, groups)
    if primary:  # the rest goes under 更多, opened when the current page is among it
        groups = [g for g in (NavGroup(g.title, [i for i in g.items if i not in primary]) for g in groups) if g.items]
    return {
        "nav_primary": primary,
        "nav_more_open": any(item.active for group in groups for item in group.items) if primary else False,
        "nav_groups": groups,
        "current_community": community,
        "nav_roles": role_labels(actor),
        "nav_can_switch_community": actor.is_admin or len(actor.registry_community_ids()) > 1,
    }
