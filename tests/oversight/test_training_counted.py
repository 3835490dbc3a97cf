"""Training that can be counted (篇三 §三(三)一): attendance by staff record, the round of
"8月底前全部轮训一遍" per company with the untrained named, 物业管理师 tied to project managers,
and the qualification application that checks the certificates."""

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone

from linli.core.errors import Conflict, PermissionDenied, ValidationFailed
from linli.core.money import percent
from linli.core.tenancy import Actor, SystemActor
from linli.oversight import services, training
from linli.oversight.models import QualificationApplication, TrainingAttendance
from tests.oversight.duties_world import staff

YEAR = 2026


def session(tenant, held_on, title="岗位培训"):
    return services.training_session_create(actor=SystemActor(), organizer=tenant.district, title=title,
                                            tier="staff", held_on=held_on)


@pytest.fixture
def round_world(tenants):
    """Tenant A: 王一 trained on 31 August (counted), 李二 on 1 September (too late), 张三 absent,
    a free-text row from before staff records; tenant B: one trained person of its own."""
    a, b = tenants
    people = {name: staff(a, name) for name in ("王一", "李二", "张三")}
    actor = Actor(a.user("district_regulator"))
    last_day, day_after = session(a, dt.date(YEAR, 8, 31)), session(a, dt.date(YEAR, 9, 1), "补训")
    training.attendance_record(actor=actor, session=last_day, staff=people["王一"])
    training.attendance_record(actor=actor, session=day_after, staff=people["李二"])
    training.attendance_record(actor=actor, session=last_day, staff=people["张三"], attended=False)
    TrainingAttendance.objects.create(session=last_day, name="旧记录学员", company=a.company)
    other = staff(b, "赵四")
    training.attendance_record(actor=Actor(b.user("district_regulator")), session=session(b, dt.date(YEAR, 3, 1)),
                               staff=other)
    return a, b, people


def test_the_round_counts_staff_trained_by_31_august_and_names_the_rest(round_world):
    a, _b, people = round_world
    row = training.coverage(a.company, YEAR)
    assert (row["trained"], row["total"]) == (1, len(people))
    assert row["rate"] == percent(1, len(people))
    assert {s.name for s in row["untrained"]} == {"李二", "张三"}
    assert row["legacy"] == 1  # readable, but a name alone is not counted


def test_training_on_1_september_counts_for_next_years_round_only_by_its_own_dates(round_world):
    a, _b, _people = round_world
    # Same attendance, a year whose window (1 Jan – 31 Aug) holds neither session.
    assert training.coverage(a.company, YEAR + 1)["trained"] == 0


def test_attendance_needs_a_staff_record_of_the_regulators_area_and_is_once_per_session(round_world):
    a, b, people = round_world
    june = session(a, dt.date(YEAR, 6, 1))
    with pytest.raises(PermissionDenied):
        training.attendance_record(actor=Actor(a.user("district_regulator")), session=june,
                                   staff=training.company_staff(b.company.pk).get())
    with pytest.raises(PermissionDenied):
        training.attendance_record(actor=Actor(a.user("manager")), session=june, staff=people["王一"])
    training.attendance_record(actor=Actor(a.user("district_regulator")), session=june, staff=people["王一"])
    with pytest.raises(Conflict):
        training.attendance_record(actor=Actor(a.user("district_regulator")), session=june, staff=people["王一"])


def test_the_company_manager_and_the_regulator_read_the_figure_and_the_other_tenant_does_not(round_world, login):
    a, b, _people = round_world
    page = login(a.user("manager")).get("/oversight/my/training/?year=2026").content.decode()
    assert "李二" in page and "张三" in page and "王一" not in page.split("未培训人员")[-1]
    assert "赵四" not in page
    page = login(a.user("district_regulator")).get(f"/oversight/j/{a.district.pk}/training/coverage/?year=2026")
    assert page.status_code == 200 and "李二" in page.content.decode()
    assert login(b.user("district_regulator")).get(
        f"/oversight/j/{a.district.pk}/training/coverage/").status_code == 404
    assert login(a.user("guard")).get("/oversight/my/training/").status_code == 404


