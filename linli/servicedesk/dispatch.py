"""Whom to send a request to (issue 17: the assignee list was 49 bare names, the right technician
last). The company's workers grouped by service team and by trade: the team that handles the
request's category first, then the other teams, then everyone else by role. Each person shows
their open load and today's shift on the duty roster, and within a group those on shift and
least loaded come first. A fixed number of queries, however many people."""

from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from linli.core.tenancy import Actor
from linli.operations.models import RosterEntry
from linli.orgs.models import Membership, Role

from .models import OPEN_STATUSES, Kind, ServiceRequest
from .selectors import team_list, worker_choices

# People in no service team are grouped by role, in this order: the trades first, the desk last.
ROLE_ORDER = (Role.TECHNICIAN, Role.GUARD, Role.CLEANER, Role.GARDENER, Role.DISPATCHER, Role.MANAGER)


@dataclass
class Candidate:
    user: object
    load: int  # open requests assigned to them, in any community
    shift: str = ""  # today's shift(s) on the duty roster; empty when not rostered today

    @property
    def on_shift(self) -> bool:
        return bool(self.shift)


@dataclass
class CandidateGroup:
    label: str
    fits: bool  # handles the request's category (a team) or its kind of work (technicians for a repair)
    people: list[Candidate] = field(default_factory=list)


def _shifts_today(community, user_ids) -> dict[int, str]:
    today = timezone.localdate()
    shifts: dict[int, list[str]] = {}
    rows = (RosterEntry.objects.filter(community=community, date=today, member__user_id__in=user_ids,
                                       member__active=True)
            .order_by("shift__start").values_list("member__user_id", "shift__name", "shift__start", "shift__end"))
    for user_id, name, start, end in rows:
        shifts.setdefault(user_id, []).append(f"{name} {start:%H:%M}–{end:%H:%M}")
    return {user_id: "、".join(names) for user_id, names in shifts.items()}


def dispatch_groups(*, actor: Actor, service_request: ServiceRequest) -> list[CandidateGroup]:
    community = service_request.community
    workers = list(worker_choices(actor=actor, community=community))
    if not workers:
        return []
    ids = [w.pk for w in workers]
    load = dict(ServiceRequest.objects.filter(assignee_id__in=ids, status__in=OPEN_STATUSES)
                .values("assignee").annotate(n=Count("id")).values_list("assignee", "n"))
    shifts = _shifts_today(community, ids)
    roles: dict[int, set[str]] = {}
    for user_id, role in Membership.objects.filter(user_id__in=ids, organization_id=community.company_id,
                                                   active=True).values_list("user_id", "role"):
        roles.setdefault(user_id, set()).add(role)

    teams = list(team_list(actor=actor).filter(community=community))
    fitting = [t for t in teams if service_request.category_id in {c.pk for c in t.categories.all()}]
    team_groups = {t.pk: CandidateGroup(
        f"{t.name} · {'、'.join(c.name for c in t.categories.all())}" if t.categories.all() else t.name,
        t in fitting) for t in [*fitting, *(t for t in teams if t not in fitting)]}
    home_team = {}
    for team in [*fitting, *teams]:
        for membership in team.memberships.all():
            home_team.setdefault(membership.user_id, team.pk)

    repair = service_request.kind == Kind.REPAIR
    role_groups = {role: CandidateGroup(Role(role).label, repair and role == Role.TECHNICIAN) for role in ROLE_ORDER}
    for worker in workers:
        candidate = Candidate(worker, load.get(worker.pk, 0), shifts.get(worker.pk, ""))
        if worker.pk in home_team:
            team_groups[home_team[worker.pk]].people.append(candidate)
        else:
            role = next((r for r in ROLE_ORDER if r in roles.get(worker.pk, ())), ROLE_ORDER[-1])
            role_groups[role].people.append(candidate)

    groups = [g for g in [*team_groups.values(), *role_groups.values()] if g.people]
    for group in groups:
        group.people.sort(key=lambda c: (not c.on_shift, c.load, str(c.user)))
    # Fitting groups first; otherwise teams, then roles, each in their order (the sort is stable).
    groups.sort(key=lambda g: not g.fits)
    return groups

