"""The oversight entries of the shell's menu (collected by linli.web.context): one group per
jurisdiction where the actor is a regulator, and a company's own results among personal items."""

from django.urls import reverse
from django.utils.translation import gettext as _

from linli.core.pages import NavGroup, NavItem
from linli.orgs.models import Role

from .selectors import regulator_organizations


def home_url(actor) -> str | None:
    """Regulators land on the dashboard of their (highest) jurisdiction."""
    orgs = regulator_organizations(actor)
    if orgs:
        return reverse("oversight:dashboard", args=[orgs[0].pk])
    # A department's evaluator (篇五) has one page: the inspections it scores.
    return reverse("oversight:department") if _evaluator(actor) else None


def _evaluator(actor) -> bool:
    return any(m.role == Role.EVALUATOR for m in actor.memberships)


def personal_items(actor) -> list[NavItem]:
    items = []
    if _evaluator(actor):
        items.append(NavItem(_("部门考评"), reverse("oversight:department"), ("department", "department_score")))
    if not any("manager" in roles for roles in actor.company_roles.values()):
        return items
    return items + [NavItem(_("考评与信誉档案"), reverse("oversight:my_results"), ("my_results",)),
                    NavItem(_("培训覆盖率"), reverse("oversight:my_training"), ("my_training",)),
                    NavItem(_("资质申请"), reverse("oversight:qualification_mine"), ("qualification_mine",))]


def extra_groups(actor) -> list[NavGroup]:
    groups = []
    for org in regulator_organizations(actor):
        jid = org.pk
        groups.append(NavGroup(_("行业监管 · %(name)s") % {"name": org.name}, [
            NavItem(_("监管看板"), reverse("oversight:dashboard", args=[jid]), ("dashboard",)),
            NavItem(_("企业考评"), reverse("oversight:evaluation", args=[jid]),
                    ("evaluation", "inspect", "inspection", "rectification", "company")),
            NavItem(_("业委会与合同"), reverse("oversight:committees", args=[jid]), ("committees",)),
            NavItem(_("培训与持证"), reverse("oversight:training", args=[jid]),
                    ("training", "training_coverage", "qualifications")),
            NavItem(_("优秀项目复核"), reverse("oversight:honours", args=[jid]), ("honours",)),
            NavItem(_("老旧小区改造"), reverse("oversight:renovation", args=[jid]), ("renovation",)),
            NavItem(_("考核与整治目标"), reverse("oversight:duties", args=[jid]), ("duties", "duties_late", "duty_item")),
            NavItem(_("机构与人员"), reverse("oversight:staffing", args=[jid]), ("staffing",)),
            NavItem(_("信誉档案公示"), reverse("credit:index"), ()),
        ]))
    return groups
