"""Who may stand for the owners' committee (篇四 §一.1: 具有完全的民事行为能力的产权人、产权人代表、
产权共有人).

Being an owner or co-owner of the community is always required. Further conditions are
configurable per election: full civil capacity, which the seed asks for and a new election
applies unless it is taken off, and conditions registered by the apps that can judge them (such
as "no fee arrears", from billing), from their AppConfig.ready(), under a name. An election lists
the names of the extra conditions it applies; each candidate's outcome is kept with the
nomination and shown on the ballot. Each condition is a callable (community, owner) -> (ok, reason)."""

import datetime as dt
from dataclasses import dataclass
from typing import Callable

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.cn import ric

Check = Callable[[object, object], tuple[bool, str]]


@dataclass(frozen=True)
class Condition:
    name: str
    label: str
    check: Check


CONDITIONS: dict[str, Condition] = {}
OWNER_OF_COMMUNITY = "owner_of_community"
FULL_CIVIL_CAPACITY = "full_civil_capacity"
DEFAULT_CONDITIONS = [FULL_CIVIL_CAPACITY]
ADULT_AGE = 18  # Civil Code Art. 17–18: an adult of eighteen has full capacity for civil conduct


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


def full_civil_capacity(community, owner, today: dt.date | None = None) -> tuple[bool, str]:
    """A natural person of full age by the registered resident ID number (its birth date). An
    organisation stands through its representative, nominated in person. An owner without a valid
    ID number on record is not refused (the contract's owners need no ID number, DESIGN §5): the
    outcome says it is unverified, and the ballot shows that to every voter."""
    if owner.kind != "person":
        return False, _("单位业主须由其产权人代表以本人名义参选。")
    number = (owner.id_number or "").strip()
    if not ric.is_valid(number):
        return True, _("未登记有效的居民身份证号码，民事行为能力未核实。")
    born, today = ric.get_birth_date(number), today or timezone.localdate()
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if age < ADULT_AGE:
        return False, _("未满十八周岁。")
    return True, ""


def register_builtin_conditions() -> None:
    register_condition(OWNER_OF_COMMUNITY, gettext_lazy("本小区产权人或产权共有人"), owner_of_community)
    register_condition(FULL_CIVIL_CAPACITY, gettext_lazy("具有完全民事行为能力"), full_civil_capacity)


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