def test_the_export_is_a_real_workbook_with_the_figure_and_the_untrained(round_world, login):
    a, _b, _people = round_world
    response = login(a.user("district_regulator")).get(
        f"/oversight/j/{a.district.pk}/training/coverage.xlsx?year=2026")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    summary = list(book.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[3], r[4]) for r in summary] == [(a.company.name, 3, 1)]
    assert float(summary[0][5]) == float(percent(1, 3))
    assert {r[2] for r in book.worksheets[1].iter_rows(min_row=2, values_only=True)} == {"李二", "张三"}


def test_the_api_gives_the_figure_to_the_manager_and_refuses_another_jurisdiction(round_world, api):
    a, b, _people = round_world
    rows = api(a.user("manager")).get("/api/v1/training-coverage/", {"year": YEAR}).json()
    assert [(r["company"], r["trained"], r["total"]) for r in rows] == [(a.company.pk, 1, 3)]
    assert {u["name"] for u in rows[0]["untrained"]} == {"李二", "张三"}
    assert api(b.user("district_regulator")).get(
        "/api/v1/training-coverage/", {"jurisdiction": a.district.pk}).status_code == 404
    listed = api(a.user("district_regulator")).get("/api/v1/training-attendance/").json()
    names = {r["name"]: r["staff"] for r in listed["results"]}
    assert names["旧记录学员"] is None and names["王一"] is not None


