"""`manage.py seed_demo`: the 苗庄小区 demo of DESIGN §5, as the package seeded it (conftest.py)."""

from decimal import Decimal
from io import StringIO

from django.apps import apps
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.db.models import Count, F, Max, Q, Sum
from django.test import RequestFactory
from django.urls import reverse
from stdnum.cn import ric, uscc

from linli.billing.models import LateFeePolicy, Payment
from linli.core.demo import DEMO_PASSWORD, DemoContext
from linli.core.models import AuditEvent
from linli.core.tenancy import Actor
from linli.estates.demo import plan_miaozhuang
from linli.estates.models import Community, Owner, ParkingSpace, Premises, Resident, Unit, Zone
from linli.estates.validators import PHONE
from linli.operations.models import AccessCard, GateEvent
from linli.orgs.models import Membership, Organization, User


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Row count (and newest change) of every table."""
    result = {}
    for model in apps.get_models():
        query = model.objects.all()
        result[model._meta.label] = query.count()
        if any(f.name == "updated_at" for f in model._meta.fields):
            result[model._meta.label + ".updated_at"] = query.aggregate(m=Max("updated_at"))["m"]
    return result


def test_demo_has_about_two_thousand_units_of_about_two_hundred_thousand_square_metres(demo):
    units = Unit.objects.filter(community=demo)
    assert 1900 <= units.count() <= 2100
    area = units.aggregate(total=Sum("area"))["total"]
    assert Decimal("190000") <= area <= Decimal("210000")
    assert demo.land_area == Decimal("430000.00") and demo.year_built == 2002
    assert not units.filter(exclusive_area__gt=F("area")).exists()


def test_south_district_holds_the_three_closed_groups_and_the_north_is_open(demo):
    zones = {z.name: z for z in Zone.objects.filter(community=demo).select_related("parent")}
    assert {"北区", "南区", "金苗园", "银苗园", "兰苗园"} <= set(zones)
    for group in ("金苗园", "银苗园", "兰苗园"):
        assert zones[group].parent == zones["南区"] and zones[group].closed_management
        assert Unit.objects.filter(building__zone=zones[group]).exists()
    assert zones["北区"].parent is None and not zones["北区"].closed_management
    assert Unit.objects.filter(building__zone=zones["北区"]).exists()


def test_some_owners_hold_two_or_more_units(demo):
    several = Owner.objects.filter(community=demo).annotate(n=Count("ownerships")).filter(n__gte=2)
    assert several.filter(is_developer=False).count() >= 15
    developer = Owner.objects.get(community=demo, is_developer=True)
    assert developer.kind == Owner.Kind.COMPANY
    assert set(developer.units.values_list("status", flat=True)) == {Unit.Status.UNSOLD}


def test_every_unit_has_exactly_one_voter_also_when_co_owned(demo):
    units = Unit.objects.filter(community=demo).annotate(
        owners_n=Count("ownerships"), voters=Count("ownerships", filter=Q(ownerships__is_voter=True))
    )
    assert units.filter(owners_n__gte=2).count() >= 30
    assert not units.exclude(voters=1).exists()


def test_about_three_percent_of_units_are_low_income(demo):
    units = Unit.objects.filter(community=demo)
    share = units.filter(low_income=True).count() / units.count()
    assert 0.01 <= share <= 0.05
    assert not units.filter(low_income=True).exclude(status=Unit.Status.OCCUPIED).exists()


def test_the_registry_has_shops_residents_parking_and_premises(demo):
    assert Unit.objects.filter(community=demo, usage=Unit.Usage.COMMERCIAL).exists()
    relations = set(Resident.objects.filter(unit__community=demo).values_list("relation", flat=True))
    assert {Resident.Relation.FAMILY, Resident.Relation.TENANT} <= relations
    spaces = ParkingSpace.objects.filter(community=demo)
    assert spaces.filter(underground=True).exists() and spaces.filter(plan=ParkingSpace.Plan.ANNUAL).exists()
    assert spaces.filter(unit__isnull=False).count() > spaces.count() * 0.7
    assert not spaces.filter(unit__isnull=False, plan_start__isnull=True).exists()
    assert Premises.objects.filter(community=demo).count() >= 8


def test_personal_identifiers_are_valid(demo):
    ids = [n for n in Owner.objects.filter(kind=Owner.Kind.PERSON).values_list("id_number", flat=True) if n]
    assert len(ids) > 500 and all(ric.is_valid(n) for n in ids)
    phones = list(Owner.objects.exclude(phone="").values_list("phone", flat=True))
    phones += list(User.objects.exclude(phone="").values_list("phone", flat=True))
    assert all(PHONE.match(p) for p in phones)
    codes = Organization.objects.filter(kind=Organization.Kind.COMPANY).values_list("credit_code", flat=True)
    assert codes and all(uscc.is_valid(c) for c in codes)


def test_company_staff_follow_the_org_chart_and_have_names(demo):
    staff = Membership.objects.filter(organization=demo.company)
    assert staff.count() == 51
    assert staff.filter(position="小区主任", role="manager").exists()
    assert staff.filter(position="车库管理员", role="guard").count() == 2
    assert not User.objects.filter(display_name="").exists()


EXPECTED_LOGINS = {
    "manager": ("manager", "金辰物业"),
    "finance": ("finance", "金辰物业"),
    "cashier": ("cashier", "金辰物业"),
    "dispatcher": ("dispatcher", "金辰物业"),
    "technician": ("technician", "金辰物业"),
    "guard": ("guard", "金辰物业"),
    "cleaner": ("cleaner", "金辰物业"),
    "gardener": ("gardener", "金辰物业"),
    "police": ("evaluator", "兰山公安分局"),
    "fire": ("evaluator", "兰山区消防大队"),
    "regulator": ("regulator", "兰山街道办事处"),
    "district": ("regulator", "兰山区"),
    "rc": ("regulator", "蒙山社区居委会"),
    "committee": ("committee_member", "蒙山社区居委会"),
    "school": ("school_admin", "苗庄小学"),
    "other": ("manager", "恒安物业"),
}


def test_every_demo_login_signs_in_with_its_role(demo, first_run):
    for username in [*EXPECTED_LOGINS, "admin", "owner", "owner2"]:
        user = authenticate(RequestFactory().post("/login/"), username=username, password=DEMO_PASSWORD)
        assert user is not None, username
        assert f"{username} " in first_run
        validate_password(DEMO_PASSWORD, user)
    assert User.objects.get(username="admin").is_superuser
    for username, (role, organization) in EXPECTED_LOGINS.items():
        assert Membership.objects.filter(user__username=username, role=role, organization__name=organization).exists()
    assert Membership.objects.get(user__username="committee").community == demo
    owner = Owner.objects.get(user__username="owner")
    assert {u.building.zone.name for u in owner.units.all()} == {"金苗园"} and owner.units.count() == 2
    assert Owner.objects.get(user__username="owner2").units.count() == 1
    assert DEMO_PASSWORD in first_run and "可见范围" in first_run


def test_demo_logins_see_only_their_own_scope(demo):
    cuiyuan = Community.objects.get(code="cuiyuan")
    scope = {name: Actor(User.objects.get(username=name)) for name in ("manager", "other", "rc", "regulator", "owner")}
    assert scope["manager"].community_ids() == {demo.pk}
    assert scope["other"].community_ids() == {cuiyuan.pk}
    assert scope["rc"].community_ids() == {demo.pk}
    subdistrict = demo.residents_committee.parent
    in_subdistrict = set(Community.objects.filter(residents_committee__parent=subdistrict).values_list("id", flat=True))
    assert {demo.pk, cuiyuan.pk} <= scope["regulator"].community_ids() == in_subdistrict
    owner_units = scope["owner"].own_unit_ids
    assert len(owner_units) == 2 and not owner_units & set(Owner.objects.get(user__username="owner2")
                                                           .units.values_list("id", flat=True))


def test_second_run_creates_and_changes_nothing(demo):
    before = snapshot()
    output = seed()
    assert snapshot() == before
    assert "未做任何改动" in output and "owner2" in output


def test_first_run_leaves_one_audit_event(demo, first_run):
    assert "演示数据已加载" in first_run
    assert AuditEvent.objects.filter(action="demo.seed").count() == 1


def test_if_empty_does_nothing_when_a_community_exists(demo):
    before = snapshot()
    output = seed("--if-empty")
    assert snapshot() == before
    assert "跳过" in output


def test_the_plan_is_the_same_on_every_run():
    assert plan_miaozhuang(DemoContext()) == plan_miaozhuang(DemoContext())


def test_the_demo_has_no_late_fee_policy_and_no_card_disabled_for_arrears(demo):
    """Civil Code Art. 944 and DESIGN §6 "Fair collection": the seed sets no late fee, and no card is
    stopped over unpaid fees."""
    assert not LateFeePolicy.objects.exists()
    assert not Payment.objects.filter(late_fee__gt=0).exists()
    assert not AccessCard.objects.filter(community=demo).exclude(status="active").exists()
    assert not GateEvent.objects.filter(reason="card_arrears").exists()


def test_the_regulators_dashboard_flags_the_overdue_q3_ranking(signed_in, demo):
    subdistrict = Organization.objects.get(name="兰山街道办事处")
    page = signed_in("regulator").get(reverse("oversight:dashboard", args=[subdistrict.pk]),
                                      {"year": 2026}).content.decode()
    assert "兰山街道办事处 2026Q3 排名应于 2026-10-10 前报送，至今未报" in page
