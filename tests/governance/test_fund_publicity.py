"""Fund spending after publicity, always (issue 15 item 1; DESIGN §6 "Maintenance fund"; 篇三 §三(四)):
the company drafts, the committee — the residents' committee where there is none — publishes, a
negative vote is published only with at least seven days of publicity, and the owners of the
scope are told when it is published and when it is decided."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from linli.core.errors import PermissionDenied, ValidationFailed
from linli.core.models import InboxMessage
from linli.core.tenancy import Actor
from linli.estates.models import Ownership
from linli.governance import selectors, services
from linli.governance.models import FundUsage
from linli.orgs.models import Membership
from tests import factories as f

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def frozen(monkeypatch):
    """The services' clock stands still at NOW, so that a boundary is exactly where the test says."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


def units_of(*owners):
    return [o.unit for o in Ownership.objects.filter(owner__in=owners).select_related("unit").order_by("unit_id")]


def draft(town, tenant, units, **kwargs):
    return services.fund_usage_create(actor=Actor(tenant.user("manager")), community=town.community,
                                      title="1号楼电梯更换", amount=Decimal("386000.00"), units=units,
                                      mode="negative_vote", **kwargs)


def test_the_companys_manager_drafts_a_plan_that_starts_nothing(town, tenant):
    owner = town.owner("100", login=True)
    plan = draft(town, tenant, units_of(owner), publicity_ends=timezone.now() + dt.timedelta(days=10))
    assert (plan.status, plan.roll_id, plan.published_at) == ("draft", None, None)
    # Owners see a plan from its publication on; the company and the committee see the draft.
    assert not selectors.fund_usage_list(actor=Actor(owner.user)).filter(pk=plan.pk).exists()
    assert selectors.fund_usage_list(actor=town.committee).filter(pk=plan.pk).exists()
    with pytest.raises(ValidationFailed) as refused:
        services.fund_objection_record(actor=Actor(owner.user), usage=plan, owner=owner)
    assert refused.value.code == "closed"
    with pytest.raises(ValidationFailed) as refused:
        services.fund_usage_decide(actor=town.committee, usage=plan)
    assert refused.value.code == "not_published"


def test_other_company_staff_do_not_draft_plans(town, tenant):
    with pytest.raises(PermissionDenied):
        services.fund_usage_create(actor=Actor(tenant.user("cashier")), community=town.community, title="x",
                                   amount=Decimal("1"), units=[town.unit("100")], mode="negative_vote")


def test_a_publicity_of_six_days_and_twenty_three_hours_is_refused(town, tenant, frozen):
    plan = draft(town, tenant, [town.unit("100")])
    with pytest.raises(ValidationFailed) as refused:
        services.fund_usage_publish(actor=town.committee, usage=plan,
                                    publicity_ends=frozen + dt.timedelta(days=6, hours=23))
    assert refused.value.code == "publicity_too_short" and "publicity_ends" in refused.value.fields
    plan.refresh_from_db()
    assert plan.status == "draft" and plan.roll_id is None


def test_a_publicity_of_seven_days_is_accepted(town, tenant, frozen):
    plan = draft(town, tenant, [town.unit("100")])
    published = services.fund_usage_publish(actor=town.committee, usage=plan,
                                            publicity_ends=frozen + dt.timedelta(days=7))
    assert (published.status, published.published_at, published.publicity_ends) == (
        "publicity", frozen, frozen + dt.timedelta(days=7))


def test_a_negative_vote_is_never_published_without_an_end_to_its_publicity(town, tenant):
    plan = draft(town, tenant, [town.unit("100")])
    with pytest.raises(ValidationFailed) as refused:
        services.fund_usage_publish(actor=town.committee, usage=plan)
    assert refused.value.code == "publicity_too_short"
    # The committee's own plan is published as it is made: the same rule applies, and nothing is kept.
    with pytest.raises(ValidationFailed):
        services.fund_usage_create(actor=town.committee, community=town.community, title="外墙", amount=Decimal("1"),
                                   units=[town.unit("100")], mode="negative_vote")
    assert FundUsage.objects.count() == 1


def test_a_shorter_setting_is_raised_to_seven_days(town, tenant, frozen, settings):
    settings.LINLI_FUND_PUBLICITY_MIN_DAYS = 3
    plan = draft(town, tenant, [town.unit("100")])
    with pytest.raises(ValidationFailed):
        services.fund_usage_publish(actor=town.committee, usage=plan, publicity_ends=frozen + dt.timedelta(days=6))


def test_a_longer_setting_lengthens_the_publicity(town, tenant, frozen, settings):
    settings.LINLI_FUND_PUBLICITY_MIN_DAYS = 10
    plan = draft(town, tenant, [town.unit("100")])
    with pytest.raises(ValidationFailed):
        services.fund_usage_publish(actor=town.committee, usage=plan, publicity_ends=frozen + dt.timedelta(days=9))
    assert services.fund_usage_publish(actor=town.committee, usage=plan,
                                       publicity_ends=frozen + dt.timedelta(days=10)).status == "publicity"


