"""Greening and facilities of 篇一 五: plantings with species and the 3.3 evergreen check of the
prominent areas, vegetable plots cleared from the green belts (reported → notice → cleared, with a
deadline and an overdue flag), and streetlight faults handed to the power company until it fixes
them — services, page, API and scoping to the community and its roles."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from linli.core.errors import PermissionDenied, ValidationFailed
from linli.core.tenancy import Actor
from linli.operations.models import GreenArea, PlotClearance, StreetlightFault
from linli.operations.selectors.greening import evergreen_gaps
from linli.operations.services import greening as services



def manager(t):
    return Actor(t.user("manager"))


def photo(name="plot.png"):
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def test_prominent_areas_without_evergreens_are_flagged(tenant):
    actor = manager(tenant)
    gaps = {g["area"]: g["missing"] for g in evergreen_gaps(actor=actor, community=tenant.community)}
    assert gaps == {GreenArea.CENTRAL_GARDEN: True, GreenArea.SQUARE: True, GreenArea.ACTIVITY: True}
    pine = services.plant_species_create(actor=actor, community=tenant.community, name="雪松", evergreen=True,
                                         tall_crown=True)
    grass = services.plant_species_create(actor=actor, community=tenant.community, name="草坪")
    plant = dict(actor=actor, community=tenant.community, location="东侧", date=timezone.localdate())
    services.planting_create(**plant, species=pine, area=GreenArea.CENTRAL_GARDEN, quantity=3)
    services.planting_create(**plant, species=grass, area=GreenArea.SQUARE, quantity=50)
    services.planting_create(**plant, species=pine, area=GreenArea.BUILDING_BELT, quantity=2, kind="replanting")
    gaps = {g["area"]: (g["missing"], g["evergreens"]) for g in evergreen_gaps(actor=actor, community=tenant.community)}
    assert gaps == {GreenArea.CENTRAL_GARDEN: (False, 3), GreenArea.SQUARE: (True, 0), GreenArea.ACTIVITY: (True, 0)}


def test_a_planting_needs_a_species_of_the_community_and_a_past_date(tenants):
    a, b = tenants
    foreign = services.plant_species_create(actor=manager(b), community=b.community, name="桂花", evergreen=True)
    with pytest.raises(ValidationFailed):
        services.planting_create(actor=manager(a), community=a.community, species=foreign, area="square",
                                 location="x", quantity=1, date=timezone.localdate())
    own = services.plant_species_create(actor=manager(a), community=a.community, name="桂花", evergreen=True)
    with pytest.raises(ValidationFailed):
        services.planting_create(actor=manager(a), community=a.community, species=own, area="square", location="x",
                                 quantity=0, date=timezone.localdate())
    with pytest.raises(ValidationFailed):
        services.planting_create(actor=manager(a), community=a.community, species=own, area="square", location="x",
                                 quantity=1, date=timezone.localdate() + dt.timedelta(days=1))


@pytest.mark.parametrize("role, allowed", [("manager", True), ("gardener", True), ("cleaner", False),
                                           ("guard", False), ("finance", False)])
def test_manager_and_gardener_record_greening(tenant, role, allowed):
    def record():
        return services.plant_species_create(actor=Actor(tenant.user(role)), community=tenant.community, name="香樟")

    if allowed:
        assert record().name == "香樟"
    else:
        with pytest.raises(PermissionDenied):
            record()


def test_a_vegetable_plot_goes_from_report_to_notice_to_cleared(tenant):
    gardener = Actor(tenant.user("gardener"))
    today = timezone.localdate()
    plot = services.plot_report(actor=gardener, community=tenant.community, location="3号楼楼后绿化带",
                                photo=photo(), reported_on=today - dt.timedelta(days=10))
    assert plot.photo_before
    with pytest.raises(ValidationFailed):  # not before notice
        services.plot_clear(actor=gardener, plot=plot)
    with pytest.raises(PermissionDenied):  # notice is the manager's
        services.plot_notify(actor=gardener, plot=plot)
    plot = services.plot_notify(actor=manager(tenant), plot=plot, notified_on=today - dt.timedelta(days=8))
    assert plot.deadline == today - dt.timedelta(days=1)  # a week after the notice
    assert plot.overdue_on(today) and not plot.overdue_on(plot.deadline)
    plot = services.plot_clear(actor=gardener, plot=plot, photo=photo("after.png"))
    assert plot.status == PlotClearance.Status.CLEARED and plot.photo_after and not plot.overdue_on(today)
    with pytest.raises(ValidationFailed):
        services.plot_clear(actor=gardener, plot=plot)


def test_a_notice_deadline_before_the_notice_is_refused(tenant):
    plot = services.plot_report(actor=manager(tenant), community=tenant.community, location="5号楼楼前")
    with pytest.raises(ValidationFailed) as error:
        services.plot_notify(actor=manager(tenant), plot=plot, deadline=timezone.localdate() - dt.timedelta(days=1))
    assert "deadline" in error.value.fields
    plot.refresh_from_db()
    assert plot.status == PlotClearance.Status.REPORTED


def test_a_streetlight_fault_is_tracked_until_the_power_company_fixes_it(tenant):
    today = timezone.localdate()
    fault = services.streetlight_report(actor=Actor(tenant.user("gardener")), community=tenant.community,
                                        location="5号楼东侧路灯", reported_on=today - dt.timedelta(days=3))
    # Not handed over within two days: overdue.
    assert fault.due_on() == today - dt.timedelta(days=1) and fault.overdue_on(today)
    assert fault.days_open(today) == 3
    with pytest.raises(ValidationFailed):  # only what was handed over can be fixed
        services.streetlight_fixed(actor=manager(tenant), fault=fault)
    with pytest.raises(ValidationFailed) as error:
        services.streetlight_hand_over(actor=manager(tenant), fault=fault, power_reference="  ")
    assert "power_reference" in error.value.fields
    fault = services.streetlight_hand_over(actor=manager(tenant), fault=fault, power_reference="GD-2026-0412",
                                           handed_over_on=today - dt.timedelta(days=2))
    # No promised date: the power company has seven days from the handover.
    assert fault.due_on() == today + dt.timedelta(days=5) and not fault.overdue_on(today)
    assert fault.overdue_on(today + dt.timedelta(days=6)) and not fault.overdue_on(today + dt.timedelta(days=5))
    fault = services.streetlight_fixed(actor=manager(tenant), fault=fault)
    assert fault.status == StreetlightFault.Status.FIXED and fault.days_open(today + dt.timedelta(days=30)) == 3


def test_a_promised_date_sets_the_deadline(tenant):
    today = timezone.localdate()
    fault = services.streetlight_report(actor=manager(tenant), community=tenant.community, location="北门路灯",
                                        reported_on=today - dt.timedelta(days=5))
    with pytest.raises(ValidationFailed):
        services.streetlight_hand_over(actor=manager(tenant), fault=fault, power_reference="R1",
                                       handed_over_on=today - dt.timedelta(days=6))
    fault = services.streetlight_hand_over(actor=manager(tenant), fault=fault, power_reference="R1",
                                           handed_over_on=today - dt.timedelta(days=4),
                                           promised_by=today - dt.timedelta(days=1))
    assert fault.overdue_on(today) and fault.due_on() == today - dt.timedelta(days=1)


def test_the_page_shows_overdue_work_and_records_through_forms(tenant, login):
    today = timezone.localdate()
    fault = services.streetlight_report(actor=manager(tenant), community=tenant.community, location="广场路灯",
                                        reported_on=today - dt.timedelta(days=5))
    client = login(tenant.user("manager"))
    url = f"/ops/{tenant.community.pk}/greening/"
    page = client.get(url).content.decode()
    assert "广场路灯" in page and "逾期" in page and "缺常青花木" in page
    refused = client.post(f"/ops/streetlight-faults/{fault.pk}/hand-over/", {"power_reference": ""}, follow=True)
    assert "供电公司受理单号" in refused.content.decode()
    assert client.post(f"/ops/streetlight-faults/{fault.pk}/hand-over/", {"power_reference": "GD-1"}).status_code == 302
    fault.refresh_from_db()
    assert fault.status == "handed_over" and fault.power_reference == "GD-1"
    client.post(f"/ops/{tenant.community.pk}/greening/species/", {"name": "女贞", "evergreen": "on"})
    species = tenant.community.plant_species.get()
    assert species.evergreen
    client.post(f"/ops/{tenant.community.pk}/greening/planting/", {
        "species": species.pk, "kind": "planting", "area": "activity", "location": "老年活动中心前", "quantity": 4,
        "date": today.isoformat()})
    client.post(f"/ops/{tenant.community.pk}/greening/plot/", {"location": "7号楼楼后", "photo": photo()})
    plot = tenant.community.plot_clearances.get()
    assert plot.photo_before
    assert client.get(f"/ops/plot-clearances/{plot.pk}/photo/").status_code == 200
    page = client.get(url).content.decode()
    assert "老年活动中心前" in page and "7号楼楼后" in page


def test_the_gardener_reports_but_does_not_hand_over(tenant, login):
    fault = services.streetlight_report(actor=manager(tenant), community=tenant.community, location="南门路灯")
    client = login(tenant.user("gardener"))
    page = client.get(f"/ops/{tenant.community.pk}/greening/").content.decode()
    assert "登记路灯故障" in page and "移交供电公司</summary>" not in page
    client.post(f"/ops/streetlight-faults/{fault.pk}/hand-over/", {"power_reference": "X"})
    fault.refresh_from_db()
    assert fault.status == "reported"


def test_another_tenant_finds_nothing(tenants, login, api):
    a, b = tenants
    fault = services.streetlight_report(actor=manager(b), community=b.community, location="B路灯")
    plot = services.plot_report(actor=manager(b), community=b.community, location="B菜地")
    client = login(a.user("manager"))
    assert client.get(f"/ops/{b.community.pk}/greening/").status_code == 404
    assert client.post(f"/ops/streetlight-faults/{fault.pk}/hand-over/", {"power_reference": "X"}).status_code == 404
    assert client.post(f"/ops/plot-clearances/{plot.pk}/notify/").status_code == 404
    rest = api(a.user("manager"))
    assert rest.get(f"/api/v1/streetlight-faults/{fault.pk}/").status_code == 404
    assert rest.get("/api/v1/vegetable-plots/").json()["results"] == []
    assert login(b.user("owner")).get(f"/ops/{b.community.pk}/greening/").status_code == 404


def test_api_covers_species_plantings_plots_and_streetlights(tenant, api):
    client = api(tenant.user("manager"))
    cid = tenant.community.pk
    species = client.post("/api/v1/plant-species/", {"community": cid, "name": "红叶石楠", "evergreen": True,
                                                      "colourful": True}, format="json")
    assert species.status_code == 201, species.content
    planting = client.post("/api/v1/plantings/", {"community": cid, "species": species.json()["id"], "area": "square",
                                                   "location": "广场北侧", "quantity": 12,
                                                   "date": timezone.localdate().isoformat()}, format="json")
    assert planting.status_code == 201 and planting.json()["evergreen"] is True
    check = client.get(f"/api/v1/plantings/evergreen-check/{cid}/").json()
    assert {c["area"]: c["missing"] for c in check} == {"central_garden": True, "square": False, "activity": True}
    plot = client.post("/api/v1/vegetable-plots/", {"community": cid, "location": "2号楼楼前"}, format="json").json()
    notified = client.post(f"/api/v1/vegetable-plots/{plot['id']}/notify/", {}, format="json").json()
    assert notified["status"] == "notified" and notified["overdue"] is False
    assert client.post(f"/api/v1/vegetable-plots/{plot['id']}/clear/", {}, format="json").json()["status"] == "cleared"
    fault = client.post("/api/v1/streetlight-faults/", {"community": cid, "location": "9号楼路灯"}, format="json").json()
    assert fault["status"] == "reported" and fault["days_open"] == 0
    bad = client.post(f"/api/v1/streetlight-faults/{fault['id']}/fixed/", {}, format="json")
    assert bad.status_code == 400
    handed = client.post(f"/api/v1/streetlight-faults/{fault['id']}/hand-over/", {"power_reference": "GD-9"},
                         format="json").json()
    assert handed["status"] == "handed_over" and handed["due_on"] == (
        timezone.localdate() + dt.timedelta(days=7)).isoformat()
    fixed = client.post(f"/api/v1/streetlight-faults/{fault['id']}/fixed/", {}, format="json")
    assert fixed.json()["status"] == "fixed"
    gardener = api(tenant.user("gardener"))
    assert gardener.post(f"/api/v1/vegetable-plots/{plot['id']}/notify/", {}, format="json").status_code in (400, 403)
    assert api(tenant.user("owner")).get("/api/v1/plantings/").json()["results"] == []
