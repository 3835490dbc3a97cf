"""Who may stand for the owners' committee (篇四 §一.1).

Being an owner of the community is always required. Further conditions — such as "no fee
arrears", which billing knows about — are registered by the apps that can judge them, from their
AppConfig.ready(), under a name; an election lists the names of the extra conditions it applies.
Each condition is a callable (community, owner) -> (ok, reason)."""

from dataclasses import dataclass
from typing import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

Check = Callable[[object, object], tuple[bool, str]]


@dataclass(frozen=True)
class Condition:
    name: str
    label: str
    check: Check


CONDITIONS: dict[str, Condition] = {}
OWNER_OF_COMMUNITY = "owner_of_community"


def register_condition(name: str, label, check: Check) -> None:
    """Apps call this from AppConfig.ready(); a name may be registered only once."""
    if name in CONDITIONS:
        raise ValueError(f"eligibility condition registered twice: {name}")
    CONDITIONS[name] = Condition(name, label, check)


def owner_of_community(community, owner) -> tuple[bool, str]:
    if owner.community_id != community.pk:
        return False, _("不是本小区业主。")
    if not owner.ownerships.exists():
        return False, _("名下没有本小区的房屋。")
    return True, ""


def register_builtin_conditions() -> None:
    register_condition(OWNER_OF_COMMUNITY, gettext_lazy("本小区业主"), owner_of_community)


def available_conditions() -> list[Condition]:
    """The conditions an election may add (the built-in one always applies)."""
    return [c for name, c in CONDITIONS.items() if name != OWNER_OF_COMMUNITY]


def evaluate(community, owner, extra: list[str]) -> list[dict]:
    """Every condition that applies, with its outcome: [{"condition", "label", "ok", "reason"}]."""
    results = []
    for name in [OWNER_OF_COMMUNITY, *extra]:
        condition = CONDITIONS[name]
        ok, reason = condition.check(community, owner)
        results.append({"condition": name, "label": str(condition.label), "ok": bool(ok), "reason": str(reason)})
    return results