def test_attendance_by_api_names_a_staff_record(round_world, api):
    a, b, people = round_world
    june = session(a, dt.date(YEAR, 6, 1))
    client = api(a.user("district_regulator"))
    created = client.post("/api/v1/training-attendance/", {"session": june.pk, "staff": people["张三"].pk},
                          format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["name"] == "张三" and created.json()["company"] == a.company.pk
    other = training.company_staff(b.company.pk).get()
    assert client.post("/api/v1/training-attendance/", {"session": june.pk, "staff": other.pk},
                       format="json").status_code == 400


# 物业管理师 and the qualification ----------------------------------------------------------------

def certify(staff_member, kind, expires_on, number):
    return training.certificate_register(actor=SystemActor(), staff=staff_member, kind=kind, number=number,
                                         issued_on=dt.date(2025, 1, 1), expires_on=expires_on)


def test_a_manager_certificate_belongs_to_a_project_manager(tenant):
    guard = staff(tenant, "保安甲")
    with pytest.raises(ValidationFailed) as refused:
        certify(guard, "manager", dt.date(2028, 1, 1), "WYGLS-1")
    assert "staff" in refused.value.fields
    pm = staff(tenant, "经理甲", post="经理")
    assert certify(pm, "manager", dt.date(2028, 1, 1), "WYGLS-1").holder == "经理甲"
    with pytest.raises(PermissionDenied):  # the company does not certify its own people
        training.certificate_register(actor=Actor(tenant.user("manager")), staff=guard, kind="operating",
                                      number="SGZ-9", issued_on=dt.date(2025, 1, 1), expires_on=dt.date(2028, 1, 1))


@pytest.fixture
def applicant(tenant):
    """A company whose project manager and guard are certified until `day` (returned)."""
    day = timezone.localdate()
    pm, guard = staff(tenant, "经理乙", post="经理"), staff(tenant, "保安乙")
    certify(pm, "manager", day, "WYGLS-2")
    guard_certificate = certify(guard, "operating", day, "SGZ-2")
    return tenant, day, guard, guard_certificate


def test_a_certificate_expiring_on_the_day_is_still_valid_and_the_application_goes_in(applicant):
    tenant, day, _guard, _certificate = applicant
    application = training.qualification_apply(actor=Actor(tenant.user("manager")), company=tenant.company,
                                                jurisdiction=tenant.district, applied_on=day)
    assert application.status == "pending"
    assert (application.staff_count, application.manager_certificates) == (2, 1)


def test_a_certificate_expired_the_day_before_refuses_the_application_and_names_the_holder(applicant):
    tenant, day, guard, certificate = applicant
    certificate.expires_on = day - dt.timedelta(days=1)
    certificate.issued_on = day - dt.timedelta(days=400)
    certificate.save()
    with pytest.raises(ValidationFailed) as refused:
        training.qualification_apply(actor=Actor(tenant.user("manager")), company=tenant.company,
                                     jurisdiction=tenant.district, applied_on=day)
    assert guard.name in str(refused.value.message)
    assert not QualificationApplication.objects.exists()


def test_a_community_whose_project_manager_lacks_the_manager_certificate_is_named(tenant):
    day = timezone.localdate()
    pm = staff(tenant, "经理丙", post="经理")
    certify(pm, "operating", dt.date(2030, 1, 1), "SGZ-3")  # a certificate, but not 物业管理师
    check = training.qualification_check(tenant.company, day)
    assert not check["ok"] and check["communities_without_manager"] == [tenant.community]
    assert (check["manager_certificates"], check["required"]) == (0, 1)


def test_only_the_companys_manager_applies_and_only_to_an_authority_above_it(applicant, tenants):
    tenant, day, _guard, _certificate = applicant
    other = tenants[1]
    with pytest.raises(PermissionDenied):
        training.qualification_apply(actor=Actor(tenant.user("guard")), company=tenant.company,
                                     jurisdiction=tenant.district)
    with pytest.raises(ValidationFailed) as refused:
        training.qualification_apply(actor=Actor(tenant.user("manager")), company=tenant.company,
                                     jurisdiction=other.district)
    assert "jurisdiction" in refused.value.fields


def test_the_company_applies_by_api_and_the_district_decides(applicant, tenants, api):
    tenant, _day, _guard, _certificate = applicant
    other = tenants[1]
    response = api(tenant.user("manager")).post("/api/v1/qualification-applications/", {
        "company": tenant.company.pk, "jurisdiction": tenant.district.pk}, format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert api(tenant.user("manager")).post(f"/api/v1/qualification-applications/{pk}/decide/",
                                            {"approve": True}, format="json").status_code == 403
    assert api(other.user("district_regulator")).post(f"/api/v1/qualification-applications/{pk}/decide/",
                                                      {"approve": True}, format="json").status_code == 404
    refused = api(tenant.user("district_regulator")).post(f"/api/v1/qualification-applications/{pk}/decide/",
                                                          {"approve": False}, format="json")
    assert refused.status_code == 400  # a refusal needs its reason
    decided = api(tenant.user("district_regulator")).post(f"/api/v1/qualification-applications/{pk}/decide/",
                                                          {"approve": True}, format="json")
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    assert api(tenant.user("district_regulator")).post(f"/api/v1/qualification-applications/{pk}/decide/",
                                                       {"approve": True}, format="json").status_code == 409


def test_the_company_page_shows_what_is_missing_then_applies(tenant, login):
    client = login(tenant.user("manager"))
    guard = staff(tenant, "保安丁")
    page = client.get("/oversight/my/qualification/").content.decode()
    assert 'data-check="missing"' in page and guard.name in page
    response = client.post("/oversight/my/qualification/", {"company": tenant.company.pk,
                                                             "jurisdiction": tenant.district.pk}, follow=True)
    assert "保安丁" in response.content.decode() and not QualificationApplication.objects.exists()
    certify(guard, "operating", dt.date(2030, 1, 1), "SGZ-4")
    certify(staff(tenant, "经理丁", post="经理"), "manager", dt.date(2030, 1, 1), "WYGLS-4")
    client.post("/oversight/my/qualification/", {"company": tenant.company.pk, "jurisdiction": tenant.district.pk})
    assert QualificationApplication.objects.get().company == tenant.company
    regulator = login(tenant.user("district_regulator"))
    application = QualificationApplication.objects.get()
    regulator.post(f"/oversight/j/{tenant.district.pk}/qualifications/", {
        "application": application.pk, "approve": "0", "notes": "材料不全"})
    application.refresh_from_db()
    assert application.status == "rejected" and application.decision_notes == "材料不全"


def test_the_regulators_training_page_records_attendance_by_staff_record(tenant, login):
    member = staff(tenant, "钱五")
    june = session(tenant, dt.date(YEAR, 6, 1))
    client = login(tenant.user("district_regulator"))
    page = client.get(f"/oversight/j/{tenant.district.pk}/training/").content.decode()
    assert "钱五" in page
    client.post(f"/oversight/j/{tenant.district.pk}/training/", {"step": "attendance", "session": june.pk,
                                                                  "staff": member.pk, "attended": "on"})
    assert TrainingAttendance.objects.get(session=june).staff == member
