"""The school's duties of 篇二: the parent consultation before a program starts (sent to the
guardians of its applicants, answered once, closed at the program's start, results per option),
safety education per class and staff meetings with minutes — services, pages, API and scoping."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from linli.afterschool.models import Consultation, ConsultationResponse, SafetyEducation, StaffMeeting
from linli.afterschool.selectors_duties import consultation_results, program_start
from linli.afterschool.services import duties
from linli.core.errors import Conflict, PermissionDenied, ValidationFailed
from tests.afterschool.world import build_school
from tests.afterschool.world_duties import QUESTIONS, consultation, next_program


def _answer(school, row, who, choices):
    questions = list(row.questions.all())
    return duties.consultation_answer(actor=school.actor(who), consultation=row,
                                      answers={q.pk: c for q, c in zip(questions, choices)})


def test_the_questionnaire_goes_to_the_applicants_guardians_by_text(school, django_capture_on_commit_callbacks):
    with mock.patch("linli.afterschool.services.duties.sms_send") as sms:
        with django_capture_on_commit_callbacks(execute=True):
            row = consultation(school)
    assert row.status == Consultation.Status.OPEN and row.recipients == 3  # two guardians and a co-guardian
    phones, body = sms.call_args.args
    assert sorted(phones) == sorted([school.guardians[1].phone, school.guardians[2].phone,
                                     school.guardians["co"].phone])
    assert "意见征询" in body


def test_it_closes_at_the_program_start_by_default_and_never_later(school):
    program = next_program(school)
    row = consultation(school, program=program, send=False)
    assert row.closes_at == program_start(program)
    with pytest.raises(ValidationFailed) as error:
        consultation(school, program=program, send=False, closes_at=program_start(program) + dt.timedelta(minutes=1))
    assert "closes_at" in error.value.fields


def test_a_program_already_started_cannot_be_consulted_on(school):
    with pytest.raises(ValidationFailed):
        consultation(school, program=school.program, send=False)


def test_results_count_each_option_with_its_share(school):
    row = consultation(school)
    _answer(school, row, "guardian1", [0, 0])
    _answer(school, row, "guardian2", [0, 1])
    _answer(school, row, "co_guardian", [2, 1])
    results = consultation_results(row)
    assert results["responses"] == 3 and str(results["rate"]) == "100.0"
    first, second = results["questions"]
    assert [(o["count"], str(o["percent"])) for o in first["options"]] == [(2, "66.7"), (0, "0.0"), (1, "33.3")]
    assert [o["count"] for o in second["options"]] == [1, 2]


def test_a_guardian_answers_once_and_every_question(school):
    row = consultation(school)
    with pytest.raises(ValidationFailed):
        _answer(school, row, "guardian1", [0])
    with pytest.raises(ValidationFailed):
        _answer(school, row, "guardian1", [3, 0])  # no fourth option
    assert not ConsultationResponse.objects.exists()
    _answer(school, row, "guardian1", [1, 0])
    with pytest.raises(Conflict):
        _answer(school, row, "guardian1", [0, 0])
    assert ConsultationResponse.objects.count() == 1


def test_answers_are_refused_after_the_close_and_before_sending(school):
    draft = consultation(school, send=False)
    with pytest.raises(ValidationFailed):
        _answer(school, draft, "guardian1", [0, 0])
    row = duties.consultation_send(actor=school.actor("admin"), consultation=draft)
    with mock.patch.object(timezone, "now", lambda: row.closes_at - dt.timedelta(seconds=1)):
        _answer(school, row, "guardian1", [0, 0])
    with mock.patch.object(timezone, "now", lambda: row.closes_at):
        with pytest.raises(ValidationFailed):
            _answer(school, row, "guardian2", [0, 0])


def test_a_guardian_without_an_applicant_cannot_answer(school):
    program = next_program(school)
    program.applications.filter(student=school.students[2]).update(status="withdrawn")
    row = consultation(school, program=program)
    assert row.recipients == 2
    with pytest.raises(PermissionDenied):
        _answer(school, row, "guardian2", [0, 0])


@pytest.mark.parametrize("who", ["teacher1", "duty", "guardian1"])
def test_only_the_admin_drafts_and_sends(school, who):
    program = next_program(school)
    with pytest.raises(PermissionDenied):
        duties.consultation_create(actor=school.actor(who), school=school.org, program=program, title="x",
                                   questions=QUESTIONS)


def test_questions_need_two_options(school):
    with pytest.raises(ValidationFailed):
        consultation(school, send=False, questions=[{"text": "只有一个选项", "options": ["是"]}])


def test_safety_education_attendance_is_at_most_the_class_size(school):
    admin = school.actor("admin")
    record = dict(actor=admin, school=school.org, school_class=school.classes[0], date=timezone.localdate(),
                  topic="防溺水", teacher=school.users["teacher1"])
    assert duties.safety_education_record(**record, attendance=1).attendance == 1
    with pytest.raises(ValidationFailed) as error:
        duties.safety_education_record(**record, attendance=2)
    assert "attendance" in error.value.fields
    with pytest.raises(ValidationFailed):
        duties.safety_education_record(**{**record, "date": timezone.localdate() + dt.timedelta(days=1)},
                                       attendance=1)
    with pytest.raises(PermissionDenied):
        duties.safety_education_record(**{**record, "actor": school.actor("teacher1")}, attendance=1)


def test_teachers_see_the_safety_education_of_their_own_class(school, login):
    admin = school.actor("admin")
    for cls, teacher in ((school.classes[0], "teacher1"), (school.classes[1], "teacher2")):
        duties.safety_education_record(actor=admin, school=school.org, school_class=cls, date=timezone.localdate(),
                                       topic=f"{cls.name}消防安全", teacher=school.users[teacher], attendance=1)
    page = login(school.users["teacher1"]).get(f"/school/s/{school.org.pk}/safety-education/").content.decode()
    assert "（1）班消防安全" in page and "（2）班消防安全" not in page
    assert "记录安全教育" not in page
    assert login(school.users["guardian1"]).get(f"/school/s/{school.org.pk}/safety-education/").status_code == 404


def test_safety_education_page_records_and_shows_a_clear_error(school, login):
    client = login(school.users["admin"])
    url = f"/school/s/{school.org.pk}/safety-education/"
    data = {"school_class": school.classes[0].pk, "date": timezone.localdate().isoformat(), "topic": "交通安全",
            "teacher": school.users["teacher1"].pk, "attendance": 5}
    refused = client.post(url, data)
    assert refused.status_code == 200 and "参加人数不能超过班级人数" in refused.content.decode()
    assert not SafetyEducation.objects.exists()
    assert client.post(url, {**data, "attendance": 1}).status_code == 302
    assert "交通安全" in client.get(url).content.decode()


def test_meeting_minutes_with_attendees_and_decisions(school, login):
    client = login(school.users["admin"])
    url = f"/school/s/{school.org.pk}/meetings/"
    data = {"kind": "working_group", "date": timezone.localdate().isoformat(), "title": "课后服务工作部署",
            "attendees": [school.users["admin"].pk, school.users["teacher1"].pk], "minutes": "传达精神，制定方案。",
            "decisions": "初一、初二周一至周五17:10-18:10\n集体放学"}
    assert client.post(url, data).status_code == 302
    meeting = StaffMeeting.objects.get()
    assert meeting.decisions == ["初一、初二周一至周五17:10-18:10", "集体放学"]
    assert set(meeting.attendees.all()) == {school.users["admin"], school.users["teacher1"]}
    assert "课后服务工作部署" in login(school.users["teacher1"]).get(url).content.decode()
    assert "课后服务工作部署" not in login(school.users["teacher2"]).get(url).content.decode()
    # Someone outside the school cannot attend.
    stranger = build_school("乙").users["teacher1"]
    with pytest.raises(ValidationFailed):
        duties.staff_meeting_record(actor=school.actor("admin"), school=school.org, date=timezone.localdate(),
                                    title="x", attendees=[stranger], minutes="y")


def test_consultation_pages_draft_send_answer_and_summarise(school, login):
    program = next_program(school)
    admin = login(school.users["admin"])
    created = admin.post(f"/school/s/{school.org.pk}/consultations/", {
        "program": program.pk, "title": "下学期课后服务征询", "questions": "希望的服务内容｜辅导作业｜兴趣社团｜阅读\n是否需要晚自习|需要|不需要"})
    row = Consultation.objects.get()
    assert created.status_code == 302 and row.questions.count() == 2
    assert admin.post(f"/school/consultations/{row.pk}/send/").status_code == 302
    guardian = login(school.users["guardian1"])
    assert "下学期课后服务征询" in guardian.get("/school/me/consultations/").content.decode()
    first, second = row.questions.all()
    missing = guardian.post(f"/school/me/consultations/{row.pk}/", {f"q{first.pk}": 1})
    assert missing.status_code == 200 and "请选择一项" in missing.content.decode()
    answered = guardian.post(f"/school/me/consultations/{row.pk}/", {f"q{first.pk}": 1, f"q{second.pk}": 0})
    assert answered.status_code == 302
    page = login(school.users["admin"]).get(f"/school/consultations/{row.pk}/").content.decode()
    assert "已收回 1 份 / 发出 3 份" in page and "100.0%" in page
    # Guardians answer only: the results page is not theirs.
    assert login(school.users["guardian2"]).get(f"/school/consultations/{row.pk}/").status_code == 404
    assert login(school.users["teacher1"]).get(f"/school/s/{school.org.pk}/consultations/").status_code == 403


def test_api_for_the_three_duties(school, api):
    program = next_program(school)
    admin = api(school.users["admin"])
    created = admin.post("/api/v1/consultations/", {"school": school.org.pk, "program": program.pk, "title": "API征询",
                                                     "questions": QUESTIONS}, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert admin.post(f"/api/v1/consultations/{pk}/send/").json()["recipients"] == 3
    guardian = api(school.users["guardian1"])
    questions = guardian.get(f"/api/v1/consultations/{pk}/").json()["questions"]
    answered = guardian.post(f"/api/v1/consultations/{pk}/answer/",
                             {"answers": {str(q["id"]): 1 for q in questions}}, format="json")
    assert answered.status_code == 201
    again = guardian.post(f"/api/v1/consultations/{pk}/answer/", {"answers": {str(q["id"]): 0 for q in questions}},
                          format="json")
    assert again.status_code == 409
    assert guardian.get(f"/api/v1/consultations/{pk}/results/").status_code == 404
    results = admin.get(f"/api/v1/consultations/{pk}/results/").json()
    assert results["questions"][0]["options"][1] == {"label": "兴趣与特长社团", "count": 1, "percent": "100.0"}
    lesson = admin.post("/api/v1/safety-education/", {
        "school": school.org.pk, "school_class": school.classes[1].pk, "date": timezone.localdate().isoformat(),
        "topic": "防欺凌", "teacher": school.users["teacher2"].pk, "attendance": 1}, format="json")
    assert lesson.status_code == 201, lesson.content
    assert api(school.users["teacher1"]).get("/api/v1/safety-education/").json()["results"] == []
    assert len(api(school.users["teacher2"]).get("/api/v1/safety-education/").json()["results"]) == 1
    meeting = admin.post("/api/v1/staff-meetings/", {
        "school": school.org.pk, "kind": "class_teachers", "date": timezone.localdate().isoformat(),
        "title": "班主任会议", "attendees": [school.users["teacher1"].pk], "minutes": "统计学生信息。",
        "decisions": ["发放联系电话表"]}, format="json")
    assert meeting.status_code == 201, meeting.content
    assert api(school.users["guardian1"]).get(f"/api/v1/staff-meetings/{meeting.json()['id']}/").status_code == 404


def test_another_schools_admin_finds_nothing(school, api):
    other = build_school("丙")
    row = consultation(school)
    client = api(other.users["admin"])
    assert client.get(f"/api/v1/consultations/{row.pk}/").status_code == 404
    assert client.get("/api/v1/consultations/").json()["results"] == []
    refused = client.post("/api/v1/consultations/", {"school": school.org.pk, "program": row.program_id, "title": "x",
                                                      "questions": QUESTIONS}, format="json")
    assert refused.status_code == 400