def test_the_drafters_proposed_end_is_kept_unless_the_publisher_sets_another(town, tenant):
    ends = timezone.now() + dt.timedelta(days=9)
    plan = draft(town, tenant, [town.unit("100")], publicity_ends=ends)
    assert services.fund_usage_publish(actor=town.committee, usage=plan).publicity_ends == ends


def test_the_manager_does_not_publish_and_a_plan_is_published_once(town, tenant):
    plan = draft(town, tenant, [town.unit("100")], publicity_ends=timezone.now() + dt.timedelta(days=8))
    with pytest.raises(PermissionDenied):
        services.fund_usage_publish(actor=Actor(tenant.user("manager")), usage=plan)
    services.fund_usage_publish(actor=town.committee, usage=plan)
    with pytest.raises(ValidationFailed) as refused:
        services.fund_usage_publish(actor=town.committee, usage=plan)
    assert refused.value.code == "not_draft"


def test_the_residents_committee_publishes_where_there_is_no_committee(town, tenant):
    rc_regulator = f.UserFactory(username="rc-publisher")
    f.MembershipFactory(user=rc_regulator, organization=tenant.residents_committee, role="regulator")
    plan = draft(town, tenant, [town.unit("100")], publicity_ends=timezone.now() + dt.timedelta(days=8))
    with pytest.raises(PermissionDenied):  # there is a committee: it publishes, not the residents' committee
        services.fund_usage_publish(actor=Actor(rc_regulator), usage=plan)
    Membership.objects.filter(community=town.community, role="committee_member").update(active=False)
    with pytest.raises(PermissionDenied):  # the sub-district is not the residents' committee
        services.fund_usage_publish(actor=town.regulator, usage=plan)
    assert services.fund_usage_publish(actor=Actor(rc_regulator), usage=plan).status == "publicity"


def test_owners_of_the_scope_are_told_when_published_and_when_decided(town, tenant, django_capture_on_commit_callbacks):
    inside, outside = town.owner("100", login=True), town.owner("100", login=True)
    plan = draft(town, tenant, units_of(inside), publicity_ends=timezone.now() + dt.timedelta(days=8))
    assert not InboxMessage.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.fund_usage_publish(actor=town.committee, usage=plan)
    told = InboxMessage.objects.get(user=inside.user)
    assert "维修资金使用公示" in told.title and told.url == f"/governance/fund-usages/{plan.pk}/"
    assert not InboxMessage.objects.filter(user=outside.user).exists()
    FundUsage.objects.filter(pk=plan.pk).update(publicity_ends=timezone.now() - dt.timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.fund_usage_decide(actor=town.committee, usage=plan)
    decided = InboxMessage.objects.filter(user=inside.user).order_by("-id").first()
    assert "维修资金使用决定" in decided.title and "同意使用" in decided.body
    assert not InboxMessage.objects.filter(user=outside.user).exists()


def test_an_assembly_plan_is_put_to_the_vote_when_published(town, tenant):
    owners = town.owners("100", "100")
    plan = services.fund_usage_create(actor=Actor(tenant.user("manager")), community=town.community, title="外墙",
                                      amount=Decimal("500"), units=units_of(*owners), mode="assembly")
    assert plan.status == "draft" and plan.motion_id is None
    published = services.fund_usage_publish(actor=town.committee, usage=plan)
    assert published.status == "voting" and published.motion.matter == "fund_use"


def test_the_api_drafts_and_publishes(town, tenant, api):
    unit = town.unit("100")
    manager, committee = api(tenant.user("manager")), api(town.committee_user)
    created = manager.post("/api/v1/fund-usages/", {
        "community": town.community.pk, "title": "屋面防水", "amount": "27000.00", "units": [unit.pk],
        "mode": "negative_vote"}, format="json")
    assert created.status_code == 201 and created.json()["status"] == "draft"
    url = f"/api/v1/fund-usages/{created.json()['id']}/publish/"
    assert manager.post(url, {}, format="json").status_code == 403
    short = committee.post(url, {"publicity_ends": (timezone.now() + dt.timedelta(days=6)).isoformat()},
                           format="json")
    assert short.status_code == 400 and short.json()["code"] == "publicity_too_short"
    assert set(short.json()) == {"detail", "code", "fields"} and "publicity_ends" in short.json()["fields"]
    ok = committee.post(url, {"publicity_ends": (timezone.now() + dt.timedelta(days=7, hours=1)).isoformat()},
                        format="json")
    assert ok.status_code == 200 and ok.json()["status"] == "publicity"
